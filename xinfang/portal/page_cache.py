"""Whole public case pages, rendered once and served many times, per process.

A case page differs between browsers only in the CSRF token of its forms and
the browser's own key in its links; everything else follows from the case's
cache version (track_cache) and the few things decided at request time (may
they rate now, may they ask for review). So the page is rendered once with
placeholders for those two, kept here under everything else, and filled in for
each response by two string replacements: the template engine was a third of
the busiest public request. Pages with messages or form errors are rendered
as usual. Entries live as long as the case page cache's (TTL), for the same
backstop reasons."""

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .track_cache import TTL

# Random per process, [0-9a-f] only: nothing in a page can spell them, no escaping changes them.
KEY = "k" + secrets.token_hex(12)
CSRF = "c" + secrets.token_hex(12)
SIZE = 1000  # pages per process (~10-20 KB each)

_pages: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
_lock = threading.Lock()


def render(request, template: str, signature: Hashable, context: Callable[[str], dict], *, key: str) -> str:
    """The page for `key` in this browser. `context(key)` builds the template's
    context for a key (called with the placeholder); `signature` must name
    everything else the page depends on."""
    slot = (template, signature)
    now = time.monotonic()
    with _lock:
        hit = _pages.get(slot)
        if hit is not None and now - hit[0] <= TTL:
            _pages.move_to_end(slot)
    if hit is None or now - hit[0] > TTL:
        # No request: nothing of this browser (session, user, messages) can get into the page.
        html: str = render_to_string(template, {**context(KEY), "csrf_token": CSRF})
        with _lock:
            _pages[slot] = (now, html)
            _pages.move_to_end(slot)
            while len(_pages) > SIZE:
                _pages.popitem(last=False)
    else:
        html = hit[1]
    return html.replace(KEY, key).replace(CSRF, get_token(request))


def clear() -> None:
    with _lock:
        _pages.clear()
