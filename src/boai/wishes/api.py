"""API (/api/v1/wishes/...): staff viewsets scoped like the pages (writes through the services), and
the public list of open wishes (anonymised, throttled)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.core.ratelimit import PublicRateThrottle
from boai.wishes import selectors, services
from boai.wishes.models import Claim, MicroWish


class WishSerializer(serializers.ModelSerializer):
    beneficiary_name = serializers.CharField(source="beneficiary.name", read_only=True)

    class Meta:
        model = MicroWish
        fields = ["id", "number", "org", "district", "beneficiary", "beneficiary_name", "household_note", "category",
                  "title", "story", "public_profile", "estimated_value", "deadline", "status", "rejection_reason",
                  "withdraw_reason", "submitted_at", "reviewed_at", "published_at", "confirmed_at", "withdrawn_at",
                  "ledger_entry", "created_at", "updated_at"]
        read_only_fields = fields


class ScopedOrgField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.orgs.models import Org

        return Org.objects.restrict(self.context["request"].user, "view")


class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.people.models import Person

        return Person.objects.restrict(self.context["request"].user, "view")


class WishWriteSerializer(serializers.ModelSerializer):
    """What staff write; the services validate the rules (value cap, deadline, anonymous public text)."""

    org = ScopedOrgField()
    beneficiary = ScopedPersonField()

    class Meta:
        model = MicroWish
        fields = ["org", "beneficiary", "category", "title", "story", "estimated_value", "deadline",
                  "household_note"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class WishViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, ScopedViewSet):
    """Micro-wishes in the caller's scope. Create and update make and edit drafts (relief.add); the
    actions move a wish through review and closing, each needing its permission."""

    model = MicroWish
    serializer_class = WishSerializer
    filterset_fields = ["status", "category", "org"]
    search_fields = ["number", "title"]
    action_permissions = {"update": "add", "partial_update": "add", "submit": "add", "approve": "approve",
                          "reject": "approve", "withdraw": "change", "confirm": "add"}

    def get_queryset(self):
        return super().get_queryset().select_related("beneficiary").defer(
            "beneficiary__id_number", "beneficiary__mobile", "beneficiary__address")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return WishWriteSerializer
        return WishSerializer

    @extend_schema(request=WishWriteSerializer, responses={201: WishSerializer})
    def create(self, request, *args, **kwargs):
        data = WishWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        wish = services.wish_create(actor=request.user, **data.validated_data)
        return Response(WishSerializer(wish).data, status=201)

    @extend_schema(request=WishWriteSerializer, responses=WishSerializer)
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        data = WishWriteSerializer(data=request.data, partial=partial, context={"request": request})
        data.is_valid(raise_exception=True)
        wish = services.wish_update(actor=request.user, wish=self.get_object(), **data.validated_data)
        return Response(WishSerializer(wish).data)

    def _act(self, func, **kwargs):
        return Response(WishSerializer(func(actor=self.request.user, wish=self.get_object(), **kwargs)).data)

    def _reason(self, request) -> str:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["reason"]

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(services.wish_submit)

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.wish_approve)

    @extend_schema(request=ReasonSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(services.wish_reject, reason=self._reason(request))

    @extend_schema(request=ReasonSerializer, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(services.wish_withdraw, reason=self._reason(request))

    @extend_schema(request=None, responses=WishSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Record the beneficiary's confirmation: the wish is fulfilled and written to the log."""
        return self._act(services.wish_confirm)


class ClaimSerializer(serializers.ModelSerializer):
    wish_number = serializers.CharField(source="wish.number", read_only=True)
    mobile = serializers.CharField(source="claimant.mobile_masked", read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "wish", "wish_number", "claimant_name", "mobile", "status", "claimed_at", "expires_at",
                  "delivered_at", "delivery_note", "confirmed_at", "confirm_method", "ended_at", "end_reason"]
        read_only_fields = fields


class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Claims of the wishes in the caller's scope (the mobile number only masked)."""

    model = Claim
    serializer_class = ClaimSerializer
    filterset_fields = ["status", "wish"]

    def get_queryset(self):
        return super().get_queryset().select_related("wish", "claimant")


class PublicWishSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="public_area", read_only=True)
    url = serializers.CharField(source="get_public_url", read_only=True)

    class Meta:
        model = MicroWish
        fields = ["number", "category", "title", "story", "public_profile", "area", "estimated_value", "deadline",
                  "url"]
        read_only_fields = fields


class PublicWishViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Wishes open to claim, anonymised as on the public page (no login; throttled)."""

    model = MicroWish
    serializer_class = PublicWishSerializer
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    throttle_scope = "public"
    lookup_field = "number"
    filterset_fields = ["category", "district"]

    def get_queryset(self):
        return selectors.open_to_claim().order_by("deadline", "id")

    def get_required_permission(self, request):
        return None
