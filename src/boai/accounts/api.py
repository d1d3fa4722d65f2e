from rest_framework import mixins, serializers

from boai.accounts.models import User
from boai.core.api import ScopedViewSet


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "org", "roles", "is_active", "last_login"]

    def get_roles(self, obj) -> list[str]:
        return sorted(g.role for g in obj.role_grants.all())


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Accounts in the caller's subtree (read-only here; accounts are managed on the staff pages)."""

    model = User
    serializer_class = UserSerializer
    search_fields = ["username", "display_name"]
    filterset_fields = ["is_active", "org"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("role_grants").order_by("username")
