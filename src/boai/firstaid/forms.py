from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boai.firstaid import openhours
from boai.firstaid.models import AED, AEDInspection, AEDStatus, AEDUsage, CourseType, Session, TrainingBase
from boai.orgs.models import Kind, Org, Subtype
from boai.orgs.selectors import org_choices_for

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScopedOrgFormMixin:
    """Limits the `org` field to the user's active organisations (optionally of some kinds)."""

    org_kinds: tuple[str, ...] | None = None

    def limit_org(self, user, field: str = "org", **filters) -> None:
        qs = org_choices_for(user, kinds=self.org_kinds)
        self.fields[field].queryset = qs.filter(**filters) if filters else qs


AED_FIELDS = ["org", "code", "name", "address", "division_code", "floor", "indoor", "free_access", "access_notes",
              "place_type", "latitude", "longitude", "opening_hours", "owner", "owner_credit_code", "custodian",
              "custodian_phone", "funding", "maker", "device_model", "serial_number", "installed_on",
              "battery_expiry", "adult_pads_expiry", "child_pads", "child_pads_expiry", "photo"]


class AEDForm(ScopedOrgFormMixin, forms.ModelForm):
    class Meta:
        model = AED
        fields = AED_FIELDS
        widgets = {"installed_on": DATE, "battery_expiry": DATE, "adult_pads_expiry": DATE,
                   "child_pads_expiry": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_org(user)
        self.fields["latitude"].widget.attrs["step"] = "0.000001"
        self.fields["longitude"].widget.attrs["step"] = "0.000001"

    def clean_opening_hours(self) -> str:
        return openhours.validate(self.cleaned_data.get("opening_hours", ""))


class AEDStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AEDStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InspectionForm(forms.ModelForm):
    battery_replaced_until = forms.DateField(label=_("New battery expires"), required=False, widget=DATE)
    adult_pads_replaced_until = forms.DateField(label=_("New adult pads expire"), required=False, widget=DATE)
    child_pads_replaced_until = forms.DateField(label=_("New child pads expire"), required=False, widget=DATE)

    class Meta:
        model = AEDInspection
        fields = ["inspected_on", "status_light_ok", "battery_ok", "pads_ok", "cabinet_ok", "notes", "photo"]
        widgets = {"inspected_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def new_expiry(self) -> dict:
        data = self.cleaned_data
        return {part: data.get(f"{part}_replaced_until") for part in ("battery", "adult_pads", "child_pads")
                if data.get(f"{part}_replaced_until")}


class UsageForm(forms.ModelForm):
    class Meta:
        model = AEDUsage
        fields = ["used_at", "rescuer", "rescuer_certified", "shock_delivered", "outcome", "notes"]
        widgets = {"used_at": DATETIME, "notes": forms.Textarea(attrs={"rows": 3})}


class CourseTypeForm(ScopedOrgFormMixin, forms.ModelForm):
    org_kinds = (Kind.SOCIETY, Kind.BRANCH)

    class Meta:
        model = CourseType
        fields = ["org", "code", "name", "kind", "hours", "syllabus", "theory_pass_score", "practical_required",
                  "min_attendance_percent", "certificate_name", "validity_years", "number_pattern", "is_active"]
        widgets = {"syllabus": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_org(user)


class TrainingBaseForm(ScopedOrgFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingBase
        fields = ["org", "facilities", "manikins", "training_aeds", "classroom_seats", "planned_open_days",
                  "demonstration_level", "is_active"]
        widgets = {"facilities": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_org(user, kind=Kind.SITE, subtype=Subtype.TRAINING_BASE)
        if self.instance.pk:
            self.fields.pop("org")


class OpenDayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DATE)
    visitors = forms.IntegerField(label=_("Visitors"), min_value=0, max_value=100000)
    activity = forms.CharField(label=_("Activity"), max_length=120, required=False)


class SessionForm(ScopedOrgFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["org", "course_type", "code", "title", "venue_kind", "base", "venue_address", "starts_on",
                  "ends_on", "capacity", "public_enrolment", "status", "awareness_count", "notes"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_org(user)
        self.fields["course_type"].queryset = CourseType.objects.restrict(user, "view").filter(is_active=True)
        self.fields["base"].queryset = TrainingBase.objects.restrict(user, "view").filter(is_active=True)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number it automatically.")


class TargetForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Branch"), queryset=Org.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    certified = forms.IntegerField(label=_("Certified trainees"), min_value=0)
    awareness = forms.IntegerField(label=_("Awareness trainees"), min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.BRANCH, Kind.SOCIETY))


class NearestForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lng = forms.FloatField(min_value=-180, max_value=180)
    limit = forms.IntegerField(min_value=1, max_value=50, required=False)
    all = forms.BooleanField(required=False)


class PublicEnrolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, min_length=15)
    mobile = forms.CharField(label=_("Mobile number"), max_length=11, min_length=11,
                             widget=forms.TextInput(attrs={"inputmode": "tel"}))
    employer = forms.CharField(label=_("Employer or school"), max_length=100, required=False)
    photo = forms.ImageField(label=_("Photo for the certificate"), required=False)
    consent = forms.BooleanField(label=_("I agree that the Red Cross keeps my name, ID number and mobile number "
                                         "to run this training and issue my certificate."))


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    name = forms.CharField(label=_("Holder's full name"), max_length=50)


class ResultForm(forms.Form):
    attendance_percent = forms.IntegerField(label=_("Attendance (%)"), min_value=0, max_value=100, required=False)
    theory_score = forms.IntegerField(label=_("Theory score"), min_value=0, max_value=100, required=False)
    practical_passed = forms.NullBooleanField(label=_("Practical passed"), required=False,
                                              widget=forms.Select(choices=[("", "—"), ("true", _("Yes")),
                                                                           ("false", _("No"))]))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class EnrolPersonForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of a registered person"), max_length=40)
    employer = forms.CharField(label=_("Employer or school"), max_length=100, required=False)


class InstructorForm(ScopedOrgFormMixin, forms.Form):
    id_number = forms.CharField(label=_("ID number of a registered person"), max_length=40)
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=[])
    qualification_no = forms.CharField(label=_("Qualification number"), max_length=40)
    qualified_on = forms.DateField(label=_("Qualified on"), widget=DATE)
    expires_on = forms.DateField(label=_("Qualification expires"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        from boai.firstaid.models import InstructorLevel

        super().__init__(*args, **kwargs)
        self.limit_org(user)
        self.fields["level"].choices = InstructorLevel.choices


class AssignInstructorForm(forms.Form):
    instructor = forms.ModelChoiceField(label=_("Instructor"), queryset=None)
    hours = forms.DecimalField(label=_("Teaching hours"), min_value=0, max_value=400, decimal_places=1)
    lead = forms.BooleanField(label=_("Lead instructor"), required=False)

    def __init__(self, *args, user, **kwargs):
        from boai.firstaid.models import Instructor

        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = Instructor.objects.restrict(user, "view").filter(
            is_active=True).select_related("person")


class AssessForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=[])
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        from boai.firstaid.models import InstructorAssessment

        super().__init__(*args, **kwargs)
        self.fields["result"].choices = InstructorAssessment.Result.choices
