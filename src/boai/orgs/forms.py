from django import forms
from django.utils.translation import gettext_lazy as _

from boai.orgs.models import Kind, Org, Subtype
from boai.orgs.selectors import org_choices_for

EDITABLE = ["name", "short_name", "code", "subtype", "division_code", "address", "phone", "latitude", "longitude"]


class OrgForm(forms.ModelForm):
    class Meta:
        model = Org
        fields = EDITABLE

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        from boai.orgs.models import SUBTYPES_BY_KIND

        allowed = {s.value for s in SUBTYPES_BY_KIND[Kind(kind)]}
        self.fields["subtype"].choices = [(v, label) for v, label in Subtype.choices if v in allowed]


class OrgCreateForm(OrgForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in Kind.choices if c[0] != Kind.SOCIETY])

    class Meta(OrgForm.Meta):
        fields = ["kind", *EDITABLE]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kind=kwargs.pop("kind", Kind.GRASSROOTS), **kwargs)
        self.fields["subtype"].choices = [c for c in Subtype.choices if c[0] != Subtype.CITY]


class OrgMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent"), queryset=Org.objects.none())

    def __init__(self, *args, user, org: Org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = org_choices_for(user).exclude(path__startswith=org.path).filter(
            kind__in=[Kind.SOCIETY, Kind.BRANCH, Kind.GRASSROOTS]
        )
