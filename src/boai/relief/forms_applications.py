"""Forms of the relief type and application pages (staff) and of the household's phone pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boai.donations.models import Fund, Purpose
from boai.relief.models import (
    Category,
    Channel,
    DisbursementMethod,
    DuplicateRule,
    ReliefForm,
    ReliefType,
)
from boai.relief.selectors.applications import ancestor_paths

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ReliefTypeForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=60)
    purpose = forms.ChoiceField(label=_("Spending purpose"), choices=Purpose.choices)
    fund = forms.ModelChoiceField(label=_("Fund it draws on"), queryset=None, required=False)
    form = forms.ChoiceField(label=_("Form of relief"), choices=ReliefForm.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    eligible_categories = forms.MultipleChoiceField(label=_("Eligible categories"), choices=Category.choices,
                                                    required=False, widget=forms.CheckboxSelectMultiple,
                                                    help_text=_("None ticked: any household under monitoring."))
    max_income_per_capita = forms.DecimalField(label=_("Monthly income per person at most (yuan)"), required=False,
                                               **MONEY)
    min_amount = forms.DecimalField(label=_("Minimum amount (yuan)"), initial=0, **MONEY)
    max_amount = forms.DecimalField(label=_("Maximum amount (yuan)"), **MONEY)
    repeat_window_days = forms.IntegerField(label=_("Repeat window (days)"), initial=365, min_value=0,
                                            help_text=_("0: no repeat limit."))
    max_per_window = forms.IntegerField(label=_("Grants per household in the window"), initial=1, min_value=1)
    duplicate_rule = forms.ChoiceField(label=_("On a duplicate"), choices=DuplicateRule.choices)
    branch_approval_limit = forms.DecimalField(label=_("Branch approves up to (yuan)"), initial=5000, **MONEY,
                                               help_text=_("Larger amounts are approved by the city society."))

    def __init__(self, *args, user=None, instance: ReliefType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from boai.orgs.selectors import org_choices_for

        self.fields["org"].queryset = org_choices_for(user)
        paths = ancestor_paths(getattr(user, "org", None))
        self.fields["fund"].queryset = (Fund.objects.restrict(user) | Fund.objects.filter(org__path__in=paths)
                                        ).distinct().order_by("code")
        if instance is not None:
            del self.fields["org"], self.fields["code"]

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ApplicationForm(forms.Form):
    household = forms.CharField(label=_("Household number"), max_length=24)
    relief_type = forms.ModelChoiceField(label=_("Relief type"), queryset=ReliefType.objects.none())
    amount_requested = forms.DecimalField(label=_("Amount requested (yuan)"), **MONEY)
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason for the application"), widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("Raised"), choices=[(Channel.WORKER, Channel.WORKER.label),
                                                            (Channel.STAFF, Channel.STAFF.label)])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        paths = ancestor_paths(getattr(user, "org", None))
        self.fields["relief_type"].queryset = (
            ReliefType.objects.filter(active=True, org__path__in=paths)
            | ReliefType.objects.restrict(user).filter(active=True)).distinct().order_by("code")

    def clean_household(self):
        from boai.relief.models import Household

        number = self.cleaned_data["household"].strip()
        household = Household.objects.restrict(self.user).filter(number=number).first()
        if household is None:
            raise forms.ValidationError(_("No household with this number in your scope."))
        return household


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ApproveForm(NoteForm):
    amount_approved = forms.DecimalField(label=_("Amount approved (yuan)"), required=False, **MONEY,
                                         help_text=_("Empty: the amount requested."))
    acknowledge_duplicates = forms.BooleanField(
        label=_("I have taken the duplicate check's findings into account"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DisbursementForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=DisbursementMethod.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False,
                                   help_text=_("Only the first and last four digits are kept."))
    bank_reference = forms.CharField(label=_("Bank transaction reference"), max_length=64, required=False)
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False)


class AcknowledgeForm(forms.Form):
    """A signature drawn on the canvas (a PNG data URL in `signature`) or a photo of the handover."""

    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    photo = forms.ImageField(label=_("Or a photo of the handover"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("signature") and not data.get("photo"):
            raise forms.ValidationError(_("Sign in the box or upload a photo."))
        return data

    def service_fields(self) -> dict:
        import base64
        import binascii

        from django.core.files.uploadedfile import SimpleUploadedFile

        data = self.cleaned_data
        if data.get("photo"):
            return {"image": data["photo"], "kind": "photo", "note": data.get("note", "")}
        raw = data["signature"]
        prefix = "data:image/png;base64,"
        if not raw.startswith(prefix) or len(raw) > 8 * 1024 * 1024:
            raise forms.ValidationError(_("The signature must be a PNG image."))
        try:
            content = base64.b64decode(raw[len(prefix):], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The signature must be a PNG image.")) from None
        upload = SimpleUploadedFile("signature.png", content, content_type="image/png")
        return {"image": upload, "kind": "signature", "note": data.get("note", "")}


class MobileForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CodeForm(MobileForm):
    code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class PublicApplicationForm(forms.Form):
    relief_type = forms.ModelChoiceField(label=_("Relief type"), queryset=ReliefType.objects.none())
    amount_requested = forms.DecimalField(label=_("Amount requested (yuan)"), **MONEY)
    reason = forms.CharField(label=_("What happened and what help you need"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None:
            paths = ancestor_paths(household.org)
            self.fields["relief_type"].queryset = ReliefType.objects.filter(active=True,
                                                                            org__path__in=paths).order_by("code")
