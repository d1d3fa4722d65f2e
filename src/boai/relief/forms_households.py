"""Forms of the household pages. Rules that need the database live in the services; their
ValidationErrors land on these forms' fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boai.orgs.models import Kind, Org
from boai.relief.models.households import Category, Relation, RiskLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CATEGORIES = forms.CheckboxSelectMultiple()


class UnitField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Org.objects.none(), label=_("Responsible grassroots unit"), **kwargs)

    def for_user(self, user) -> None:
        self.queryset = Org.objects.restrict(user, "view").filter(is_active=True,
                                                                  kind__in=[Kind.GRASSROOTS, Kind.SITE])


class _PlaceFields(forms.Form):
    org = UnitField()
    address = forms.CharField(label=_("Address"), max_length=200, required=False,
                              help_text=_("Stored encrypted; lists show it masked."))
    region = forms.CharField(label=_("Region code (GB/T 2260)"), max_length=6, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    situation = forms.CharField(label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].for_user(user)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Give both latitude and longitude, or neither."))
        return data


class HouseholdForm(_PlaceFields):
    head_name = forms.CharField(label=_("Head of household: name"), max_length=50)
    head_id_number = forms.CharField(label=_("Head of household: ID number"), max_length=40,
                                     help_text=_("Found in the person registry, or registered there."))
    head_mobile = forms.CharField(label=_("Head of household: mobile"), max_length=20, required=False)
    categories = forms.MultipleChoiceField(label=_("Categories"), choices=Category.choices, required=False,
                                           widget=CATEGORIES)
    monthly_income = forms.DecimalField(label=_("Household monthly income (yuan)"), min_value=0, max_digits=12,
                                        decimal_places=2, initial=0)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.NORMAL)
    review_due = forms.DateField(label=_("Next review"), required=False, widget=DATE,
                                 help_text=_("Empty: the default review interval from today."))

    field_order = ["org", "head_name", "head_id_number", "head_mobile", "address", "region", "latitude",
                   "longitude", "categories", "monthly_income", "risk_level", "situation", "review_due"]

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {"org": d["org"], "head_fields": {"name": d["head_name"], "id_number": d["head_id_number"],
                                                 "mobile": d.get("head_mobile") or ""},
                "address": d.get("address") or "", "region": d.get("region") or "", "latitude": d.get("latitude"),
                "longitude": d.get("longitude"), "categories": d.get("categories") or [],
                "monthly_income": d["monthly_income"], "risk_level": d["risk_level"],
                "situation": d.get("situation") or "", "review_due": d.get("review_due")}


class HouseholdEditForm(_PlaceFields):
    address = forms.CharField(label=_("New address"), max_length=200, required=False,
                              help_text=_("Leave empty to keep the stored address."))

    def service_fields(self) -> dict:
        d = dict(self.cleaned_data)
        if not d.get("address"):
            d.pop("address", None)
        return d


class MemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation to the head"),
                                 choices=[c for c in Relation.choices if c[0] != Relation.HEAD])
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40,
                                help_text=_("Found in the person registry, or registered there."))
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    categories = forms.MultipleChoiceField(label=_("Categories"), choices=Category.choices, required=False,
                                           widget=CATEGORIES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    categories = forms.MultipleChoiceField(label=_("Categories"), choices=Category.choices, required=False,
                                           widget=CATEGORIES)
    monthly_income = forms.DecimalField(label=_("Household monthly income (yuan)"), min_value=0, max_digits=12,
                                        decimal_places=2)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    situation = forms.CharField(label=_("Situation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(label=_("Next review"), required=False, widget=DATE,
                                     help_text=_("Empty: the default review interval from the assessment date."))


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}))
    needs_follow_up = forms.BooleanField(label=_("Needs follow-up"), required=False)
    photos = MultipleImageField(label=_("Photos"), required=False,
                                widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                                help_text=_("JPEG, PNG or WebP. Location data is removed."))


class ReviewDateForm(forms.Form):
    review_due = forms.DateField(label=_("Next review"), widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("How was it dealt with?"), max_length=200)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("Show"), choices=[("address", _("Address")),
                                                        ("mobile", _("Head's mobile number"))])
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("Recorded in the audit log."))
