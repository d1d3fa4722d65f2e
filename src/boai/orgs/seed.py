"""The demo city: Wuxi (无锡市, GB/T 2260 code 320200), about 7.5 million people, with its real
districts and county-level cities and a sample of its real sub-districts and towns."""

from __future__ import annotations

from boai.core.seeding import SeedContext, seeder
from boai.orgs.models import Kind, Org, Subtype

CITY = ("无锡市红十字会", "320200", "无锡市梁溪区解放南路", (31.5689, 120.2991))

# branch name, division code, subtype, centre (lat, lng), real sub-districts/towns
BRANCHES = [
    ("梁溪区红十字会", "320213", Subtype.DISTRICT, (31.5750, 120.2960),
     ["崇安寺街道", "南禅寺街道", "江海街道", "广益街道", "清名桥街道", "惠山街道", "黄巷街道", "山北街道"]),
    ("锡山区红十字会", "320205", Subtype.DISTRICT, (31.5886, 120.3573),
     ["东亭街道", "安镇街道", "东北塘街道", "云林街道", "厚桥街道", "东港镇", "锡北镇", "鹅湖镇"]),
    ("惠山区红十字会", "320206", Subtype.DISTRICT, (31.6810, 120.2980),
     ["堰桥街道", "长安街道", "钱桥街道", "前洲街道", "玉祁街道", "洛社镇", "阳山镇"]),
    ("滨湖区红十字会", "320211", Subtype.DISTRICT, (31.5270, 120.2840),
     ["河埒街道", "荣巷街道", "蠡园街道", "蠡湖街道", "华庄街道", "太湖街道", "雪浪街道", "马山街道", "胡埭镇"]),
    ("新吴区红十字会", "320214", Subtype.DISTRICT, (31.5500, 120.3520),
     ["旺庄街道", "江溪街道", "硕放街道", "梅村街道", "鸿山街道", "新安街道"]),
    ("江阴市红十字会", "320281", Subtype.COUNTY_CITY, (31.9200, 120.2850),
     ["澄江街道", "南闸街道", "云亭街道", "城东街道", "周庄镇", "华士镇", "新桥镇", "徐霞客镇", "青阳镇", "月城镇"]),
    ("宜兴市红十字会", "320282", Subtype.COUNTY_CITY, (31.3400, 119.8230),
     ["宜城街道", "屺亭街道", "新街街道", "新庄街道", "丁蜀镇", "和桥镇", "张渚镇", "周铁镇", "官林镇"]),
]

# (branch division code, name, subtype) grassroots units other than sub-districts
INSTITUTIONS = [
    ("320213", "无锡市人民医院红十字会", Subtype.HOSPITAL),
    ("320211", "江南大学红十字会", Subtype.SCHOOL),
    ("320214", "无锡职业技术学院红十字会", Subtype.SCHOOL),
    ("320213", "无锡市第一中学红十字会", Subtype.SCHOOL),
    ("320214", "无锡新区某电子企业红十字会", Subtype.ENTERPRISE),
    ("320281", "江阴市人民医院红十字会", Subtype.HOSPITAL),
    ("320282", "宜兴市人民医院红十字会", Subtype.HOSPITAL),
]

# (branch division code, name, subtype, parent hint) sites
SITES = [
    ("320211", "鼋头渚景区红十字救护站", Subtype.SCENIC_STATION, "太湖街道"),
    ("320213", "无锡市红十字应急救护培训基地", Subtype.TRAINING_BASE, "崇安寺街道"),
    ("320213", "无锡市红十字备灾仓库", Subtype.WAREHOUSE, "广益街道"),
    ("320205", "东亭街道博爱家园", Subtype.BOAI_HOME, "东亭街道"),
    ("320213", "南禅寺街道博爱家园", Subtype.BOAI_HOME, "南禅寺街道"),
    ("320282", "丁蜀镇博爱家园", Subtype.BOAI_HOME, "丁蜀镇"),
    ("320281", "澄江街道博爱家园", Subtype.BOAI_HOME, "澄江街道"),
    ("320211", "江南大学红十字示范校", Subtype.DEMO_SCHOOL, "河埒街道"),
]


