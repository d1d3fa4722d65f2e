"""Relief API: campaigns (with progress per branch and the household list), medical settlements and
the report — read through the same selectors as the pages; the campaign steps call the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.relief.models import Campaign, CampaignHousehold, MedicalSettlement
from boai.relief.selectors import campaigns as selectors
from boai.relief.services import campaigns as services


class ReliefCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "org", "name", "holiday", "year", "starts_on", "ends_on", "relief_type", "standard_amount",
                  "package", "target_categories", "status", "created_at"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True, default="")

    class Meta:
        model = CampaignHousehold
        fields = ["id", "campaign", "household", "household_number", "org", "status", "application",
                  "application_number", "note"]
        read_only_fields = fields


class ReliefCampaignProgressSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.name")
    quota = serializers.IntegerField()
    on_list = serializers.IntegerField()
    delivered = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    excluded = serializers.IntegerField()
    partial = serializers.BooleanField()


class BatchResultSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    refused = serializers.ListField(child=serializers.CharField())


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Campaigns the caller works on (organised in, or with a quota for, their subtree)."""

    model = Campaign
    serializer_class = ReliefCampaignSerializer
    filterset_fields = ["status", "holiday", "year"]
    search_fields = ["name"]
    action_permissions = {"build": "add", "raise_applications": "add", "approve": "approve"}

    def get_queryset(self):
        return selectors.visible_campaigns(self.request.user, self.scope_action(self.request)).order_by(
            "-starts_on", "-id")

    @extend_schema(responses=ReliefCampaignProgressSerializer(many=True))
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        rows = selectors.progress(self.get_object(), request.user)
        return Response(ReliefCampaignProgressSerializer(rows, many=True).data)

    @extend_schema(responses=EntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def households(self, request, pk=None):
        entries = selectors.entries(self.get_object(), request.user)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(request=None, responses=BatchResultSerializer)
    @action(detail=True, methods=["post"])
    def build(self, request, pk=None):
        added = services.campaign_build_list(actor=request.user, campaign=self.get_object())
        return Response({"done": added, "refused": []})

    @extend_schema(request=None, responses=BatchResultSerializer)
    @action(detail=True, methods=["post"], url_path="raise")
    def raise_applications(self, request, pk=None):
        return Response({"done": services.campaign_raise(actor=request.user, campaign=self.get_object()),
                         "refused": []})

    @extend_schema(request=None, responses=BatchResultSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        done, refused = services.campaign_approve(
            actor=request.user, campaign=self.get_object(),
            acknowledge_duplicates=str(request.data.get("acknowledge_duplicates", "")).lower() in ("1", "true"))
        return Response({"done": done, "refused": refused})


class SettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = MedicalSettlement
        fields = ["id", "batch", "org", "person", "settlement_no", "hospital", "admitted_on", "settled_on",
                  "total_cost", "insurance_paid", "serious_illness_paid", "assistance_paid", "out_of_pocket",
                  "application"]
        read_only_fields = fields


class SettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = MedicalSettlement
    serializer_class = SettlementSerializer
    filterset_fields = ["batch", "org"]
    search_fields = ["settlement_no", "hospital"]

    def get_queryset(self):
        return super().get_queryset().order_by("-settled_on", "-id")


VIEWSETS: list = [  # (prefix under /api/v1/, viewset, basename)
    ("relief-campaigns", CampaignViewSet, "relief-campaign"),
    ("relief-medical-settlements", SettlementViewSet, "relief-settlement"),
]
