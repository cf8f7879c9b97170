"""What this browser may see: the receipt of what it just submitted, and the
cases it proved it owns (query code + last digits of the phone).

Both are kept in one signed, HttpOnly cookie under unguessable keys; the URL
carries only the key (signed and timed for receipts), so a link copied to
another browser opens nothing, and nothing in a URL says which case it is.

Why a cookie and not the session: the public pages are the busiest of the
site, and a server-side session costs a read on every view and a database
write on every query (sessions are written through to the database). The
cookie holds no personal data — only case and submission ids with the time of
each grant — and is signed with the site's key, so it cannot be forged or
extended. `AccessCookieMiddleware` writes it back when a view changed it."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from xinfang.cases.models import Case, Submission

COOKIE = "xf_portal"
COOKIE_SALT = "xinfang.portal.access"
RECEIPTS = "r"
ACCESS = "a"
RECEIPT_SALT = "xinfang.portal.receipt"
KEEP = 5  # entries per bucket: enough for a family at one kiosk, not a list of everyone's


def _seconds(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _longest() -> int:
    return max(_seconds("PORTAL_RECEIPT_SECONDS", 3600), _seconds("PORTAL_ACCESS_SECONDS", 3600))


class Grants:
    """The cookie's content, read once per request: {bucket: {key: [id, at]}}."""

    def __init__(self, raw: str | None):
        self.data: dict[str, dict[str, list]] = {RECEIPTS: {}, ACCESS: {}}
        self.dirty = False
        if raw:
            try:
                loaded = signing.loads(raw, salt=COOKIE_SALT, max_age=_longest())
            except signing.BadSignature:  # also an expired or tampered cookie: start afresh
                loaded = None
            if isinstance(loaded, dict):
                for bucket in (RECEIPTS, ACCESS):
                    entries = loaded.get(bucket)
                    if isinstance(entries, dict):
                        self.data[bucket] = {k: v for k, v in entries.items()
                                             if isinstance(v, list) and len(v) == 2}

    def remember(self, bucket: str, value: int, key: str | None = None) -> str:
        entries = dict(self.data[bucket])
        key = key or secrets.token_urlsafe(12)
        entries[key] = [value, time.time()]
        self.data[bucket] = dict(sorted(entries.items(), key=lambda kv: kv[1][1])[-KEEP:])
        self.dirty = True
        return key

    def recall(self, bucket: str, key: str, max_age: int) -> int | None:
        entry = self.data[bucket].get(key)
        if not entry or time.time() - entry[1] > max_age:
            return None
        return int(entry[0])

    def key_for(self, bucket: str, value: int, max_age: int) -> str | None:
        """The key this browser already holds for the id, if still valid."""
        for key, entry in self.data[bucket].items():
            if entry[0] == value and time.time() - entry[1] <= max_age:
                return key
        return None

    def clear(self) -> None:
        if any(self.data.values()):
            self.data = {RECEIPTS: {}, ACCESS: {}}
            self.dirty = True

    def cookie_value(self) -> str:
        return signing.dumps(self.data, salt=COOKIE_SALT, compress=True)


def grants(request) -> Grants:
    found = getattr(request, "_portal_grants", None)
    if found is None:
        found = Grants(request.COOKIES.get(COOKIE))
        request._portal_grants = found
    return found


class AccessCookieMiddleware:
    """Writes the grants cookie back when a view changed it (and only then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        found = getattr(request, "_portal_grants", None)
        if found is not None and found.dirty:
            if any(found.data.values()):
                # A browser-session cookie, like the staff session (SESSION_EXPIRE_AT_BROWSER_CLOSE);
                # the signature's own age check ends it after the longest grant in any case.
                response.set_cookie(COOKIE, found.cookie_value(), httponly=True, samesite="Lax",
                                    secure=settings.SESSION_COOKIE_SECURE, path="/")
            else:
                response.delete_cookie(COOKIE, path="/", samesite="Lax")
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


def grant_receipt(request, submission: Submission) -> str:
    # The key is derived from the submission, not random: when a double click's
    # two requests both set the cookie, whichever answer the browser keeps holds
    # the key the browser is sent to.
    key = salted_hmac(RECEIPT_SALT, str(submission.pk), algorithm="sha256").hexdigest()[:24]
    grants(request).remember(RECEIPTS, submission.pk, key=key)
    return signing.TimestampSigner(salt=RECEIPT_SALT).sign(key)


def receipt_submission(request, token: str) -> Submission | None:
    max_age = _seconds("PORTAL_RECEIPT_SECONDS", 3600)
    try:
        key = signing.TimestampSigner(salt=RECEIPT_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    pk = grants(request).recall(RECEIPTS, key, max_age)
    if pk is None:
        return None
    return Submission.objects.select_related("case", "case__registered_org").filter(pk=pk).first()


def grant_case(request, case: Case) -> str:
    """The key of the case for this browser. A case it already holds keeps its key
    (links stay stable) and the grant is renewed only when it is half gone, so
    looking at the same case again does not rewrite the cookie every time."""
    g = grants(request)
    max_age = _seconds("PORTAL_ACCESS_SECONDS", 3600)
    key = g.key_for(ACCESS, case.pk, max_age)
    if key is not None:
        if time.time() - g.data[ACCESS][key][1] > max_age / 2:
            g.remember(ACCESS, case.pk, key=key)
        return key
    return g.remember(ACCESS, case.pk)


def case_id_for(request, key: str) -> int | None:
    return grants(request).recall(ACCESS, key, _seconds("PORTAL_ACCESS_SECONDS", 3600))


def forget_all(request) -> None:
    """The kiosk's reset: the next person at the screen sees nothing of the last."""
    grants(request).clear()
