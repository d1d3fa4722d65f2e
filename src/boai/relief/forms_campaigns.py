"""Forms of the campaign and medical-exchange pages; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boai.orgs.models import Kind, Org
from boai.relief.models import Category, DisbursementMethod, Holiday, ReliefType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _relief_types(user):
    from boai.core.scoping import user_scope_path

    path = user_scope_path(user) or "-"
    ancestors = [path[:i] for i in range(Org.steplen, len(path) + 1, Org.steplen)]
    return ReliefType.objects.filter(active=True, org__path__in=ancestors) | ReliefType.objects.filter(
        active=True, org__path__startswith=path)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. “2027年春节博爱送万家”."))
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none())
    holiday = forms.ChoiceField(label=_("Occasion"), choices=Holiday.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    relief_type = forms.ModelChoiceField(label=_("Relief type"), queryset=ReliefType.objects.none())
    standard_amount = forms.DecimalField(label=_("Amount per household (yuan)"), min_value=0, max_digits=12,
                                         decimal_places=2)
    package = forms.CharField(label=_("Package contents"), max_length=200, required=False,
                              help_text=_("e.g. “大米一袋、食用油一桶”."))
    target_categories = forms.MultipleChoiceField(label=_("Categories served"), choices=Category.choices,
                                                  required=False, widget=forms.CheckboxSelectMultiple,
                                                  help_text=_("Empty: every household under monitoring."))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.restrict(user, "view").filter(
            is_active=True, kind__in=[Kind.SOCIETY, Kind.BRANCH])
        self.fields["relief_type"].queryset = _relief_types(user).distinct().order_by("code")
        if editing:
            del self.fields["org"]


class QuotaForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Branch or unit"), queryset=Org.objects.none())
    households = forms.IntegerField(label=_("Households"), min_value=0, max_value=1_000_000,
                                    help_text=_("0 removes the quota."))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(path__startswith=campaign.org.path, is_active=True).exclude(
            pk=campaign.org_id).exclude(kind=Kind.SITE).order_by("path")


class HouseholdNumberForm(forms.Form):
    number = forms.CharField(label=_("Household number"), max_length=24)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BulkDisburseForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=[(DisbursementMethod.CASH, DisbursementMethod.CASH.label),
                                                           (DisbursementMethod.GOODS, DisbursementMethod.GOODS.label)])
    paid_on = forms.DateField(label=_("Paid or issued on"), widget=DATE)


class AcknowledgeForm(forms.Form):
    image = forms.ImageField(label=_("Signature or photo"),
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))


class MedicalExportForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.restrict(user, "view").filter(
            is_active=True, kind__in=[Kind.SOCIETY, Kind.BRANCH]).order_by("path")
