"""Telephone numbers of petitioners (mainland China only).

We rely on Google's ``phonenumbers`` metadata instead of home-made regexes:
number ranges (new mobile prefixes such as 19x, area codes of every city) change
over time and the library is kept current by a much larger community.

Only mainland mobile and fixed-line numbers are accepted because the office
must be able to call the petitioner back from an ordinary line and SMS gateways
used for notifications only deliver to mainland numbers.

Numbers are stored in one canonical form so that the blind index (see
``crypto.index_field``) finds the same person however the number was typed:

* mobile: 11 digits, ``13812345678``;
* fixed line: area code with its trunk ``0``, a dash, the subscriber number,
  ``0510-82345678`` -- the way it is printed on Chinese letterheads.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

__all__ = ["InvalidPhone", "canonical_is_mobile", "is_mobile", "validate_phone"]

_REGION = "CN"
_COUNTRY_CODE = 86

_MSG_REQUIRED = "请填写电话号码"
_MSG_INVALID = "电话号码无效，请核对"
_MSG_UNSUPPORTED = "仅支持中国大陆的手机号码或固定电话"

# What people legitimately type into a phone field.  Anything else (letters in
# particular) is rejected up front: phonenumbers would silently translate
# letters with the keypad mapping ("ABC" -> 222), which is never intended here.
_ALLOWED_RE = re.compile(r"[0-9+\-\s()]+")
_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-"})
_SEPARATORS_RE = re.compile(r"[\s()\-]+")

_FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


class InvalidPhone(ValueError):
    """Raised for a number we cannot accept; ``str(exc)`` is a Chinese message."""


def _clean(raw: str) -> str:
    # NFKC folds full-width digits, ＋, （）and － produced by Chinese IMEs.
    text = unicodedata.normalize("NFKC", raw or "").translate(_DASHES).strip()
    if not text:
        raise InvalidPhone(_MSG_REQUIRED)
    if not _ALLOWED_RE.fullmatch(text):
        raise InvalidPhone(_MSG_INVALID)
    return text


def _format_fixed_line(number: phonenumbers.PhoneNumber) -> str:
    """``0510 8234 5678`` (phonenumbers' national format) -> ``0510-82345678``.

    The first group of the national format is the area code including the
    trunk prefix ``0``; the remaining groups are the subscriber number, which
    Chinese usage writes without inner spaces.
    """
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    groups = [g for g in _SEPARATORS_RE.split(national) if g]
    if len(groups) < 2:  # no grouping metadata: fall back to the area-code length
        nsn = phonenumbers.national_significant_number(number)
        area_len = phonenumbers.length_of_geographical_area_code(number)
        if not area_len:
            raise InvalidPhone(_MSG_INVALID)
        return f"0{nsn[:area_len]}-{nsn[area_len:]}"
    return f"{groups[0]}-{''.join(groups[1:])}"


def validate_phone(raw: str) -> str:
    """Return the canonical form of ``raw`` or raise :class:`InvalidPhone`.

    Accepted inputs include ``13812345678``, ``+86 138 1234 5678``,
    ``0086-138-1234-5678``, ``8613812345678``, ``0510-82345678``,
    ``(0510)82345678`` and ``051082345678``.
    """
    text = _clean(raw)
    try:
        number = phonenumbers.parse(text, _REGION)
    except NumberParseException:
        raise InvalidPhone(_MSG_INVALID) from None

    if number.country_code != _COUNTRY_CODE:
        # Checked before validity: a Hong Kong caller should learn that the
        # region is the problem, not that they mistyped their number.
        raise InvalidPhone(_MSG_UNSUPPORTED)
    if number.extension or not phonenumbers.is_valid_number_for_region(number, _REGION):
        raise InvalidPhone(_MSG_INVALID)

    kind = phonenumbers.number_type(number)
    nsn = phonenumbers.national_significant_number(number)
    if kind == PhoneNumberType.MOBILE or (
        kind == PhoneNumberType.FIXED_LINE_OR_MOBILE and len(nsn) == 11 and nsn.startswith("1")
    ):
        return nsn
    if kind in _FIXED_TYPES:
        return _format_fixed_line(number)
    # Valid but neither mobile nor fixed line: 400/800 service numbers, VoIP,
    # premium rate ... none of them reach a person reliably.
    raise InvalidPhone(_MSG_UNSUPPORTED)


def is_mobile(number: str) -> bool:
    """True if ``number`` (raw or canonical) is a valid mainland mobile number.

    Used to decide whether SMS notifications can be sent; never raises.
    """
    try:
        canonical = validate_phone(number)
    except InvalidPhone:
        return False
    return canonical_is_mobile(canonical)


def canonical_is_mobile(canonical: str) -> bool:
    """For what ``validate_phone`` returned: its mobile form is 11 digits from 1
    (a fixed line has a dash). No second parse of a number just validated."""
    return len(canonical) == 11 and canonical.startswith("1")
