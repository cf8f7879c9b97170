"""SM4-GCM field encryption, HMAC-SM3 blind index and key handling."""

import base64
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.lib import crypto
from xinfang.lib.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    decrypt_with_keys,
    derive_keys,
    encrypt,
    key_id,
    sm3_hex,
    token_key_id,
)

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
OTHER_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def test_it_round_trips_chinese_text():
    token = encrypt("张三 320202199001011234", KEY)
    assert token.startswith("v1:")
    assert "张三" not in token
    assert decrypt(token, KEY) == "张三 320202199001011234"


def test_it_embeds_the_key_id_in_the_token():
    token = encrypt("x", KEY)
    version, kid, body = token.split(":")
    assert (version, kid) == ("v1", key_id(KEY))
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert len(raw) == 12 + 1 + 16  # nonce + one byte of ciphertext + tag
    assert token_key_id(token) == key_id(KEY)


def test_it_also_reads_tokens_without_key_id():
    token = encrypt("李四", KEY, with_key_id=False)
    assert token.count(":") == 1
    assert token_key_id(token) is None
    assert decrypt(token, KEY) == "李四"


def test_it_keeps_empty_values_empty():
    assert encrypt("", KEY) == ""
    assert decrypt("", KEY) == ""
    assert blind_index("", KEY) == ""
    assert blind_index("   ", KEY) == ""


def test_it_uses_a_fresh_nonce_for_every_encryption():
    assert encrypt("13812345678", KEY) != encrypt("13812345678", KEY)


def test_it_gives_equal_values_the_same_blind_index():
    first, second = encrypt("13812345678", KEY), encrypt("13812345678", KEY)
    assert first != second
    assert blind_index("13812345678", KEY) == blind_index("13812345678", KEY)
    assert blind_index("13812345678", KEY) != blind_index("13812345679", KEY)
    assert blind_index("13812345678", KEY) != blind_index("13812345678", OTHER_KEY)


def test_it_normalizes_values_before_indexing():
    assert blind_index("11010519491231002x", KEY) == blind_index(" １１０１０５19491231002X ", KEY)


def test_it_computes_hmac_sm3_as_hex():
    index = blind_index("abc", KEY)
    assert len(index) == 64
    int(index, 16)


def test_it_computes_the_sm3_reference_vector():
    # GB/T 32905-2016, example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_it_detects_a_tampered_token():
    token = encrypt("王五", KEY)
    prefix, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[14] ^= 0x01
    tampered = prefix + ":" + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(DecryptionError):
        decrypt(tampered, KEY)


@pytest.mark.parametrize(
    "token", ["garbage", "v2:abcd:AAAA", "v1:", "v1:abcd:AAAA", "v1:abcd:@@@@", "v1:ZZ:AAAA"]
)
def test_it_rejects_malformed_tokens(token):
    with pytest.raises(DecryptionError):
        decrypt(token, KEY)


def test_it_fails_with_the_wrong_key():
    with pytest.raises(DecryptionError):
        decrypt(encrypt("赵六", KEY), OTHER_KEY)


def test_it_refuses_keys_of_the_wrong_size():
    with pytest.raises(ValueError):
        encrypt("x", b"short")


def test_it_decrypts_with_an_old_key_after_rotation():
    old_token = encrypt("旧数据", OTHER_KEY)
    new_token = encrypt("新数据", KEY)
    keys = [KEY, OTHER_KEY]
    assert decrypt_with_keys(old_token, keys) == "旧数据"
    assert decrypt_with_keys(new_token, keys) == "新数据"
    assert decrypt_with_keys(encrypt("无编号", OTHER_KEY, with_key_id=False), keys) == "无编号"


def test_it_derives_two_independent_16_byte_keys():
    enc, idx = derive_keys("00112233445566778899aabbccddeeff")
    assert len(enc) == len(idx) == 16
    assert enc != idx
    assert derive_keys("00112233445566778899aabbccddeeff") == (enc, idx)
    # Hex secrets are decoded, so case does not matter ...
    assert derive_keys("00112233445566778899AABBCCDDEEFF") == (enc, idx)
    # ... and any other string is a passphrase.
    assert derive_keys("a long random passphrase") != (enc, idx)


def test_it_refuses_an_empty_secret():
    with pytest.raises(ValueError):
        derive_keys("")


@pytest.fixture
def fake_settings(monkeypatch):
    """Stand-in for django.conf.settings: the helpers import it at call time."""
    import django.conf

    fake = SimpleNamespace(
        FIELD_ENCRYPTION_KEY="00112233445566778899aabbccddeeff", FIELD_ENCRYPTION_OLD_KEYS=[]
    )
    monkeypatch.setattr(django.conf, "settings", fake)
    return fake


def test_it_reads_keys_from_settings(fake_settings):
    assert crypto.field_keys() == derive_keys(fake_settings.FIELD_ENCRYPTION_KEY)
    token = crypto.encrypt_field("13812345678")
    assert crypto.decrypt_field(token) == "13812345678"
    assert crypto.index_field("13812345678") == blind_index("13812345678", crypto.field_keys()[1])


def test_it_rotates_field_keys_through_settings(fake_settings):
    old_token = crypto.encrypt_field("320202199001011234")
    old_index = crypto.index_field("320202199001011234")

    fake_settings.FIELD_ENCRYPTION_OLD_KEYS = [fake_settings.FIELD_ENCRYPTION_KEY]
    fake_settings.FIELD_ENCRYPTION_KEY = "a brand-new key that replaced the old one"

    assert crypto.decrypt_field(old_token) == "320202199001011234"
    new_token = crypto.encrypt_field("320202199001011234")
    assert token_key_id(new_token) != token_key_id(old_token)
    candidates = crypto.index_field_candidates("320202199001011234")
    assert candidates[0] == crypto.index_field("320202199001011234")
    assert old_index in candidates

    fake_settings.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(DecryptionError):
        crypto.decrypt_field(old_token)


def test_it_requires_a_configured_key(fake_settings):
    from django.core.exceptions import ImproperlyConfigured

    fake_settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.field_keys()


@given(st.text())
def test_it_round_trips_arbitrary_text(text):
    assert decrypt(encrypt(text, KEY), KEY) == text


@given(st.text(min_size=1))
def test_it_indexes_deterministically(text):
    assert blind_index(text, KEY) == blind_index(text, KEY)
