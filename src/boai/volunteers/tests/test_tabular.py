"""The volunteers, members and service-records kinds through the Excel engine."""

import pytest

from boai.core.tabular.engine import Mode, run_import
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import xlsx_bytes
from boai.testing.helpers import make_user
from boai.volunteers.models import Member, ServiceRecord, Volunteer
from boai.volunteers.testing import id_number, make_person, make_volunteer

pytestmark = pytest.mark.django_db


def run(kind, rows, actor):
    return run_import(xlsx_bytes(rows, text_columns=[2]), f"{kind}.xlsx", get_kind(kind), actor=actor, mode=Mode.ALL)


def test_volunteers_import_links_known_people_and_refuses_bad_files_whole(tree):
    officer = make_user(tree.branch_a, "volunteers_officer")
    known = make_person(tree.unit_b, "郑八", id_number=id_number())
    a = id_number()
    header = ["姓名", "证件类型", "证件号码", "手机号码", "所属组织", "技能"]
    bad = run("volunteers", [header, ["吴九", "居民身份证", a, "13900000001", tree.unit_a.code, "驾驶、飞行"],
                             ["冯十", "", a, "", tree.unit_b.code, ""]], officer)
    assert not bad.committed and not Volunteer.objects.exists()
    assert {i.column for i in bad.issues} >= {"技能", "所属组织"}  # a skill it does not know; another branch
    header.append("救护员证编号")
    good = run("volunteers", [header, ["吴九", "居民身份证", a, "13900000001", tree.unit_a.code, "驾驶、持证救护员",
                                       "JH2026001"],
                              ["郑八", "", known.id_number, "", tree.unit_a.code, "", ""]], officer)
    assert good.committed and good.imported == 2, good.file_error
    assert Volunteer.objects.get(person=known).org == tree.unit_a
    wu = Volunteer.objects.get(person__name="吴九")
    assert wu.registered_via == "import" and wu.skills == ",first_aid,driving,"


def test_members_and_records_import(tree):
    officer = make_user(tree.branch_a, "volunteers_officer")
    report = run("members", [["姓名", "证件类型", "证件号码", "所属组织", "入会日期", "会籍年限"],
                             ["陈一", "", id_number(), tree.unit_a.code, "2026-01-05", 2]], officer)
    assert report.committed, report.file_error
    assert Member.objects.get().term_end.year == 2028
    volunteer = make_volunteer(tree.unit_a, name="林二")
    report = run("volunteer_records", [["姓名", "证件类型", "证件号码", "所属组织", "服务开始时间", "服务结束时间",
                                        "服务内容"],
                                       ["林二", "", volunteer.person.id_number, tree.unit_a.code, "2026-03-01 09:00",
                                        "2026-03-01 12:00", "敬老院陪伴"]], officer)
    assert report.committed, report.file_error
    record = ServiceRecord.objects.get()
    assert record.status == "recorded" and record.hours == 3


def test_exports_are_scoped_and_masked(tree):
    officer = make_user(tree.branch_a, "volunteers_officer")
    mine, theirs = make_volunteer(tree.unit_a), make_volunteer(tree.unit_b)
    rows = [get_kind("volunteers").export_row(v) for v in get_kind("volunteers").export_queryset(actor=officer)]
    assert [r[0] for r in rows] == [mine.person.name] and rows[0][2] == mine.person.id_number_masked
    assert theirs.person.name not in str(rows)
