"""Masking of names, ID numbers, phones, addresses and free text."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.lib.idcard import make_id_number
from xinfang.lib.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_text


@pytest.mark.parametrize(
    ("name", "expected"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王小明", "王**"), ("张", "*"), ("", ""), (" 李四 ", "李*")],
)
def test_it_masks_names(name, expected):
    assert mask_name(name) == expected


def test_it_masks_id_numbers():
    assert mask_id_number("320202199001011234") == "3202**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("1234") == "****"
    assert mask_id_number("") == ""


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0510-82345678", "0510-****5678"),
        ("051082345678", "0510-****5678"),
        ("010-1234567", "010-***4567"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_it_masks_phone_numbers(number, expected):
    assert mask_phone(number) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("无锡市梁溪区崇安寺街道中山路100号3幢502室", "无锡市梁溪区****"),
        ("江苏省无锡市梁溪区崇安寺街道中山路100号", "江苏省无锡市梁溪区****"),
        ("北京市朝阳区建国路1号", "北京市朝阳区****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放路1号", "新疆维吾尔自治区乌鲁木齐市天山区****"),
        ("济南市市中区经十路1号", "济南市市中区****"),
        ("宜兴市丁蜀镇西望村5组", "宜兴市****"),
        ("崇安寺街道中山路100号", "崇安寺街道****"),
        ("中山路100号3幢502室", "中山路****"),
        ("无锡市梁溪区", "无锡市梁溪区"),
        ("", ""),
    ],
)
def test_it_masks_addresses_below_district_level(address, expected):
    assert mask_address(address) == expected


def test_it_always_hides_the_house_number():
    for address in ("100号", "x", "某小区3幢502室", "Room 502, 100 Zhongshan Road"):
        masked = mask_address(address)
        assert "502" not in masked
        assert masked.endswith("****")


def test_it_masks_personal_data_in_free_text():
    text = "我叫张三，身份证号320202199001011234，电话13812345678，家住无锡市梁溪区中山路100号。"
    assert (
        mask_text(text)
        == "我叫张*，身份证号3202**********1234，电话138****5678，家住无锡市梁溪区中山路100号。"
    )


def test_it_masks_mobile_numbers_with_prefix_and_spaces():
    assert mask_text("手机：+86 138 1234 5678。") == "手机：+86 138****5678。"
    assert mask_text("联系电话 0086 13912345678") == "联系电话 0086 139****5678"


def test_it_masks_fixed_lines():
    assert mask_text("座机0510-82345678，或(0510)8234 5678") == "座机0510-****5678，或0510-****5678"
    assert mask_text("北京010 12345678，01012345678") == "北京010-****5678，010-****5678"


def test_it_masks_local_numbers_only_when_labelled():
    assert mask_text("电话：82345678") == "电话：****5678"
    assert mask_text("编号82345678") == "编号82345678"


def test_it_masks_lower_case_x_and_full_width_ids():
    assert mask_text("身份证：32020219900101123x号") == "身份证：3202**********123x号"
    assert "19900101" not in mask_text("身份证：３２０２０２１９９００１０１１２３４")


def test_it_masks_bank_card_numbers():
    assert mask_text("银行卡6222021234567890123") == "银行卡6222***********0123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本人王小明于2025年3月借给他12000元。", "本人王**于2025年3月借给他12000元。"),
        ("联系人：欧阳娜娜，", "联系人：欧***，"),
        ("姓名：李四", "姓名：李*"),
        ("姓名: 买买提·艾力。", "姓名: 买*****。"),
        ("信访人李四家住梁溪区", "信访人李*家住梁溪区"),
        ("申请人张三反映的问题", "申请人张*反映的问题"),
    ],
)
def test_it_masks_names_after_cues(text, expected):
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025年3月借款12000元，利息按年息6%计算，共计12720.5元。",
        "本人认为处理不公，本人曾多次反映，本人于2024年搬家，本人和妻子一起。",
        "申请人认为。投诉人反映的情况属实。联系人电话见附件。",
        "被申请人：无锡市某某公司",
        "案号(2025)苏0213民初1234号，第3幢502室，邮编214000。",
    ],
)
def test_it_leaves_ordinary_text_alone(text):
    assert mask_text(text) == text


def test_it_handles_empty_text():
    assert mask_text("") == ""


_CJK_TEXT = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=10)


@given(
    before=_CJK_TEXT,
    after=_CJK_TEXT,
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 1, 1)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_it_never_leaks_an_embedded_id_number(before, after, birth, seq):
    number = make_id_number("320202", birth, seq)
    masked = mask_text(before + number + after)
    assert number not in masked
    assert f"{birth:%Y%m%d}" not in masked


@given(
    before=_CJK_TEXT,
    after=_CJK_TEXT,
    mobile=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
)
def test_it_never_leaks_an_embedded_mobile_number(before, after, mobile):
    masked = mask_text(before + mobile + after)
    assert mobile not in masked
    assert masked == before + mobile[:3] + "****" + mobile[7:] + after


@given(st.text(max_size=60))
def test_it_is_idempotent(text):
    once = mask_text(text)
    assert mask_text(once) == once
