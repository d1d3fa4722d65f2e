"""/api/v1/donations/...: donors, gifts, funds, projects, campaigns, allocations, spending and the
alliance, scoped like the pages. Reads are serializers over `restrict()`; writes call the services
(the same rules and messages as the pages). Related objects given by id are looked up in the
caller's scope: one outside it is as unknown as a missing one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.donations import selectors, services
from boai.donations.models import (
    AllianceMember,
    Allocation,
    Campaign,
    Channel,
    Donor,
    DonorKind,
    Fund,
    FundKind,
    Gift,
    GiftKind,
    PayeeKind,
    Project,
    ProjectStatus,
    Purpose,
    Spending,
    SpendingCategory,
)
from boai.orgs.models import Org
from boai.orgs.selectors import org_choices_for


def scoped_field(model, **kwargs):
    return serializers.PrimaryKeyRelatedField(queryset=model.objects.none(), **kwargs)


class ScopedWriteSerializer(serializers.Serializer):
    """Related ids resolve only inside the caller's scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, serializers.PrimaryKeyRelatedField):
                model = field.queryset.model
                field.queryset = org_choices_for(request.user) if name == "org" else model.objects.restrict(
                    request.user, "view")


class DonorSerializer(serializers.ModelSerializer):
    total_given = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Donor
        fields = ["id", "org", "kind", "name", "uscc", "contact_name", "mobile_masked", "person", "total_given",
                  "created_at"]
        read_only_fields = fields


class DonorWriteSerializer(ScopedWriteSerializer):
    org = scoped_field(Org)
    kind = serializers.ChoiceField(choices=DonorKind.choices)
    name = serializers.CharField(max_length=100)
    uscc = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True, write_only=True)
    id_number = serializers.CharField(max_length=60, required=False, allow_blank=True, write_only=True)
    note = serializers.CharField(required=False, allow_blank=True)

    def to_representation(self, instance):
        return DonorSerializer(selectors.donor_totals(Donor.objects.filter(pk=instance.pk)).get()).data


class DonorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Donor
    filterset_fields = ["kind", "org"]
    search_fields = ["name", "uscc"]

    def get_queryset(self):
        return selectors.donor_totals(super().get_queryset().defer("mobile")).order_by("-id")

    def get_serializer_class(self):
        return DonorWriteSerializer if self.action == "create" else DonorSerializer

    def perform_create(self, serializer):
        serializer.instance = services.donor_create(actor=self.request.user, **serializer.validated_data)


class GiftSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    certificate = serializers.CharField(source="certificate.number", read_only=True)

    class Meta:
        model = Gift
        fields = ["id", "number", "org", "donor", "donor_name", "anonymous", "name_public", "kind", "channel",
                  "amount", "fund", "restricted_project", "restricted_purpose", "campaign", "received_at", "item",
                  "quantity", "unit", "valuation_basis", "expires_on", "receipt_number", "bank_ref", "gateway_txn",
                  "ledger_entry", "certificate"]
        read_only_fields = fields


class GiftWriteSerializer(ScopedWriteSerializer):
    fund = scoped_field(Fund)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] not in ("wechat", "alipay")])
    kind = serializers.ChoiceField(choices=GiftKind.choices, default=GiftKind.MONEY)
    donor = scoped_field(Donor, required=False, allow_null=True)
    donor_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    anonymous = serializers.BooleanField(default=False)
    name_public = serializers.BooleanField(default=False)
    restricted_project = scoped_field(Project, required=False, allow_null=True)
    restricted_purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True)
    campaign = scoped_field(Campaign, required=False, allow_null=True)
    received_at = serializers.DateTimeField(required=False)
    item = serializers.CharField(max_length=60, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False, allow_null=True)
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    valuation_basis = serializers.CharField(max_length=10, required=False, allow_blank=True)
    receipt_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    bank_ref = serializers.CharField(max_length=64, required=False, allow_blank=True)
    message = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def to_representation(self, instance):
        return GiftSerializer(instance).data


class GiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Gift
    filterset_fields = ["kind", "channel", "fund", "restricted_project", "campaign", "anonymous"]
    search_fields = ["donor_name", "receipt_number", "bank_ref"]

    def get_queryset(self):
        return super().get_queryset().select_related("certificate").order_by("-received_at", "-id")

    def get_serializer_class(self):
        return GiftWriteSerializer if self.action == "create" else GiftSerializer

    def perform_create(self, serializer):
        data = services.GiftData(**serializer.validated_data)
        serializer.instance = services.gift_receive(actor=self.request.user, data=data)


class FundSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(source="account.balance", max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Fund
        fields = ["id", "org", "code", "name", "kind", "purposes", "named_after", "description", "management_cap",
                  "is_active", "is_public", "balance"]
        read_only_fields = ["id", "balance"]


class FundWriteSerializer(ScopedWriteSerializer):
    org = scoped_field(Org)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=FundKind.choices)
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    management_cap = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    is_public = serializers.BooleanField(default=True)

    def to_representation(self, instance):
        return FundSerializer(instance).data


class FundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Fund
    filterset_fields = ["kind", "is_active", "org"]
    search_fields = ["name", "code"]

    def get_queryset(self):
        return super().get_queryset().select_related("account")

    def get_serializer_class(self):
        return FundWriteSerializer if self.action == "create" else FundSerializer

    def perform_create(self, serializer):
        serializer.instance = services.fund_create(actor=self.request.user, **serializer.validated_data)


class ProjectSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(source="account.balance", max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Project
        fields = ["id", "org", "code", "name", "fund", "purpose", "budget", "starts_on", "ends_on", "status",
                  "summary", "accepts_online", "is_public", "balance"]
        read_only_fields = ["id", "balance"]


class ProjectWriteSerializer(ScopedWriteSerializer):
    org = scoped_field(Org)
    fund = scoped_field(Fund)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def to_representation(self, instance):
        return ProjectSerializer(instance).data


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Project
    filterset_fields = ["status", "purpose", "fund", "org"]
    search_fields = ["name", "code"]

    def get_queryset(self):
        return super().get_queryset().select_related("account")

    def get_serializer_class(self):
        return ProjectWriteSerializer if self.action == "create" else ProjectSerializer

    def perform_create(self, serializer):
        serializer.instance = services.project_create(actor=self.request.user, **serializer.validated_data)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "org", "slug", "name", "kind", "starts_at", "ends_at", "target", "projects", "summary",
                  "public_fundraising", "record_number", "is_public"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    count = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent = serializers.IntegerField()


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Campaign
    serializer_class = CampaignSerializer
    filterset_fields = ["kind", "org"]
    search_fields = ["name", "slug"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("projects")

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        data = selectors.campaign_progress(self.get_object())
        return Response(ProgressSerializer(data).data)


class AllocationSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Allocation
        fields = ["id", "number", "org", "fund", "project", "relief_purpose", "amount", "note", "relief_ref",
                  "created_at", "ledger_entry"]
        read_only_fields = fields


class AllocationWriteSerializer(ScopedWriteSerializer):
    fund = scoped_field(Fund)
    project = scoped_field(Project, required=False, allow_null=True)
    relief_purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def to_representation(self, instance):
        return AllocationSerializer(instance).data


class AllocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Allocation
    filterset_fields = ["fund", "project", "relief_purpose"]
    action_permissions = {"create": "allocate"}

    def get_serializer_class(self):
        return AllocationWriteSerializer if self.action == "create" else AllocationSerializer

    def perform_create(self, serializer):
        serializer.instance = services.allocation_create(actor=self.request.user, **serializer.validated_data)


class SpendingSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Spending
        fields = ["id", "number", "org", "project", "relief_purpose", "amount", "category", "purpose", "payee_kind",
                  "payee_name", "region", "relief_ref", "status", "requested_at", "paid_at", "ledger_entry"]
        read_only_fields = fields


class SpendingWriteSerializer(ScopedWriteSerializer):
    project = scoped_field(Project)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    category = serializers.ChoiceField(choices=SpendingCategory.choices, default=SpendingCategory.PROGRAMME)
    purpose = serializers.CharField(max_length=100)
    payee_kind = serializers.ChoiceField(choices=PayeeKind.choices)
    payee_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(max_length=6, required=False, allow_blank=True)

    def to_representation(self, instance):
        return SpendingSerializer(instance).data


class SpendingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Spending
    filterset_fields = ["project", "status", "category"]
    search_fields = ["purpose", "payee_name"]
    action_permissions = {"create": "spend", "approve": "view"}

    def get_required_permission(self, request) -> str:
        return "finance.approve" if self.action == "approve" else super().get_required_permission(request)

    def get_serializer_class(self):
        return SpendingWriteSerializer if self.action == "create" else SpendingSerializer

    def perform_create(self, serializer):
        serializer.instance = services.spending_request(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=SpendingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        spending = services.spending_approve(actor=request.user, spending=self.get_object())
        return Response(SpendingSerializer(spending).data)


class AllianceSerializer(serializers.ModelSerializer):
    donor_name = serializers.CharField(source="donor.name", read_only=True)
    uscc = serializers.CharField(source="donor.uscc", read_only=True)

    class Meta:
        model = AllianceMember
        fields = ["id", "org", "donor", "donor_name", "uscc", "joined_on", "status", "pledge"]
        read_only_fields = fields


class AllianceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = AllianceMember
    serializer_class = AllianceSerializer
    filterset_fields = ["status"]
    search_fields = ["donor__name", "donor__uscc"]

    def get_queryset(self):
        return super().get_queryset().select_related("donor")
