from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from boai.core.api import ScopedViewSet
from boai.orgs import services
from boai.orgs.models import Org


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Org
        fields = ["id", "name", "short_name", "code", "kind", "subtype", "division_code", "address", "phone",
                  "latitude", "longitude", "is_active", "depth", "parent"]
        read_only_fields = ["id", "depth", "parent", "kind"]

    def get_parent(self, obj) -> str | None:
        return obj.path[: -Org.steplen] or None


class OrgCreateSerializer(OrgSerializer):
    parent_id = serializers.IntegerField(write_only=True)

    class Meta(OrgSerializer.Meta):
        fields = [*OrgSerializer.Meta.fields, "parent_id"]
        read_only_fields = ["id", "depth", "parent"]


class OrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                 mixins.UpdateModelMixin, ScopedViewSet):
    """Organisations in the caller's subtree. `parent` is the parent's tree path prefix."""

    model = Org
    search_fields = ["name", "code", "division_code"]
    filterset_fields = ["kind", "subtype", "is_active", "depth"]

    def get_serializer_class(self):
        return OrgCreateSerializer if self.action == "create" else OrgSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parent = self.get_queryset().filter(pk=data.pop("parent_id")).first()
        if parent is None:
            raise serializers.ValidationError({"parent_id": "not found"})
        serializer.instance = services.org_create(actor=self.request.user, parent=parent, **data)

    def perform_update(self, serializer):
        serializer.instance = services.org_update(actor=self.request.user, org=self.get_object(),
                                                  **serializer.validated_data)

    @extend_schema(responses=OrgSerializer(many=True))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        org = self.get_object()
        return Response(OrgSerializer(self.get_queryset().filter(path__startswith=org.path, depth=org.depth + 1),
                                      many=True).data)
