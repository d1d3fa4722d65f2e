"""Normalising and validating identity document numbers and mobile numbers.

Everything here is pure (no database) so that forms, services, the Excel kind and the seeder share
one set of rules. Resident ID numbers (GB 11643) are checked with python-stdnum's ``cn.ric``:
check digit, birth date, and a birth place that existed in the birth year. The region lookup is
the slow part of ``cn.ric.validate`` (~30 µs), so its answer is cached per (region, year): a bulk
import pays for each pair once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from boai.people.codes import Gender, IdType

# separators people type or paste into numbers: spaces (any width), hyphens and dashes, dots
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·・]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
HMT_REGIONS = {"810000", "820000", "830000"}  # Hong Kong, Macao, Taiwan on residence permits
EARLIEST_BIRTH = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class IdInfo:
    """A valid, normalised document number and what it says about its holder."""

    number: str
    birth_date: dt.date | None = None
    gender: str | None = None


def normalise_id_number(raw: str | None) -> str:
    """Full-width characters folded (NFKC), separators and brackets removed, letters upper-cased."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = _SEPARATORS.sub("", text)
    return text.replace("(", "").replace(")", "").upper()


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def region_in_use(region: str, year: int) -> bool:
    """Whether stdnum's dated GB/T 2260 table lists `region` as a county-level division in `year`."""
    probe = f"{region}{year:04d}0101001"
    try:
        ric.get_birth_place(probe + ric.calc_check_digit(probe + "0"))
    except (StdnumError, KeyError):  # KeyError: stdnum's table has some codes without a county entry
        return False
    return True


@lru_cache(maxsize=4096)
def region_years(region: str) -> tuple[int, int] | None:
    """First and last year (from 1900 to now) in which the code was in use, or None if it never was."""
    years = [y for y in range(1900, dt.date.today().year + 1) if region_in_use(region, y)]
    return (years[0], years[-1]) if years else None


@lru_cache(maxsize=16384)
def _region_valid(region: str, year: int) -> bool:
    """A number's address code is the one in force when the number was first issued, which is the birth
    year or later (people born before 1984 got theirs with the first cards). So the code must be in
    stdnum's table and still in use in or after the birth year. (`ric.validate` demands it in the
    birth year itself, which rejects the real numbers of everyone born before their county's current
    code was introduced: in Wuxi, everyone born before 1983.)"""
    years = region_years(region)
    return years is not None and years[1] >= year


@lru_cache(maxsize=1)
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _today() -> dt.date:
    """Today in the site's time zone (django's localdate() costs more than the rest of a check)."""
    return dt.datetime.now(_zone()).date()


def _birth_date(number: str, start: int) -> dt.date:
    text = number[start:start + 8]
    try:
        born = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise _error(_("The birth date in this number (%(date)s) does not exist.") % {"date": text},
                     "birth_date") from None
    if born > _today():
        raise _error(_("The birth date in this number (%(date)s) is in the future.") % {"date": born}, "birth_date")
    if born < EARLIEST_BIRTH:
        raise _error(_("The birth date in this number (%(date)s) is before 1900.") % {"date": born}, "birth_date")
    return born


def _check_gb11643_shape(number: str) -> None:
    """18 characters, 17 digits and a digit or X, and the ISO 7064 MOD 11-2 check digit."""
    if not re.fullmatch(r"[0-9X]*", number):
        raise _error(_("Only digits and a final X are allowed in this number."), "format")
    if len(number) == 15 and number.isdigit():
        raise _error(_("This is an old 15-digit ID number; enter the 18-digit number of the current card."),
                     "length")
    if len(number) != 18:
        raise _error(_("This number must have 18 characters; it has %(n)d.") % {"n": len(number)}, "length")
    if "X" in number[:-1]:
        raise _error(_("Only the last character may be X."), "format")
    if number[-1] != ric.calc_check_digit(number):
        raise _error(_("The check digit does not match: a digit is probably mistyped."), "checksum")


def _gender_from_sequence(number: str) -> str:
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def check_resident_id(number: str) -> IdInfo:
    _check_gb11643_shape(number)
    if number[:6] in HMT_REGIONS:
        raise _error(_("This is a residence permit number for Hong Kong, Macao or Taiwan residents: "
                       "choose that ID type."), "type")
    born = _birth_date(number, 6)
    if not _region_valid(number[:6], born.year):
        raise _error(_("The region code %(code)s was not a county-level division in %(year)s (GB/T 2260).")
                     % {"code": number[:6], "year": born.year}, "region")
    return IdInfo(number, born, _gender_from_sequence(number))


def check_hmt_residence(number: str) -> IdInfo:
    _check_gb11643_shape(number)
    if number[:6] not in HMT_REGIONS:
        raise _error(_("A residence permit number for Hong Kong, Macao or Taiwan residents starts with "
                       "810000, 820000 or 830000."), "region")
    born = _birth_date(number, 6)
    return IdInfo(number, born, _gender_from_sequence(number))


