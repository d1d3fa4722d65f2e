from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from boai.accounts.models import User
from boai.accounts.roles import ROLE_CHOICES
from boai.orgs.models import Org
from boai.orgs.selectors import org_choices_for


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class UserForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    mobile = forms.RegexField(label=_("Mobile number"), regex=r"^1[3-9]\d{9}$", required=False,
                              error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")})
    org = forms.ModelChoiceField(label=_("Acts for"), queryset=Org.objects.none())
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(user)
        self.fields["roles"].widget.attrs["col"] = "col-12"


class UserCreateForm(UserForm):
    username = forms.RegexField(
        label=_("Username"), regex=r"^[A-Za-z0-9_.-]{3,40}$", max_length=40,
        error_messages={"invalid": _("Use 3–40 letters, digits, dots, hyphens or underscores.")},
    )
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput,
                               help_text=password_validators_help_text_html)

    field_order = ["username", "display_name", "password", "org", "roles", "email", "mobile", "is_active"]


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput,
                                   help_text=password_validators_help_text_html)
    confirm = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            self.add_error("confirm", _("The two new passwords differ."))
        return data


def initial_for(user: User) -> dict:
    return {"display_name": user.display_name, "email": user.email, "mobile": user.mobile, "org": user.org,
            "roles": sorted(user.role_codes), "is_active": user.is_active}