class TreeBuilder:
    """Builds a tree in memory with treebeard-compatible paths, then writes it in one bulk insert."""

    def __init__(self):
        self.nodes: list[Org] = []
        self._children: dict[str, int] = {}

    def add(self, parent: Org | None, **fields) -> Org:
        base = parent.path if parent else ""
        n = self._children.get(base, 0) + 1
        self._children[base] = n
        org = Org(path=base + _step(n), depth=(parent.depth + 1) if parent else 1, numchild=0, **fields)
        if parent:
            parent.numchild += 1
        self.nodes.append(org)
        return org

    def save(self) -> list[Org]:
        Org.objects.bulk_create(self.nodes, batch_size=2000)
        return self.nodes


def _step(n: int) -> str:
    alphabet = Org.alphabet
    out = ""
    for _ in range(Org.steplen):
        n, r = divmod(n, len(alphabet))
        out = alphabet[r] + out
    return out


def _jitter(ctx: SeedContext, centre: tuple[float, float], spread: float = 0.06) -> dict:
    lat, lng = centre
    return {"latitude": round(lat + ctx.rng.uniform(-spread, spread), 6),
            "longitude": round(lng + ctx.rng.uniform(-spread, spread), 6)}


def build_tree(ctx: SeedContext) -> dict[str, Org]:
    tree = TreeBuilder()
    name, code, address, centre = CITY
    city = tree.add(None, name=name, short_name="市红十字会", code=code, kind=Kind.SOCIETY, subtype=Subtype.CITY,
                    division_code=code, address=address, phone="0510-82700000",
                    latitude=centre[0], longitude=centre[1])
    index: dict[str, Org] = {"city": city}
    communities_per_street = 12 if ctx.is_city else 2
    for bname, bcode, subtype, bcentre, streets in BRANCHES:
        branch = tree.add(city, name=bname, short_name=bname.removesuffix("红十字会"), code=bcode, kind=Kind.BRANCH,
                          subtype=subtype, division_code=bcode, **_jitter(ctx, bcentre, 0.005))
        index[bcode] = branch
        for i, street in enumerate(streets, start=1):
            st = Subtype.TOWN if street.endswith("镇") else Subtype.STREET
            unit = tree.add(branch, name=f"{street}红十字会", short_name=street, code=f"{bcode}-{i:03d}",
                            kind=Kind.GRASSROOTS, subtype=st, **_jitter(ctx, bcentre))
            index[street] = unit
            for c in range(1, communities_per_street + 1):
                tree.add(unit, name=f"{street}第{c}社区红十字会", short_name=f"{street}第{c}社区",
                         code=f"{bcode}-{i:03d}-{c:02d}", kind=Kind.GRASSROOTS, subtype=Subtype.COMMUNITY,
                         **_jitter(ctx, bcentre))
    for n, (bcode, iname, st) in enumerate(INSTITUTIONS, start=1):
        index[iname] = tree.add(index[bcode], name=iname, code=f"{bcode}-9{n:02d}", kind=Kind.GRASSROOTS,
                                subtype=st, **_jitter(ctx, BRANCH_CENTRES[bcode]))
    for n, (bcode, sname, st, hint) in enumerate(SITES, start=1):
        index[sname] = tree.add(index[hint], name=sname, code=f"{bcode}-S{n:02d}", kind=Kind.SITE, subtype=st,
                                **_jitter(ctx, BRANCH_CENTRES[bcode], 0.02))
    tree.save()
    saved = {o.code: o for o in Org.objects.all()}
    return {key: saved[o.code] for key, o in index.items()}


BRANCH_CENTRES = {code: centre for _, code, _, centre, _ in BRANCHES}


@seeder("orgs", order=10)
def seed_orgs(ctx: SeedContext) -> None:
    ctx.data["orgs"] = build_tree(ctx)
    ctx.out(f"organisations: {Org.objects.count()}")
