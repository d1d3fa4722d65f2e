"""The import pages: upload, result, error sheet, valid-only, limits, background jobs, template, export."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from boai.core.models import AuditEntry, ImportJob
from boai.core.tabular import storage
from boai.core.tabular.testing import make_job, orgs_sheet, xlsx_bytes
from boai.orgs.models import Org

URL = reverse("tabular:import", kwargs={"kind": "orgs"})


@pytest.fixture
def admin_client(client, branch_admin, settings, tmp_path):
    from boai.testing.helpers import login

    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    login(client, branch_admin)
    with translation.override("en"):
        yield client


def upload(client, data, name="units.xlsx", mode="all"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), "mode": mode})


def test_page_offers_template_upload_and_recent_jobs(admin_client):
    html = admin_client.get(URL).content.decode()
    assert reverse("tabular:template", kwargs={"kind": "orgs"}) in html
    assert 'type="file"' in html and "Import the valid rows, skip the invalid ones" in html
    assert "You have not imported anything here yet." in html
    assert reverse("tabular:export", kwargs={"kind": "orgs"}) in html


def test_upload_with_bad_rows_shows_counts_errors_and_the_error_sheet(admin_client, tree, branch_admin):
    response = upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="PG"))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == "rejected" and (job.rows_total, job.rows_valid, job.rows_invalid) == (3, 2, 1)
    assert job.user == branch_admin and not job.background
    html = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported." in html and "1 of 3 rows have errors" in html
    assert "This column is required." in html
    assert "Import the 2 valid rows only" in html
    assert not Org.objects.filter(code__startswith="PG-").exists()

    sheet = admin_client.get(reverse("tabular:errors", kwargs={"kind": "orgs", "pk": job.pk}))
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''units%20with%20errors.xlsx" in sheet["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Errors" and len(rows) == 4 and "名称: This column is required." in rows[3][-1]


def test_the_user_chooses_to_import_the_valid_rows(admin_client, tree):
    upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="VO"))
    job = ImportJob.objects.get()
    action = reverse("tabular:job-import", kwargs={"kind": "orgs", "pk": job.pk})
    response = admin_client.post(action, {"mode": "valid"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "imported" and job.rows_imported == 2 and job.error_rows == 1
    assert set(Org.objects.filter(code__startswith="VO-").values_list("code", flat=True)) == {"VO-1", "VO-2"}
    assert "Imported 2 rows." in admin_client.get(job.get_absolute_url()).content.decode()
    records = AuditEntry.objects.filter(action="orgs.import").order_by("id")
    assert [r.after["committed"] for r in records] == [False, True]  # one record per import attempt
    # Once imported, the same file cannot be imported again from the job.
    admin_client.post(action, {"mode": "valid"})
    assert Org.objects.filter(code__startswith="VO-").count() == 2


def test_a_clean_file_is_imported_at_once(admin_client, tree):
    upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="OK", bad=False))
    job = ImportJob.objects.get()
    assert job.status == "imported" and job.rows_imported == 2 and not job.error_file


def test_check_only_then_import(admin_client, tree):
    upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="CO", bad=False), mode="check")
    job = ImportJob.objects.get()
    assert job.status == "checked" and not Org.objects.filter(code__startswith="CO-").exists()
    assert "Import 2 rows" in admin_client.get(job.get_absolute_url()).content.decode()
    admin_client.post(reverse("tabular:job-import", kwargs={"kind": "orgs", "pk": job.pk}), {"mode": "all"})
    assert Org.objects.filter(code__startswith="CO-").count() == 2


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"%PDF-1.4 fake", "units.xlsx", "This is not a spreadsheet"),
    (b"PK\x03\x04garbage", "units.xlsx", "damaged"),
    (b"name,code\r\n", "units.pdf", "Unsupported file type"),
    (b"name,code\r\n\x80\xff\x81,x\r\n", "units.csv", "neither UTF-8 nor GB18030"),
])
def test_a_bad_file_is_a_message_not_a_500(admin_client, data, name, message):
    response = upload(admin_client, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_without_the_header_fails_with_the_reason(admin_client):
    upload(admin_client, xlsx_bytes([["姓名", "年龄"], ["张三", 30]]))
    job = ImportJob.objects.get()
    assert job.status == "failed" and "No header row found" in job.message
    assert "No header row found" in admin_client.get(job.get_absolute_url()).content.decode()


def test_too_large_file(admin_client, settings):
    settings.BOAI_UPLOAD_MAX_MB = 1
    response = upload(admin_client, b"a" * (1024 * 1024 + 100 * 1024), name="big.csv")
    assert response.status_code == 200
    assert "larger than the limit of 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_file_runs_as_a_background_task_with_progress(admin_client, tree, settings, celery_eager,
                                                             django_capture_on_commit_callbacks):
    settings.BOAI_IMPORT_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="BG", bad=False))
    job = ImportJob.objects.get()
    assert job.background and job.status == "queued"
    assert response["Location"] == job.get_absolute_url()
    assert 'hx-trigger="every 1s"' in admin_client.get(job.get_absolute_url()).content.decode()
    for callback in callbacks:  # the transaction commits: the task is sent (and runs inline without a broker)
        callback()
    job.refresh_from_db()
    assert job.status == "imported" and job.rows_imported == 2
    assert AuditEntry.objects.get(action="orgs.import").channel == "task"


def test_progress_is_polled_with_htmx_while_running(admin_client, branch_admin):
    job = ImportJob.objects.create(kind="orgs", user=branch_admin, filename="big.xlsx", status="running",
                                   rows_total=10000, rows_done=2500, background=True)
    html = admin_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="25"' in html and "2500" in html
    job.status, job.finished_at = "imported", job.created_at
    job.save()
    assert "hx-trigger" not in admin_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()


def test_jobs_are_private_to_their_user(admin_client, tree, user_factory):
    other = user_factory(tree.branch_a, "branch_admin")
    job = make_job(other, parent_code=tree.unit_a.code)
    for name in ("tabular:job", "tabular:errors"):
        assert admin_client.get(reverse(name, kwargs={"kind": "orgs", "pk": job.pk})).status_code == 404
    response = admin_client.post(reverse("tabular:job-import", kwargs={"kind": "orgs", "pk": job.pk}),
                                 {"mode": "valid"})
    assert response.status_code == 404
    assert job.filename not in admin_client.get(URL).content.decode()


def test_unknown_kind_is_404(admin_client):
    assert admin_client.get(reverse("tabular:import", kwargs={"kind": "nope"})).status_code == 404


def test_stored_files_are_encrypted(admin_client, tree, settings):
    upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="EN"))
    job = ImportJob.objects.get()
    raw = (settings.MEDIA_ROOT / job.source).read_bytes()
    assert raw.startswith(storage.MAGIC) and b"PK\x03\x04" not in raw[:64]
    assert storage.load(job.source).startswith(b"PK\x03\x04")
    assert storage.load(job.error_file).startswith(b"PK\x03\x04")


def test_old_files_are_purged(admin_client, tree, settings):
    from boai.core.tabular.services import import_jobs_purge

    upload(admin_client, orgs_sheet(tree.unit_a.code, prefix="PU"))
    job = ImportJob.objects.get()
    assert import_jobs_purge(keep_days=1) == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2020))
    assert import_jobs_purge(keep_days=1) == 1
    job.refresh_from_db()
    assert job.source == "" and job.error_file == ""
    assert not (settings.MEDIA_ROOT / "imports").exists() or not any((settings.MEDIA_ROOT / "imports").rglob("*.bin"))
    assert admin_client.get(reverse("tabular:errors", kwargs={"kind": "orgs", "pk": job.pk})).status_code == 404


def test_template_has_notes_text_columns_sample_and_dropdowns(admin_client):
    response = admin_client.get(reverse("tabular:template", kwargs={"kind": "orgs"}))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[2]] == ["名称", "代码", "类型", "上级代码", "行政区划代码", "地址", "电话"]
    assert sheet["A2"].comment.text.startswith("Required") and sheet["F2"].comment.text.startswith("Optional")
    assert "Accepted values: " in sheet["C2"].comment.text and "社区红十字会" in sheet["C2"].comment.text
    assert sheet["A2"].font.color.rgb.endswith("C00000")  # required: red
    assert sheet.column_dimensions["B"].number_format == "@" and sheet.column_dimensions["A"].width >= 28
    assert sheet["B3"].value == "SL-DEMO-01"  # the sample row
    assert any("C3:C" in str(dv.sqref) for dv in sheet.data_validations.dataValidation)
    assert workbook.worksheets[1].title == "Column notes"


def test_export_streams_the_scoped_rows_and_audits(admin_client, tree):
    response = admin_client.get(reverse("tabular:export", kwargs={"kind": "orgs"}))
    assert response.streaming
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    codes = {row[1] for row in rows[1:]}
    assert tree.unit_a.code in codes and tree.unit_b.code not in codes
    assert AuditEntry.objects.filter(action="orgs.export", object_type="tabular.orgs").count() == 1


def test_export_then_reimport_round_trip(admin_client, tree):
    """What the export writes, the import reads: edit a name in the export, import it as new units."""
    rows = list(load_workbook(io.BytesIO(b"".join(admin_client.get(
        reverse("tabular:export", kwargs={"kind": "orgs"})).streaming_content))).active.iter_rows(values_only=True))
    site = next(r for r in rows if r[1] == tree.site_a.code)
    data = xlsx_bytes([list(rows[0]), ["复制的家园", "RT-1", site[2], site[3], site[4], site[5], site[6]]])
    upload(admin_client, data)
    assert Org.objects.get(code="RT-1").get_parent().code == site[3]
