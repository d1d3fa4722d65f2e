"""Person registry writes. Every one validates, checks the actor's scope, and is audited.

Plaintext document numbers, mobile numbers and addresses never reach the audit log: records carry
the masked forms. Revealing a value is itself a write (of an audit record) and lives here too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.people import protect
from boai.people.codes import ETHNICITY_TABLE, Gender, IdType
from boai.people.identity import _today as today  # (the cached site zone: 5x cheaper than localdate)
from boai.people.identity import check_id, check_mobile, reconcile
from boai.people.models import REVEALABLE, Person

REVEAL_REASON_MIN = 4
NAME_MAX = 50
ADDRESS_MAX = 200
_ETHNICITIES = {code for code, _zh, _en in ETHNICITY_TABLE}
_GENDERS = frozenset(Gender.values)  # (the enum property builds a new list on every call)


class PersonRow(NamedTuple):
    """One validated person, ready for `person_bulk_create` (`clean_person` makes these). A named
    tuple: an import's rows cross from its worker processes to the parent, and tuples pickle fast."""

    org_id: int
    name: str
    id_type: str
    id_number: str
    gender: str
    birth_date: dt.date | None
    mobile: str = ""
    address: str = ""
    ethnicity: str = ""
    blind: str | None = None
    sealed: tuple | None = None  # see `seal`

    def __reduce__(self):
        """Pickled as one call with plain values (str, not the Gender/IdType enum members): a big import
        sends its rows back from the engine's worker processes, and enum members pickle slowly."""
        return (PersonRow, (self.org_id, self.name, str(self.id_type), self.id_number, str(self.gender),
                            self.birth_date, self.mobile, self.address, self.ethnicity, self.blind, self.sealed))


