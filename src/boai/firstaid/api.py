"""API: scoped viewsets for staff, and public endpoints (nearest AEDs, certificate verification)."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from boai.core.api import ScopedViewSet
from boai.core.ratelimit import PublicRateThrottle
from boai.firstaid import selectors, services
from boai.firstaid.forms import NearestForm
from boai.firstaid.models import AED, AEDInspection, AEDUsage, CourseType, Session, Target, TrainingBase
from boai.firstaid.views_public import DEFAULT_LIMIT, nearest_payload


class PublicAPIView(APIView):
    """No login, throttled per client (rate `public`), cacheable for a minute."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes: list = []
    throttle_scope = "public"

    throttle_classes = [PublicRateThrottle]


@method_decorator(cache_control(public=True, max_age=60), name="dispatch")
class NearestAEDView(PublicAPIView):
    @extend_schema(parameters=[OpenApiParameter("lat", float), OpenApiParameter("lng", float),
                               OpenApiParameter("limit", int), OpenApiParameter("all", bool)],
                   responses={200: dict})
    def get(self, request):
        form = NearestForm(request.query_params)
        if not form.is_valid():
            return Response({"errors": form.errors.get_json_data()}, status=400)
        lat, lng = form.cleaned_data["lat"], form.cleaned_data["lng"]
        limit = form.cleaned_data.get("limit") or DEFAULT_LIMIT
        items = selectors.nearest_aeds(lat=lat, lng=lng, limit=limit, only_open=not form.cleaned_data.get("all"))
        return Response({"point": [lat, lng], "results": nearest_payload(items, lat=lat, lng=lng)})


# --- staff ------------------------------------------------------------------------------------------

class AEDSerializer(serializers.ModelSerializer):
    class Meta:
        model = AED
        fields = ["id", "org", "code", "name", "address", "division_code", "floor", "indoor", "free_access",
                  "access_notes", "place_type", "latitude", "longitude", "opening_hours", "owner",
                  "owner_credit_code", "custodian", "custodian_phone", "funding", "maker", "device_model",
                  "serial_number", "installed_on", "battery_expiry", "adult_pads_expiry", "child_pads",
                  "child_pads_expiry", "status", "last_inspected_on"]
        read_only_fields = ["id", "status", "last_inspected_on"]


class ScopedOrgField(serializers.PrimaryKeyRelatedField):
    """An organisation the caller may act for (others answer "does not exist", like a 404)."""

    def get_queryset(self):
        from boai.orgs.models import Org

        return Org.objects.restrict(self.context["request"].user, "view")


class AEDWriteSerializer(AEDSerializer):
    org = ScopedOrgField()


class CreateUpdateMixin:
    """Create and update through the module's services (validation errors become 400)."""

    create_service = None
    update_service = None
    instance_kwarg = ""

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and hasattr(self, "write_serializer_class"):
            return self.write_serializer_class
        return self.serializer_class

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = type(self).create_service(actor=self.request.user, org=data.pop("org"), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        kwargs = {self.instance_kwarg: self.get_object()}
        serializer.instance = type(self).update_service(actor=self.request.user, **kwargs, **data)


class AEDViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                 mixins.UpdateModelMixin, ScopedViewSet):
    model = AED
    serializer_class = AEDSerializer
    write_serializer_class = AEDWriteSerializer
    create_service = services.aed_create
    update_service = services.aed_update
    instance_kwarg = "aed"
    search_fields = ["code", "name", "address", "serial_number"]
    filterset_fields = ["status", "place_type", "funding", "org"]

    @extend_schema(responses=AEDSerializer(many=True))
    @action(detail=False, methods=["get"])
    def alerts(self, request):
        """Devices with parts expiring within the warning window or an overdue inspection."""
        qs = self.get_queryset()
        expiring = selectors.aeds_with_expiring_parts(qs)
        overdue = selectors.aeds_inspection_overdue(qs)
        return Response({"expiring": AEDSerializer(expiring[:500], many=True).data,
                         "inspection_overdue": AEDSerializer(overdue[:500], many=True).data})


class InspectionSerializer(serializers.ModelSerializer):
    passed = serializers.BooleanField(read_only=True)

    class Meta:
        model = AEDInspection
        fields = ["id", "aed", "inspected_on", "inspector_name", "status_light_ok", "battery_ok", "pads_ok",
                  "cabinet_ok", "notes", "passed"]


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = AEDInspection
    serializer_class = InspectionSerializer
    filterset_fields = ["aed", "battery_ok", "pads_ok"]

    def get_queryset(self):
        return super().get_queryset().select_related("aed")


class UsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = AEDUsage
        fields = ["id", "aed", "used_at", "rescuer", "rescuer_certified", "shock_delivered", "outcome", "notes"]


class UsageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = AEDUsage
    serializer_class = UsageSerializer
    filterset_fields = ["aed", "outcome"]


class CourseTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseType
        fields = ["id", "org", "code", "name", "kind", "hours", "syllabus", "theory_pass_score", "practical_required",
                  "min_attendance_percent", "certificate_name", "validity_years", "number_pattern", "is_active"]
        read_only_fields = ["id"]


class CourseTypeWriteSerializer(CourseTypeSerializer):
    org = ScopedOrgField()


class CourseTypeViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet):
    model = CourseType
    serializer_class = CourseTypeSerializer
    write_serializer_class = CourseTypeWriteSerializer
    create_service = services.coursetype_create
    update_service = services.coursetype_update
    instance_kwarg = "course"
    search_fields = ["code", "name"]
    filterset_fields = ["kind", "is_active"]


class TrainingBaseSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = TrainingBase
        fields = ["id", "org", "name", "facilities", "manikins", "training_aeds", "classroom_seats",
                  "planned_open_days", "demonstration_level", "is_active"]
        read_only_fields = ["id", "org"]


class TrainingBaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = TrainingBase
    serializer_class = TrainingBaseSerializer
    filterset_fields = ["demonstration_level", "is_active"]

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "org", "branch", "course_type", "code", "title", "base", "venue_kind", "venue_address",
                  "starts_on", "ends_on", "capacity", "public_enrolment", "status", "awareness_count", "notes"]
        read_only_fields = ["id", "branch"]


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Session
    serializer_class = SessionSerializer
    search_fields = ["code", "title"]
    filterset_fields = ["status", "venue_kind", "course_type", "public_enrolment"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "org", "year", "certified", "awareness"]


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Target
    serializer_class = TargetSerializer
    filterset_fields = ["year", "org"]

    @action(detail=False, methods=["get"])
    def progress(self, request):
        """Achievement against targets by branch and month for `?year=` (default this year)."""
        from django.utils import timezone

        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
        rows = selectors.progress(user=request.user, year=year)
        return Response([{"branch": r.branch_id, "name": r.name, "certified_target": r.certified_target,
                          "awareness_target": r.awareness_target, "certified": r.certified,
                          "awareness": r.awareness, "certified_rate": r.certified_rate,
                          "awareness_rate": r.awareness_rate} for r in rows])


@method_decorator(cache_control(public=True, max_age=60), name="dispatch")
class VerifyCertificateView(PublicAPIView):
    """Verify a certificate by number and the holder's full name, or by the token of its QR code."""

    @extend_schema(parameters=[OpenApiParameter("number", str), OpenApiParameter("name", str),
                               OpenApiParameter("token", str)], responses={200: dict, 404: dict})
    def get(self, request):
        from dataclasses import asdict

        from boai.firstaid.selectors_training import verify_by_number, verify_by_token

        params = request.query_params
        if params.get("token"):
            result = verify_by_token(token=params["token"][:40])
        elif params.get("number") and params.get("name"):
            result = verify_by_number(number=params["number"][:40], name=params["name"][:50])
        else:
            return Response({"detail": "give number and name, or token"}, status=400)
        if result is None:
            return Response({"found": False}, status=404)
        return Response({"found": True, **asdict(result)})


class EnrolmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)

    class Meta:
        from boai.firstaid.models import Enrolment

        model = Enrolment
        fields = ["id", "session", "person", "name", "id_number", "source", "employer", "cancelled",
                  "attendance_percent", "theory_score", "practical_passed", "result"]


class ResultSerializer(serializers.Serializer):
    attendance_percent = serializers.IntegerField(min_value=0, max_value=100, allow_null=True)
    theory_score = serializers.IntegerField(min_value=0, max_value=100, allow_null=True)
    practical_passed = serializers.BooleanField(allow_null=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    from boai.firstaid.models import Enrolment as model  # noqa: N813

    serializer_class = EnrolmentSerializer
    filterset_fields = ["session", "result", "source"]
    action_permissions = {"result": "change", "cancel": "change"}

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    @extend_schema(request=RevokeSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Remove a trainee who will not come (`reason` required): the place is free again."""
        from boai.firstaid.services_training import enrol_cancel

        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = enrol_cancel(actor=request.user, enrolment=self.get_object(), **data.validated_data)
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=ResultSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """Record attendance and marks; a pass issues the certificate."""
        from boai.firstaid.services_training import result_record

        data = ResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = result_record(actor=request.user, enrolment=self.get_object(), **data.validated_data)
        return Response(EnrolmentSerializer(enrolment).data)


class CertificateSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(source="person.name", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        from boai.firstaid.models import Certificate

        model = Certificate
        fields = ["id", "number", "person", "holder", "course_type", "session", "org", "issued_on", "valid_until",
                  "status", "revoked_at", "revoke_reason"]


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    from boai.firstaid.models import Certificate as model  # noqa: N813

    serializer_class = CertificateSerializer
    filterset_fields = ["course_type", "org", "issued_on"]
    search_fields = ["number"]
    action_permissions = {"revoke": "change"}

    def get_queryset(self):
        return super().get_queryset().select_related("person")

    @extend_schema(request=RevokeSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        from boai.firstaid.services_training import certificate_revoke

        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cert = certificate_revoke(actor=request.user, certificate=self.get_object(),
                                  reason=data.validated_data["reason"])
        return Response(CertificateSerializer(cert).data)


class InstructorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        from boai.firstaid.models import Instructor

        model = Instructor
        fields = ["id", "person", "name", "org", "level", "qualification_no", "qualified_on", "expires_on",
                  "is_active"]


class InstructorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    from boai.firstaid.models import Instructor as model  # noqa: N813

    serializer_class = InstructorSerializer
    filterset_fields = ["level", "is_active", "org"]
    search_fields = ["qualification_no"]

    def get_queryset(self):
        return super().get_queryset().select_related("person")
