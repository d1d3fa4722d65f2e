"""Forms collect input; the services validate it (one set of rules for pages, API and imports)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.orgs.models import Kind, Org
from boai.orgs.selectors import org_choices_for
from boai.people.codes import IdType
from boai.people.identity import looks_like_id_number
from boai.people.models import Person
from boai.volunteers.codes import Skill, Speciality, TimeSlot, Weekday, from_codes
from boai.volunteers.models import Activity, DuesPayment, HoursRule, Member, Team, TeamMembership, Volunteer

DATETIME = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def dt_field(label, required=True, **kw):
    return forms.DateTimeField(label=label, required=required, input_formats=DATETIME, widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), **kw)


def date_field(label, required=True, **kw):
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw)


def checkboxes(label, choices, **kw):
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple(attrs={"col": "col-12"}), **kw)


def reason_field(label=None, required=True):
    return forms.CharField(label=label or _("Reason"), required=required, max_length=200,
                           widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))


class ProfileForm(forms.Form):
    """The parts of a profile the volunteer keeps up to date."""

    skills = checkboxes(_("Skills"), Skill.choices)
    first_aid_cert_no = forms.CharField(label=_("First-aid certificate number"), max_length=40, required=False)
    languages = forms.CharField(label=_("Languages"), max_length=100, required=False,
                                help_text=_("For example: English, Japanese, sign language."))
    available_days = checkboxes(_("Available days"), Weekday.choices)
    available_slots = checkboxes(_("Available times"), TimeSlot.choices)
    emergency_name = forms.CharField(label=_("Emergency contact"), max_length=50, required=False)
    emergency_relation = forms.CharField(label=_("Relation"), max_length=20, required=False)
    emergency_phone = forms.CharField(label=_("Emergency contact phone"), max_length=30, required=False,
                                      widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    PROFILE_FIELDS = ("skills", "first_aid_cert_no", "languages", "available_days", "available_slots",
                      "emergency_name", "emergency_relation", "emergency_phone")

    def profile(self, note: str = ""):
        from boai.volunteers.services import Profile

        data = {k: self.cleaned_data.get(k) or ([] if k in ("skills", "available_days", "available_slots") else "")
                for k in self.PROFILE_FIELDS}
        return Profile(note=note, **data)

    @staticmethod
    def initial_for(volunteer: Volunteer) -> dict:
        return {"skills": from_codes(volunteer.skills), "first_aid_cert_no": volunteer.first_aid_cert_no,
                "languages": volunteer.languages, "available_days": from_codes(volunteer.available_days),
                "available_slots": from_codes(volunteer.available_slots), "emergency_name": volunteer.emergency_name,
                "emergency_relation": volunteer.emergency_relation, "emergency_phone": volunteer.emergency_phone}


def unit_choices():
    """Active grassroots units grouped by branch, for the public registration page."""
    units = Org.objects.filter(kind=Kind.GRASSROOTS, is_active=True).only("id", "name", "path").order_by("path")
    branches = dict(Org.objects.filter(kind=Kind.BRANCH).values_list("path", "name"))
    groups: dict[str, list] = {}
    for unit in units:
        groups.setdefault(branches.get(unit.path[: 2 * Org.steplen], ""), []).append((unit.pk, unit.name))
    return [("", "—"), *groups.items()]


class RegistrationForm(ProfileForm):
    unit = forms.TypedChoiceField(label=_("Unit you volunteer with"), coerce=int, choices=())
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             help_text=_("You log in with your mobile number."),
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    privacy_consent = forms.BooleanField(label=_("I have read and agree to the privacy notice"), required=False)
    sensitive_consent = forms.BooleanField(
        label=_("I agree to the processing of my ID number and health-related skills (sensitive personal data)"),
        required=False)
    guardian_name = forms.CharField(label=_("Guardian's name (under 14)"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("Guardian's relation (under 14)"), max_length=20, required=False)
    guardian_consent = forms.BooleanField(label=_("As parent or guardian, I agree to this registration"),
                                          required=False)

    field_order = ["unit", "name", "id_type", "id_number", "mobile", "password", "password2", "email",
                   *ProfileForm.PROFILE_FIELDS, "privacy_consent", "sensitive_consent", "guardian_name",
                   "guardian_relation", "guardian_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices()

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class VolunteerCreateForm(ProfileForm):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none())
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    paper_consent_on = date_field(_("Paper form signed on"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    field_order = ["org", "name", "id_type", "id_number", "mobile", "paper_consent_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.BRANCH, Kind.GRASSROOTS, Kind.SITE))


class VolunteerUpdateForm(ProfileForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    reason = reason_field(_("Reason (required when rejecting)"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (s, label) for s, label in Volunteer.Status.choices if s in ("active", "inactive", "withdrawn")])
    reason = reason_field(required=False)


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["org", "name", "speciality", "description", "founded_on", "is_active"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 3, "col": "col-12"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user)
        if self.instance.pk:
            del self.fields["org"]
        else:
            del self.fields["is_active"]


def find_volunteer(user, text: str) -> Volunteer:
    """One volunteer within the user's scope by a full ID number, a volunteer number (#123) or an exact name."""
    from boai.people.selectors import by_id_number
    from boai.volunteers.selectors import volunteers_for

    text = text.strip()
    qs = volunteers_for(user, "view")
    if text.lstrip("#").isdigit() and (text.startswith("#") or len(text) < 9):
        found = qs.filter(pk=int(text.lstrip("#")))
    elif looks_like_id_number(text):
        found = qs.filter(person__in=by_id_number(Person.objects.all(), text))
    else:
        found = qs.filter(person__name=text)
    found = list(found[:2])
    if not found:
        raise ValidationError(_("No volunteer within your scope matches “%(t)s”.") % {"t": text})
    if len(found) > 1:
        raise ValidationError(_("Several volunteers are called “%(t)s”: use the ID number.") % {"t": text})
    return found[0]


