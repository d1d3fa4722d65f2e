"""List filters. An organisation filter means its whole subtree."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boai.orgs.selectors import org_choices_for
from boai.volunteers.codes import Skill, Speciality
from boai.volunteers.models import Activity, Certificate, Member, ServiceRecord, StarAward, Team, Volunteer


class ScopedFilterSet(django_filters.FilterSet):
    org = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=None, method="in_subtree")
    org_field = "org"

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = org_choices_for(user).only("id", "name", "path") if user else None

    def in_subtree(self, queryset, name, value):
        return queryset.filter(**{f"{self.org_field}__path__startswith": value.path}) if value else queryset


class VolunteerFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Volunteer.Status.choices)
    skill = django_filters.ChoiceFilter(label=_("Skill"), choices=Skill.choices, method="has_skill")
    star_level = django_filters.ChoiceFilter(label=_("Stars"), choices=[(i, "★" * i or "—") for i in range(6)])
    active = django_filters.ChoiceFilter(label=_("Active volunteer"), method="is_active",
                                         choices=[("1", _("Active by the rule")), ("0", _("Not active"))])

    class Meta:
        model = Volunteer
        fields = ["org", "status", "skill", "star_level", "active"]

    def has_skill(self, queryset, name, value):
        from boai.volunteers.selectors import with_skill

        return with_skill(queryset, value)

    def is_active(self, queryset, name, value):
        from boai.volunteers.selectors import filter_active
        from boai.volunteers.services import policy_for

        return filter_active(queryset, policy_for(), active=value == "1")


class TeamFilter(ScopedFilterSet):
    speciality = django_filters.ChoiceFilter(label=_("Speciality"), choices=Speciality.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Team
        fields = ["org", "speciality", "is_active"]


class ActivityFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Activity.Status.choices)
    activity_type = django_filters.ChoiceFilter(label=_("Type"), choices=Speciality.choices)
    starts_after = django_filters.DateFilter(label=_("From"), field_name="starts_at", lookup_expr="date__gte")
    starts_before = django_filters.DateFilter(label=_("To"), field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Activity
        fields = ["org", "status", "activity_type"]


class RecordFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ServiceRecord.Status.choices)
    date_after = django_filters.DateFilter(label=_("From"), field_name="service_date", lookup_expr="gte")
    date_before = django_filters.DateFilter(label=_("To"), field_name="service_date", lookup_expr="lte")

    class Meta:
        model = ServiceRecord
        fields = ["org", "status"]


class StarFilter(ScopedFilterSet):
    org_field = "volunteer__org"
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StarAward.Status.choices)
    level = django_filters.ChoiceFilter(label=_("Stars"), choices=[(i, "★" * i) for i in range(1, 6)])

    class Meta:
        model = StarAward
        fields = ["org", "status", "level"]


class CertificateFilter(ScopedFilterSet):
    class Meta:
        model = Certificate
        fields = ["org"]


class MemberFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=pgettext_lazy("member", "Kind"), choices=Member.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Member.Status.choices)
    expires_before = django_filters.DateFilter(label=_("Expires by"), field_name="term_end", lookup_expr="lte")

    class Meta:
        model = Member
        fields = ["org", "kind", "status"]
