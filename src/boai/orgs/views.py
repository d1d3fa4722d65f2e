from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from boai.core.views_base import (
    Column,
    DetailPage,
    ExportPage,
    ListPage,
    PermissionMixin,
    ScopedObjectMixin,
    ServiceFormPage,
)
from boai.orgs import services
from boai.orgs.filters import OrgFilter
from boai.orgs.forms import EDITABLE, OrgCreateForm, OrgForm, OrgMoveForm
from boai.orgs.models import Org
from boai.orgs.selectors import org_tree

ORG_COLUMNS = (
    Column("name", _("Name"), link=True),
    Column("code", _("Code")),
    Column("kind", _("Kind"), accessor="get_kind_display"),
    Column("subtype", _("Type"), accessor="get_subtype_display"),
    Column("division_code", _("Division code")),
    Column("is_active", _("Active")),
)


class OrgTreePage(PermissionMixin, TemplateView):
    permission = "orgs.view"
    template_name = "orgs/tree.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tree=org_tree(user=self.request.user), **kwargs)


class OrgListPage(ListPage):
    model = Org
    title = _("Organisations")
    filterset_class = OrgFilter
    columns = ORG_COLUMNS
    search_fields = ("name__icontains", "code__iexact", "division_code")
    export_url_name = "orgs:export"
    import_kind = "orgs"


class OrgExportPage(ExportPage):
    model = Org
    filterset_class = OrgFilter
    search_fields = OrgListPage.search_fields
    export_columns = (*ORG_COLUMNS, Column("address", _("Address")), Column("phone", _("Telephone")),
                      Column("parent", _("Parent"), accessor=lambda o: o.path[:-Org.steplen]))
    filename = "organisations"


class OrgDetailPage(DetailPage):
    model = Org
    template_name = "orgs/detail.html"

    def get_context_data(self, **kwargs):
        org = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["ancestors"] = Org.objects.get_ancestors(org)
        ctx["children"] = Org.objects.get_children(org)
        ctx["can_change"] = self.request.user.has_perm("orgs.change")
        return ctx


class OrgCreatePage(ScopedObjectMixin, ServiceFormPage):
    """A new node under the parent in the URL (which must be within the user's scope)."""

    model = Org
    action = "add"
    form_class = OrgCreateForm
    title = _("New organisation")

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k in EDITABLE}
        return services.org_create(actor=self.request.user, parent=self.get_object(), kind=form.cleaned_data["kind"],
                                   **data)


class OrgUpdatePage(ScopedObjectMixin, ServiceFormPage):
    model = Org
    action = "change"
    form_class = OrgForm
    title = _("Edit organisation")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_object(), kind=self.get_object().kind)
        return kwargs

    def perform(self, form):
        org = get_object_or_404(self.base_queryset(), pk=self.kwargs["pk"])  # fresh, unmodified by the form
        return services.org_update(actor=self.request.user, org=org, **form.cleaned_data)


class OrgActivePage(ScopedObjectMixin, ServiceFormPage):
    """Deactivate (or reactivate) a unit: its users lose access; its records stay."""

    model = Org
    action = "change"
    template_name = "accounts/confirm.html"
    title = _("Activate or deactivate organisation")

    def get_form_class(self):
        from django import forms

        return forms.Form

    def perform(self, form):
        org = self.get_object()
        return services.org_set_active(actor=self.request.user, org=org, active=not org.is_active)


class OrgMovePage(ScopedObjectMixin, ServiceFormPage):
    model = Org
    action = "change"
    form_class = OrgMoveForm
    title = _("Move organisation")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "org": self.get_object()}

    def perform(self, form):
        return services.org_move(actor=self.request.user, org=self.get_object(),
                                 new_parent=form.cleaned_data["new_parent"])
