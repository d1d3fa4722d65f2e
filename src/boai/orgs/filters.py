import django_filters
from django.utils.translation import gettext_lazy as _

from boai.orgs.models import Kind, Org, Subtype


class OrgFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    subtype = django_filters.ChoiceFilter(label=_("Type"), choices=Subtype.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Org
        fields = ["kind", "subtype", "is_active"]
