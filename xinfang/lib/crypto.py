"""Field-level encryption of personal data with Chinese commercial cryptography.

Why 国密 (SM4 / SM3): systems of Chinese public administrations are assessed
under GB/T 39786-2021 (密码应用安全性评估), which expects SM-series algorithms
for protecting personal information at rest.  ``cryptography`` provides SM4 and
SM3 through OpenSSL, so no extra dependency is needed.

Design:

* **SM4-GCM** (authenticated encryption) with a random 96-bit nonce per value,
  so equal plaintexts give different ciphertexts and any modification of a
  stored token is detected instead of decrypting to garbage.
* **Blind index**: HMAC-SM3 of the normalized value under a *separate* key.
  It lets the database answer "is there a petition by ID number X?" with an
  exact-match lookup without storing the plaintext.  A separate key means a
  leaked index key does not help decrypting, and vice versa.
* **Keys** come from one setting, ``FIELD_ENCRYPTION_KEY``, and are split with
  HKDF-SM3 into the encryption key and the index key.  Old settings values in
  ``FIELD_ENCRYPTION_OLD_KEYS`` keep old tokens readable after a rotation.
* **Token format**: ``v1:<kid>:<base64url(nonce || ciphertext || tag)>``.  The
  version prefix leaves room for a future algorithm change; ``kid`` (first 4 hex
  digits of SM3 of the encryption key) picks the right key directly during a
  rotation instead of trying every key.  ``v1:<base64url>`` without a key id is
  also accepted by :func:`decrypt`.

Only the ``*_field`` helpers and :func:`field_keys` read Django settings, and
only at call time, so this module stays importable without Django configured.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DecryptionError",
    "KEY_SIZE",
    "blind_index",
    "decrypt",
    "decrypt_field",
    "decrypt_with_keys",
    "derive_keys",
    "encrypt",
    "encrypt_field",
    "field_keys",
    "index_field",
    "index_field_candidates",
    "key_id",
    "old_field_keys",
    "sm3_hex",
    "token_key_id",
]

KEY_SIZE = 16  # SM4 is a 128-bit block cipher with 128-bit keys only.
_NONCE_SIZE = 12  # 96-bit nonce: the GCM size that needs no extra GHASH step.
_TAG_SIZE = 16
_VERSION = "v1"

# HKDF parameters.  The salt is a fixed, public domain separator (RFC 5869
# allows that); the info labels make the two derived keys independent.
_HKDF_SALT = b"xinfang/field-keys/v1"
_LABEL_ENC = b"xinfang/sm4-gcm/encryption"
_LABEL_IDX = b"xinfang/hmac-sm3/blind-index"

_HEX_KEY_RE = re.compile(r"[0-9a-fA-F]{32}")
_KID_RE = re.compile(r"[0-9a-f]{4}")
_B64_RE = re.compile(r"[A-Za-z0-9_-]+")
_WHITESPACE_RE = re.compile(r"\s+")


class DecryptionError(ValueError):
    """A token could not be decrypted: tampered, truncated or wrong key."""


# --------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------


def sm3_hex(data: bytes) -> str:
    """Hex SM3 digest of ``data``."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def key_id(key: bytes) -> str:
    """Short public identifier of an encryption key (4 hex digits of SM3).

    16 bits are enough to tell a handful of rotated keys apart and reveal
    nothing useful about the key itself.
    """
    return sm3_hex(key)[:4]


def _check_key(key: bytes) -> None:
    if len(key) != KEY_SIZE:
        raise ValueError(f"SM4 key must be {KEY_SIZE} bytes, got {len(key)}")


def _b64encode(raw: bytes) -> str:
    # URL-safe alphabet without padding: the token never contains ":" (our
    # separator), "=" or "/", so it is safe in URLs, CSV exports and logs.
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    # urlsafe_b64decode silently skips foreign characters; be strict instead.
    if not _B64_RE.fullmatch(text):
        raise DecryptionError("密文格式不正确")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("密文格式不正确") from None