class VolunteerLookupField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", _("Full ID number, volunteer number (#123) or exact name."))
        super().__init__(*args, **kwargs)


class TeamMemberForm(forms.Form):
    volunteer = VolunteerLookupField(label=_("Volunteer"), max_length=40)
    role = forms.ChoiceField(label=pgettext_lazy("team", "Role"), choices=TeamMembership.Role.choices)
    joined_on = date_field(_("Joined"), initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_volunteer(self):
        return find_volunteer(self.user, self.cleaned_data["volunteer"])


class ActivityForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none())
    title = forms.CharField(label=_("Title"), max_length=120, widget=forms.TextInput(attrs={"col": "col-12"}))
    activity_type = forms.ChoiceField(label=_("Type"), choices=Speciality.choices)
    place = forms.CharField(label=_("Place"), max_length=200)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    starts_at = dt_field(_("Starts"))
    ends_at = dt_field(_("Ends"))
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    recruitment = forms.ChoiceField(label=_("Recruitment"), choices=Activity.Recruitment.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    needs_approval = forms.BooleanField(label=_("Leader approves sign-ups"), required=False)
    signup_deadline = dt_field(_("Sign-up closes"), required=False)
    required_skills = checkboxes(_("Required skills"), Skill.choices)
    leaders = forms.CharField(label=_("Leaders"), required=False, max_length=400,
                              help_text=_("Volunteers who run it on the ground: ID numbers, volunteer numbers "
                                          "(#123) or names, one per line."),
                              widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4, "col": "col-12"}))

    def __init__(self, *args, user, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = org_choices_for(user)
        self.fields["team"].queryset = Team.objects.restrict(user, "view").filter(is_active=True)
        if activity is not None:
            del self.fields["org"]
        else:
            self.fields["publish"] = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def clean_leaders(self):
        lines = [x for x in self.cleaned_data["leaders"].replace(",", "\n").splitlines() if x.strip()]
        return [find_volunteer(self.user, line) for line in lines]

    def data_object(self):
        from boai.volunteers.services import ActivityData

        d = self.cleaned_data
        return ActivityData(title=d["title"], place=d["place"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                            capacity=d["capacity"], activity_type=d["activity_type"], description=d["description"],
                            latitude=d["latitude"], longitude=d["longitude"], team=d["team"],
                            recruitment=d["recruitment"], needs_approval=d["needs_approval"],
                            signup_deadline=d["signup_deadline"], required_skills=d["required_skills"],
                            leaders=d["leaders"])

    @staticmethod
    def initial_for(a: Activity) -> dict:
        local = timezone.localtime
        return {"title": a.title, "activity_type": a.activity_type, "place": a.place, "latitude": a.latitude,
                "longitude": a.longitude, "starts_at": local(a.starts_at), "ends_at": local(a.ends_at),
                "capacity": a.capacity, "recruitment": a.recruitment, "team": a.team_id,
                "needs_approval": a.needs_approval,
                "signup_deadline": local(a.signup_deadline) if a.signup_deadline else None,
                "required_skills": from_codes(a.required_skills), "description": a.description,
                "leaders": "\n".join(f"#{v.pk}" for v in a.leaders.all())}


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (Activity.Status.PUBLISHED, _("Publish")), (Activity.Status.CANCELLED, _("Cancel the activity")),
        (Activity.Status.CLOSED, _("Close (finished)"))])
    reason = reason_field(_("Reason (required when cancelling)"), required=False)


