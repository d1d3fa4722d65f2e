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


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return (name[0] + "*" * (len(name) - 1)) if len(name) > 1 else ("*" if name else "")


def deliveries_for_spendings(spending_ids) -> dict[int, dict]:
    """What a donor may learn about the relief deliveries these payments made (two queries): the
    recipient masked, the date, the branch, the relief type and whether receipt was acknowledged."""
    from boai.orgs.models import Org

    rows = list(Disbursement.objects.filter(spending_id__in=list(spending_ids))
                .select_related("application__org", "application__relief_type", "application__beneficiary")
                .only("ref", "paid_on", "method", "acknowledged_at", "spending_id", "application__org__path",
                      "application__org__name", "application__relief_type__name", "application__beneficiary__name"))
    step = Org.steplen
    paths = {d.application.org.path[: step * 2] for d in rows if len(d.application.org.path) >= step * 2}
    branches = dict(Org.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}
    out = {}
    for d in rows:
        org = d.application.org
        out[d.spending_id] = {
            "ref": d.ref, "recipient": mask_name(d.application.beneficiary.name), "date": d.paid_on,
            "branch": branches.get(org.path[: step * 2], org.name), "relief_type": d.application.relief_type.name,
            "method": d.get_method_display(), "acknowledged": d.acknowledged_at is not None,
            "acknowledged_at": d.acknowledged_at}
    return out
