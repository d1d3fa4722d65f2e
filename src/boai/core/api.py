"""API base classes: the same scoping and permissions as the pages.

`ScopedViewSet` takes its queryset from ``Model.objects.restrict(user, action)`` where the action
follows the HTTP method (GET → view, POST → add, PUT/PATCH → change, DELETE → delete), so an
object outside the caller's subtree is a 404 here too. Writes go through services: viewsets
override `perform_create`/`perform_update` to call them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from boai.core.scoping import permission_for

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


class ScopedViewSet(viewsets.GenericViewSet):
    model = None
    action_permissions: dict[str, str] = {}  # viewset action → scope action, e.g. {"reveal": "reveal"}

    def scope_action(self, request) -> str:
        return self.action_permissions.get(self.action, METHOD_ACTIONS.get(request.method, "view"))

    def get_required_permission(self, request) -> str:
        return permission_for(self.model, self.scope_action(request))

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.scope_action(self.request))


def exception_handler(exc, context):
    """Service ValidationErrors become 400 with their messages, like DRF's own."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
