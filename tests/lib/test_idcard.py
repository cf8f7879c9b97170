"""GB 11643-1999 ID numbers: validation messages, accessors and generator."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.lib.idcard import (
    PROVINCE_CODES,
    InvalidIdNumber,
    birth_date_of,
    check_digit,
    gender_of,
    make_id_number,
    normalize_id_number,
    validate_id_number,
)

TODAY = date(2025, 6, 1)


def _with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def test_it_accepts_a_number_built_by_make_id_number():
    number = make_id_number("320202", date(1990, 1, 1), 123)
    assert len(number) == 18
    assert validate_id_number(number, today=TODAY) == number


def test_it_computes_the_published_check_digit():
    # Example from the GB 11643-1999 standard text.
    assert check_digit("11010519491231002") == "X"
    assert validate_id_number("11010519491231002X", today=TODAY) == "11010519491231002X"


def test_it_accepts_lower_case_x_and_normalizes_it():
    assert validate_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"


def test_it_normalizes_full_width_characters_and_spaces():
    assert normalize_id_number(" １１０１０５ 19491231 002ｘ　") == "11010519491231002X"


def test_it_accepts_residence_permit_prefixes():
    for prefix in ("810000", "820000", "830000"):
        number = make_id_number(prefix, date(1985, 5, 5), 7)
        assert validate_id_number(number, today=TODAY) == number


def test_it_rejects_a_wrong_checksum():
    number = make_id_number("320202", date(1990, 1, 1), 123)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(InvalidIdNumber) as exc:
        validate_id_number(wrong, today=TODAY)
    assert str(exc.value) == "身份证号码校验位不正确，请核对"
    assert exc.value.code == "checksum"


def test_it_rejects_february_30th():
    number = _with_check("32020219900230123")
    with pytest.raises(InvalidIdNumber, match="身份证号码中的出生日期不存在"):
        validate_id_number(number, today=TODAY)


def test_it_rejects_a_birth_date_after_today():
    number = make_id_number("320202", date(2025, 6, 2), 1)
    with pytest.raises(InvalidIdNumber, match="身份证号码中的出生日期晚于今天"):
        validate_id_number(number, today=TODAY)
    # ... but the same number is fine the day after.
    assert validate_id_number(number, today=date(2025, 6, 2)) == number


def test_it_rejects_a_birth_date_before_1900():
    number = make_id_number("320202", date(1899, 12, 31), 1)
    with pytest.raises(InvalidIdNumber) as exc:
        validate_id_number(number, today=TODAY)
    assert exc.value.code == "birth_date_too_early"


def test_it_rejects_an_unknown_region():
    number = make_id_number("990101", date(1990, 1, 1), 1)
    with pytest.raises(InvalidIdNumber, match="身份证号码的地区码不正确"):
        validate_id_number(number, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写身份证号码"),
        ("32020219900101123", "身份证号码应为18位"),
        ("3202021990010112345", "身份证号码应为18位"),
        ("32020219900101A234", "身份证号码前17位应为数字"),
        ("32020219900101123Y", "身份证号码最后一位应为数字或X"),
    ],
)
def test_it_explains_malformed_input(raw, message):
    with pytest.raises(InvalidIdNumber) as exc:
        validate_id_number(raw, today=TODAY)
    assert str(exc.value) == message


def test_it_is_a_value_error():
    # Forms and DRF-like layers catch ValueError generically.
    with pytest.raises(ValueError):
        validate_id_number("123", today=TODAY)


def test_it_reads_birth_date_and_gender():
    male = make_id_number("320202", date(1990, 1, 2), 123)
    female = make_id_number("320202", date(1991, 3, 4), 124)
    assert birth_date_of(male) == date(1990, 1, 2)
    assert birth_date_of(female) == date(1991, 3, 4)
    assert gender_of(male) == "M"
    assert gender_of(female) == "F"


def test_it_refuses_bad_generator_arguments():
    with pytest.raises(ValueError):
        make_id_number("32020", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("320202", date(1990, 1, 1), 1000)


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    rest=st.from_regex(r"[0-9]{4}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
)
def test_it_always_validates_generated_numbers(province, rest, birth, seq):
    number = make_id_number(province + rest, birth, seq)
    assert validate_id_number(number, today=TODAY) == number
    assert birth_date_of(number) == birth
    assert gender_of(number) == ("M" if seq % 2 else "F")


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=14, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_it_detects_any_single_sequence_digit_error(birth, seq, position, delta):
    # MOD 11-2 catches every single-digit substitution.
    number = make_id_number("320202", birth, seq)
    digit = (int(number[position]) + delta) % 10
    wrong = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(InvalidIdNumber) as exc:
        validate_id_number(wrong, today=TODAY)
    assert exc.value.code == "checksum"
