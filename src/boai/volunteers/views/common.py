"""Small pieces shared by the module's pages."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from boai.core import views_base
from boai.people.identity import looks_like_id_number, looks_like_mobile, normalise_id_number, normalise_mobile
from boai.people.protect import id_blind, mobile_blind
from boai.volunteers.models import Activity


def person_search(queryset, term: str, prefix: str = "person__"):
    """Name (contains), or a full ID/mobile number through the blind indexes."""
    term = term.strip()
    if not term:
        return queryset
    if looks_like_mobile(term):
        return queryset.filter(Q(**{f"{prefix}mobile_blind": mobile_blind(normalise_mobile(term))})
                               | Q(**{f"{prefix}id_blind": id_blind(normalise_id_number(term))}))
    if looks_like_id_number(term):
        return queryset.filter(**{f"{prefix}id_blind": id_blind(normalise_id_number(term))})
    return queryset.filter(**{f"{prefix}name__contains": term})


class ObjectActionPage(views_base.ObjectActionPage):
    """The core step page (one service call on one object in scope) in this module's template; it
    goes on to what the service returned when that has a page of its own, else to the object."""

    template_name = "volunteers/object_form.html"

    def get_success_url(self) -> str:
        target = getattr(self.result, "get_absolute_url", None) and self.result or self.get_object()
        return target.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        url = getattr(self.get_object(), "get_absolute_url", None)
        if url:
            ctx["cancel_url"] = url()
        return ctx


class LeaderMixin:
    """Pages a leader uses on the ground. Allowed for `volunteers.change` holders and for volunteers
    who lead some activity; the activity comes from `Activity.objects.led_by(user)` (404 otherwise)."""

    activity_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_perm("volunteers.change") and not Activity.objects.filter(
                leaders__user=user, leaders__status="active").exists():
            raise PermissionDenied
        return View.dispatch(self, request, *args, **kwargs)  # the check above replaces PermissionMixin's

    def get_activity(self) -> Activity:
        if not hasattr(self, "_activity"):
            self._activity = get_object_or_404(Activity.objects.led_by(self.request.user).select_related("org"),
                                               pk=self.kwargs[self.activity_kwarg])
        return self._activity


CONFIRM_LABEL = _("Confirm")
