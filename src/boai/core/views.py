from __future__ import annotations

import django_filters
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from boai.core.models import AuditEntry, Notification
from boai.core.registry import public_services, widgets_for
from boai.core.views_base import Column, DetailPage, ExportPage, ListPage


class HomePage(TemplateView):
    """The public mobile home page: what the Red Cross does and the public services."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(services=public_services(), **kwargs)


class DashboardPage(LoginRequiredMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        widgets = [
            {"widget": w, "context": w.context(self.request.user)} for w in widgets_for(self.request.user)
        ]
        return super().get_context_data(widgets=widgets, **kwargs)


def healthz(request):
    """Liveness and readiness for the load balancer: the database and the task broker."""
    status = {"database": "ok", "broker": "inline"}
    code = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        status["database"] = "error"
        code = 503
    if settings.CELERY_BROKER_URL:
        try:
            from boai.config.celery import app

            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            status["broker"] = "ok"
        except Exception:  # noqa: BLE001
            status["broker"] = "error"
            code = 503
    status["status"] = "ok" if code == 200 else "error"
    return JsonResponse(status, status=code)


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="startswith")
    actor_label = django_filters.CharFilter(label=_("Actor"), lookup_expr="iexact")
    object_type = django_filters.CharFilter(label=_("Object type"))
    created_after = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor_label", "object_type"]


AUDIT_COLUMNS = (
    Column("id", _("No."), link=True),
    Column("created_at", _("Time")),
    Column("actor_label", _("Actor")),
    Column("action", _("Action")),
    Column("object_repr", _("Object")),
    Column("ip", _("IP address")),
)


class AuditListPage(ListPage):
    model = AuditEntry
    title = _("Audit log")
    filterset_class = AuditFilter
    columns = AUDIT_COLUMNS
    search_fields = ("object_repr__icontains", "actor_label__iexact")
    export_url_name = "core:audit-export"
    template_name = "core/audit_list.html"


class AuditExportPage(ExportPage):
    model = AuditEntry
    action = "view"
    permission = "audit.export"
    filterset_class = AuditFilter
    search_fields = AuditListPage.search_fields
    export_columns = (*AUDIT_COLUMNS, Column("reason", _("Reason")), Column("before", _("Before")),
                      Column("after", _("After")), Column("hash", _("Hash")))
    filename = "audit"


class AuditDetailPage(DetailPage):
    model = AuditEntry
    template_name = "core/audit_detail.html"


class InboxPage(LoginRequiredMixin, ListView):
    template_name = "core/inbox.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class NotificationOpen(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        note = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if note.read_at is None:
            note.read_at = timezone.now()
            note.save(update_fields=["read_at"])
        return redirect(note.url or "core:inbox")