def clean_name(name: str | None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError(_("Enter the name."), code="required")
    if len(name) > NAME_MAX:
        raise ValidationError(_("A name has at most %(n)d characters.") % {"n": NAME_MAX}, code="max_length")
    if any(c.isdigit() for c in name):
        raise ValidationError(_("A name cannot contain digits: is this the ID number column?"), code="format")
    return name


def clean_address(address: str | None) -> str:
    address = " ".join(str(address or "").split())
    if len(address) > ADDRESS_MAX:
        raise ValidationError(_("An address has at most %(n)d characters.") % {"n": ADDRESS_MAX}, code="max_length")
    return address


def _clean_birth_date(birth_date: dt.date | None) -> dt.date | None:
    if birth_date and birth_date > today():
        raise ValidationError(_("The birth date cannot be in the future."), code="future")
    if birth_date and birth_date < dt.date(1900, 1, 1):
        raise ValidationError(_("The birth date cannot be before 1900."), code="past")
    return birth_date


def _collect(errors: dict, key: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except ValidationError as exc:
        errors.setdefault(key, []).extend(exc.messages)
        return None


def clean_person(*, org_id: int, name: str, id_type: str = IdType.RESIDENT, id_number: str = "",
                 gender: str | None = None, birth_date: dt.date | None = None, mobile: str = "",
                 address: str = "", ethnicity: str = "", parsed: bool = False) -> PersonRow:
    """All field rules at once: a ValidationError names every bad field (for forms, API and imports).

    `parsed=True` is for values that already went through the single-field rules below (`clean_name`,
    `clean_address`, `check_mobile`, `normalise_id_number`): an import's column parsers apply them cell
    by cell, so a row is not checked twice. The number's type rules and the cross-field rules still run.
    """
    errors: dict[str, list] = {}
    if parsed:
        return _clean_parsed(errors, org_id, name, id_type, id_number, gender, birth_date, mobile, address,
                             ethnicity)
    name = _collect(errors, "name", clean_name, name)
    info = _collect(errors, "id_number", check_id, id_type or IdType.RESIDENT, id_number) if id_number else None
    if gender not in (None, "") and gender not in _GENDERS:
        errors.setdefault("gender", []).append(_("Unknown gender code."))
    birth_date = _collect(errors, "birth_date", _clean_birth_date, birth_date)
    if info is not None:
        try:
            gender, birth_date = reconcile(info, gender=gender, birth_date=birth_date)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    mobile = _collect(errors, "mobile", check_mobile, mobile) if mobile else ""
    address = _collect(errors, "address", clean_address, address)
    if ethnicity and ethnicity not in _ETHNICITIES:
        errors.setdefault("ethnicity", []).append(_("Unknown ethnicity code (GB/T 3304)."))
    if errors:
        raise ValidationError(errors)
    number = info.number if info else ""
    return PersonRow(org_id=org_id, name=name, id_type=id_type or IdType.RESIDENT, id_number=number,
                     gender=gender or Gender.UNKNOWN, birth_date=birth_date, mobile=mobile or "",
                     address=address or "", ethnicity=ethnicity or "", blind=protect.id_blind(number))


def _clean_parsed(errors, org_id, name, id_type, id_number, gender, birth_date, mobile, address,
                  ethnicity) -> PersonRow:
    id_type = id_type or IdType.RESIDENT
    info = _collect(errors, "id_number", check_id, id_type, id_number, normalised=True) if id_number else None
    if gender and gender not in _GENDERS:
        errors.setdefault("gender", []).append(_("Unknown gender code."))
    if birth_date is not None:
        birth_date = _collect(errors, "birth_date", _clean_birth_date, birth_date)
    if info is not None:
        if (info.gender and gender and gender != Gender.UNKNOWN and gender != info.gender) or (
                info.birth_date and birth_date and birth_date != info.birth_date):
            try:
                reconcile(info, gender=gender, birth_date=birth_date)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        gender, birth_date = info.gender or gender, info.birth_date or birth_date
    if ethnicity and ethnicity not in _ETHNICITIES:
        errors.setdefault("ethnicity", []).append(_("Unknown ethnicity code (GB/T 3304)."))
    if errors:
        raise ValidationError(errors)
    number = info.number if info else ""
    return PersonRow(org_id, name, id_type, number, gender or Gender.UNKNOWN, birth_date, mobile or "",
                     address or "", ethnicity or "", protect.id_blind(number))


# --- duplicates ------------------------------------------------------------------------------------

def duplicate_reason(existing: Person, actor) -> str:
    """Name the existing record only to someone allowed to see it; otherwise say just that it exists."""
    if actor is None or (actor.has_perm("people.view") and org_in_scope(existing.org, actor)):
        return _("This ID number is already registered: %(masked)s, %(name)s, %(org)s.") % {
            "masked": existing.id_number_masked, "name": existing.name, "org": existing.org.name}
    return _("This ID number is already registered in another organisation.")


def find_duplicates(rows: Sequence[PersonRow], *, actor, chunk: int = 900,
                    row_number: Callable[[int], int] = lambda i: i + 1) -> dict[int, str]:
    """{row index: reason} for rows whose number repeats an earlier row or a registered person.

    Through the blind index (`_registered`). `row_number` turns an index into the number the user sees
    (the spreadsheet row for an import).
    """
    reasons: dict[int, str] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        blind = row.blind if row.blind is not None else protect.id_blind(getattr(row, "id_number", ""))
        if blind is None:
            continue
        key = (blind, row.id_type)
        if key in first_seen:
            reasons[i] = _("Same ID number as row %(row)d.") % {"row": row_number(first_seen[key])}
        else:
            first_seen[key] = i
    for existing in _registered([b for b, _t in first_seen], chunk):
        index = first_seen.get((existing.id_blind, existing.id_type))
        if index is not None:
            reasons[index] = duplicate_reason(existing, actor)
    return reasons


def _registered(blinds: list[str], chunk: int) -> list[Person]:
    """The registered people whose ID blind index is one of `blinds`. PostgreSQL: one query with a single
    array parameter finds the (usually few) matches among any number of rows, then only those are loaded;
    elsewhere, IN lists of `chunk` values (SQLite's parameter limit)."""
    people = Person.objects.select_related("org").only("name", "id_type", "id_blind", "id_number_masked",
                                                       "org__name", "org__path")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Person._meta.db_table} WHERE id_blind = ANY(%s)",  # noqa: S608 # nosec B608
                           [blinds])
            keys, lookup = [pk for (pk,) in cursor.fetchall()], "pk__in"
    else:
        keys, lookup = blinds, "id_blind__in"
    found: list[Person] = []
    for start in range(0, len(keys), chunk):
        found.extend(people.filter(**{lookup: keys[start:start + chunk]}))
    return found


def _check_unique(row: PersonRow, *, actor, exclude_pk: int | None = None) -> None:
    if row.blind is None:
        return
    existing = Person.objects.filter(id_blind=row.blind, id_type=row.id_type).exclude(pk=exclude_pk)
    existing = existing.select_related("org").first()
    if existing is not None:
        raise ValidationError({"id_number": duplicate_reason(existing, actor)})