def check_hk_macao_permit(number: str) -> IdInfo:
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
        raise _error(_("A mainland travel permit for Hong Kong and Macao residents is H or M followed by "
                       "8 or 10 digits."), "format")
    return IdInfo(number)


def check_taiwan_permit(number: str) -> IdInfo:
    if not re.fullmatch(r"\d{8}|\d{10}[A-Z]?", number):
        raise _error(_("A mainland travel permit for Taiwan residents has 8 digits (card) or 10 digits "
                       "(old booklet)."), "format")
    return IdInfo(number)


def check_passport(number: str) -> IdInfo:
    if not re.fullmatch(r"[A-Z0-9]{5,17}", number) or not any(c.isdigit() for c in number):
        raise _error(_("A passport number has 5 to 17 letters and digits, at least one a digit."), "format")
    return IdInfo(number)


def check_foreign_pr(number: str) -> IdInfo:
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):  # 2004/2017 card: nationality letters + 12 digits
        return IdInfo(number)
    if not number.startswith("9") or len(number) != 18:
        raise _error(_("A foreign permanent resident ID number is 3 letters and 12 digits, or 18 characters "
                       "starting with 9."), "format")
    _check_gb11643_shape(number)  # the 2023 card uses the resident ID check digit
    return IdInfo(number)


def check_other(number: str) -> IdInfo:
    if not 2 <= len(number) <= 40 or not any(c.isalnum() for c in number):
        raise _error(_("Enter the document number (2 to 40 characters)."), "format")
    return IdInfo(number)


CHECKS = {
    IdType.RESIDENT: check_resident_id,
    IdType.HMT_RESIDENCE: check_hmt_residence,
    IdType.HK_MACAO_PERMIT: check_hk_macao_permit,
    IdType.TAIWAN_PERMIT: check_taiwan_permit,
    IdType.PASSPORT: check_passport,
    IdType.FOREIGN_PR: check_foreign_pr,
    IdType.OTHER: check_other,
}


def check_id(id_type: str, raw: str, *, normalised: bool = False) -> IdInfo:
    """Normalise and validate a number of the given type; ValidationError with a precise message.
    `normalised`: `raw` already went through `normalise_id_number` (an import's column parser)."""
    try:
        check = CHECKS[IdType(id_type)]
    except ValueError:
        raise _error(_("Unknown ID type."), "id_type") from None
    number = raw if normalised else normalise_id_number(raw)
    if not number:
        raise _error(_("Enter the ID number."), "required")
    return check(number)


def reconcile(info: IdInfo, *, gender: str | None, birth_date: dt.date | None) -> tuple[str, dt.date | None]:
    """Gender and birth date: derived from the number when it carries them, and then they must agree."""
    errors = {}
    if info.gender and gender not in (None, "", Gender.UNKNOWN, info.gender):
        errors["gender"] = _("The ID number says %(gender)s.") % {"gender": Gender(info.gender).label}
    if info.birth_date and birth_date and birth_date != info.birth_date:
        errors["birth_date"] = _("The ID number says %(date)s.") % {"date": info.birth_date.isoformat()}
    if errors:
        raise ValidationError(errors)
    return info.gender or gender or Gender.UNKNOWN, info.birth_date or birth_date


def normalise_mobile(raw: str | None) -> str:
    """A mainland mobile number as 11 digits: +86/0086/86 prefixes, spaces, hyphens and brackets removed."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = re.sub(r"[\s\-‐‑‒–—―().]+", "", text)
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix):]
            break
    return text


def check_mobile(raw: str | None) -> str:
    number = normalise_mobile(raw)
    if not number.isdigit():
        raise _error(_("A mobile number may contain only digits (and a +86 prefix)."), "format")
    if len(number) != 11:
        raise _error(_("A mainland mobile number has 11 digits; this one has %(n)d.") % {"n": len(number)},
                     "length")
    if not _MOBILE.match(number):
        raise _error(_("A mainland mobile number starts with 13 to 19."), "format")
    return number


def mask_id(number: str) -> str:
    """3202**********123X: the first and last four kept for 18 characters, fewer for short numbers."""
    if len(number) <= 4:
        return number[:1] + "*" * (len(number) - 1)
    keep = 4 if len(number) >= 12 else max(1, len(number) // 4)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def mask_mobile(number: str) -> str:
    """138****5678."""
    return f"{number[:3]}****{number[-4:]}" if len(number) == 11 else ("*" * len(number))


def looks_like_id_number(text: str) -> bool:
    """A search term that should be looked up through the ID blind index instead of by name."""
    number = normalise_id_number(text)
    return len(number) >= 5 and number.isascii() and number.isalnum() and any(c.isdigit() for c in number)


def looks_like_mobile(text: str) -> bool:
    return bool(_MOBILE.match(normalise_mobile(text)))
