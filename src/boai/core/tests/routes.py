from boai.core.audit import audit_record
from boai.core.models import Notification
from boai.testing.helpers import make_user
from boai.testing.matrix import Route


def _audit_entry(unit, user):
    return audit_record(actor=None, action="test.matrix", org=unit, object_repr=f"matrix {unit.code}")


ROUTES = {
    "healthz": Route(public=True),
    "set_language": Route(public=True, method="post", data={"language": "en", "next": "/"}, ok=(302,)),
    "core:home": Route(public=True),
    "core:dashboard": Route(login_only=True),
    "core:audit": Route(perm="audit.view", lists="audit", search_param="q", marker=lambda e: e.object_repr),
    "core:audit-export": Route(perm="audit.export", lists="audit", search_param="q",
                                marker=lambda e: e.object_repr),
    "core:audit-detail": Route(perm="audit.view", obj="audit"),
    "core:inbox": Route(login_only=True),
    "core:notification-open": Route(login_only=True, obj="own_notification", method="post", ok=(302,)),
    "api-schema": Route(login_only=True, api=True),
    "api-docs": Route(login_only=True, api=True),
}

def _notification(unit, user):
    """Own case: the requester's notification; other case: someone else's in the other branch."""
    recipient = user if user.org.path in unit.path or unit.path.startswith(user.org.path) else make_user(unit)
    return Notification.objects.create(recipient=recipient, category="test", title="matrix")


OBJECTS = {"audit": _audit_entry, "own_notification": _notification}


# --- Excel engine (core/tabular): every route with the real `orgs` kind ------------------------------
def _import_job(unit, user):
    """Own case: the requester's job (with an error sheet); other case: another user's, in the other branch."""
    from boai.core.tabular.testing import make_job

    owner = user if unit.path.startswith(user.org.path) else make_user(unit, "branch_admin")
    return make_job(owner, parent_code=unit.code)


ROUTES.update({
    "tabular:import": Route(perm="orgs.import", kwargs={"kind": "orgs"}),
    "tabular:template": Route(perm="orgs.import", kwargs={"kind": "orgs"}),
    "tabular:job": Route(perm="orgs.import", obj="import_job", kwargs={"kind": "orgs"}),
    "tabular:errors": Route(perm="orgs.import", obj="import_job", kwargs={"kind": "orgs"}),
    "tabular:job-import": Route(perm="orgs.import", obj="import_job", kwargs={"kind": "orgs"}, method="post",
                                data={"mode": "valid"}, ok=(302,)),
    "tabular:export": Route(perm="orgs.export", kwargs={"kind": "orgs"}, lists="org"),
})
OBJECTS["import_job"] = _import_job
