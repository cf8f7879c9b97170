"""Citizen ID numbers (公民身份号码) as defined by GB 11643-1999.

Layout of the 18 characters::

    RRRRRR YYYYMMDD SSS C
    region birth    seq check

* ``RRRRRR`` – administrative division code (GB/T 2260).  We only check the
  two-digit province prefix: the full county table changes every year and a
  citizen born in a since-abolished county still holds a valid number, so a
  finer check would reject real people.
* ``YYYYMMDD`` – date of birth.
* ``SSS`` – sequence number; odd for men, even for women.
* ``C`` – ISO 7064 MOD 11-2 check character (``0``-``9`` or ``X``).

Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证)
use the same layout with prefixes 81, 82 and 83, so they are accepted too.

This module is pure Python on purpose: it is used by forms, the API, demo data
and tests alike, and must not pull in Django.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "InvalidIdNumber",
    "PROVINCE_CODES",
    "birth_date_of",
    "check_digit",
    "gender_of",
    "make_id_number",
    "normalize_id_number",
    "validate_id_number",
]

# Two-digit province-level prefixes of GB/T 2260, plus 71 (Taiwan, as listed in
# the standard) and 81/82/83 (HK / Macao / Taiwan residence permits).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

# ISO 7064 MOD 11-2 weights for positions 1..17 (2**(18-i) mod 11).
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Check character indexed by (weighted sum mod 11).
_CHECK_CHARS = "10X98765432"

# People older than this are not plausible petitioners, and dates before it are
# almost always typing mistakes (e.g. "1099" for "1990").
_EARLIEST_BIRTH = date(1900, 1, 1)

_WHITESPACE_RE = re.compile(r"\s+")
_DIGITS17_RE = re.compile(r"[0-9]{17}")


class InvalidIdNumber(ValueError):
    """Raised for a malformed ID number.

    ``str(exc)`` is a Chinese message fit to show the user as is; ``exc.code``
    is a stable machine-readable reason (e.g. for API clients and tests).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def normalize_id_number(raw: str) -> str:
    """Return ``raw`` without whitespace, in half-width, with an upper-case X.

    Users paste numbers from Word documents and mobile IMEs, which routinely
    yields full-width digits (``３２０２…``), a full-width or lower-case ``ｘ``
    and stray (also full-width) spaces.  NFKC folds full-width characters to
    their ASCII equivalents, so all of these compare equal afterwards, which
    also matters for the blind index used to look numbers up.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    return _WHITESPACE_RE.sub("", text).upper()


def check_digit(first17: str) -> str:
    """Return the MOD 11-2 check character for the first 17 digits."""
    if not _DIGITS17_RE.fullmatch(first17):
        raise InvalidIdNumber("身份证号码前17位应为数字", "digits")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _birth_date(number: str) -> date:
    """Parse digits 7-14; raise if they are not a calendar date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号码中的出生日期不存在", "birth_date_invalid") from None


def validate_id_number(raw: str, today: date | None = None) -> str:
    """Return the normalized 18-character number or raise :class:`InvalidIdNumber`.

    The checks run from the most basic to the most specific so that the user
    is told about the *first* thing to fix (a 17-digit number gets "should be
    18 digits", not "wrong checksum").  ``today`` is injectable so tests and
    callers working in the Asia/Shanghai zone get deterministic results.
    """
    number = normalize_id_number(raw)
    if not number:
        raise InvalidIdNumber("请填写身份证号码", "required")
    if len(number) != 18:
        raise InvalidIdNumber("身份证号码应为18位", "length")
    if not _DIGITS17_RE.fullmatch(number[:17]):
        raise InvalidIdNumber("身份证号码前17位应为数字", "digits")
    if number[17] not in "0123456789X":
        raise InvalidIdNumber("身份证号码最后一位应为数字或X", "check_char")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidIdNumber("身份证号码的地区码不正确", "region")

    born = _birth_date(number)
    if today is None:
        today = date.today()
    if born > today:
        raise InvalidIdNumber("身份证号码中的出生日期晚于今天", "birth_date_future")
    if born < _EARLIEST_BIRTH:
        raise InvalidIdNumber("身份证号码中的出生日期早于1900年，请核对", "birth_date_too_early")

    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("身份证号码校验位不正确，请核对", "checksum")
    return number


def _structural(id_number: str) -> str:
    """Normalize and check only what the accessors below rely on."""
    number = normalize_id_number(id_number)
    if len(number) != 18:
        raise InvalidIdNumber("身份证号码应为18位", "length")
    if not _DIGITS17_RE.fullmatch(number[:17]):
        raise InvalidIdNumber("身份证号码前17位应为数字", "digits")
    return number


def birth_date_of(id_number: str) -> date:
    """Date of birth encoded in ``id_number`` (digits 7-14).

    Deliberately does not re-run the full validation (no "today" involved):
    it is meant for numbers that were validated when they were stored.
    """
    return _birth_date(_structural(id_number))


def gender_of(id_number: str) -> str:
    """``'M'`` or ``'F'``: the 17th digit is odd for men and even for women."""
    return "M" if int(_structural(id_number)[16]) % 2 else "F"


def make_id_number(region6: str, birth: date, seq3: int) -> str:
    """Build a well-formed ID number with the correct check character.

    Used for demo data and tests so that we never need (or leak) a real
    person's number.  ``seq3`` is the 3-digit sequence number (0-999); its
    parity decides the gender (odd = male).
    """
    if not re.fullmatch(r"[0-9]{6}", region6):
        raise ValueError("region6 must be exactly 6 digits")
    if not 0 <= seq3 <= 999:
        raise ValueError("seq3 must be between 0 and 999")
    first17 = f"{region6}{birth:%Y%m%d}{seq3:03d}"
    if len(first17) != 17:  # years before 1000 or after 9999 format differently
        raise ValueError("birth year must have four digits")
    return first17 + check_digit(first17)
