"""An offline anti-bot challenge: a small proof of work.

The server hands out a signed, expiring challenge; static/js/portal.js finds a
counter such that SHA-256(challenge + ":" + counter) starts with `bits` zero
bits (2^16 tries on average: a blink for one person, a real cost for a
script posting thousands of petitions or SMS requests). The server checks the
signature, the age and the hash, and accepts each challenge for one client
token only. No third-party service, no image, nothing to type."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing

from . import ratelimit

SALT = "xinfang.portal.pow"
MAX_AGE = 30 * 60  # a form may stay open half an hour

MSG_MISSING = "页面安全校验未完成，请确认浏览器已启用脚本后重新提交"
MSG_EXPIRED = "页面已过期，请重新提交"
MSG_USED = "该页面已经提交过，请勿重复提交"


class ChallengeError(Exception):
    """Why a challenge was refused; the message is Chinese, for the user."""


def bits() -> int:
    return int(getattr(settings, "PORTAL_POW_BITS", 16))


def issue(purpose: str) -> str:
    return signing.dumps({"n": secrets.token_hex(12), "b": bits(), "p": purpose}, salt=SALT)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solves(challenge: str, solution: str, needed: int) -> bool:
    digest = hashlib.sha256(f"{challenge}:{solution}".encode()).digest()
    return leading_zero_bits(digest) >= needed


def checked(challenge: str, solution: str, *, purpose: str, owner: str) -> ratelimit.Claim:
    """The signature, age, purpose and hash, checked here; what is left is to
    take the challenge for `owner` (`ratelimit.at_the_door`, in the same round
    trip as the request's rate limits), refusing with MSG_USED if that fails."""
    if not challenge or not solution or len(solution) > 20:
        raise ChallengeError(MSG_MISSING)
    try:
        data = signing.loads(challenge, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ChallengeError(MSG_EXPIRED) from None
    except signing.BadSignature:
        raise ChallengeError(MSG_MISSING) from None
    if data.get("p") != purpose or int(data.get("b", 0)) < bits():
        raise ChallengeError(MSG_MISSING)
    if not solves(challenge, solution, int(data["b"])):
        raise ChallengeError(MSG_MISSING)
    return ratelimit.Claim(f"portal:pow:{data['n']}", owner, MAX_AGE)


def verify(challenge: str, solution: str, *, purpose: str, owner: str) -> None:
    """Accept the challenge once, for `owner` (a form's client token, or a phone
    for SMS requests): the same owner may present it again (a retried POST)."""
    claim = checked(challenge, solution, purpose=purpose, owner=owner)
    if not ratelimit.at_the_door(claim=claim).claimed:
        raise ChallengeError(MSG_USED)


def solve(challenge: str) -> str:
    """What the browser does, in Python: for tests and scripted clients."""
    needed = int(signing.loads(challenge, salt=SALT)["b"])
    counter = 0
    while not solves(challenge, str(counter), needed):
        counter += 1
    return str(counter)
