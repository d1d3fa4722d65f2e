"""DRF's default permission class (kept apart from api.py: DRF imports it while loading its views)."""

from rest_framework import permissions


class ScopedPermission(permissions.BasePermission):
    """Authenticated, and holding the permission the view asks for (see ScopedViewSet)."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        perm = view.get_required_permission(request) if hasattr(view, "get_required_permission") else None
        return perm is None or request.user.has_perm(perm)
