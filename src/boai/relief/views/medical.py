"""Relief pages: the medical-insurance exchange (the eligible list out, settlement results in, an
application raised from a settlement)."""

from __future__ import annotations

from django import forms as django_forms
from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from boai.core.views_base import Column, ListPage, ScopedObjectMixin, ServiceFormPage
from boai.relief.forms_campaigns import MedicalExportForm
from boai.relief.models import MedicalSettlement, ReliefType
from boai.relief.services import medical


def _medical_type():
    return ReliefType.objects.filter(active=True, purpose="medical").order_by("org__path", "code").first()


class SettlementListPage(ListPage):
    model = MedicalSettlement
    title = _("Medical-insurance settlements")
    select_related = ("person", "org", "application", "batch")
    columns = (
        Column("settlement_no", _("Settlement number")),
        Column("person", _("Patient"), accessor="person.name"),
        Column("org", _("Responsible unit"), accessor="org.name"),
        Column("hospital", _("Hospital")),
        Column("settled_on", _("Settled")),
        Column("total_cost", _("Total cost")),
        Column("out_of_pocket", _("Paid by the patient")),
        Column("suggested", _("Suggested relief (yuan)"), accessor=lambda s: None),  # filled in with the type
        Column("application", _("Application"), accessor=lambda s: s.application.number if s.application_id else ""),
    )
    search_fields = ("settlement_no__iexact", "person__name__startswith", "hospital__icontains")
    search_placeholder = _("Settlement number, patient or hospital")
    import_kind = "relief_medical_settlements"
    template_name = "relief/medical/list.html"
    empty_text = _("No settlement results yet. Import the file 医保 sends back.")

    def get_context_data(self, **kwargs):
        rt = _medical_type()
        ctx = super().get_context_data(**kwargs)
        for obj, values in ctx["rows"]:
            values[7] = medical.suggested_relief(obj, rt)
        ctx.update(can_add=self.request.user.has_perm("relief.add"), ratio=medical.medical_ratio(), relief_type=rt,
                   can_export=self.request.user.has_perm("relief.export"))
        return ctx


class MedicalExportPage(ServiceFormPage):
    permission = "relief.export"
    form_class = MedicalExportForm
    title = _("Eligible list for the medical-insurance department")
    template_name = "relief/medical/export.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"org": self.request.user.org}

    def form_valid(self, form):
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from boai.core.tabular.export import XLSX_CONTENT_TYPE, attachment

        try:
            batch, data = medical.medical_export(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment(f"medical-eligible-{timezone.localdate():%Y%m%d}.xlsx")
        return response


class RaiseForm(django_forms.Form):
    relief_type = django_forms.ModelChoiceField(label=_("Relief type"), queryset=ReliefType.objects.none())
    amount = django_forms.DecimalField(label=_("Amount requested (yuan)"), min_value=0, max_digits=12,
                                       decimal_places=2, required=False,
                                       help_text=_("Empty: the suggested relief."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relief_type"].queryset = ReliefType.objects.filter(active=True).order_by("code")


class MedicalRaisePage(ScopedObjectMixin, ServiceFormPage):
    model = MedicalSettlement
    action = "add"
    form_class = RaiseForm
    title = _("Raise a medical relief application")
    template_name = "relief/campaigns/action.html"
    select_related = ("person", "org")

    def get_initial(self):
        rt = _medical_type()
        return {"relief_type": rt, "amount": medical.suggested_relief(self.get_object(), rt)}

    def perform(self, form):
        settlement = medical.medical_raise(actor=self.request.user, settlement=self.get_object(),
                                           relief_type=form.cleaned_data["relief_type"],
                                           amount=form.cleaned_data["amount"])
        return settlement.application

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("relief:medical-list")


urlpatterns = [
    path("medical/", SettlementListPage.as_view(), name="medical-list"),
    path("medical/export/", MedicalExportPage.as_view(), name="medical-export"),
    path("medical/<int:pk>/raise/", MedicalRaisePage.as_view(), name="medical-raise"),
]
