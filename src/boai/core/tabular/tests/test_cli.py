"""`boai import` and `boai export`: exit codes, messages in the shell's language, scope and audit."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from boai.core.models import AuditEntry
from boai.core.tabular.testing import orgs_sheet, xlsx_bytes
from boai.orgs.models import Org


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")


def boai_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def bad_file(tmp_path, tree):
    path = tmp_path / "units.xlsx"
    path.write_bytes(orgs_sheet(tree.unit_a.code, prefix="CLI"))
    return path


def test_check_only_exits_1_and_prints_each_bad_row(bad_file, english):
    code, out, err = boai_import("orgs", str(bad_file))
    assert code == 1
    assert "Row 4, 名称: This column is required." in out
    assert "Row 4, 代码: Use 2–32 upper-case letters, digits or hyphens." in out
    assert "Row 4, 行政区划代码:" in out
    assert "3 rows, 2 valid, 1 with errors, 0 imported" in err
    assert not Org.objects.filter(code__startswith="CLI-").exists()


def test_messages_are_chinese_by_default(bad_file, monkeypatch):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    code, out, err = boai_import("orgs", str(bad_file))
    assert code == 1
    assert "第 4 行，名称：此项必填。" in out
    assert "有错误 1 行" in err


def test_commit_refuses_a_file_with_bad_rows(bad_file, english):
    code, _out, _err = boai_import("orgs", str(bad_file), "--commit")
    assert code == 1
    assert not Org.objects.filter(code__startswith="CLI-").exists()
    record = AuditEntry.objects.get(action="orgs.import")
    assert record.channel == "cli" and record.actor_id is None and record.after["committed"] is False


def test_commit_valid_only_imports_the_good_rows_and_still_exits_1(bad_file, english, tmp_path):
    errors = tmp_path / "errors.xlsx"
    code, out, _err = boai_import("orgs", str(bad_file), "--commit", "--valid-only", "--errors", str(errors))
    assert code == 1
    assert set(Org.objects.filter(code__startswith="CLI-").values_list("code", flat=True)) == {"CLI-1", "CLI-2"}
    rows = list(load_workbook(errors).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "bad code"  # only the skipped row comes back
    record = AuditEntry.objects.get(action="orgs.import")
    assert record.channel == "cli" and record.after["imported"] == 2 and record.after["invalid"] == 1


def test_a_clean_file_commits_and_exits_0(tmp_path, tree, english):
    path = tmp_path / "units.csv"
    path.write_bytes(f"名称,代码,类型,上级代码\r\n新单位,OK-1,社区红十字会,{tree.unit_b.code}\r\n".encode("gb18030"))
    code, out, _err = boai_import("orgs", str(path), "--commit")
    assert code == 0 and "read as GB18030" in out
    assert Org.objects.get(code="OK-1").get_parent() == tree.unit_b


def test_user_scope_applies(tmp_path, tree, branch_admin, english):
    path = tmp_path / "units.xlsx"
    header = ["名称", "代码", "类型", "上级代码"]
    path.write_bytes(xlsx_bytes([header, ["乙", "SC-1", "社区红十字会", tree.unit_b.code]]))
    code, out, _err = boai_import("orgs", str(path), "--commit", "--user", branch_admin.username)
    assert code == 1 and "in your scope" in out
    path.write_bytes(xlsx_bytes([header, ["甲", "SC-2", "社区红十字会", tree.unit_a.code]]))
    assert boai_import("orgs", str(path), "--commit", "--user", branch_admin.username)[0] == 0
    record = AuditEntry.objects.filter(action="orgs.import").latest("id")
    assert record.actor_id == branch_admin.pk and record.channel == "cli"


def test_usage_errors(tmp_path, tree, user_factory, english):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"not a workbook")
    assert boai_import("orgs", str(path))[0] == 2  # unreadable file: exit 2 with the reason
    assert "not an Excel workbook" in boai_import("orgs", str(path))[2]
    assert boai_import("orgs", str(tmp_path / "missing.xlsx"))[0] == 2
    with pytest.raises(CommandError, match="unknown kind 'nope'"):
        call_command("import", "nope", str(path))
    with pytest.raises(CommandError, match="--valid-only"):
        call_command("import", "orgs", str(path), "--valid-only")
    officer = user_factory(tree.branch_a, "volunteers_officer")
    with pytest.raises(CommandError, match="lacks the permission orgs.import"):
        call_command("import", "orgs", str(path), "--user", officer.username)


def test_export_writes_the_scoped_sheet_and_audits(tmp_path, tree, branch_admin, english):
    target = tmp_path / "orgs.xlsx"
    call_command("export", "orgs", str(target), "--user", branch_admin.username, stdout=io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "代码", "类型", "上级代码")
    codes = {row[1] for row in rows[1:]}
    assert {tree.branch_a.code, tree.unit_a.code, tree.site_a.code} <= codes
    assert tree.unit_b.code not in codes and tree.city.code not in codes
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code[tree.unit_a.code][3] == tree.branch_a.code  # parent code, so the sheet can be re-imported
    record = AuditEntry.objects.get(action="orgs.export")
    assert record.channel == "cli" and record.after["rows"] == len(rows) - 1
    call_command("export", "orgs", str(target), stdout=io.StringIO())  # the system: city-wide
    assert tree.unit_b.code in {row[1] for row in load_workbook(target).active.iter_rows(values_only=True)}