def _require_scope(actor, perm: str, org) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({"org": _("This organisation is outside your scope.")})


# --- single writes ---------------------------------------------------------------------------------

def _apply(person: Person, row: PersonRow) -> None:
    derived = protect.derive(id_number=row.id_number, mobile=row.mobile)
    person.org_id = row.org_id
    person.name, person.id_type, person.id_number = row.name, row.id_type, row.id_number
    person.id_number_masked, person.id_blind = derived.id_number_masked, derived.id_blind
    person.gender, person.birth_date, person.ethnicity = row.gender, row.birth_date, row.ethnicity
    person.mobile, person.mobile_masked, person.mobile_blind = row.mobile, derived.mobile_masked, derived.mobile_blind
    person.address = row.address


def _save(person: Person, row: PersonRow) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a concurrent registration of the same number won the race
        raise ValidationError({"id_number": _("This ID number was registered a moment ago by someone else.")}) \
            from None


@transaction.atomic
def person_create(*, actor, org, name: str, id_type: str = IdType.RESIDENT, id_number: str = "",
                  gender: str | None = None, birth_date: dt.date | None = None, mobile: str = "",
                  address: str = "", ethnicity: str = "") -> Person:
    """Register a person in `org` (which must be in the actor's scope); the number must be new."""
    _require_scope(actor, "people.add", org)
    row = clean_person(org_id=org.pk, name=name, id_type=id_type, id_number=id_number, gender=gender,
                       birth_date=birth_date, mobile=mobile, address=address, ethnicity=ethnicity)
    _check_unique(row, actor=actor)
    person = Person(org=org)
    _apply(person, row)
    _save(person, row)
    audit_record(actor=actor, action="people.person.create", obj=person, after=person.snapshot())
    return person


_UNSET = object()


@transaction.atomic
def person_update(*, actor, person: Person, org=None, name: str | None = None, id_type: str | None = None,
                  id_number: str | None = None, gender: str | None = None, birth_date=_UNSET,
                  mobile: str | None = None, address: str | None = None, ethnicity: str | None = None) -> Person:
    """Change some fields. None keeps a field as it is; "" clears an optional one (number, mobile, address).

    A new document type re-validates the stored number under that type; gender and birth date follow
    the number whenever it carries them.
    """
    person = Person.objects.select_for_update().select_related("org").get(pk=person.pk)
    _require_scope(actor, "people.change", person.org)
    if org is not None and org.pk != person.org_id:
        _require_scope(actor, "people.change", org)
    before, address_before = person.snapshot(), person.address
    row = clean_person(
        org_id=org.pk if org is not None else person.org_id,
        name=person.name if name is None else name,
        id_type=id_type or person.id_type,
        id_number=person.id_number if id_number is None else id_number,
        gender=person.gender if gender is None else gender,
        birth_date=person.birth_date if birth_date is _UNSET else birth_date,
        mobile=person.mobile if mobile is None else mobile,
        address=person.address if address is None else address,
        ethnicity=person.ethnicity if ethnicity is None else ethnicity,
    )
    _check_unique(row, actor=actor, exclude_pk=person.pk)
    _apply(person, row)
    _save(person, row)
    old, new = diff(before, person.snapshot())
    if person.address != address_before:
        old["address"], new["address"] = _("(encrypted)"), _("(encrypted, changed)")
    if new:
        audit_record(actor=actor, action="people.person.update", obj=person, before=old, after=new)
    return person


