"""Benchmark: one 100,000-row .xlsx of people, three ways, on PostgreSQL, side by side.

  (a) python-calamine alone reading the file (the floor: no validation, no database);
  (b) Boai's import of the `people` kind: every cell normalised and validated (GB 11643 ID numbers,
      mobiles, dates, organisations in scope), duplicates checked, ID number, mobile and address
      encrypted (SM4-GCM), blind indexes (HMAC-SM3), committed in one transaction;
  (c) django-import-export 4 (`use_bulk=True`) importing the same file into the same Person model with
      the same validation (its Resource calls the people kind's own parsers and `validate_row`) and the
      same protected columns.

Goals: b/a >= 0.30 and b/c >= 10. Run: `python bench/import_people.py [--rows N] [--skip-c]`.
The database `boai_bench_import` (or BENCH_DATABASE_URL) is dropped and recreated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boai_bench_import")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boai.config.settings")
os.environ.pop("REDIS_URL", None)  # tasks inline, local cache: nothing else on the clock

HEADER = ["姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "地址", "所属组织"]
REGIONS = ["320205", "320206", "320211", "320213", "320214", "320281", "320282"]  # Wuxi, in use today
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强永明海燕春梅"
ROADS = ["人民路", "中山路", "解放路", "学前街", "梁溪路", "太湖大道", "金城路", "蠡湖大道", "长江路", "清扬路"]


def recreate_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_tree() -> list[str]:
    """A city, 7 branches, 10 communities each: the codes people are spread over."""
    from boai.orgs import services
    from boai.orgs.models import Kind, Subtype

    city = services.org_create(actor=None, parent=None, name="无锡市红十字会", code="WX", kind=Kind.SOCIETY,
                               subtype=Subtype.CITY)
    codes = []
    for b in range(7):
        branch = services.org_create(actor=None, parent=city, name=f"第{b + 1}区红十字会", code=f"WX-B{b}",
                                     kind=Kind.BRANCH, subtype=Subtype.DISTRICT)
        for u in range(10):
            unit = services.org_create(actor=None, parent=branch, name=f"第{b + 1}区第{u + 1}社区红十字会",
                                       code=f"WX-B{b}-U{u}", kind=Kind.GRASSROOTS, subtype=Subtype.COMMUNITY)
            codes.append(unit.code)
    return codes


def resident_ids(n: int, rng: random.Random):
    """n distinct valid 18-digit resident ID numbers (region, birth date, sequence, check digit)."""
    from stdnum.cn import ric

    seen: set[str] = set()
    start = dt.date(1940, 1, 1).toordinal()
    span = dt.date(2006, 12, 31).toordinal() - start
    while len(seen) < n:
        born = dt.date.fromordinal(start + rng.randrange(span))
        body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in seen:
            seen.add(number)
            yield number, born, "男" if int(body[16]) % 2 else "女"


def generate(path: Path, n: int, codes: list[str], seed: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    sheet.append(HEADER)
    for i, (number, born, gender) in enumerate(resident_ids(n, rng)):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        mobile = f"1{rng.choice('3456789')}{i:09d}"
        address = f"江苏省无锡市{rng.choice(ROADS)}{rng.randrange(1, 999)}号{rng.randrange(1, 30)}栋"
        sheet.append([name, "居民身份证", number, gender, born.isoformat(), mobile, address, rng.choice(codes)])
    workbook.save(path)


def clear_people() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # DELETE, not TRUNCATE ... CASCADE: the cascade would reach append-only tables (the journal, the log),
        # whose triggers refuse a TRUNCATE; nothing references the benchmark's people.
        cursor.execute("DELETE FROM people_person")


def people_count() -> int:
    from boai.people.models import Person

    return Person.objects.count()


def bench_calamine(path: Path) -> tuple[float, int]:
    import python_calamine

    best, rows = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter()
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = len(workbook.get_sheet_by_index(0).to_python()) - 1
        best = min(best, time.perf_counter() - started)
    return best, rows


def bench_boai(path: Path, n: int) -> float:
    from boai.core import context
    from boai.core.tabular.engine import Mode, run_import
    from boai.core.tabular.spec import get_kind

    kind = get_kind("people")
    best = float("inf")
    for _ in range(2):
        clear_people()
        started = time.perf_counter()
        with context.use(context.RequestContext(channel="cli")):
            report = run_import(path.read_bytes(), path.name, kind, actor=None, mode=Mode.ALL)
        elapsed = time.perf_counter() - started
        if not report.committed or report.imported != n:
            raise SystemExit(f"Boai import failed: {report.file_error or report.issues[:5]}")
        assert people_count() == n
        best = min(best, elapsed)
    return best


def iex_resource():
    """A django-import-export Resource for Person with the same validation and the same protected columns.

    Cells go through the people kind's own parsers (after the same normalisation), the organisation
    through the kind's scope lookup, the row through `services.clean_person` (the rules the kind's
    `validate_row` applies); the blind indexes and masks are computed by the same `protect.derive`, and
    the encrypted fields encrypt themselves when django-import-export bulk-creates the instances.
    """
    from django.core.exceptions import ValidationError
    from import_export import resources

    from boai.core.tabular.cells import CellError, normalise
    from boai.core.tabular.spec import RowError, get_kind
    from boai.people import protect, services
    from boai.people.codes import IdType
    from boai.people.models import Person

    kind = get_kind("people")
    columns = [c for c in kind.columns if c.header in HEADER]

    class PersonResource(resources.ModelResource):
        class Meta:
            model = Person
            use_bulk = True
            batch_size = 1000
            force_init_instance = True  # every row is new: no lookup query per row
            skip_diff = True
            skip_html_diff = True
            fields = ("name",)
            import_id_fields = ()

        def before_import(self, dataset, **kwargs):
            self.ctx = kind.prepare(actor=None)

        def before_import_row(self, row, **kwargs):
            values = {c.key: None for c in kind.columns}
            try:
                for column in columns:
                    text = normalise(row.get(column.header))
                    values[column.key] = column.parse(text) if text else None
                org_id = kind._org(values["org"], self.ctx)
            except (CellError, RowError) as exc:
                raise ValidationError(str(exc)) from None
            self.person = services.clean_person(
                org_id=org_id, name=values["name"], id_type=values["id_type"] or IdType.RESIDENT,
                id_number=values["id_number"] or "", gender=values["gender"], birth_date=values["birth_date"],
                mobile=values["mobile"] or "", address=values["address"] or "", ethnicity=values["ethnicity"] or "")

        def import_instance(self, instance, row, **kwargs):
            p = self.person
            derived = protect.derive(id_number=p.id_number, mobile=p.mobile, id_blind=p.blind)
            instance.org_id, instance.name, instance.id_type, instance.gender = p.org_id, p.name, p.id_type, p.gender
            instance.birth_date, instance.ethnicity = p.birth_date, p.ethnicity
            instance.id_number, instance.mobile, instance.address = p.id_number, p.mobile, p.address  # encrypted on save
            instance.id_number_masked, instance.id_blind = derived.id_number_masked, derived.id_blind
            instance.mobile_masked, instance.mobile_blind = derived.mobile_masked, derived.mobile_blind

    return PersonResource


def bench_iex(path: Path, n: int) -> float:
    import tablib

    clear_people()
    resource = iex_resource()()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle, format="xlsx")
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, raise_errors=False,
                                  rollback_on_validation_errors=True)
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        bad = result.invalid_rows[:3] if result.has_validation_errors() else result.base_errors[:3]
        raise SystemExit(f"django-import-export failed: {bad}")
    assert people_count() == n, people_count()
    return elapsed


def machine() -> str:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (f"{os.cpu_count()} cores, {cpu}, {mem_kb / 1024 / 1024:.1f} GiB RAM, PostgreSQL {pg}, "
            f"Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-c", action="store_true", help="skip django-import-export (slow)")
    args = parser.parse_args()
    recreate_database()
    setup_django()
    codes = make_tree()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        started = time.perf_counter()
        generate(path, args.rows, codes, args.seed)
        print(f"generated {args.rows:,} people in {time.perf_counter() - started:.1f}s "
              f"({path.stat().st_size / 1024 / 1024:.1f} MB)")
        a_time, a_rows = bench_calamine(path)
        assert a_rows == args.rows
        b_time = bench_boai(path, args.rows)
        c_time = None if args.skip_c else bench_iex(path, args.rows)
    report(args.rows, a_time, b_time, c_time)


def report(n: int, a_time: float, b_time: float, c_time: float | None) -> None:
    a, b = n / a_time, n / b_time
    print()
    print(f"{'':44}{'seconds':>10}{'rows/s':>12}")
    print(f"{'(a) python-calamine, reading only':44}{a_time:>10.2f}{a:>12,.0f}")
    print(f"{'(b) Boai import: validate, encrypt, commit':44}{b_time:>10.2f}{b:>12,.0f}")
    if c_time is not None:
        c = n / c_time
        print(f"{'(c) django-import-export 4, use_bulk=True':44}{c_time:>10.2f}{c:>12,.0f}")
    print()
    print(f"b/a = {b / a:.2f}  (goal >= 0.30: {'met' if b / a >= 0.30 else 'NOT met'})")
    if c_time is not None:
        print(f"b/c = {b / c:.1f}  (goal >= 10: {'met' if b / c >= 10 else 'NOT met'})")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