def encrypt(plaintext: str, key: bytes, *, with_key_id: bool = True) -> str:
    """Encrypt ``plaintext`` with SM4-GCM and return a text token.

    Returns ``"v1:<kid>:<b64>"`` (or ``"v1:<b64>"`` with ``with_key_id=False``).
    The empty string stays empty so that blank optional fields remain blank
    (and "is this field filled in?" needs no decryption).
    """
    _check_key(key)
    if plaintext == "":
        return ""
    nonce = os.urandom(_NONCE_SIZE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    body = _b64encode(nonce + ciphertext + encryptor.tag)
    if with_key_id:
        return f"{_VERSION}:{key_id(key)}:{body}"
    return f"{_VERSION}:{body}"


def _parse_token(token: str) -> tuple[str | None, bytes]:
    """Split a token into (key id or None, raw nonce||ciphertext||tag)."""
    parts = token.split(":")
    if parts[0] != _VERSION or len(parts) not in (2, 3):
        raise DecryptionError("无法识别的密文格式")
    kid: str | None = None
    if len(parts) == 3:
        kid = parts[1]
        if not _KID_RE.fullmatch(kid):
            raise DecryptionError("无法识别的密文格式")
    raw = _b64decode(parts[-1])
    if len(raw) < _NONCE_SIZE + _TAG_SIZE:
        raise DecryptionError("密文格式不正确")
    return kid, raw


def token_key_id(token: str) -> str | None:
    """Key id embedded in ``token`` (None if absent); useful to find tokens
    that still need re-encryption after a key rotation."""
    if token == "":
        return None
    return _parse_token(token)[0]


def _open(raw: bytes, key: bytes) -> str:
    nonce, body = raw[:_NONCE_SIZE], raw[_NONCE_SIZE:]
    ciphertext, tag = body[:-_TAG_SIZE], body[-_TAG_SIZE:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    plaintext = decryptor.update(ciphertext) + decryptor.finalize()  # raises InvalidTag
    return plaintext.decode("utf-8")


def decrypt_with_keys(token: str, keys: Sequence[bytes]) -> str:
    """Decrypt ``token`` with the first of ``keys`` that authenticates it.

    Keys whose id matches the token's key id are tried first; the others are
    still tried afterwards because 16-bit ids may collide and tokens without
    an id carry no hint at all.  GCM authentication makes a wrong key fail
    reliably, so trying several keys is safe.
    """
    if token == "":
        return ""
    for key in keys:
        _check_key(key)
    kid, raw = _parse_token(token)
    ordered = sorted(keys, key=lambda k: key_id(k) != kid) if kid else list(keys)
    for key in ordered:
        try:
            return _open(raw, key)
        except (InvalidTag, UnicodeDecodeError):
            continue
    raise DecryptionError("数据解密失败：密文已损坏或密钥不匹配")


def decrypt(token: str, key: bytes) -> str:
    """Inverse of :func:`encrypt`; raises :class:`DecryptionError` on tampering."""
    return decrypt_with_keys(token, [key])


def _normalize_for_index(value: str) -> str:
    # The index must not depend on how a value was typed: fold full-width
    # characters, drop whitespace, ignore case (e.g. the X of ID numbers).
    # Callers should still canonicalize domain values first (validate_phone,
    # validate_id_number), which this cannot do generically.
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", value)).casefold()


def blind_index(value: str, key: bytes) -> str:
    """Hex HMAC-SM3 of the normalized ``value``; ``""`` for an empty value.

    Empty values get an empty index so that all blank fields do not share one
    (meaningless) index value that would show up as a giant duplicate group.
    """
    _check_key(key)
    normalized = _normalize_for_index(value)
    if normalized == "":
        return ""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(normalized.encode("utf-8"))
    return mac.finalize().hex()


# --------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def derive_keys(secret: str) -> tuple[bytes, bytes]:
    """Derive ``(encryption_key, index_key)`` from the configured secret.

    ``secret`` is either 32 hex digits (used as 16 raw key bytes, the
    recommended form: ``python -c "import secrets; print(secrets.token_hex(16))"``)
    or any passphrase (its UTF-8 bytes).  HKDF-SM3 is not a password hash, so a
    passphrase must itself be long and random; it is accepted only because
    operators sometimes reuse an existing random string.

    Pure and cached: HKDF costs little, but it would otherwise run for every
    field of every row loaded.
    """
    if not secret:
        raise ValueError("FIELD_ENCRYPTION_KEY is empty")
    ikm = bytes.fromhex(secret) if _HEX_KEY_RE.fullmatch(secret) else secret.encode("utf-8")

    def expand(label: bytes) -> bytes:
        return HKDF(algorithm=hashes.SM3(), length=KEY_SIZE, salt=_HKDF_SALT, info=label).derive(ikm)

    return expand(_LABEL_ENC), expand(_LABEL_IDX)


def field_keys() -> tuple[bytes, bytes]:
    """``(encryption_key, index_key)`` for ``settings.FIELD_ENCRYPTION_KEY``."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    secret = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if not secret:
        raise ImproperlyConfigured("未配置 FIELD_ENCRYPTION_KEY，无法加密个人信息")
    return derive_keys(str(secret))


def old_field_keys() -> list[tuple[bytes, bytes]]:
    """Derived key pairs for ``settings.FIELD_ENCRYPTION_OLD_KEYS`` (may be empty)."""
    from django.conf import settings

    old: Iterable[str] = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", None) or ()
    return [derive_keys(str(s)) for s in old if s]


# --------------------------------------------------------------------------
# Convenience helpers bound to the settings
# --------------------------------------------------------------------------


def encrypt_field(value: str) -> str:
    """Encrypt ``value`` with the current key (``""`` stays ``""``)."""
    return encrypt(value, field_keys()[0])


def decrypt_field(token: str) -> str:
    """Decrypt a stored token with the current key, then any old keys."""
    if token == "":
        return ""
    keys = [field_keys()[0]] + [enc for enc, _ in old_field_keys()]
    return decrypt_with_keys(token, keys)


def index_field(value: str) -> str:
    """Blind index of ``value`` under the current index key."""
    return blind_index(value, field_keys()[1])


def index_field_candidates(value: str) -> list[str]:
    """Blind indexes of ``value`` under the current and all old index keys.

    Until every row has been re-indexed after a key rotation, lookups should
    use ``index__in=index_field_candidates(value)``.
    """
    keys = [field_keys()[1]] + [idx for _, idx in old_field_keys()]
    seen: dict[str, None] = {}
    for key in keys:
        seen.setdefault(blind_index(value, key), None)
    return [i for i in seen if i]
