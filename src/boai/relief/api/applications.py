"""Relief API: relief types, applications with one action per step, disbursements. Scoped like the
pages; every write goes through the services (their ValidationErrors become 400 answers)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.donations.models import Purpose
from boai.relief.models import (
    Application,
    Category,
    Channel,
    Disbursement,
    DisbursementMethod,
    DuplicateRule,
    Household,
    ReliefForm,
    ReliefType,
)
from boai.relief.selectors import applications as selectors
from boai.relief.services import applications as services
from boai.relief.services import rules

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ReliefTypeSerializer(serializers.ModelSerializer):
    eligible_categories = serializers.ListField(source="eligible_category_list", read_only=True)

    class Meta:
        model = ReliefType
        fields = ["id", "org", "code", "name", "purpose", "fund", "form", "description", "eligible_categories",
                  "max_income_per_capita", "min_amount", "max_amount", "repeat_window_days", "max_per_window",
                  "duplicate_rule", "branch_approval_limit", "active", "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ScopedOrgField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.orgs.models import Org

        return Org.objects.restrict(self.context["request"].user, "view")


@extend_schema_field(OpenApiTypes.INT)
class FundField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.donations.models import Fund

        return Fund.objects.all()  # the service checks the fund belongs to the type's organisation or above


class ReliefTypeWriteSerializer(serializers.Serializer):
    org = ScopedOrgField()
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=60)
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.HARDSHIP)
    fund = FundField(required=False, allow_null=True)
    form = serializers.ChoiceField(choices=ReliefForm.choices, default=ReliefForm.MONEY)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    eligible_categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices),
                                                required=False, default=list)
    max_income_per_capita = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    min_amount = serializers.DecimalField(required=False, default=0, **MONEY)
    max_amount = serializers.DecimalField(**MONEY)
    repeat_window_days = serializers.IntegerField(min_value=0, default=365)
    max_per_window = serializers.IntegerField(min_value=1, default=1)
    duplicate_rule = serializers.ChoiceField(choices=DuplicateRule.choices, default=DuplicateRule.BLOCK)
    branch_approval_limit = serializers.DecimalField(required=False, default=5000, **MONEY)


class ActiveSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReliefTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, ScopedViewSet):
    """Relief types in the caller's scope and those offered to it from above (read); create, update and
    (de)activate need relief.change over the type's organisation."""

    model = ReliefType
    serializer_class = ReliefTypeSerializer
    filterset_fields = ["active", "purpose", "org"]
    search_fields = ["code", "name"]
    action_permissions = {"update": "change", "partial_update": "change", "set_active": "change"}

    def get_queryset(self):
        if self.scope_action(self.request) == "view":
            return selectors.types_visible(self.request.user).select_related("org").order_by("code")
        return super().get_queryset()

    def get_serializer_class(self):
        return ReliefTypeWriteSerializer if self.action in ("create", "update", "partial_update") \
            else ReliefTypeSerializer

    @extend_schema(request=ReliefTypeWriteSerializer, responses={201: ReliefTypeSerializer})
    def create(self, request, *args, **kwargs):
        data = ReliefTypeWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        rt = rules.relief_type_create(actor=request.user, **data.validated_data)
        return Response(ReliefTypeSerializer(rt).data, status=201)

    @extend_schema(request=ReliefTypeWriteSerializer, responses=ReliefTypeSerializer)
    def update(self, request, *args, **kwargs):
        kwargs.pop("partial", None)
        data = ReliefTypeWriteSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k in request.data and k in rules.TYPE_FIELDS}
        rt = rules.relief_type_update(actor=request.user, relief_type=self.get_object(), **fields)
        return Response(ReliefTypeSerializer(rt).data)

    @extend_schema(request=ActiveSerializer, responses=ReliefTypeSerializer)
    @action(detail=True, methods=["post"], url_path="active")
    def set_active(self, request, pk=None):
        data = ActiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rt = rules.relief_type_set_active(actor=request.user, relief_type=self.get_object(), **data.validated_data)
        return Response(ReliefTypeSerializer(rt).data)


class ApplicationSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    beneficiary_name = serializers.CharField(source="beneficiary.name", read_only=True)
    relief_type_code = serializers.CharField(source="relief_type.code", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "number", "org", "household", "household_number", "beneficiary", "beneficiary_name",
                  "relief_type", "relief_type_code", "campaign", "channel", "amount_requested", "amount_approved",
                  "goods", "reason", "status", "approval_level", "raised_by", "raised_at", "verified_by",
                  "verified_at", "reviewed_by", "reviewed_at", "approved_by", "approved_at", "rejected_by",
                  "rejected_at", "reject_reason", "duplicate_findings", "updated_at"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ScopedHouseholdField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Household.objects.restrict(self.context["request"].user, "view")


@extend_schema_field(OpenApiTypes.INT)
class ReliefTypeField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.types_visible(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class PersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from boai.people.models import Person

        return Person.objects.all()  # the service requires a current member of the household


class ApplicationWriteSerializer(serializers.Serializer):
    household = ScopedHouseholdField()
    relief_type = ReliefTypeField()
    amount_requested = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(max_length=2000)
    beneficiary = PersonField(required=False, allow_null=True)
    goods = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=[Channel.WORKER, Channel.STAFF], default=Channel.STAFF)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ApproveSerializer(NoteSerializer):
    amount_approved = serializers.DecimalField(required=False, allow_null=True, **MONEY)
    acknowledge_duplicates = serializers.BooleanField(required=False, default=False)


class ApplicationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DisburseSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=DisbursementMethod.choices)
    amount = serializers.DecimalField(**MONEY)
    paid_on = serializers.DateField()
    bank_account = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    bank_reference = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    goods = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AcknowledgeSerializer(serializers.Serializer):
    image = serializers.FileField()
    kind = serializers.ChoiceField(choices=["signature", "photo"], default="signature")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DisbursementSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)

    class Meta:
        model = Disbursement
        fields = ["id", "application", "application_number", "ref", "method", "amount", "goods",
                  "bank_account_masked", "bank_reference", "paid_on", "recorded_by", "recorded_at", "spending",
                  "ledger_entry", "acknowledged_at", "acknowledgement_sha256", "ack_ledger_entry"]
        read_only_fields = fields


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Relief applications in the caller's scope; one POST action per step, each needing its permission."""

    model = Application
    serializer_class = ApplicationSerializer
    filterset_fields = ["status", "channel", "approval_level", "relief_type", "org"]
    search_fields = ["number", "household__number"]
    action_permissions = {"verify": "verify", "review": "review", "approve": "approve", "reject": "verify",
                          "withdraw": "review", "disburse": "disburse", "acknowledge": "disburse"}
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        return super().get_queryset().select_related("household", "beneficiary", "relief_type").defer(
            "beneficiary__id_number", "beneficiary__mobile", "beneficiary__address", "household__address")

    def get_serializer_class(self):
        return ApplicationWriteSerializer if self.action == "create" else ApplicationSerializer

    @extend_schema(request=ApplicationWriteSerializer, responses={201: ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        data = ApplicationWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        app = services.application_create(actor=request.user, **data.validated_data)
        return Response(ApplicationSerializer(app).data, status=201)

    def _act(self, func, serializer_class=None, **extra):
        fields = {}
        if serializer_class is not None:
            data = serializer_class(data=self.request.data)
            data.is_valid(raise_exception=True)
            fields = data.validated_data
        app = func(actor=self.request.user, application=self.get_object(), **fields, **extra)
        app = Application.objects.select_related("household", "beneficiary", "relief_type").get(pk=app.pk)
        return Response(ApplicationSerializer(app).data)

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._act(services.application_verify, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._act(services.application_review, NoteSerializer)

    @extend_schema(request=ApproveSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(services.application_approve, ApproveSerializer)

    @extend_schema(request=ApplicationReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(services.application_reject, ApplicationReasonSerializer)

    @extend_schema(request=OptionalReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(services.application_withdraw, OptionalReasonSerializer)

    @extend_schema(request=DisburseSerializer, responses={201: DisbursementSerializer})
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        data = DisburseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = services.disbursement_record(actor=request.user, application=self.get_object(), **data.validated_data)
        return Response(DisbursementSerializer(d).data, status=201)

    @extend_schema(request={"multipart/form-data": AcknowledgeSerializer}, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = Disbursement.objects.filter(application=self.get_object()).first()
        if d is None:
            raise ValidationError(_("Nothing has been disbursed yet."))
        d = services.disbursement_acknowledge(actor=request.user, disbursement=d, **data.validated_data)
        return Response(DisbursementSerializer(d).data)


class DisbursementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Disbursements of the applications in the caller's scope (bank accounts only masked)."""

    model = Disbursement
    serializer_class = DisbursementSerializer
    filterset_fields = ["method", "paid_on"]
    search_fields = ["ref", "application__number"]

    def get_queryset(self):
        return super().get_queryset().select_related("application")


VIEWSETS: list = [  # (prefix under /api/v1/, viewset, basename)
    ("relief/types", ReliefTypeViewSet, "relief-type"),
    ("relief/applications", ApplicationViewSet, "relief-application"),
    ("relief/disbursements", DisbursementViewSet, "relief-disbursement"),
]
