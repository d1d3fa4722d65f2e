"""Pages of the Excel engine, the same for every kind: template, upload, progress, result, errors, export.

The kind in the URL decides the permission (`<area>.import` / `<area>.export`); a job is only ever
visible to the user who uploaded it (anyone else gets a 404, exactly like a missing job).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from boai.core.audit import audit_record
from boai.core.tabular import services
from boai.core.tabular.export import XLSX_CONTENT_TYPE, attachment, xlsx_response
from boai.core.tabular.forms import UploadForm
from boai.core.tabular.models import ImportJob
from boai.core.tabular.reader import max_upload_bytes
from boai.core.tabular.spec import ImportKind, get_kind
from boai.core.tabular.template import build_template, column_rules, template_filename
from boai.core.views_base import PermissionMixin

RECENT_JOBS = 10


def too_large() -> str:
    return _("The file is larger than the limit of %(max)d MB. Split it into smaller files.") % {
        "max": settings.BOAI_UPLOAD_MAX_MB}


class KindMixin(PermissionMixin):
    """Resolves the kind from the URL (404 if unknown) and requires its import or export permission."""

    kind_action = "import"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.kind: ImportKind = get_kind(kwargs["kind"])
        except KeyError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_permission(self) -> str:
        return self.kind.export_permission if self.kind_action == "export" else self.kind.import_permission

    def get_context_data(self, **kwargs):
        kwargs["kind"] = self.kind  # the object, not the URL's name
        return super().get_context_data(**kwargs)


class ImportPage(KindMixin, FormView):
    template_name = "tabular/import.html"
    form_class = UploadForm

    def post(self, request, *args, **kwargs):
        if int(request.META.get("CONTENT_LENGTH") or 0) > max_upload_bytes() + 64 * 1024:
            # refuse before reading a byte of the oversized body
            return self.render_to_response(self.get_context_data(upload_error=too_large()))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            form.add_error("file", too_large())
            return self.form_invalid(form)
        try:
            job = services.import_job_create(actor=self.request.user, kind=self.kind, data=upload.read(),
                                             filename=upload.name, mode=form.cleaned_data["mode"])
        except ValidationError as exc:
            form.add_error("file", exc)
            return self.form_invalid(form)
        services.import_job_start(job)
        return HttpResponseRedirect(job.get_absolute_url())

    def get_context_data(self, **kwargs):
        jobs = ImportJob.objects.filter(user=self.request.user, kind=self.kind.name)[:RECENT_JOBS]
        columns = [{"header": c.header, "required": c.required, "rules": column_rules(c)} for c in self.kind.columns]
        return super().get_context_data(
            jobs=jobs, columns=columns, max_mb=settings.BOAI_UPLOAD_MAX_MB, async_rows=settings.BOAI_IMPORT_ASYNC_ROWS,
            can_export=self.request.user.has_perm(self.kind.export_permission), **kwargs)


class JobMixin(KindMixin):
    def get_job(self) -> ImportJob:
        return get_object_or_404(ImportJob, pk=self.kwargs["pk"], kind=self.kind.name, user=self.request.user)


class JobPage(JobMixin, TemplateView):
    """Progress (polled with htmx every second while running), then the result."""

    template_name = "tabular/job.html"

    def get_template_names(self):
        return ["tabular/_job_status.html"] if getattr(self.request, "htmx", False) else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(job=self.get_job(), **kwargs)


class JobImportAction(JobMixin, View):
    """After a check or a refusal: import the file (all-or-nothing again, or the valid rows only)."""

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            services.import_job_rerun(actor=request.user, job=job, mode=request.POST.get("mode", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(job.get_absolute_url())


class ErrorSheetDownload(JobMixin, View):
    def get(self, request, *args, **kwargs):
        job = self.get_job()
        try:
            data = services.error_sheet_bytes(job)
        except FileNotFoundError:
            raise Http404 from None
        stem = job.filename.rsplit(".", 1)[0]
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment(_("%(file)s with errors") % {"file": stem} + ".xlsx")
        return response


class TemplateDownload(KindMixin, View):
    def get(self, request, *args, **kwargs):
        buffer = io.BytesIO()
        build_template(self.kind).save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment(template_filename(self.kind))
        return response


def export_rows(kind: ImportKind, actor):
    for obj in kind.export_queryset(actor=actor).iterator(chunk_size=2000):
        yield kind.export_row(obj)


def export_headers(kind: ImportKind) -> tuple[list[str], list[int], list[bool]]:
    columns = kind.export_columns()
    return [c.header for c in columns], [c.width for c in columns], [c.cell_format == "text" for c in columns]


class ExportDownload(KindMixin, View):
    """Everything of the kind in the user's scope, in the import layout (so it can be edited and re-imported)."""

    kind_action = "export"

    def get(self, request, *args, **kwargs):
        audit_record(actor=request.user, action=self.kind.export_permission, object_type=f"tabular.{self.kind.name}",
                     object_repr=str(self.kind), after={"kind": self.kind.name, "format": "xlsx"})
        headers, widths, text_columns = export_headers(self.kind)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(f"{self.kind}-{stamp}.xlsx", headers, export_rows(self.kind, request.user),
                             sheet_title=str(self.kind), widths=widths, text_columns=text_columns)
