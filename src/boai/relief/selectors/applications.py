"""Reads of the application pages: what waits for whom (the inbox), the types a user may see, and
the delivery a donor's money paid for (masked)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from boai.relief.models import Application, ApplicationStatus, ApprovalLevel, Disbursement, ReliefType

# inbox box → (status waiting, permission that acts on it)
BOXES = {
    "verify": (ApplicationStatus.SUBMITTED, "relief.verify"),
    "review": (ApplicationStatus.VERIFIED, "relief.review"),
    "approve": (ApplicationStatus.REVIEWED, "relief.approve"),
    "disburse": (ApplicationStatus.APPROVED, "relief.disburse"),
    "acknowledge": (ApplicationStatus.DISBURSED, "relief.disburse"),
}


def ancestor_paths(org) -> list[str]:
    from boai.orgs.models import Org

    return [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)] if org else []


def types_visible(user) -> QuerySet[ReliefType]:
    """Types in the user's subtree and those offered to it from above (read-only to them)."""
    if not user.has_perm("relief.view"):
        return ReliefType.objects.none()
    paths = ancestor_paths(getattr(user, "org", None))
    ids = ReliefType.objects.restrict(user).values("pk")
    return ReliefType.objects.filter(Q(pk__in=ids) | Q(org__path__in=paths))


def boxes_for(user) -> list[str]:
    return [box for box, (_status, perm) in BOXES.items() if user.has_perm(perm)]


def inbox(user, box: str | None = None) -> QuerySet[Application]:
    """Applications in the user's scope waiting for a step the user may take, minus those the user may
    not take because they raised or verified them (and city-level approvals for a branch)."""
    qs = Application.objects.restrict(user)
    boxes = [box] if box in boxes_for(user) else boxes_for(user)
    if not boxes:
        return qs.none()
    cond = Q()
    for name in boxes:
        status, _perm = BOXES[name]
        part = Q(status=status)
        if name in ("review", "approve"):
            part &= ~Q(raised_by=user) & ~Q(verified_by=user)
        if name == "approve" and getattr(getattr(user, "org", None), "level", 9) != 0:
            part &= Q(approval_level=ApprovalLevel.BRANCH)
        cond |= part
    return qs.filter(cond)


def disbursement_for_spending(spending_id: int) -> Disbursement | None:
    return (Disbursement.objects.select_related("application", "application__org", "application__relief_type",
                                                "application__beneficiary")
            .filter(spending_id=spending_id).first())


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return (name[0] + "*" * (len(name) - 1)) if len(name) > 1 else ("*" if name else "")


def delivery_view(disbursement: Disbursement) -> dict:
    """What a donor may learn about a relief delivery their money paid for."""
    app = disbursement.application
    from boai.orgs.models import Org

    branch = app.org
    if len(branch.path) >= Org.steplen * 2:
        branch = Org.objects.filter(path=branch.path[: Org.steplen * 2]).first() or branch
    return {"ref": disbursement.ref, "recipient": mask_name(app.beneficiary.name), "date": disbursement.paid_on,
            "branch": branch.name, "relief_type": app.relief_type.name, "method": disbursement.get_method_display(),
            "acknowledged": disbursement.acknowledged_at is not None,
            "acknowledged_on": disbursement.acknowledged_at}
