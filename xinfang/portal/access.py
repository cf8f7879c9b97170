"""What this browser session may see: the receipt of what it just submitted,
and the cases it proved it owns (query code + last digits of the phone).

Both live in the server-side session under unguessable keys; the URL carries
only the key (signed and timed for receipts), so a link copied to another
browser opens nothing, and nothing in a URL says which case it is."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from xinfang.cases.models import Case, Submission

RECEIPTS = "portal_receipts"
ACCESS = "portal_access"
RECEIPT_SALT = "xinfang.portal.receipt"
KEEP = 5  # entries per session: enough for a family at one kiosk, not a list of everyone's


def _seconds(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _remember(request, bucket: str, value: dict, key: str | None = None) -> str:
    entries = dict(request.session.get(bucket, {}))
    key = key or secrets.token_urlsafe(12)
    entries[key] = {**value, "at": time.time()}
    request.session[bucket] = dict(sorted(entries.items(), key=lambda kv: kv[1]["at"])[-KEEP:])
    return key


def _recall(request, bucket: str, key: str, max_age: int) -> dict | None:
    entry = request.session.get(bucket, {}).get(key)
    if not entry or time.time() - entry.get("at", 0) > max_age:
        return None
    return entry


def ensure_session(request) -> None:
    """Start the session before the form is sent (at the SMS code request), so
    that a double click's two requests share it instead of racing to create two."""
    if not request.session.session_key or RECEIPTS not in request.session:
        request.session.setdefault(RECEIPTS, {})
        request.session.modified = True


def grant_receipt(request, submission: Submission) -> str:
    # The key is derived from the submission, not random: when a double click's
    # two requests both save the session, whichever write wins holds the key the
    # browser is sent to.
    key = salted_hmac(RECEIPT_SALT, str(submission.pk), algorithm="sha256").hexdigest()[:24]
    _remember(request, RECEIPTS, {"submission": submission.pk}, key=key)
    return signing.TimestampSigner(salt=RECEIPT_SALT).sign(key)


def receipt_submission(request, token: str) -> Submission | None:
    max_age = _seconds("PORTAL_RECEIPT_SECONDS", 3600)
    try:
        key = signing.TimestampSigner(salt=RECEIPT_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    entry = _recall(request, RECEIPTS, key, max_age)
    if entry is None:
        return None
    return Submission.objects.select_related("case", "case__registered_org").filter(pk=entry["submission"]).first()


def grant_case(request, case: Case) -> str:
    # Reuse the key if this session already holds the case: links stay stable.
    for key, entry in request.session.get(ACCESS, {}).items():
        if entry.get("case") == case.pk:
            entries = dict(request.session[ACCESS])
            entries[key] = {"case": case.pk, "at": time.time()}
            request.session[ACCESS] = entries
            return key
    return _remember(request, ACCESS, {"case": case.pk})


PAGE_FIELDS = ("id", "number", "status", "updated_at", "current_org_id", "registered_org_id", "issue_region_id")


def case_for(request, key: str) -> Case | None:
    entry = _recall(request, ACCESS, key, _seconds("PORTAL_ACCESS_SECONDS", 3600))
    if entry is None:
        return None
    # Only what the page needs when its case part comes from the cache (track_cache):
    # the status and version, and the orgs by id (loaded if the page shows them).
    # No .first(): its ORDER BY costs Django more than the query itself.
    found = list(Case.objects.only(*PAGE_FIELDS).filter(pk=entry["case"])[:1])
    return found[0] if found else None


def forget_all(request) -> None:
    """The kiosk's reset: the next person at the screen sees nothing of the last."""
    for bucket in (RECEIPTS, ACCESS):
        request.session.pop(bucket, None)
