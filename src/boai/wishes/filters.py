"""List filters of the staff pages. An organisation filter means its whole subtree."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from boai.orgs.selectors import org_choices_for
from boai.wishes.models import Category, ClaimStatus, MicroWish, WishStatus


class WishFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WishStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    org = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=None, method="in_subtree")
    claim = django_filters.ChoiceFilter(label=_("Claim"), method="with_claim", choices=ClaimStatus.choices)

    class Meta:
        model = MicroWish
        fields = ["status", "category", "org"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = org_choices_for(user).only("id", "name", "path") if user else None

    def in_subtree(self, queryset, name, value):
        return queryset.filter(org__path__startswith=value.path) if value else queryset

    def with_claim(self, queryset, name, value):
        return queryset.filter(claims__status=value).distinct() if value else queryset
