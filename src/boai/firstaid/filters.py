import django_filters
from django.utils.translation import gettext_lazy as _

from boai.firstaid.models import (
    AED,
    AEDInspection,
    AEDStatus,
    AEDUsage,
    CourseKind,
    CourseType,
    DemoLevel,
    Funding,
    PlaceType,
    Session,
    SessionStatus,
    Target,
    TrainingBase,
    VenueKind,
)


class AEDFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AEDStatus.choices)
    place_type = django_filters.ChoiceFilter(label=_("Place type"), choices=PlaceType.choices)
    funding = django_filters.ChoiceFilter(label=_("Funding"), choices=Funding.choices)
    alert = django_filters.ChoiceFilter(label=_("Alert"), method="filter_alert",
                                        choices=[("expiring", _("Parts expiring")),
                                                 ("overdue", _("Inspection overdue"))])

    class Meta:
        model = AED
        fields = ["status", "place_type", "funding"]

    def filter_alert(self, queryset, name, value):
        from boai.firstaid import selectors

        if value == "expiring":
            return selectors.aeds_with_expiring_parts(queryset)
        if value == "overdue":
            return selectors.aeds_inspection_overdue(queryset)
        return queryset


class InspectionFilter(django_filters.FilterSet):
    after = django_filters.DateFilter(label=_("From"), field_name="inspected_on", lookup_expr="gte")
    before = django_filters.DateFilter(label=_("To"), field_name="inspected_on", lookup_expr="lte")
    battery_ok = django_filters.BooleanFilter(label=_("Battery OK"))
    pads_ok = django_filters.BooleanFilter(label=_("Pads OK"))

    class Meta:
        model = AEDInspection
        fields = ["battery_ok", "pads_ok"]


class UsageFilter(django_filters.FilterSet):
    after = django_filters.DateFilter(label=_("From"), field_name="used_at", lookup_expr="date__gte")
    before = django_filters.DateFilter(label=_("To"), field_name="used_at", lookup_expr="date__lte")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=AEDUsage.Outcome.choices)

    class Meta:
        model = AEDUsage
        fields = ["outcome"]


class CourseTypeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CourseKind.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = CourseType
        fields = ["kind", "is_active"]


class BaseFilter(django_filters.FilterSet):
    demonstration_level = django_filters.ChoiceFilter(label=_("Demonstration level"), choices=DemoLevel.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = TrainingBase
        fields = ["demonstration_level", "is_active"]


class SessionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Course kind"), field_name="course_type__kind",
                                       choices=CourseKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionStatus.choices)
    venue_kind = django_filters.ChoiceFilter(label=_("Venue"), choices=VenueKind.choices)
    after = django_filters.DateFilter(label=_("From"), field_name="starts_on", lookup_expr="gte")
    before = django_filters.DateFilter(label=_("To"), field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Session
        fields = ["status", "venue_kind"]


class TargetFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = Target
        fields = ["year"]
