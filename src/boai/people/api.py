"""/api/v1/people/: the registry scoped like the pages, masked like the pages.

Protected values are write-only; the full value of one field comes only from the `reveal` action
(POST with a reason, permission people.reveal, audited). `?id_number=` and `?mobile=` look a
person up by the full number through the blind index; `?search=` matches names.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.orgs.models import Org
from boai.orgs.selectors import org_choices_for
from boai.people import selectors, services
from boai.people.codes import ETHNICITY_CHOICES, Gender, IdType
from boai.people.models import REVEALABLE, Person


class PersonSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "org", "org_name", "name", "id_type", "id_number_masked", "gender", "birth_date",
                  "mobile_masked", "ethnicity", "created_at", "updated_at"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    """Input only: the service validates (precise messages), encrypts and checks duplicates."""

    org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT)
    id_number = serializers.CharField(max_length=60, required=False, allow_blank=True, write_only=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    mobile = serializers.CharField(max_length=30, required=False, allow_blank=True, write_only=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    ethnicity = serializers.ChoiceField(choices=ETHNICITY_CHOICES, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # an organisation outside the caller's subtree is as unknown as a missing one
            self.fields["org"].queryset = org_choices_for(request.user)

    def to_representation(self, instance):
        return PersonSerializer(instance, context=self.context).data


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=[(f, f) for f in REVEALABLE])
    reason = serializers.CharField(max_length=500)


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, ScopedViewSet):
    """People in the caller's subtree, with masked numbers."""

    model = Person
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["id_type", "gender", "org"]
    action_permissions = {"reveal": "reveal"}

    def get_queryset(self):
        return selectors.people_for(self.request.user, self.scope_action(self.request))

    def get_serializer_class(self):
        if self.action == "reveal":
            return RevealSerializer
        return PersonWriteSerializer if self.action in ("create", "update", "partial_update") else PersonSerializer

    @extend_schema(parameters=[
        OpenApiParameter("search", str, description="like the list page's search box: a full ID or mobile number "
                                                    "(blind index), otherwise the beginning of a name"),
        OpenApiParameter("name_contains", str, description="names containing this text"),
        OpenApiParameter("id_number", str, description="full document number, exact match (blind index)"),
        OpenApiParameter("mobile", str, description="full mobile number, exact match (blind index)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("search"):
            queryset = selectors.search(queryset, params["search"][:100])
        if params.get("name_contains"):
            queryset = selectors.by_name(queryset, params["name_contains"][:50])
        if params.get("id_number"):
            queryset = selectors.by_id_number(queryset, params["id_number"])
        if params.get("mobile"):
            queryset = selectors.by_mobile(queryset, params["mobile"])
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.person_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "gender" in data:
            data["gender"] = data["gender"] or None
        serializer.instance = services.person_update(actor=self.request.user, person=self.get_object(), **data)

    @extend_schema(request=RevealSerializer, responses=RevealResultSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full value of one protected field. Needs people.reveal and a reason; audited."""
        person = self.get_object()
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = services.person_reveal(actor=request.user, person=person, **serializer.validated_data)
        return Response({"field": serializer.validated_data["field"], "value": value},
                        headers={"Cache-Control": "no-store"})
