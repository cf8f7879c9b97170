"""Masking (脱敏) of personal data for display and public disclosure.

Two uses:

* field-level helpers (``mask_name``, ``mask_id_number``, ``mask_phone``,
  ``mask_address``) for lists and screens where staff only need to recognise a
  record, following the usual Chinese conventions (GB/T 35273 and common
  practice: keep the surname, the first/last 4 ID digits, 138****5678 ...);
* :func:`mask_text` for free text (petition content, replies) that is going to
  be published.  It is a safety net, not a guarantee: it errs on the side of
  masking a little too much rather than leaking an ID or phone number, but a
  human still reviews what gets published.

Everything here is pure string processing and never raises on odd input:
masking runs inside templates and exports, where an exception would hide the
whole page.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

from .phone import InvalidPhone, validate_phone

__all__ = [
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
]

_MASK = "****"


# --------------------------------------------------------------------------
# Field helpers
# --------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """Keep the first character (the surname in most cases), star the rest.

    ``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧***``; a single character becomes
    ``*`` because showing it would reveal the whole name.
    """
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(id_number: str) -> str:
    """Keep the first 4 (province + city) and last 4 characters.

    ``320202199001011234`` -> ``3202**********1234``.  The birth date in the
    middle is the part that identifies a person, so it is always hidden.
    Strings too short to keep anything are starred completely.
    """
    value = (id_number or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


_FIXED_CANONICAL_RE = re.compile(r"(0\d{2,3})-(\d{7,8})")
_CANONICAL_MOBILE_RE = re.compile(r"1\d{10}")


def _mask_subscriber(digits: str) -> str:
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_phone(number: str) -> str:
    """``13812345678`` -> ``138****5678``; ``0510-82345678`` -> ``0510-****5678``.

    Raw input is canonicalized first when possible, so ``+86 138 1234 5678``
    is masked the same way.  Anything unrecognisable still gets masked,
    keeping at most the first 3 and last 4 characters.
    """
    value = (number or "").strip()
    if not value:
        return ""
    if not _CANONICAL_MOBILE_RE.fullmatch(value):  # canonical already: parsing would return it unchanged
        with contextlib.suppress(InvalidPhone):  # unrecognised input is masked as is
            value = validate_phone(value)
    fixed = _FIXED_CANONICAL_RE.fullmatch(value)
    if fixed:
        return f"{fixed.group(1)}-{_mask_subscriber(fixed.group(2))}"
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) < 8:
        return _mask_subscriber(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# Address prefix = administrative divisions down to county level.  The parts
# after it (street, road, house number, building, room) locate the person, the
# prefix only says which district handles the case, which is public anyway.
_CJK = "\u4e00-\u9fff"
_ROADISH = "路街巷道号弄村组幢栋楼室单元"


def _name_chars(exclude: str) -> str:
    return f"(?:(?![{exclude}])[{_CJK}])"


_PROVINCE = (
    rf"(?:{_name_chars(_ROADISH)}{{2,7}}?(?:省|自治区|特别行政区)"
    r"|(?:北京|上海|天津|重庆)市?)"
)
_CITY = rf"(?:{_name_chars(_ROADISH + '区县旗')}{{1,8}}?(?:市|自治州|州|地区|盟))"
_COUNTY = rf"(?:{_name_chars(_ROADISH)}{{1,8}}?(?:区|县|市|旗))"
_TOWN = rf"(?:{_name_chars(_ROADISH)}{{1,8}}?(?:镇|乡|街道))"
_ADMIN_RE = re.compile(rf"(?:{_PROVINCE})?(?:{_CITY})?(?:{_COUNTY})?")
_TOWN_RE = re.compile(_TOWN)


def mask_address(address: str) -> str:
    """Keep the province/city/district prefix and replace the rest by ``****``.

    ``无锡市梁溪区崇安寺街道中山路100号3幢502室`` -> ``无锡市梁溪区****``.
    Without a recognisable district the town/street-office level
    (镇/乡/街道) is kept instead; without either, only the first few
    characters are kept.
    """
    value = (address or "").strip()
    if not value:
        return ""
    admin = _ADMIN_RE.match(value)
    keep = admin.end() if admin else 0
    if keep == 0:
        town = _TOWN_RE.match(value)
        keep = town.end() if town else min(3, len(value) // 3)
    if keep >= len(value):
        return value  # nothing beyond the division names: nothing personal
    return value[:keep] + _MASK


# --------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------

# Matching runs on a copy where full-width digits/letters/signs are folded to
# ASCII.  The mapping is one character to one character, so match positions are
# valid in the original text and only the masked spans change.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "Ｘ": "X",
        "ｘ": "x",
        "－": "-",
        "＋": "+",
        "\u3000": " ",
    }
)


def _sub(pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str]) -> str:
    probe = text.translate(_FOLD)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(probe):
        out.append(text[last : match.start()])
        out.append(repl(match))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


# 18-character ID numbers, plus any 15-19 digit run: old 15-digit IDs and bank
# card numbers are just as sensitive, and ordinary quantities never have that
# many digits.
_LONG_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[Xx]|[0-9]{15,19})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(
    r"(?<![0-9])(?P<prefix>(?:\+|00)?86[ \-]?)?(?P<head>1[3-9][0-9])[ \-]?[0-9]{4}[ \-]?(?P<tail>[0-9]{4})(?![0-9])"
)
# Area codes: 010 and 02x have 3 digits, all others 4 (03xx-09xx); knowing
# this splits "01012345678" correctly even without a separator.
_AREA = r"0(?:[12][0-9]|[3-9][0-9]{2})"
_FIXED_RE = re.compile(
    rf"(?<![0-9])(?:[(（](?P<paren>{_AREA})[)）]|(?P<area>{_AREA}))[ \-]?"
    r"(?P<sub>[0-9]{3,4}[ \-]?[0-9]{4})(?![0-9])"
)
# Local numbers without area code are only recognisable by their label.
_LABELLED_PHONE_RE = re.compile(
    r"(?P<label>电话号码|联系电话|联系方式|电话|手机号码|手机号|手机|座机|固话|tel|Tel|TEL)"
    r"(?P<sep>[ :：]*(?:是|为)?[ :：]*)(?P<num>[0-9][0-9 \-]{5,}[0-9])(?![0-9*])"
)


def _mask_long_number(m: re.Match[str]) -> str:
    return mask_id_number(m.group(0))


def _mask_mobile(m: re.Match[str]) -> str:
    return f"{m.group('prefix') or ''}{m.group('head')}****{m.group('tail')}"


def _mask_fixed(m: re.Match[str]) -> str:
    area = m.group("paren") or m.group("area")
    subscriber = re.sub(r"[ \-]", "", m.group("sub"))
    return f"{area}-{_mask_subscriber(subscriber)}"


def _mask_labelled_phone(m: re.Match[str]) -> str:
    num = m.group("num")
    digit_positions = [i for i, ch in enumerate(num) if ch.isdigit()]
    if len(digit_positions) < 7:
        return m.group(0)
    hide = set(digit_positions[:-4])
    masked = "".join("*" if i in hide else ch for i, ch in enumerate(num))
    return m.group("label") + m.group("sep") + masked


# Names.  Cues that make the following characters a name with certainty
# ("我叫", "姓名：", a role label followed by a colon) mask whatever follows.
# Weaker cues ("本人", a role label without colon, e.g. "申请人认为") only
# count when a common surname follows, otherwise ordinary words would be
# starred ("本人认为" must stay readable).
_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
        "令狐", "夏侯", "澹台", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "闻人",
    }
)  # fmt: skip
# Common single-character surnames.  Characters that are mostly function words
# right after "本人" (于 和 向 由 时 常 全 原 信 居 明 强 平 ...) are left out on
# purpose: "本人于2024年"、"本人和妻子" are far more frequent than such names.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施文"
    "牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛"
    "曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫"
    "米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储栗燕"
    "楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚权帅屠朴盖练廉禹井祖漆巴丰卿狄晋芮扈晁阙浦戈鹿薄邸雍辜羊裘亓邰赫杭况"
    "宿鲜逯隆茹诸慕危亢嵇湛戎勾茅於揭尉檀昝衡尧"
)
# After "本人" + surname, these second characters signal an ordinary phrase
# ("本人曾经…", "本人曾多次…"), not a given name.
_NOT_GIVEN_NAME = frozenset("经多于在向因被去到找与和就次")
# A name is followed by one of these rather than containing it (from the third
# character on): "本人张三于…", "张三反映…", "李四家住…".
_AFTER_NAME = frozenset(
    "于在是的因现住家系与和向反投举来去到等同对为男女今年岁身电手联户居了也都就说称将把被从请要想已曾及诉"
)

_ROLES = "联系人|申请人|信访人|反映人|投诉人|举报人|当事人|代理人"
_NAME_RE = re.compile(
    # "被申请人" (the respondent, usually an organisation) is not a person's cue.
    rf"(?P<cue>我叫|名叫|姓名|(?<!被)(?:{_ROLES})|本人)"
    r"(?P<sep>[ \t]*(?P<colon>[:：])?[ \t]*(?:是|为)?[ \t]*)"
    rf"(?P<name>[{_CJK}]{{1,6}}[·•][{_CJK}]{{1,8}}|[{_CJK}]{{2,4}})"
)


def _trim_name(candidate: str) -> str:
    if "·" in candidate or "•" in candidate:
        return candidate
    start = 3 if candidate[:2] in _COMPOUND_SURNAMES else 2
    for i in range(start, len(candidate)):
        if candidate[i] in _AFTER_NAME:
            return candidate[:i]
    return candidate


def _mask_name_match(m: re.Match[str]) -> str:
    cue, name = m.group("cue"), _trim_name(m.group("name"))
    certain = cue in ("我叫", "名叫", "姓名") or (cue != "本人" and m.group("colon"))
    if not certain:
        surname_ok = name[:2] in _COMPOUND_SURNAMES or name[0] in _SURNAMES
        if not surname_ok or name[1] in _NOT_GIVEN_NAME:
            return m.group(0)
    rest = m.group("name")[len(name) :]
    return cue + m.group("sep") + mask_name(name) + rest


def mask_text(text: str) -> str:
    """Mask ID numbers, phone numbers and cued names inside free text.

    Order matters: long digit runs first (an ID contains what looks like a
    phone number), then mobiles, fixed lines, labelled local numbers and
    finally names.  Masked output contains ``*`` which breaks every pattern,
    so applying the function twice changes nothing more.  Amounts
    (``12000元``), dates (``2025年3月``) and house numbers are left alone:
    they are too short to match any of the number patterns.
    """
    if not text:
        return ""
    text = _sub(_LONG_NUMBER_RE, text, _mask_long_number)
    text = _sub(_MOBILE_RE, text, _mask_mobile)
    text = _sub(_FIXED_RE, text, _mask_fixed)
    text = _sub(_LABELLED_PHONE_RE, text, _mask_labelled_phone)
    text = _sub(_NAME_RE, text, _mask_name_match)
    return text
