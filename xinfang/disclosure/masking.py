"""Masking a case's texts before they are published.

`xinfang.lib.masking.mask_text` finds ID numbers, phones and cued names in any
text. Here we add what only the case knows — its petitioners' exact names, ID
numbers, phones and addresses, wherever they appear, cue or not — and the
addresses free text carries ("家住…", "中山路100号3幢502室"), which mask_text
leaves alone. Like mask_text it errs towards masking; the approver reviews.
Every step leaves `*` where it masked, so masking twice changes nothing more.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from xinfang.lib.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_text


@dataclass(frozen=True)
class Person:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""


def people_of(case) -> list[Person]:
    """The case's petitioners as the masker needs them (decrypted in memory only)."""
    people = [Person(p.name, p.id_number, p.phone, p.address) for p in case.petitioners.all()]
    if case.issue_address:
        # Where the problem is is often where the petitioner lives.
        people.append(Person(address=case.issue_address))
    return people


_CJK = "\u4e00-\u9fff"
# An address after a cue: up to the next punctuation or space.
_CUED_ADDRESS_RE = re.compile(
    r"(?P<cue>家住|住址|住在|居住在|居住于|现住|现居住|户籍地|户籍所在地|通讯地址|联系地址|地址)"
    r"(?P<sep>[ :：]*(?:为|是|在|于)?[ :：]*)"
    r"(?P<addr>[^，。；;,、\s)）]{4,60})"
)
_DIGITS = "0-9０-９"
# A house number after a road, lane or village: 中山路100号3幢502室, 西望村5组.
_HOUSE_RE = re.compile(
    rf"(?P<road>[{_CJK}]{{1,12}}?(?:大街|大道|路|街|巷|弄|道|村|里|苑|园|小区))"
    rf"(?P<num>[{_DIGITS}]+(?:[-－][{_DIGITS}]+)?(?:号|弄|组|幢|栋)"
    rf"(?:[{_DIGITS}]+(?:号楼|幢|栋|座|单元|楼|室|号))*)"
)
# Building and flat numbers on their own: 3幢502室, 2单元301室, 1502室, 5号楼2单元
# (but not a count: 共有12幢楼).
_FLAT_RE = re.compile(
    rf"(?<![{_DIGITS}*])(?:[{_DIGITS}]+(?:号楼|幢|栋|座))?(?:[{_DIGITS}]+单元)?[{_DIGITS}]{{3,4}}室"
    rf"|(?<![{_DIGITS}*])[{_DIGITS}]+(?:号楼|幢|栋|座)[{_DIGITS}]+单元"
)


def _replace_known(text: str, people: Iterable[Person]) -> str:
    pairs: dict[str, str] = {}
    for p in people:
        for value, masker in ((p.id_number, mask_id_number), (p.phone, mask_phone), (p.address, mask_address)):
            value = (value or "").strip()
            if len(value) >= 4:
                pairs[value] = masker(value)
        name = (p.name or "").strip()
        if len(name) >= 2:
            pairs[name] = mask_name(name)
    # Longest first, so an address is masked whole before a name inside it.
    for value in sorted(pairs, key=len, reverse=True):
        text = text.replace(value, pairs[value])
    return text


_ADDRESSY_RE = re.compile(rf"[{_DIGITS}]|[市区县镇乡]|街道")


def _mask_cued_address(m: re.Match[str]) -> str:
    addr = m.group("addr")
    if not _ADDRESSY_RE.search(addr):
        return m.group(0)  # "住在这个村里": no place named, nothing to hide
    return m.group("cue") + m.group("sep") + mask_address(addr)


def mask_for_publication(text: str, people: Iterable[Person] = ()) -> str:
    """The text with the case's people, and any ID number, phone, cued name and
    address, masked. Pure; idempotent."""
    if not text:
        return ""
    text = _replace_known(text, list(people))
    text = mask_text(text)
    text = _CUED_ADDRESS_RE.sub(_mask_cued_address, text)
    text = _HOUSE_RE.sub(lambda m: m.group("road") + "****", text)
    text = _FLAT_RE.sub("****", text)
    return text
