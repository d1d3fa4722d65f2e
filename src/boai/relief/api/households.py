"""Relief API: households (/api/v1/relief/households/), their members, assessments and visits
(read; assessments and visits also written), and the monitoring alerts (read, close). Scoped like the
pages; writes go through services. ID numbers, mobiles and addresses are always masked."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.relief.models.households import Alert, Assessment, HomeVisit, Household, HouseholdMember
from boai.relief.selectors import households as selectors
from boai.relief.services import households as services


class HouseholdSerializer(serializers.ModelSerializer):
    head_name = serializers.CharField(source="head.name", read_only=True)
    head_id_number = serializers.CharField(source="head.id_number_masked", read_only=True)
    head_mobile = serializers.CharField(source="head.mobile_masked", read_only=True)
    address = serializers.CharField(source="address_masked", read_only=True)
    categories = serializers.ListField(source="category_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Household
        fields = ["id", "number", "org", "head", "head_name", "head_id_number", "head_mobile", "address", "region",
                  "latitude", "longitude", "categories", "size", "monthly_income", "situation", "risk_level",
                  "status", "review_due", "last_assessed_on", "last_visited_on", "closed_reason", "created_at",
                  "updated_at"]
        read_only_fields = fields


class HouseholdMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    mobile = serializers.CharField(source="person.mobile_masked", read_only=True)

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "name", "id_number", "mobile", "relation", "categories", "note", "active"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "assessed_on", "categories", "monthly_income", "size", "risk_level", "situation",
                  "next_review_on", "sudden_change", "change_summary", "assessor", "created_at"]
        read_only_fields = fields


class VisitSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = HomeVisit
        fields = ["id", "visited_on", "visitor", "visitor_name", "purpose", "notes", "needs_follow_up", "photos",
                  "created_at"]
        read_only_fields = fields

    def get_photos(self, visit) -> list[dict]:
        from django.urls import reverse

        return [{"id": p.pk, "caption": p.caption, "url": reverse("relief:household-photo", args=[p.pk])}
                for p in visit.photos.all()]


@extend_schema_field(OpenApiTypes.INT)
class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.orgs.models import Org

        return Org.objects.restrict(self.context["request"].user, "view")


class HeadSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=40)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)


class HouseholdWriteSerializer(serializers.Serializer):
    """A new household; the head is found in the person registry by ID number or registered there."""

    org = ScopedUnitField()
    head = HeadSerializer()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.CharField(max_length=6, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    categories = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    risk_level = serializers.CharField(max_length=8, required=False)
    situation = serializers.CharField(required=False, allow_blank=True)
    review_due = serializers.DateField(required=False, allow_null=True)


class AssessmentWriteSerializer(serializers.Serializer):
    assessed_on = serializers.DateField(required=False)
    categories = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    monthly_income = serializers.DecimalField(max_digits=12, decimal_places=2)
    risk_level = serializers.CharField(max_length=8)
    situation = serializers.CharField(required=False, allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class VisitWriteSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    notes = serializers.CharField()
    purpose = serializers.CharField(max_length=100, required=False, allow_blank=True)
    visitor_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    needs_follow_up = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True,
                                   help_text="JPEG, PNG or WebP, each within BOAI_RELIEF_PHOTO_MAX_MB; "
                                             "re-encoded without metadata")
    captions = serializers.ListField(child=serializers.CharField(max_length=100, allow_blank=True), required=False)


class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Households in the caller's scope; `search` takes a number, a name or an ID number. `POST` registers a
    household (relief.add); `POST .../assess/` records a dated assessment (sudden changes raise alerts);
    `POST .../visit/` (multipart) records a home visit with its photos, as a worker's phone app would."""

    model = Household
    serializer_class = HouseholdSerializer
    filterset_fields = ["status", "risk_level", "org"]
    action_permissions = {"assess": "add", "visit": "add", "members": "view", "assessments": "view",
                          "visits": "view"}

    @extend_schema(request=HouseholdWriteSerializer, responses={201: HouseholdSerializer})
    def create(self, request, *args, **kwargs):
        data = HouseholdWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        household = services.household_create(actor=request.user, head_fields=fields.pop("head"), **fields)
        return Response(HouseholdSerializer(household).data, status=201)

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        data = AssessmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("categories", [])
        assessment = services.assessment_record(actor=request.user, household=self.get_object(), **fields)
        return Response(AssessmentSerializer(assessment).data, status=201)

    @extend_schema(request={"multipart/form-data": VisitWriteSerializer}, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def visit(self, request, pk=None):
        data = VisitWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(actor=request.user, household=self.get_object(), **data.validated_data)
        return Response(VisitSerializer(visit).data, status=201)

    def get_queryset(self):
        qs = selectors.households_for(self.request.user, self.scope_action(self.request)).order_by("-id")
        term = self.request.query_params.get("search", "") if self.action == "list" else ""
        return selectors.search(qs, term[:100]) if term else qs

    @extend_schema(responses=HouseholdMemberSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        return Response(HouseholdMemberSerializer(selectors.members(self.get_object()), many=True).data)

    @extend_schema(responses=AssessmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def assessments(self, request, pk=None):
        return Response(AssessmentSerializer(self.get_object().assessments.all()[:200], many=True).data)

    @extend_schema(responses=VisitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def visits(self, request, pk=None):
        visits = self.get_object().visits.prefetch_related("photos")[:200]
        return Response(VisitSerializer(visits, many=True).data)


class AlertSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "household", "household_number", "org", "kind", "message", "raised_on", "resolved_at",
                  "resolved_by", "resolution"]
        read_only_fields = fields


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=200)


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Monitoring alerts of the caller's units (`?open=1` for open ones); `close` resolves one."""

    model = Alert
    serializer_class = AlertSerializer
    filterset_fields = ["kind", "org"]
    action_permissions = {"close": "add"}

    def get_queryset(self):
        qs = super().get_queryset().select_related("household").order_by("resolved_at", "-raised_on", "-id")
        if self.request.query_params.get("open"):
            qs = qs.filter(resolved_at__isnull=True)
        return qs

    @extend_schema(request=ResolutionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = ResolutionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_close(actor=request.user, alert=self.get_object(), **data.validated_data)
        return Response(AlertSerializer(alert).data)


VIEWSETS: list = [  # (prefix under /api/v1/, viewset, basename)
    ("relief/households", HouseholdViewSet, "relief-household"),
    ("relief/alerts", AlertViewSet, "relief-alert"),
]