class ManualAttendanceForm(forms.Form):
    signup = forms.ModelChoiceField(label=_("Volunteer"), queryset=None)
    check_in_at = dt_field(_("Checked in"))
    check_out_at = dt_field(_("Checked out"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, activity: Activity, **kwargs):
        from boai.volunteers.models import Signup

        super().__init__(*args, **kwargs)
        field = self.fields["signup"]
        field.queryset = Signup.objects.filter(activity=activity, status=Signup.Status.CONFIRMED).select_related(
            "volunteer__person")
        field.label_from_instance = lambda s: s.volunteer.person.name


class ReasonForm(forms.Form):
    reason = reason_field()


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Approve")), ("0", _("Reject"))], widget=forms.RadioSelect)
    reason = reason_field(required=False)


class CorrectForm(forms.Form):
    check_in_at = dt_field(_("Checked in"))
    check_out_at = dt_field(_("Checked out"))
    reason = reason_field(_("What was wrong"))


class PastRecordForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none())
    check_in_at = dt_field(_("Started"))
    check_out_at = dt_field(_("Ended"))
    note = forms.CharField(label=_("Service"), max_length=300, widget=forms.TextInput(attrs={"col": "col-12"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user)


class PeriodForm(forms.Form):
    period_start = date_field(_("From"))
    period_end = date_field(_("To"), initial=timezone.localdate)


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("member", "Kind"), choices=Member.Kind.choices)
    org = forms.ModelChoiceField(label=_("Joining unit"), queryset=Org.objects.none())
    joined_on = date_field(_("Joined"), initial=timezone.localdate)
    years = forms.IntegerField(label=_("Term (years)"), min_value=1, max_value=10, initial=1)
    name = forms.CharField(label=_("Name (individual)"), max_length=50, required=False)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number (individual)"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile number (individual)"), max_length=20, required=False)
    group_name = forms.CharField(label=_("Organisation name (group)"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code (group)"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("Contact person (group)"), max_length=50, required=False)
    contact_mobile = forms.CharField(label=_("Contact mobile (group)"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.SOCIETY, Kind.BRANCH, Kind.GRASSROOTS))

    def clean(self):
        data = super().clean()
        if data.get("kind") == Member.Kind.INDIVIDUAL:
            for key in ("name", "id_number"):
                if not data.get(key):
                    self.add_error(key, _("Required for an individual member."))
        elif data.get("kind") == Member.Kind.GROUP and not data.get("group_name"):
            self.add_error("group_name", _("Required for a group member."))
        return data


class MemberUpdateForm(forms.Form):
    group_name = forms.CharField(label=_("Organisation name"), max_length=100, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=20, required=False,
                                     help_text=_("Leave blank to keep the stored number."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        if member.kind == Member.Kind.INDIVIDUAL:
            for key in ("group_name", "credit_code", "contact_name", "contact_mobile"):
                del self.fields[key]


class DuesForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = date_field(_("Paid on"), initial=timezone.localdate)
    years = forms.IntegerField(label=_("Years covered"), min_value=1, max_value=10, initial=1)
    method = forms.ChoiceField(label=_("Method"), choices=DuesPayment.Method.choices)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=40, required=False)


class ExemptionForm(forms.Form):
    reason = reason_field()
    starts_on = date_field(_("From"), initial=timezone.localdate)
    ends_on = date_field(_("Until"))


class HonourForm(forms.Form):
    title = forms.CharField(label=_("Honour"), max_length=60, initial="会员之星")
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    awarded_on = date_field(_("Awarded on"), initial=timezone.localdate)
    org = forms.ModelChoiceField(label=_("Awarded by"), queryset=Org.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.SOCIETY, Kind.BRANCH, Kind.GRASSROOTS))


class PolicyForm(forms.Form):
    star_thresholds = forms.CharField(label=_("Star thresholds (hours, one to five stars)"),
                                      help_text=_("Five increasing numbers separated by commas."))
    notice_days = forms.IntegerField(label=_("Public notice period (days)"), min_value=0, max_value=60)
    points_per_hour = forms.IntegerField(label=_("Points per certified hour"), min_value=0, max_value=1000)
    active_hours_per_month = forms.DecimalField(label=_("Active volunteer: hours per month"), min_value=0,
                                                max_digits=5, decimal_places=1)
    active_window_months = forms.IntegerField(label=_("… over the last (months)"), min_value=1, max_value=60)
    active_min_months = forms.IntegerField(label=_("Months that must each reach it"), min_value=1, required=False,
                                           help_text=_("Blank: the average over the window counts."))

    def clean_star_thresholds(self):
        from decimal import Decimal, InvalidOperation

        try:
            return [Decimal(x.strip()) for x in self.cleaned_data["star_thresholds"].replace("，", ",").split(",")]
        except InvalidOperation:
            raise ValidationError(_("Give five numbers separated by commas.")) from None


class HoursRuleForm(forms.ModelForm):
    class Meta:
        model = HoursRule
        fields = ["org", "activity_type", "rounding_minutes", "rounding", "minimum_minutes", "daily_cap_hours"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.SOCIETY, Kind.BRANCH, Kind.GRASSROOTS))
        self.fields["activity_type"].choices = [("", _("All types")), *Speciality.choices]

    def validate_unique(self):  # the service upserts by (org, type)
        pass


class RewardForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none())
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    points_cost = forms.IntegerField(label=_("Points"), min_value=1)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, required=False, help_text=_("Blank: unlimited."))
    is_active = forms.BooleanField(label=_("Available"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user, kinds=(Kind.SOCIETY, Kind.BRANCH, Kind.GRASSROOTS))
