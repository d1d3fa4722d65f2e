import django_filters
from django.utils.translation import gettext_lazy as _

from boai.ledger.events import EVENT_TYPES
from boai.ledger.models import Checkpoint, Leaf


class LeafFilter(django_filters.FilterSet):
    event_type = django_filters.ChoiceFilter(label=_("Event type"), choices=list(EVENT_TYPES.items()))
    index_from = django_filters.NumberFilter(label=_("From leaf"), field_name="index", lookup_expr="gte")
    index_to = django_filters.NumberFilter(label=_("To leaf"), field_name="index", lookup_expr="lte")
    integrated_after = django_filters.DateFilter(label=_("Integrated from"), field_name="created_at",
                                                 lookup_expr="date__gte")
    integrated_before = django_filters.DateFilter(label=_("Integrated to"), field_name="created_at",
                                                  lookup_expr="date__lte")

    class Meta:
        model = Leaf
        fields = ["event_type"]


class CheckpointFilter(django_filters.FilterSet):
    signed_after = django_filters.DateFilter(label=_("Signed from"), field_name="created_at", lookup_expr="date__gte")
    signed_before = django_filters.DateFilter(label=_("Signed to"), field_name="created_at", lookup_expr="date__lte")
    size_from = django_filters.NumberFilter(label=_("Size at least"), field_name="size", lookup_expr="gte")

    class Meta:
        model = Checkpoint
        fields = []
