"""Seed people: `demo` (a few hundred, for trying things out) and `city` (1,000,000 people for a
city of 7.5 million). Reproducible from the preset's random seed; written with one bulk operation
(COPY on PostgreSQL), encryption and blind indexes included.

Synthetic resident ID numbers are valid GB 11643 numbers with Wuxi address codes: the code a person
gets is one of their district's codes in use when the number was issued (the birth year, or 1985
for people born earlier, when the first cards came), so they pass the registry's own validation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone
from stdnum.cn import ric

from boai.core.seeding import SeedContext, seeder
from boai.orgs.models import Kind, Org, Subtype
from boai.people.codes import ETHNICITY_TABLE, Gender, IdType
from boai.people.identity import region_in_use
from boai.people.models import Person
from boai.people.services import PersonRow, copy_text, person_bulk_create, person_bulk_load

DEMO_PEOPLE = 400
CITY_PEOPLE = 1_000_000
CHUNK_ROWS = 25_000

# branch division code → (share of the city's population, its address codes, newest first)
BRANCH_CODES = {
    "320213": (0.148, ("320213", "320202", "320203", "320204")),
    "320205": (0.095, ("320205", "320283", "320222")),
    "320206": (0.093, ("320206", "320283", "320222")),
    "320211": (0.093, ("320211", "320212")),
    "320214": (0.100, ("320214", "320211", "320202")),
    "320281": (0.237, ("320281", "320221")),
    "320282": (0.234, ("320282", "320223")),
}
DISTRICT_NAMES = {"320213": "梁溪区", "320205": "锡山区", "320206": "惠山区", "320211": "滨湖区", "320214": "新吴区",
                  "320281": "江阴市", "320282": "宜兴市"}
ROADS = ("人民路", "解放路", "中山路", "学前街", "梁溪路", "太湖大道", "金城路", "运河东路", "清扬路", "湖滨路",
         "长江路", "锡沪路", "人民东路", "澄江中路", "阳羡路", "团结路", "健康路", "兴源路", "钱胡路", "蠡湖大道")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣建国志文博晨阳峰亮成东海兵"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英萍红玉兰琳婷雪慧颖洁佳倩梅琴云莉燕丹蓉薇欣怡萱晴瑶璐悦楠馨彤"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
                   "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "186", "187", "188", "189",
                   "191", "198", "199")
OTHER_ETHNICITIES = tuple(code for code, _zh, _en in ETHNICITY_TABLE if code not in ("01", "97", "98"))
FIRST_CARDS = 1985
EPOCH = dt.date(1935, 1, 1).toordinal()
SEED_TODAY = dt.date(2025, 12, 31)  # fixed, so a preset gives the same people whenever it is loaded


@dataclass(frozen=True)
class Unit:
    org_id: int
    branch: str  # division code of its branch


@functools.lru_cache(maxsize=32)
def _codes_by_year(branch: str, until: int) -> dict[int, tuple[str, ...]]:
    """For each birth year, the branch's address codes in use when that person's number was issued."""
    table = {}
    codes = BRANCH_CODES[branch][1]
    for year in range(1935, until + 1):
        issued = max(year, FIRST_CARDS)
        table[year] = tuple(c for c in codes if region_in_use(c, issued)) or (codes[0],)
    return table


class PersonFactory:
    """Draws synthetic people from one random generator.

    Numbers are unique within a factory (a set of the drawn ones) and across factories: factory
    `residue` of `stride` only uses sequence numbers 1 + residue + k·stride, so chunks generated
    independently (in parallel) never collide. An odd stride keeps both parities, i.e. both genders.
    """

    def __init__(self, rng: random.Random, today: dt.date, *, residue: int = 0, stride: int = 1):
        self.rng = rng
        self.today = today
        self.span = today.toordinal() - EPOCH
        self.codes = {b: _codes_by_year(b, today.year) for b in BRANCH_CODES}
        self.seen: set[int] = set()
        self.residue, self.stride = residue, stride
        self.sequences = (998 - residue) // stride + 1

    def id_number(self, branch: str) -> tuple[str, dt.date, str]:
        rng = self.rng
        while True:
            born = dt.date.fromordinal(EPOCH + int(self.span * rng.random() ** 0.8))
            region = rng.choice(self.codes[branch][born.year])
            seq = 1 + self.residue + self.stride * rng.randrange(self.sequences)
            key = (int(region) * 100_000_000 + born.year * 10_000 + born.month * 100 + born.day) * 1000 + seq
            if key not in self.seen:
                self.seen.add(key)
                break
        body = f"{region}{born:%Y%m%d}{seq:03d}"
        gender = Gender.MALE if seq % 2 else Gender.FEMALE
        return body + ric.calc_check_digit(body + "0"), born, gender

    def name(self, gender: str) -> str:
        rng = self.rng
        pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        rng = self.rng
        return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}" if rng.random() < 0.85 else ""

    def address(self, branch: str) -> str:
        rng = self.rng
        if rng.random() >= 0.7:
            return ""
        return (f"江苏省无锡市{DISTRICT_NAMES[branch]}{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
                f"{rng.randrange(1, 40)}栋{rng.randrange(1, 30)}0{rng.randrange(1, 6)}室")

    def person(self, unit: Unit) -> PersonRow:
        number, born, gender = self.id_number(unit.branch)
        ethnicity = "01" if self.rng.random() < 0.985 else self.rng.choice(OTHER_ETHNICITIES)
        return PersonRow(org_id=unit.org_id, name=self.name(gender), id_type=IdType.RESIDENT, id_number=number,
                         gender=gender, birth_date=born, mobile=self.mobile(), address=self.address(unit.branch),
                         ethnicity=ethnicity)

    def foreign_passport_holder(self, unit: Unit, n: int) -> PersonRow:
        """A few people with other documents, so lists and filters show them too."""
        kind = (IdType.PASSPORT, IdType.HK_MACAO_PERMIT, IdType.TAIWAN_PERMIT)[n % 3]
        number = {IdType.PASSPORT: f"E{70_000_000 + n:08d}", IdType.HK_MACAO_PERMIT: f"H{60_000_000 + n:08d}",
                  IdType.TAIWAN_PERMIT: f"{50_000_000 + n:08d}"}[kind]
        gender = self.rng.choice((Gender.MALE, Gender.FEMALE))
        born = dt.date.fromordinal(EPOCH + self.rng.randrange(self.span))
        return PersonRow(org_id=unit.org_id, name=self.name(gender), id_type=kind, id_number=number, gender=gender,
                         birth_date=born, mobile=self.mobile(), address="")


def units_by_branch() -> dict[str, list[Unit]]:
    """Where people are registered: communities and institutions (leaf grassroots units) of each branch."""
    branches = {o.path: o.division_code for o in Org.objects.filter(kind=Kind.BRANCH, division_code__in=BRANCH_CODES)}
    leaves = Org.objects.filter(kind=Kind.GRASSROOTS).exclude(subtype__in=[Subtype.STREET, Subtype.TOWN],
                                                              numchild__gt=0)
    out: dict[str, list[Unit]] = {code: [] for code in branches.values()}
    for org_id, path in leaves.values_list("id", "path").order_by("path"):
        code = branches.get(path[: 2 * Org.steplen])
        if code:
            out[code].append(Unit(org_id, code))
    return {code: units for code, units in out.items() if units}


@dataclass(frozen=True)
class Chunk:
    """A slice of the preset, generated from its own seed: the same people however many processes."""

    index: int
    start: int  # position of its first person in the whole preset
    size: int
    seed: int
    stride: int


def plan(rng: random.Random, count: int) -> list[Chunk]:
    chunks = max(1, -(-count // CHUNK_ROWS))
    stride = chunks if chunks % 2 else chunks + 1
    return [Chunk(i, i * CHUNK_ROWS, min(CHUNK_ROWS, count - i * CHUNK_ROWS), rng.getrandbits(64), stride)
            for i in range(chunks)]


def chunk_rows(chunk: Chunk, units: dict[str, list[Unit]], others: int) -> Iterator[PersonRow]:
    """The chunk's people; the first `others` people of the preset hold a passport or a permit."""
    rng = random.Random(chunk.seed)  # reproducible synthetic data, not secrets  # nosec B311
    factory = PersonFactory(rng, SEED_TODAY, residue=chunk.index, stride=chunk.stride)
    branches = list(units)
    weights = [BRANCH_CODES[b][0] for b in branches]
    for n, branch in enumerate(rng.choices(branches, weights=weights, k=chunk.size), start=chunk.start):
        unit = rng.choice(units[branch])
        yield factory.foreign_passport_holder(unit, n) if n < others else factory.person(unit)


