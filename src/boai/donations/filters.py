import django_filters
from django.utils.translation import gettext_lazy as _

from boai.donations.models import (
    Allocation,
    Campaign,
    CampaignKind,
    Channel,
    Donor,
    DonorKind,
    Fund,
    FundKind,
    Gift,
    GiftKind,
    Project,
    ProjectStatus,
    Purpose,
    Spending,
    SpendingCategory,
    SpendingStatus,
)

DATE_ATTRS = {"type": "date"}


class GiftFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GiftKind.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    received_after = django_filters.DateFilter(label=_("From"), field_name="received_at", lookup_expr="date__gte",
                                               widget=django_filters.widgets.forms.DateInput(attrs=DATE_ATTRS))
    received_before = django_filters.DateFilter(label=_("To"), field_name="received_at", lookup_expr="date__lte",
                                                widget=django_filters.widgets.forms.DateInput(attrs=DATE_ATTRS))
    anonymous = django_filters.BooleanFilter(label=_("Anonymous"))

    class Meta:
        model = Gift
        fields = ["kind", "channel", "anonymous"]


class DonorFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Donor type"), choices=DonorKind.choices)
    alliance = django_filters.BooleanFilter(label=_("Alliance member"), field_name="alliance", lookup_expr="isnull",
                                            exclude=True)

    class Meta:
        model = Donor
        fields = ["kind"]


class FundFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Fund type"), choices=FundKind.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Fund
        fields = ["kind", "is_active"]


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Purpose.choices)

    class Meta:
        model = Project
        fields = ["status", "purpose"]


class CampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CampaignKind.choices)

    class Meta:
        model = Campaign
        fields = ["kind"]


class AllocationFilter(django_filters.FilterSet):
    relief_purpose = django_filters.ChoiceFilter(label=_("Relief purpose"), choices=Purpose.choices)
    created_after = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte",
                                              widget=django_filters.widgets.forms.DateInput(attrs=DATE_ATTRS))
    created_before = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte",
                                               widget=django_filters.widgets.forms.DateInput(attrs=DATE_ATTRS))

    class Meta:
        model = Allocation
        fields = ["relief_purpose"]


class SpendingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SpendingStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=SpendingCategory.choices)

    class Meta:
        model = Spending
        fields = ["status", "category"]
