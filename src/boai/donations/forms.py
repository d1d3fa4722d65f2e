"""Donations forms. The rules live in the services; forms collect input and offer only choices
inside the user's scope (every queryset comes from `restrict()`)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boai.donations.models import (
    Acknowledgement,
    AllianceMember,
    Campaign,
    CampaignKind,
    Channel,
    ContactKind,
    Donor,
    DonorKind,
    Fund,
    FundKind,
    PayeeKind,
    Project,
    ProjectStatus,
    Purpose,
    SpendingCategory,
    ValuationBasis,
)
from boai.orgs.selectors import org_choices_for
from boai.people.codes import IdType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WIDE = {"col": "col-12"}
MONEY = {"min_value": 0, "max_digits": 14, "decimal_places": 2}


def _scoped(model, user, action="view"):
    return model.objects.restrict(user, action)


class ScopedForm(forms.Form):
    """A form whose choice fields are limited to the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            model = getattr(getattr(field, "queryset", None), "model", None)
            if model is not None and hasattr(model.objects, "restrict") and name != "org":
                field.queryset = _scoped(model, user).order_by(*(model._meta.ordering or ["pk"]))
        if "org" in self.fields:
            self.fields["org"].queryset = org_choices_for(user)


class FundForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Fund type"), choices=FundKind.choices, initial=FundKind.SPECIAL)
    purposes = forms.MultipleChoiceField(label=_("Purposes"), choices=Purpose.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple(attrs={"col": "col-12"}))
    named_after = forms.ModelChoiceField(label=_("Named after"), queryset=Donor.objects.none(), required=False)
    management_cap = forms.DecimalField(label=_("Management cost cap (%)"), initial=10, min_value=0, max_value=100,
                                        decimal_places=2)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={
        "rows": 3, **WIDE}))
    is_public = forms.BooleanField(label=_("Shown publicly"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class FundUpdateForm(FundForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["org"], self.fields["code"]


class ProjectForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    budget = forms.DecimalField(label=_("Budget (yuan)"), **MONEY)
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.ACTIVE)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False, widget=forms.TextInput(attrs=WIDE))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={
        "rows": 4, **WIDE}))
    accepts_online = forms.BooleanField(label=_("Accepts online gifts"), required=False, initial=True)
    is_public = forms.BooleanField(label=_("Shown publicly"), required=False, initial=True)


class ProjectUpdateForm(ProjectForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["org"], self.fields["code"]


class DonorForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    kind = forms.ChoiceField(label=_("Donor type"), choices=DonorKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False,
                           help_text=_("Enterprises and organisations (GB 32100, 18 characters)."))
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number"), max_length=60, required=False,
                                help_text=_("Individuals: the person is found in (or added to) the person registry."),
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=30, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, **WIDE}))


class DonorUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    mobile = forms.CharField(label=_("Mobile number"), max_length=30, required=False,
                             help_text=_("Leave blank to keep the stored number."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, **WIDE}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class GiftForm(ScopedForm):
    fund = forms.ModelChoiceField(label=_("Fund"), queryset=Fund.objects.none())
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    channel = forms.ChoiceField(label=_("Channel"), choices=[c for c in Channel.choices if c[0] not in (
        "wechat", "alipay", "in_kind")])
    received_at = forms.DateTimeField(label=_("Received"), widget=DATETIME, initial=timezone.now)
    donor = forms.ModelChoiceField(label=_("Registered donor"), queryset=Donor.objects.none(), required=False)
    donor_name = forms.CharField(label=_("Donor name (if not registered)"), max_length=100, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    name_public = forms.BooleanField(label=_("The donor agrees to be named in disclosure"), required=False)
    restricted_project = forms.ModelChoiceField(label=_("Restricted to project"), queryset=Project.objects.none(),
                                                required=False)
    restricted_purpose = forms.ChoiceField(label=_("Restricted to purpose"), required=False,
                                           choices=[("", "—"), *Purpose.choices])
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    bank_ref = forms.CharField(label=_("Bank reference"), max_length=64, required=False)
    receipt_number = forms.CharField(label=_("Official receipt number"), max_length=40, required=False)
    message = forms.CharField(label=_("Message"), max_length=200, required=False, widget=forms.TextInput(attrs=WIDE))


class GoodsGiftForm(GiftForm):
    item = forms.CharField(label=_("Item"), max_length=60)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=14, decimal_places=3)
    unit = forms.CharField(label=_("Unit"), max_length=16)
    valuation_basis = forms.ChoiceField(label=_("Valuation basis"), choices=ValuationBasis.choices)
    expires_on = forms.DateField(label=_("Expiry"), required=False, widget=DATE)

    field_order = ["fund", "item", "quantity", "unit", "amount", "valuation_basis", "expires_on", "received_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["channel"], self.fields["bank_ref"]
        self.fields["amount"].label = _("Value (yuan)")


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Official receipt number"), max_length=40)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE, initial=timezone.localdate)


class AllocationForm(ScopedForm):
    fund = forms.ModelChoiceField(label=_("From fund"), queryset=Fund.objects.none())
    project = forms.ModelChoiceField(label=_("To project"), queryset=Project.objects.none(), required=False)
    relief_purpose = forms.ChoiceField(label=_("Or to relief purpose"), required=False,
                                       choices=[("", "—"), *Purpose.choices])
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=forms.TextInput(attrs=WIDE))


class SpendingForm(ScopedForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    category = forms.ChoiceField(label=_("Category"), choices=SpendingCategory.choices)
    purpose = forms.CharField(label=_("What it paid for"), max_length=100)
    payee_kind = forms.ChoiceField(label=_("Payee type"), choices=PayeeKind.choices)
    payee_name = forms.CharField(label=_("Payee (supplier or organisation)"), max_length=100, required=False,
                                 help_text=_("Recipients are never named; they appear on the log pseudonymously."))
    region = forms.CharField(label=_("Region (GB/T 2260)"), max_length=6, required=False)
    vouchers = forms.FileField(label=_("Vouchers"), required=False, widget=forms.ClearableFileInput(attrs=WIDE))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2, **WIDE}))


class AcknowledgementForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=Acknowledgement.Method.choices)
    acknowledged_on = forms.DateField(label=_("Acknowledged on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=forms.TextInput(attrs=WIDE))


class CampaignForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    slug = forms.SlugField(label=_("Address name"), max_length=40, help_text=_("Used in the public link, e.g. 2025-58"))
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    target = forms.DecimalField(label=_("Target (yuan)"), **MONEY)
    projects = forms.ModelMultipleChoiceField(label=_("Projects"), queryset=Project.objects.none(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    public_fundraising = forms.BooleanField(label=_("Public fundraising (公开募捐)"), required=False, initial=True)
    record_number = forms.CharField(label=_("Filing number"), max_length=40, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False, widget=forms.TextInput(attrs=WIDE))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={
        "rows": 4, **WIDE}))
    is_public = forms.BooleanField(label=_("Shown publicly"), required=False, initial=True)


class CampaignUpdateForm(CampaignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["org"], self.fields["slug"]


class TargetForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Branch"), queryset=None, required=False)
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
    amount = forms.DecimalField(label=_("Target (yuan)"), help_text=_("0 removes the target."), **MONEY)


class AllianceJoinForm(ScopedForm):
    donor = forms.ModelChoiceField(label=_("Enterprise or organisation"), queryset=Donor.objects.none())
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE, initial=timezone.localdate)
    pledge = forms.CharField(label=_("Commitment"), required=False, widget=forms.Textarea(attrs={"rows": 3, **WIDE}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = self.fields["donor"].queryset.exclude(kind=DonorKind.INDIVIDUAL).filter(
            alliance__isnull=True)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3, **WIDE}))


class AllianceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AllianceMember.Status.choices)


class TierForm(ScopedForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=40)
    min_total = forms.DecimalField(label=_("Cumulative giving from (yuan)"), **MONEY)
    donor_kind = forms.ChoiceField(label=_("For donor type"), required=False, choices=[("", _("All")),
                                                                                      *DonorKind.choices])
    benefits = forms.CharField(label=_("Benefits"), required=False, widget=forms.Textarea(attrs={"rows": 3, **WIDE}))


class PublishForm(forms.Form):
    url = forms.CharField(label=_("Where it was published (link)"), max_length=300)


class ReconcileForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=[("wechat", _("WeChat Pay")), ("alipay", _("Alipay"))])
    day = forms.DateField(label=_("Statement date"), widget=DATE)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=200, widget=forms.TextInput(attrs=WIDE))


# --- public forms ---------------------------------------------------------------------------------

class GiveForm(forms.Form):
    AMOUNTS = ("20", "50", "100", "200", "500")

    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=10, decimal_places=2,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))
    channel = forms.ChoiceField(label=_("Pay with"), choices=[("wechat", _("WeChat Pay")), ("alipay", _("Alipay"))],
                                widget=forms.RadioSelect, initial="wechat")
    donor_name = forms.CharField(label=_("Your name (for the certificate)"), max_length=40, required=False)
    anonymous = forms.BooleanField(label=_("Give anonymously"), required=False)
    name_public = forms.BooleanField(label=_("My name may be shown in the public list"), required=False)
    mobile = forms.CharField(label=_("Mobile number (to follow your gift later)"), max_length=20, required=False,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    message = forms.CharField(label=_("A few words"), max_length=200, required=False)


class MobileForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CodeForm(MobileForm):
    code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class PeerPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=60)
    supporter_name = forms.CharField(label=_("Your name as shown"), max_length=40)
    target = forms.DecimalField(label=_("Personal target (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    message = forms.CharField(label=_("Why you support it"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
