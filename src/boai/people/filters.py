import django_filters
from django.utils.translation import gettext_lazy as _

from boai.orgs.selectors import org_choices_for
from boai.people.codes import Gender, IdType
from boai.people.models import Person


class PersonFilter(django_filters.FilterSet):
    """Organisation means its whole subtree (a branch filter shows every unit under it)."""

    org = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=None, method="in_subtree")
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    id_type = django_filters.ChoiceFilter(label=_("ID type"), choices=IdType.choices)

    class Meta:
        model = Person
        fields = ["org", "gender", "id_type"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = org_choices_for(user).only("id", "name", "path") if user else None

    def in_subtree(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path) if value else queryset
