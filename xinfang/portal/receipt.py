"""The receipt (回执): what a citizen keeps after submitting — the case number,
the query code, who received it, when, and the date by which the bureau must act.

It is the accepted form's answer, so it is built on every submission. The page
is the same for every case of one receiving org and rule article, bar six
values, so it comes from the page cache (page_cache) with those six filled in,
as the tracking pages do."""

from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape

from xinfang.cases.models import Submission
from xinfang.rules import clocks

from . import access, page_cache
from .views_track import answered


@dataclass(frozen=True)
class Receipt:
    number: str
    query_code: str
    org_name: str
    received: str  # local time, "Y-m-d H:i"
    due: str  # the first clock's due date, "Y-m-d"; "" if none runs
    article: str


def first_clock(sub: Submission):
    """The clock the receipt quotes: the one a new case starts with (the bureau's
    disposal or the org's acceptance). A submission just registered carries it
    (register_case); a receipt opened later asks the database."""
    if sub.first_clock is not None:
        return sub.first_clock
    running = list(clocks.running_clocks(sub.case))
    return next((c for c in running if c.kind in ("dispose", "accept")), running[0] if running else None)


def receipt_for(sub: Submission) -> Receipt:
    case, clock = sub.case, first_clock(sub)
    return Receipt(number=case.number, query_code=case.query_code, org_name=case.registered_org.name,
                   received=dateformat.format(timezone.localtime(sub.received_at), "Y-m-d H:i"),
                   due=clock.due_date.isoformat() if clock is not None else "",
                   article=clock.article if clock is not None else "")


def receipt_context_for(request: HttpRequest, sub: Submission) -> dict:
    return {"receipt": receipt_for(sub), "track_key": access.grant_case(request, sub.case)}


# The values that differ between receipts of one org and article (the page cache's markers).
_VARYING = ("number", "query_code", "received", "due")


def answer_with_receipt(request: HttpRequest, sub: Submission, *, url_name: str, template: str,
                        extra: dict | None = None) -> HttpResponse:
    """The accepted form's answer is the receipt itself, as a tracking query's is
    the case page (views_track.answered): one round trip fewer, and a refresh or a
    retry of the POST finds the same submission and the same receipt. The
    receipt's own address goes in Content-Location and the address bar."""
    url = reverse(url_name, kwargs={"token": access.grant_receipt(request, sub)})
    context = {**(extra or {}), **receipt_context_for(request, sub), "page_url": url}
    if not page_cache.usable(request):
        return answered(render(request, template, context), url)
    receipt: Receipt = context["receipt"]
    varying = [f for f in _VARYING if getattr(receipt, f)]  # no due date: no line to put one in
    marked = replace(receipt, **{f: page_cache.mark(f) for f in varying})
    values = {f: escape(getattr(receipt, f)) for f in varying}
    values |= {"key": context["track_key"], "page_url": escape(url)}
    # Whether a due date shows at all is part of the page's shape, not a value.
    slot = ("receipt", receipt.org_name, receipt.article, bool(receipt.due), tuple(sorted((extra or {}).items())))
    html = page_cache.render(request, template, slot, lambda: {
        **context, "receipt": marked, "track_key": page_cache.KEY, "page_url": page_cache.mark("page_url")}, values)
    return answered(HttpResponse(html), url)
