"""/api/v1/: volunteers, teams, activities, sign-ups, service records, members and certificates,
scoped like the pages (restrict() by HTTP method); writes go through the services. `/api/v1/me/`
is the volunteer's own view (for_self), for a mobile app or mini-program."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.orgs.selectors import org_choices_for
from boai.volunteers import selectors, services
from boai.volunteers.codes import Skill, Speciality, from_codes
from boai.volunteers.models import Activity, Certificate, Member, ServiceRecord, Signup, Team, Volunteer


class VolunteerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number_masked = serializers.CharField(source="person.id_number_masked", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    skills = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = ["id", "name", "id_number_masked", "org", "org_name", "status", "registered_via", "skills",
                  "certified_hours", "star_level", "points_balance", "joined_on", "created_at"]
        read_only_fields = fields

    def get_skills(self, obj) -> list[str]:
        return from_codes(obj.skills)


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class VolunteerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Volunteer
    serializer_class = VolunteerSerializer
    search_fields = ["person__name"]
    filterset_fields = ["status", "org", "star_level"]
    action_permissions = {"review": "review"}

    def get_queryset(self):
        return selectors.volunteers_for(self.request.user, self.scope_action(self.request))

    @extend_schema(request=ReviewSerializer, responses=VolunteerSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Approve or reject a pending self-registration (permission volunteers.review)."""
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        volunteer = services.volunteer_review(actor=request.user, volunteer=self.get_object(), **data.validated_data)
        return Response(VolunteerSerializer(volunteer).data)


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "org", "name", "speciality", "description", "founded_on", "is_active"]
        read_only_fields = ["id", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org"].queryset = org_choices_for(request.user)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Team
    serializer_class = TeamSerializer
    search_fields = ["name"]
    filterset_fields = ["org", "speciality", "is_active"]

    def perform_create(self, serializer):
        serializer.instance = services.team_create(actor=self.request.user, **serializer.validated_data)


class ActivitySerializer(serializers.ModelSerializer):
    required_skills = serializers.ListField(child=serializers.ChoiceField(choices=Skill.choices), required=False)
    activity_type = serializers.ChoiceField(choices=Speciality.choices, required=False)
    publish = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Activity
        fields = ["id", "org", "team", "title", "activity_type", "description", "place", "latitude", "longitude",
                  "starts_at", "ends_at", "capacity", "taken", "recruitment", "needs_approval", "signup_deadline",
                  "required_skills", "status", "publish"]
        read_only_fields = ["id", "taken", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["org"].queryset = org_choices_for(request.user)
            self.fields["team"].queryset = Team.objects.restrict(request.user, "view")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["required_skills"] = from_codes(instance.required_skills)
        return data


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    model = Activity
    serializer_class = ActivitySerializer
    search_fields = ["title", "place"]
    filterset_fields = ["org", "status", "activity_type", "team"]

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        org, publish = d.pop("org"), d.pop("publish", False)
        d["activity_type"] = d.get("activity_type") or Speciality.COMMUNITY
        serializer.instance = services.activity_create(actor=self.request.user, org=org,
                                                       data=services.ActivityData(**d), publish=publish)


class SignupSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.person.name", read_only=True)

    class Meta:
        model = Signup
        fields = ["id", "activity", "volunteer", "volunteer_name", "status", "queued_at", "decided_at", "reason"]
        read_only_fields = fields


class SignupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Signup
    serializer_class = SignupSerializer
    filterset_fields = ["activity", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("volunteer__person").defer(
            *(f"volunteer__{f}" for f in selectors.PERSON_FIELDS))


class RecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = ["id", "volunteer", "activity", "org", "service_date", "check_in_at", "check_out_at", "hours",
                  "status", "source", "corrects", "certified_at"]
        read_only_fields = fields


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = ServiceRecord
    serializer_class = RecordSerializer
    filterset_fields = ["volunteer", "activity", "org", "status", "service_date"]
    action_permissions = {"certify": "change"}

    @extend_schema(request=None, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        """The organiser certifies a checked-out record: its hours count from now on."""
        record = self.get_object()
        services.records_certify(actor=request.user, records=[record])
        record.refresh_from_db()
        return Response(RecordSerializer(record).data)


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "member_no", "kind", "name", "org", "joined_on", "term_end", "status"]
        read_only_fields = fields


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Member
    serializer_class = MemberSerializer
    search_fields = ["member_no", "group_name"]
    filterset_fields = ["org", "kind", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("person").defer(
            "person__id_number", "person__mobile", "person__address", "contact_mobile")


@extend_schema_serializer(component_name="VolunteerCertificate")
class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "serial", "volunteer", "org", "holder_name", "unit_name", "period_start", "period_end",
                  "hours", "records_count", "issued_at", "revoked_at"]
        read_only_fields = fields


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Certificate
    serializer_class = CertificateSerializer
    search_fields = ["serial"]
    filterset_fields = ["org", "volunteer"]


class MeViewSet(viewsets.GenericViewSet):
    """The logged-in volunteer's own data (for_self): nothing of anyone else's."""

    permission_classes = [IsAuthenticated]
    serializer_class = VolunteerSerializer
    queryset = Volunteer.objects.none()  # for the schema only: every action reads through for_self()
    lookup_value_regex = r"\d+"

    def me(self):
        return selectors.for_self(self.request.user)

    def list(self, request):
        me = self.me()
        return Response(VolunteerSerializer(me.volunteer).data if me.exists else None)

    @extend_schema(responses=ActivitySerializer(many=True))
    @action(detail=False, methods=["get"])
    def activities(self, request):
        page = self.paginate_queryset(self.me().upcoming())
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(responses=RecordSerializer(many=True))
    @action(detail=False, methods=["get"])
    def records(self, request):
        page = self.paginate_queryset(self.me().records())
        return self.get_paginated_response(RecordSerializer(page, many=True).data)

    @extend_schema(responses=CertificateSerializer(many=True))
    @action(detail=False, methods=["get"])
    def certificates(self, request):
        page = self.paginate_queryset(self.me().certificates())
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)

    @extend_schema(request=None, responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        """Sign up for an activity open to me (a place, or the waiting list)."""
        from django.shortcuts import get_object_or_404

        activity = get_object_or_404(self.me().activities(), pk=pk)
        return Response(SignupSerializer(services.signup_create(actor=request.user, activity=activity)).data)
