"""Document and mobile numbers as people really type them (and get them wrong)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from boai.people.codes import Gender, IdType
from boai.people.identity import (
    check_id,
    check_mobile,
    looks_like_id_number,
    looks_like_mobile,
    mask_id,
    mask_mobile,
    normalise_id_number,
    reconcile,
)
from boai.people.tests.factories import resident_id

VALID = "11010519491231002X"  # GB 11643's own example: a woman born 1949-12-31 in Chaoyang, Beijing


@pytest.mark.parametrize("typed", [
    "11010519491231002x",  # lower-case x
    " 11010519491231002X ",  # surrounding spaces
    "110105 19491231 002X",  # grouped
    "110105-19491231-002X",  # hyphens
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width (Chinese input method)
    "１１０１０５　１９４９１２３１　００２ｘ",  # full-width with ideographic spaces
    "110105\t19491231002X\n",  # pasted from a sheet
])
def test_resident_id_is_normalised(typed):
    info = check_id(IdType.RESIDENT, typed)
    assert info.number == VALID
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == Gender.FEMALE


@pytest.mark.parametrize(("typed", "message"), [
    ("110105194912310021", "check digit"),  # last digit mistyped
    ("110105194912310O2X", "Only digits"),  # letter O for zero
    ("11010519491231002", "18 characters; it has 17"),  # one digit short
    ("1101051949123100211", "18 characters; it has 19"),
    ("110105491231002", "15-digit"),  # first-generation card number
    ("11010519491331002X", "check digit"),  # month 13 with a wrong check digit
    ("1101051X491231002X", "Only the last character"),
    ("", "Enter the ID number"),
    ("3.20102E+17", "Only digits"),  # what Excel does to an ID number
])
def test_resident_id_rejections_say_why(typed, message):
    with pytest.raises(ValidationError) as exc:
        check_id(IdType.RESIDENT, typed)
    assert message in exc.value.messages[0]


def _with_check(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def test_impossible_birth_date_is_named():
    with pytest.raises(ValidationError, match=r"19490230\) does not exist"):
        check_id(IdType.RESIDENT, _with_check("11010519490230002"))


def test_future_and_ancient_birth_dates_are_refused():
    with pytest.raises(ValidationError, match="future"):
        check_id(IdType.RESIDENT, _with_check("11010521990101002"))
    with pytest.raises(ValidationError, match="before 1900"):
        check_id(IdType.RESIDENT, _with_check("11010518990101002"))


def test_unknown_region_is_refused():
    with pytest.raises(ValidationError, match="region code 999999"):
        check_id(IdType.RESIDENT, _with_check("99999919900101002"))


def test_region_must_not_be_retired_before_birth():
    # 崇安区 (320202) was merged into 梁溪区 in 2015: nobody born after that can have it
    with pytest.raises(ValidationError, match="320202"):
        check_id(IdType.RESIDENT, _with_check("32020220180101002"))
    assert check_id(IdType.RESIDENT, _with_check("32021320180101002")).birth_date.year == 2018


def test_people_born_before_their_code_existed_are_accepted():
    # a Wuxi resident born in 1950 got a 1983-or-later code with the first cards; stdnum's own validate()
    # refuses these real numbers, the registry must not
    assert check_id(IdType.RESIDENT, _with_check("32020219500101002")).birth_date == dt.date(1950, 1, 1)


def test_hmt_residence_permit_numbers():
    number = _with_check("81000019900101002")
    info = check_id(IdType.HMT_RESIDENCE, number)
    assert info.birth_date == dt.date(1990, 1, 1) and info.gender == Gender.FEMALE
    with pytest.raises(ValidationError, match="choose that ID type"):
        check_id(IdType.RESIDENT, number)
    with pytest.raises(ValidationError, match="810000, 820000 or 830000"):
        check_id(IdType.HMT_RESIDENCE, VALID)
    with pytest.raises(ValidationError, match="check digit"):
        check_id(IdType.HMT_RESIDENCE, number[:-1] + ("1" if number[-1] != "1" else "2"))


@pytest.mark.parametrize(("id_type", "good", "bad"), [
    (IdType.HK_MACAO_PERMIT, ["H12345678", "m1234567890", "Ｈ１２３４５６７８"], ["12345678", "H1234567", "C12345678"]),
    (IdType.TAIWAN_PERMIT, ["12345678", "1234567890(B)", "1234567890"], ["1234567", "T12345678"]),
    (IdType.PASSPORT, ["E12345678", "ea 1234567", "123456789"], ["ABCDEFGH", "E1", "E1234567*"]),
    (IdType.FOREIGN_PR, ["USA123456789012", "usa 1234 5678 9012"], ["US1234567890123", "912345678901234567"]),
])
def test_other_document_formats(id_type, good, bad):
    for number in good:
        assert check_id(id_type, number).number == normalise_id_number(number)
    for number in bad:
        with pytest.raises(ValidationError):
            check_id(id_type, number)


def test_2023_foreign_permanent_resident_card_uses_the_resident_id_check_digit():
    number = _with_check("93384019900101001")
    assert check_id(IdType.FOREIGN_PR, number).number == number


def test_unknown_id_type():
    with pytest.raises(ValidationError, match="Unknown ID type"):
        check_id("driving_licence", VALID)


@pytest.mark.parametrize("typed", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                   "+8613812345678", "008613812345678", "8613812345678", "１３８１２３４５６７８",
                                   "(+86) 138-1234-5678"])
def test_mobile_numbers_are_normalised(typed):
    assert check_mobile(typed) == "13812345678"


@pytest.mark.parametrize(("typed", "message"), [
    ("1381234567", "11 digits; this one has 10"),
    ("138123456789", "11 digits; this one has 12"),
    ("12812345678", "13 to 19"),
    ("0510-82700000", "11 digits"),  # a landline
    ("1381234567a", "only digits"),
    ("1.3812345678E10", "only digits"),
])
def test_bad_mobile_numbers_say_why(typed, message):
    with pytest.raises(ValidationError) as exc:
        check_mobile(typed)
    assert message in exc.value.messages[0]


def test_masks():
    assert mask_id(VALID) == "1101**********002X"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("AB12") == "A***"
    assert mask_mobile("13812345678") == "138****5678"


def test_gender_and_birth_date_must_agree_with_the_number():
    info = check_id(IdType.RESIDENT, VALID)
    assert reconcile(info, gender=None, birth_date=None) == (Gender.FEMALE, dt.date(1949, 12, 31))
    assert reconcile(info, gender=Gender.UNKNOWN, birth_date=None)[0] == Gender.FEMALE
    with pytest.raises(ValidationError) as exc:
        reconcile(info, gender=Gender.MALE, birth_date=dt.date(1950, 1, 1))
    assert set(exc.value.message_dict) == {"gender", "birth_date"}


def test_search_term_detection():
    assert looks_like_mobile("138 1234 5678") and not looks_like_mobile("张伟")
    assert looks_like_id_number(resident_id()) and looks_like_id_number("E12345678")
    assert not looks_like_id_number("张伟") and not looks_like_id_number("3202")
