"""Base views every module builds its pages from.

They carry the two rules no page may forget: the user must hold the permission for the page's
action, and every object comes from ``Model.objects.restrict(user, action)``, so an object outside
the user's subtree is a 404 exactly like a missing one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView

from boai.core.scoping import permission_for


class PermissionMixin:
    """Login required, then the permission ``permission`` (or ``<model area>.<action>``)."""

    permission: str | None = None
    action: str = "view"
    model = None

    def get_permission(self) -> str:
        if self.permission:
            return self.permission
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `permission` or `model`")
        return permission_for(self.model, self.action)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(self.get_permission()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedMixin(PermissionMixin):
    select_related: tuple[str, ...] = ()

    def base_queryset(self) -> QuerySet:
        qs = self.model.objects.restrict(self.request.user, self.action)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def get_queryset(self) -> QuerySet:
        return self.base_queryset()


@dataclass(frozen=True)
class Column:
    """A list/export column: `accessor` is a dotted attribute path or a callable(obj)."""

    key: str
    label: Any
    accessor: Any = None
    link: bool = False
    template: str | None = None

    def value(self, obj: Any) -> Any:
        accessor = self.accessor or self.key
        if callable(accessor):
            return accessor(obj)
        value = obj
        for part in accessor.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value


class ListPage(ScopedMixin, ListView):
    """Search box, filters, pagination and an export link, all on the scoped queryset."""

    template_name = "components/list_page.html"
    paginate_by = 25
    filterset_class = None
    search_fields: tuple[str, ...] = ()
    search_placeholder = _("Search")
    columns: tuple[Column, ...] = ()
    title = ""
    export_url_name: str | None = None
    create_url_name: str | None = None
    create_permission: str | None = None
    import_kind: str | None = None  # an Excel import kind (core.tabular): shows an "Import" button
    empty_text = _("Nothing here yet.")

    def search(self, queryset: QuerySet, term: str) -> QuerySet:
        if not term or not self.search_fields:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{field: term})
        return queryset.filter(query)

    def get_filterset(self, queryset: QuerySet):
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)

    def get_queryset(self) -> QuerySet:
        qs = self.base_queryset()
        self.filterset = self.get_filterset(qs)
        if self.filterset is not None and self.filterset.is_bound and self.filterset.is_valid():
            qs = self.filterset.qs
        self.search_term = self.request.GET.get("q", "").strip()[:100]
        return self.search(qs, self.search_term)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            title=self.title or self.model._meta.verbose_name_plural,
            columns=self.columns,
            rows=[(obj, [c.value(obj) for c in self.columns]) for obj in ctx["object_list"]],
            filterset=self.filterset,
            search_term=self.search_term,
            search_enabled=bool(self.search_fields) or type(self).search is not ListPage.search,
            search_placeholder=self.search_placeholder,
            querystring=params.urlencode(),
            export_url_name=self.export_url_name,
            create_url_name=self.create_url_name
            if self.create_url_name and self.request.user.has_perm(self.create_permission or "")
            else None,
            empty_text=self.empty_text,
            import_kind=self._import_kind(),
        )
        return ctx

    def _import_kind(self) -> str | None:
        from boai.core.tabular.spec import get_kind

        if self.import_kind and self.request.user.has_perm(get_kind(self.import_kind).import_permission):
            return self.import_kind
        return None


class DetailPage(ScopedMixin, DetailView):
    template_name = "components/detail_page.html"


class ServiceFormPage(PermissionMixin, FormView):
    """A form whose valid data goes to one service call; service ValidationErrors land on the form."""

    template_name = "components/form_page.html"
    title = ""
    success_message = _("Saved.")
    cancel_url: str | None = None

    def perform(self, form) -> Any:
        raise NotImplementedError

    def get_success_url(self) -> str:
        url = getattr(self.result, "get_absolute_url", None)
        return url() if url else self.request.path

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.title)
        ctx.setdefault("cancel_url", self.cancel_url or self.request.META.get("HTTP_REFERER", ""))
        return ctx


class ScopedObjectMixin(ScopedMixin):
    """For forms acting on one existing object: fetched through restrict(), 404 outside scope."""

    pk_url_kwarg = "pk"

    def get_object(self):
        from django.shortcuts import get_object_or_404

        if not hasattr(self, "_object"):
            self._object = get_object_or_404(self.base_queryset(), pk=self.kwargs[self.pk_url_kwarg])
        return self._object

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        return ctx


class ObjectActionPage(ScopedObjectMixin, ServiceFormPage):
    """One service call on one object in scope: a confirmation page (or a small form) for a step such
    as approve, reject, withdraw or close. GET shows it; a valid POST calls
    ``service(actor=user, <object_kwarg>=the object, **form.cleaned_data)``, shows
    ``success_message`` and goes back to the object's page; the service's ValidationErrors are
    shown on the form. The object comes through restrict() (404 outside the user's scope).

    A page declares ``model``, ``action`` or ``permission``, ``form_class`` (none: a bare
    confirmation), ``title``, ``submit_label``, ``success_message``, ``service`` and
    ``object_kwarg``; it overrides ``perform`` only when the call needs more than that.
    """

    form_class = forms.Form
    submit_label = None
    service: Callable | None = None  # a plain function: not bound as a method (see get_service)
    object_kwarg = "obj"

    def get_service(self) -> Callable:
        func = inspect.getattr_static(type(self), "service")
        func = func.__func__ if isinstance(func, staticmethod) else func
        if func is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs `service` or its own `perform`")
        return func

    def service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data)

    def perform(self, form) -> Any:
        return self.get_service()(actor=self.request.user, **{self.object_kwarg: self.get_object()},
                                  **self.service_kwargs(form))

    def get_success_url(self) -> str:
        return self.get_object().get_absolute_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("submit_label", self.submit_label)
        return super().get_context_data(**kwargs)


class OneTimeLinkPage(ObjectActionPage):
    """Issue a one-time link for an object (a household's signing page, a beneficiary's confirmation):
    ``service`` checks, audits and returns the token; the link's absolute URL (``link_route`` with the
    token) is kept in the session under ``session_key`` (formatted with the object's ``pk``) for the
    object's page to show once, as a QR code and text."""

    link_route = ""
    session_key = ""

    def perform(self, form) -> Any:
        from django.urls import reverse

        obj = self.get_object()
        token = super().perform(form)
        self.request.session[self.session_key.format(pk=obj.pk)] = self.request.build_absolute_uri(
            reverse(self.link_route, args=[token]))
        return obj


def _add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ExportPage(ListPage):
    """The list's filtered, scoped rows as a formula-safe .xlsx (needs the `export` permission)."""

    action = "export"
    export_columns: tuple[Column, ...] = ()
    filename = "export"
    max_rows = 200_000

    def get(self, request, *args, **kwargs):
        from django.utils import timezone as tz

        from boai.core.audit import audit_record
        from boai.core.tabular.export import xlsx_response

        columns = self.export_columns or self.columns
        queryset = self.get_queryset()[: self.max_rows]
        audit_record(
            actor=request.user, action=f"{self.get_permission()}", object_type=self.model._meta.label_lower,
            object_repr=str(self.model._meta.verbose_name_plural), after={"filters": request.GET.dict()},
        )
        rows = ([c.value(obj) for c in columns] for obj in queryset.iterator(chunk_size=2000))
        stamp = tz.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(f"{self.filename}-{stamp}.xlsx", [str(c.label) for c in columns], rows)
