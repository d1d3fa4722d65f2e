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

from django.db import connection
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


# The ORM compiles the statement once per shape (number of people, with or without an excluded
# application) and reuses its SQL with the new values: the check runs before every approval and
# compiling the queryset cost more than running it (bench/relief_dedupe.py). Sentinels mark where
# each value goes among the compiled parameters, so nothing depends on the compiler's order.
_SENTINEL_TYPE, _SENTINEL_EXCLUDE = -7_000_001, -7_000_002
_SENTINEL_SINCE, _SENTINEL_ON = dt.date(1901, 1, 1), dt.date(1902, 2, 2)
_compiled: dict[tuple, tuple[str, list]] = {}
MAX_CACHED_PEOPLE = 64


def _records_queryset(relief_type_id, person_ids, since, on, exclude_application_id):
    rows = ReliefRecord.objects.filter(relief_type_id=relief_type_id, person_id__in=person_ids,
                                       granted_on__gt=since, granted_on__lte=on, cancelled=False)
    if exclude_application_id is not None:
        rows = rows.exclude(application_id=exclude_application_id)
    return (rows.order_by("-granted_on", "-id")
            .values_list("id", "person_id", "granted_on", "application_id", "application__number", "org__path",
                         "org__name"))


def _template(n: int, exclude: bool) -> tuple[str, list]:
    key = (connection.alias, connection.vendor, n, exclude)
    if key not in _compiled:
        sentinels = [-(i + 1) for i in range(n)]
        qs = _records_queryset(_SENTINEL_TYPE, sentinels, _SENTINEL_SINCE, _SENTINEL_ON,
                               _SENTINEL_EXCLUDE if exclude else None)
        sql, params = qs.query.get_compiler(connection=connection).as_sql()
        ops = connection.ops
        marks = {_SENTINEL_TYPE: ("type", None), _SENTINEL_EXCLUDE: ("exclude", None),
                 ops.adapt_datefield_value(_SENTINEL_SINCE): ("since", None),
                 ops.adapt_datefield_value(_SENTINEL_ON): ("on", None),
                 **{s: ("person", i) for i, s in enumerate(sentinels)}}
        slots = [("const", p) if isinstance(p, bool) else marks.get(p, ("const", p)) for p in params]
        _compiled[key] = (sql, slots)
    return _compiled[key]


def _prior_records(relief_type_id, person_ids, since, on, exclude_application_id) -> list[tuple]:
    """The rows of `_records_queryset`, in one query, compiled once per shape."""
    exclude = exclude_application_id is not None
    if len(person_ids) > MAX_CACHED_PEOPLE:
        return list(_records_queryset(relief_type_id, person_ids, since, on, exclude_application_id))
    sql, slots = _template(len(person_ids), exclude)
    adapt = connection.ops.adapt_datefield_value
    values = {"type": relief_type_id, "exclude": exclude_application_id, "since": adapt(since), "on": adapt(on)}
    params = [person_ids[arg] if slot == "person" else arg if slot == "const" else values[slot]
              for slot, arg in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
    rows = _prior_records(relief_type.pk, person_ids, since, on, exclude_application_id)
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
