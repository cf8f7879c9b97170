"""Mainland China phone numbers: accepted spellings and canonical forms."""

import pytest

from xinfang.lib.phone import InvalidPhone, is_mobile, validate_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "86 13812345678",
        "0086 138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",
        " 138 1234 5678 ",
    ],
)
def test_it_canonicalizes_mobile_numbers_to_11_digits(raw):
    assert validate_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0510-82345678", "0510-82345678"),
        ("051082345678", "0510-82345678"),
        ("(0510)82345678", "0510-82345678"),
        ("（0510）8234 5678", "0510-82345678"),
        ("0510 8234 5678", "0510-82345678"),
        ("+86 510 8234 5678", "0510-82345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("020 1234 5678", "020-12345678"),
    ],
)
def test_it_canonicalizes_fixed_lines_with_area_code_and_dash(raw, expected):
    assert validate_phone(raw) == expected


def test_it_rejects_a_hong_kong_number():
    with pytest.raises(InvalidPhone) as exc:
        validate_phone("+852 9123 4567")
    assert str(exc.value) == "仅支持中国大陆的手机号码或固定电话"


def test_it_rejects_a_us_number():
    with pytest.raises(InvalidPhone, match="仅支持中国大陆的手机号码或固定电话"):
        validate_phone("+1 202-555-0123")


def test_it_rejects_service_numbers():
    with pytest.raises(InvalidPhone, match="仅支持中国大陆的手机号码或固定电话"):
        validate_phone("400-812-3123")


@pytest.mark.parametrize(
    "raw",
    ["12345", "1381234567", "138123456789", "23812345678", "138abc45678", "0510-82345678-123", "+86"],
)
def test_it_rejects_invalid_numbers(raw):
    with pytest.raises(InvalidPhone) as exc:
        validate_phone(raw)
    assert str(exc.value) == "电话号码无效，请核对"


def test_it_requires_a_value():
    with pytest.raises(InvalidPhone, match="请填写电话号码"):
        validate_phone("  ")


def test_it_is_a_value_error():
    with pytest.raises(ValueError):
        validate_phone("12345")


def test_it_tells_mobile_from_fixed_line():
    assert is_mobile("13812345678")
    assert is_mobile("+86 199 1234 5678")
    assert not is_mobile("0510-82345678")
    assert not is_mobile("+852 9123 4567")
    assert not is_mobile("not a number")
