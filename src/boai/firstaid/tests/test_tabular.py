import csv
import io

from boai.core.tabular.engine import run_import
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes
from boai.firstaid.models import AED, Enrolment
from boai.firstaid.tests import factories as f
from boai.people.models import Person

HEADER = ["设备编号", "位置名称", "责任单位代码", "纬度", "经度", "地址", "场所类型", "开放时间", "状态", "电池有效期"]


def test_aed_import_all_or_nothing_with_precise_errors(tree, user_factory):
    officer = user_factory(tree.branch_a, "firstaid_officer")
    good = ["WX-1", "图书馆", tree.unit_a.code, "31.57", "120.30", "学前街1号", "社区", "Mo-Su 09:00-21:00; PH off",
            "在用", "2027-01-01"]
    bad_hours = ["WX-2", "体育馆", tree.unit_a.code, "31.58", "120.31", "体育路", "体育场馆", "Mo-Fx 9-5", "", ""]
    other_branch = ["WX-3", "车站", tree.unit_b.code, "31.59", "120.32", "车站路", "地铁站", "24/7", "", ""]
    report = run_import(xlsx_bytes([HEADER, good, bad_hours, other_branch]), "aeds.xlsx", get_kind("aeds"),
                        actor=officer)
    assert not report.committed and AED.objects.count() == 0
    problems = {i.column: i.reason for i in report.issues}
    assert set(problems) == {"开放时间", "责任单位代码"}, report.issues
    assert "4" in problems["开放时间"]  # the character where the syntax breaks
    report = run_import(xlsx_bytes([HEADER, good]), "aeds.xlsx", get_kind("aeds"), actor=officer)
    assert report.imported == 1
    aed = AED.objects.get(code="WX-1")
    assert aed.cell and aed.opening_hours == "Mo-Su 09:00-21:00; PH off" and aed.org == tree.unit_a


def test_schema_dae_csv_round_trip(tree):
    f.make_aed(tree.unit_a, code="DAE-1", child_pads=True, indoor=False)
    kind = get_kind("aeds_dae")
    header = [c.header for c in kind.export_columns()]
    rows = [kind.export_row(a) for a in kind.export_queryset(actor=None)]
    assert "c_nom" in header and "c_lat_coor1" in header and "c_etat_fonct" in header
    row = dict(zip(header, rows[0], strict=True))
    assert row["c_etat_fonct"] == "En fonctionnement" and row["c_acc"] == "Extérieur"
    AED.objects.all().delete()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(["" if v is None else v for v in rows[0]])
    report = run_import(out.getvalue().encode(), "dae.csv", get_kind("aeds"), actor=None)
    assert report.imported == 1, [i.reason for i in report.issues] or report.file_error
    again = AED.objects.get(code="DAE-1")
    assert again.indoor is False and again.child_pads is True and again.status == "in_service"


def test_bulk_enrolment_registers_new_people_and_checks_capacity(tree, user_factory):
    officer = user_factory(tree.branch_a, "firstaid_officer")
    session = f.make_session(tree.unit_a, capacity=2)
    known = f.make_person(tree.unit_a, name="周知")
    header = ["期次编号", "姓名", "证件号码", "手机号码", "工作单位或学校"]
    rows = [header, [session.code, "周知", known.id_number, "", "一中"],
            [session.code, "吴新", f.resident_id(801), "13900008011", "一中"],
            [session.code, "郑多", f.resident_id(802), "", "一中"]]
    report = run_import(xlsx_bytes(rows, text_columns=[2]), "enrol.xlsx", get_kind("firstaid_enrolments"),
                        actor=officer)
    assert not report.committed and any("full" in i.reason or "满" in i.reason for i in report.issues)
    report = run_import(xlsx_bytes(rows[:3], text_columns=[2]), "enrol.xlsx", get_kind("firstaid_enrolments"),
                        actor=officer)
    assert report.imported == 2
    assert Enrolment.objects.filter(session=session, source="bulk").count() == 2
    assert Person.objects.filter(name="吴新").count() == 1 and Person.objects.filter(name="周知").count() == 1


def test_bulk_enrolment_refuses_other_branch_sessions(tree, user_factory):
    officer = user_factory(tree.branch_a, "firstaid_officer")
    session = f.make_session(tree.unit_b)
    rows = [["期次编号", "姓名", "证件号码"], [session.code, "冯外", f.resident_id(901)]]
    report = run_import(xlsx_bytes(rows, text_columns=[2]), "enrol.xlsx", get_kind("firstaid_enrolments"),
                        actor=officer)
    assert not report.committed and report.issues
