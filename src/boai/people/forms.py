"""Person forms. Field rules live in the services (one set for forms, API and imports): the
forms collect input, and the service's ValidationError lands on the matching field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.orgs.selectors import org_choices_for
from boai.people import services
from boai.people.codes import ETHNICITY_CHOICES, Gender, IdType
from boai.people.models import REVEALABLE, Person
from boai.people.services import REVEAL_REASON_MIN

_ID_HELP = _("Full-width digits, spaces, hyphens and a lower-case x are accepted. "
             "Gender and birth date are taken from a resident ID number.")


class PersonForm(forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(label=_("ID number"), max_length=60, required=False, help_text=_ID_HELP,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=[("", _("— from the ID number —")), *Gender.choices])
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    mobile = forms.CharField(label=_("Mobile number"), max_length=30, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "col": "col-12"}))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False, choices=[("", "—"), *ETHNICITY_CHOICES])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user)

    def clean(self):
        """Run the service's field rules now, so every mistake shows at once, even when another field
        (say, the organisation) is missing too. The service runs them again when saving."""
        data = super().clean()
        if "name" not in data:
            return data
        try:
            services.clean_person(org_id=0, name=data["name"], id_type=data.get("id_type") or IdType.RESIDENT,
                                  id_number=data.get("id_number") or "", gender=data.get("gender") or None,
                                  birth_date=data.get("birth_date"), mobile=data.get("mobile") or "",
                                  address=data.get("address") or "", ethnicity=data.get("ethnicity") or "")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return data


class PersonUpdateForm(PersonForm):
    """Protected values are never sent back to the browser: blank keeps them, a tick clears them."""

    clear_mobile = forms.BooleanField(label=_("Remove the mobile number"), required=False)
    clear_address = forms.BooleanField(label=_("Remove the address"), required=False)

    field_order = ["org", "name", "id_type", "id_number", "gender", "birth_date", "mobile", "clear_mobile",
                   "address", "clear_address", "ethnicity"]

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        keep = _("Leave blank to keep %(masked)s.")
        for name, masked in (("id_number", person.id_number_masked), ("mobile", person.mobile_masked)):
            if masked:
                self.fields[name].widget.attrs["placeholder"] = masked
                self.fields[name].help_text = keep % {"masked": masked}
        self.fields["address"].help_text = _("Leave blank to keep the stored address.")


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), min_length=REVEAL_REASON_MIN, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "col": "col-12", "autofocus": True}),
        help_text=_("Why you need the full value (for example the case or request it serves). It is kept in "
                    "the audit log with your name."),
        error_messages={"min_length": _("Give a reason of at least %(limit_value)d characters.")},
    )
