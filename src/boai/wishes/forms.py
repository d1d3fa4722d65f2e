"""Forms of the micro-wish pages. Validation that needs the database or the rules lives in the services;
their ValidationErrors land on these forms' fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boai.orgs.models import Kind, Org
from boai.wishes import conf
from boai.wishes.models import Category

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHOTO = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})


class WishForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Grassroots unit"), queryset=Org.objects.none())
    id_number = forms.CharField(label=_("Beneficiary's ID number"), max_length=40,
                                help_text=_("The beneficiary must be in the person registry; register them there "
                                            "first."))
    household_note = forms.CharField(label=_("Household note (staff only)"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Wish"), max_length=40,
                            help_text=_("What is wished for, e.g. “一套初中数学辅导书”."))
    story = forms.CharField(label=_("Public story"), max_length=300, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("Shown in public: no name, ID number, telephone, school or address."))
    estimated_value = forms.DecimalField(label=_("Estimated value (yuan)"), min_value=0, max_digits=8,
                                         decimal_places=2)
    deadline = forms.DateField(label=_("Wish deadline"), widget=DATE)
    photo = forms.ImageField(label=_("Photo (optional)"), required=False, widget=PHOTO,
                             help_text=_("Of the wished-for item or the setting, never of a face. Location data "
                                         "is removed."))

    def __init__(self, *args, user, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        self.fields["org"].queryset = (Org.objects.restrict(user, "view")
                                       .filter(is_active=True, kind__in=[Kind.GRASSROOTS, Kind.SITE]))
        if person is not None:  # editing: the beneficiary stays unless another ID number is entered
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("Now: %(name)s (%(id)s). Enter another ID number to change.") % {
                "name": person.name, "id": person.id_number_masked}
        self.fields["estimated_value"].help_text = _("At most ¥%(cap)s.") % {"cap": conf.value_cap()}

    def clean_id_number(self):
        from boai.people.selectors import by_id_number, people_for

        number = self.cleaned_data["id_number"]
        if not number and self.person is not None:
            return number
        person = by_id_number(people_for(self.user), number).first()
        if person is None:
            raise forms.ValidationError(_("No one with this ID number is registered in your scope. Register the "
                                          "person in the person registry first."))
        self.person = person
        return number

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("id_number", None)
        data["beneficiary"] = self.person
        if not data.get("photo"):
            data.pop("photo", None)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DeliveryForm(forms.Form):
    note = forms.CharField(label=_("Delivery note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("How and when it was handed over, e.g. “交给社区工作人员转交”."))
    photo = forms.ImageField(label=_("Photo (optional)"), required=False, widget=PHOTO)


class MobileForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CodeForm(MobileForm):
    code = forms.CharField(label=_("SMS code"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class ClaimForm(forms.Form):
    claimant_name = forms.CharField(label=_("Your name"), max_length=30,
                                    help_text=_("Only the unit that raised the wish sees it."))
    agree = forms.BooleanField(label=_("I will deliver the wish within the time given, to the unit that raised it."))