@transaction.atomic
def person_reveal(*, actor, person: Person, field: str, reason: str) -> str:
    """The plaintext of one protected field, for someone allowed to see it and saying why (audited)."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    reason = " ".join(str(reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError({"reason": _("Give a reason of at least %(n)d characters.") % {"n": REVEAL_REASON_MIN}})
    if actor is None or not Person.objects.restrict(actor, "reveal").filter(pk=person.pk).exists():
        raise PermissionDenied
    value = Person.objects.filter(pk=person.pk).values_list(field, flat=True).get()
    audit_record(actor=actor, action="people.person.reveal", obj=person, reason=reason[:500],
                 after={"field": field})
    return value


# --- bulk writes -----------------------------------------------------------------------------------

COPY_COLUMNS = ("org_id", "name", "id_type", "id_number", "id_number_masked", "id_blind", "gender", "birth_date",
                "mobile", "mobile_masked", "mobile_blind", "address", "ethnicity", "created_at", "updated_at")


def _sealed_columns(row: PersonRow) -> tuple:
    derived = protect.derive(id_number=row.id_number, mobile=row.mobile, id_blind=row.blind)
    return (protect.encrypt_or_empty(row.id_number, protect.ID_FIELD_CONTEXT), derived.id_number_masked,
            derived.id_blind, protect.encrypt_or_empty(row.mobile, protect.MOBILE_FIELD_CONTEXT),
            derived.mobile_masked, derived.mobile_blind,
            protect.encrypt_or_empty(row.address, protect.ADDRESS_FIELD_CONTEXT))


def seal(row: PersonRow) -> PersonRow:
    """The row with its encrypted, masked and indexed columns computed now. Pure CPU, no database: an
    import seals rows while validating them, in as many processes as the engine forks."""
    return row._replace(sealed=_sealed_columns(row))


class SealedRow(NamedTuple):
    """A validated person already encrypted, masked, indexed and encoded as one line of PostgreSQL's COPY
    text (COPY_COLUMNS without the two timestamps, which the commit adds): what an import's worker
    processes send back. It carries no plaintext, and it pickles as four strings."""

    org_id: int
    id_type: str
    blind: str | None
    line: str


def seal_for_copy(row: PersonRow) -> SealedRow:
    """`seal`, then encoded for `person_bulk_copy` (PostgreSQL). Pure CPU, no database.

    Only the name and the masked number can hold a character COPY escapes (a backslash: `clean_name`
    and the number's normalisation already removed tabs and line breaks); ciphertexts, digests, codes
    and dates cannot."""
    id_ct, id_masked, id_blind, mobile_ct, mobile_masked, mobile_blind, address_ct = row.sealed or _sealed_columns(row)
    id_type, born = str(row.id_type), row.birth_date
    line = (f"{row.org_id}\t{_copy_field(row.name)}\t{id_type}\t{id_ct}\t{_copy_field(id_masked)}\t"
            f"{id_blind or _NULL}\t{row.gender!s}\t{born.isoformat() if born else _NULL}\t{mobile_ct}\t"
            f"{mobile_masked}\t{mobile_blind or _NULL}\t{address_ct}\t{row.ethnicity}")
    return SealedRow(row.org_id, id_type, row.blind, line)


def protected_tuple(row: PersonRow, now: dt.datetime | None) -> tuple:
    """One row in COPY_COLUMNS order, encrypted and indexed (the bulk paths' only place for this)."""
    id_ct, id_masked, id_blind, mobile_ct, mobile_masked, mobile_blind, address_ct = row.sealed or _sealed_columns(row)
    return (row.org_id, row.name, row.id_type, id_ct, id_masked, id_blind, row.gender, row.birth_date,
            mobile_ct, mobile_masked, mobile_blind, address_ct, row.ethnicity, now, now)


def copy_people(tuples: Iterable[tuple]) -> int:
    """PostgreSQL COPY of ready tuples (psycopg 3): the fastest way in, still inside the transaction."""
    n = 0
    sql = f"COPY {Person._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"  # noqa: S608 - fixed names
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for values in tuples:
            copy.write_row(values)
            n += 1
    return n


def insert_people(tuples: Iterable[tuple], *, batch_size: int = 2000) -> int:
    """Multi-row INSERTs of ready tuples where COPY is not available (the values are already encrypted,
    so they bypass the model fields, which would encrypt them again)."""
    ops = connection.ops
    table = connection.ops.quote_name(Person._meta.db_table)
    columns, params = ", ".join(COPY_COLUMNS), ", ".join(["%s"] * len(COPY_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({params})"  # noqa: S608 # nosec B608 - fixed names
    n, batch = 0, []
    with connection.cursor() as cursor:
        for values in tuples:
            values = list(values)
            values[7] = ops.adapt_datefield_value(values[7])
            values[13] = values[14] = ops.adapt_datetimefield_value(values[13])
            batch.append(values)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                n, batch = n + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
    return n


_COPY_SPECIALS = ("\\", "\t", "\n", "\r")
_NULL = "\\N"


def _copy_field(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if any(c in value for c in _COPY_SPECIALS):
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def copy_text(rows: Iterable[PersonRow], now: dt.datetime) -> tuple[bytes, dict[int, int]]:
    """Rows sealed and encoded in PostgreSQL's COPY text format (COPY_COLUMNS), with the count per unit.

    Pure CPU: a seeder builds these in worker processes, and the loading connection only forwards
    bytes (`person_bulk_load`)."""
    lines, counts = [], {}
    for row in rows:
        lines.append(seal_for_copy(row).line)
        counts[row.org_id] = counts.get(row.org_id, 0) + 1
    return _with_timestamps(lines, now), counts


def _with_timestamps(lines: list[str], now: dt.datetime) -> bytes:
    """`seal_for_copy` lines completed with created_at/updated_at, as one COPY chunk."""
    suffix = f"\t{now.isoformat()}\t{now.isoformat()}\n"
    return (suffix.join(lines) + suffix).encode() if lines else b""


def person_bulk_copy(*, actor, rows: Sequence[SealedRow], source: str = "", audit: bool = True,
                     chunk: int = 5000) -> int:
    """PostgreSQL: rows made by `seal_for_copy` (already validated and checked for duplicates) COPYed in
    one transaction; the commit only joins their lines with the timestamps and forwards bytes."""
    now = timezone.now()

    def chunks():
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            yield _with_timestamps([r.line for r in part], now), Counter(r.org_id for r in part)

    return person_bulk_load(actor=actor, chunks=chunks(), source=source, audit=audit)


@transaction.atomic
def person_bulk_load(*, actor, chunks: Iterable[tuple[bytes, dict[int, int]]], source: str = "",
                     audit: bool = True) -> int:
    """PostgreSQL: chunks made by `copy_text` (valid rows only: the seeder's) COPYed in one transaction,
    with one audit record (`audit=False`: the caller writes its own, as an import does). The chunks may
    come from other processes; they must not query the database."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("person_bulk_load needs PostgreSQL; use person_bulk_create")
    if actor is not None and not actor.has_perm("people.add"):
        raise PermissionDenied
    by_org: Counter = Counter()
    sql = f"COPY {Person._meta.db_table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"  # noqa: S608 - fixed names
    try:
        with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy:
            for data, counts in chunks:
                copy.write(data)
                by_org.update(counts)
    except IntegrityError:
        raise ValidationError(_("Some of these ID numbers are already registered.")) from None
    n = sum(by_org.values())
    if not audit:
        return n
    audit_record(actor=actor, action="people.person.bulk_create", object_type="people.person",
                 object_repr=_("%(n)d people") % {"n": n},
                 after={"count": n, "source": source, "by_org": {str(k): v for k, v in by_org.items()}})
    return n


@transaction.atomic
def person_bulk_create(*, actor, rows: Iterable[PersonRow], source: str = "", check_duplicates: bool = True,
                       audit: bool = True) -> int:
    """Register many validated people in one transaction with bulk operations; one audit record.

    Encryption, masks and blind indexes are computed in Python; PostgreSQL takes the rows by COPY
    as they are produced (a generator of a million rows never sits in memory; it must not query the
    database itself, the connection is busy with the COPY). Duplicates, inside
    the batch or against the registry, refuse the whole batch naming each row (1-based).
    `audit=False` is for a caller that writes the batch's one audit record itself (an Excel import
    records the file and its counts with the engine's `audit_import`).
    """
    if actor is not None and not actor.has_perm("people.add"):
        raise PermissionDenied
    if check_duplicates:
        rows = list(rows)
        reasons = find_duplicates(rows, actor=actor)
        if reasons:
            raise ValidationError([f"#{i + 1}: {reason}" for i, reason in sorted(reasons.items())])
    now = timezone.now()
    by_org: Counter = Counter()

    def tuples():
        for row in rows:
            by_org[row.org_id] += 1
            yield protected_tuple(row, now)

    try:
        with transaction.atomic():
            n = copy_people(tuples()) if connection.vendor == "postgresql" else insert_people(tuples())
    except IntegrityError:
        raise ValidationError(_("Some of these ID numbers are already registered.")) from None
    if not audit:
        return n
    audit_record(actor=actor, action="people.person.bulk_create", object_type="people.person",
                 object_repr=_("%(n)d people") % {"n": n},
                 after={"count": n, "source": source, "by_org": {str(k): v for k, v in by_org.items()}})
    return n