def generate(rng: random.Random, count: int) -> Iterator[PersonRow]:
    """The preset's people in order, in this process (the units are read before the first row)."""
    units = units_by_branch()
    others = max(1, count // 300)  # about 0.3% hold another document
    return (row for chunk in plan(rng, count) for row in chunk_rows(chunk, units, others))


_units: dict[str, list[Unit]] = {}  # set in the parent before forking; inherited by the workers


def _encode(job: tuple[Chunk, int, dt.datetime]) -> tuple[bytes, dict[int, int]]:
    chunk, others, now = job
    return copy_text(chunk_rows(chunk, _units, others), now)


def encoded_chunks(chunks: list[Chunk], units: dict[str, list[Unit]], others: int, *,
                   workers: int) -> Iterator[tuple[bytes, dict[int, int]]]:
    """Chunks generated, sealed and COPY-encoded by `workers` forked processes, yielded in order with at
    most two per worker in flight. The workers only compute: they never touch the parent's database
    connection (they inherit it and leave through os._exit, which closes nothing)."""
    global _units
    now = timezone.now()
    jobs = [(chunk, others, now) for chunk in chunks]
    if workers < 2 or len(chunks) < 2:
        _units = units
        yield from map(_encode, jobs)
        return
    _units = units
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: deque = deque()
        for job in jobs:
            pending.append(pool.apply_async(_encode, (job,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        pool.terminate()
        _units = {}


@contextlib.contextmanager
def indexes_built_after():
    """On an empty PostgreSQL table, drop the secondary indexes for the load and build them after it:
    one sorted build per index instead of a million random B-tree inserts. The definitions come from
    the model (Meta.indexes and the unique constraint), so they cannot drift from the migrations."""
    timings: dict[str, float] = {}
    if connection.vendor != "postgresql" or Person.objects.exists():
        yield timings
        return
    unique = [c for c in Person._meta.constraints if isinstance(c, models.UniqueConstraint)]
    with transaction.atomic(), connection.schema_editor() as editor:
        editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no queue of a million deferred FK checks
        for index in Person._meta.indexes:
            editor.remove_index(Person, index)
        for constraint in unique:
            editor.remove_constraint(Person, constraint)
        yield timings
        started = time.perf_counter()
        for index in Person._meta.indexes:
            editor.add_index(Person, index)
        for constraint in unique:
            editor.add_constraint(Person, constraint)
        timings["indexes built"] = time.perf_counter() - started


def analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL guesses that a subtree
    holds one unit and a blind index matches thousands of rows, and picks plans 50x too slow."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Person._meta.db_table}")
            cursor.execute(f"ANALYZE {Org._meta.db_table}")


def seed_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@seeder("people", order=30)
def seed_people(ctx: SeedContext) -> None:
    """PostgreSQL: chunks built on every core and streamed by COPY; elsewhere row by row in-process."""
    count = CITY_PEOPLE if ctx.is_city else DEMO_PEOPLE
    units, chunks, others = units_by_branch(), plan(ctx.rng, count), max(1, count // 300)
    source, started = f"seed:{ctx.preset}", time.perf_counter()
    if connection.vendor == "postgresql":
        with indexes_built_after() as timings:
            n = person_bulk_load(actor=None, chunks=encoded_chunks(chunks, units, others, workers=seed_workers()),
                                 source=source)
            timings["loaded"] = time.perf_counter() - started
    else:
        rows = (row for chunk in chunks for row in chunk_rows(chunk, units, others))
        n = person_bulk_create(actor=None, rows=rows, source=source, check_duplicates=False)
        timings = {"loaded": time.perf_counter() - started}
    analyze()
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
    ctx.out(f"people: {n} ({steps}, analysed {time.perf_counter() - started:.1f}s)")
