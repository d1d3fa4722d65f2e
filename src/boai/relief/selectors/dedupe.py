"""The duplicate check before approval.

Has any member of this household already received this relief type inside its repeat window,
anywhere in the city? One indexed query on `ReliefRecord` (relief type, person, date), whatever
branch made the grant — including branches the officer cannot see. What the officer is told about
a grant outside their scope is only that it exists and its date: the selector strips everything else
before it returns, so no template or API can leak it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from boai.relief.models import DuplicateRule, ReliefRecord, ReliefType


@dataclass(frozen=True)
class PriorGrant:
    granted_on: dt.date
    visible: bool  # inside the asking user's scope
    org_name: str = ""  # empty unless visible
    application_number: str = ""  # empty unless visible
    application_id: int | None = None  # None unless visible
    person_ids: tuple[int, ...] = ()  # empty unless visible

    def describe(self) -> str:
        if self.visible:
            ref = f" ({self.application_number})" if self.application_number else ""
            return _("Already helped on %(date)s by %(org)s%(ref)s") % {
                "date": self.granted_on.isoformat(), "org": self.org_name, "ref": ref}
        return _("Already helped on %(date)s by another branch") % {"date": self.granted_on.isoformat()}

    def as_json(self) -> dict:
        """What the application keeps of the check (the same redaction as on screen)."""
        return {"granted_on": self.granted_on.isoformat(), "visible": self.visible, "org": self.org_name,
                "application": self.application_number, "text": self.describe()}


@dataclass(frozen=True)
class DuplicateCheck:
    relief_type_id: int
    window_days: int
    max_per_window: int
    rule: str
    grants: tuple[PriorGrant, ...] = field(default=())

    @property
    def found(self) -> bool:
        return bool(self.grants)

    @property
    def over_limit(self) -> bool:
        return len(self.grants) >= self.max_per_window

    @property
    def blocks(self) -> bool:
        return self.over_limit and self.rule == DuplicateRule.BLOCK

    @property
    def warns(self) -> bool:
        return self.found and not self.blocks


def duplicate_check(*, relief_type: ReliefType, person_ids, viewer_path: str, on: dt.date | None = None,
                    exclude_application_id: int | None = None) -> DuplicateCheck:
    """Prior grants of `relief_type` to any of `person_ids` in the window ending on `on`.

    A grant is one application (or one imported record); members of the same household helped by
    the same application count once. `viewer_path` is the asking user's organisation path.
    """
    on = on or timezone.localdate()
    person_ids = sorted({int(p) for p in person_ids})
    base = DuplicateCheck(relief_type.pk, relief_type.repeat_window_days, relief_type.max_per_window,
                          relief_type.duplicate_rule)
    if not person_ids or relief_type.repeat_window_days == 0:
        return base
    since = on - dt.timedelta(days=relief_type.repeat_window_days)
    rows = ReliefRecord.objects.filter(relief_type_id=relief_type.pk, person_id__in=person_ids,
                                       granted_on__gt=since, granted_on__lte=on, cancelled=False)
    if exclude_application_id is not None:
        rows = rows.exclude(application_id=exclude_application_id)
    rows = (rows.order_by("-granted_on", "-id")
            .values_list("id", "person_id", "granted_on", "application_id", "application__number", "org__path",
                         "org__name"))
    grants: dict[object, dict] = {}
    for pk, person_id, granted_on, app_id, app_number, org_path, org_name in rows:
        key = ("a", app_id) if app_id else ("r", pk)
        entry = grants.setdefault(key, {"granted_on": granted_on, "app_id": app_id, "app_number": app_number or "",
                                        "org_path": org_path, "org_name": org_name, "people": []})
        entry["people"].append(person_id)
    found = []
    for entry in grants.values():
        visible = bool(viewer_path) and entry["org_path"].startswith(viewer_path)
        if visible:
            found.append(PriorGrant(entry["granted_on"], True, entry["org_name"], entry["app_number"],
                                    entry["app_id"], tuple(sorted(entry["people"]))))
        else:
            found.append(PriorGrant(entry["granted_on"], False))
    return DuplicateCheck(base.relief_type_id, base.window_days, base.max_per_window, base.rule, tuple(found))
