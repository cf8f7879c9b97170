"""Queuing messages. Always called inside the transaction that makes the fact
the message reports, so the message exists exactly when the fact does; the
worker delivers later (at least once), and `dedupe_key` makes re-queuing a no-op."""

from django.utils import timezone

from xinfang.lib.dbinsert import insert_or_skip

from .models import OutboxMessage


def queue_message(*, template: str, recipient: str, dedupe_key: str, payload: dict | None = None,
                  channel: str = "sms", case=None, event=None, at=None) -> OutboxMessage:
    """Queue one message; a second call with the same `dedupe_key` returns the first.

    Nothing is sent here, whatever the caller's transaction does next: the
    worker (delivery.deliver_due) picks the row up once it is committed."""
    msg = OutboxMessage(case=case, event=event, template=template, channel=channel, recipient=recipient,
                        payload=payload or {}, dedupe_key=dedupe_key,
                        created_at=at or (event.at if event is not None else timezone.now()))
    # One INSERT … ON CONFLICT DO NOTHING instead of get_or_create's SELECT,
    # SAVEPOINT, INSERT, RELEASE; the SELECT only when the key was taken.
    if insert_or_skip(msg):
        return msg
    return OutboxMessage.objects.get(dedupe_key=dedupe_key)


def lead_phone(case) -> str:
    lead = case.petitioner_links.filter(is_lead=True).select_related("petitioner").first()
    if lead is None:
        lead = case.petitioner_links.select_related("petitioner").first()
    return lead.petitioner.phone if lead else ""


def queue_case_notice(case, event, template: str, *, recipient: str | None = None) -> OutboxMessage | None:
    """A notice to the petitioner about a step of their case (告知); `recipient`
    saves looking up the lead petitioner's phone when the caller knows it."""
    if case.is_anonymous:
        return None
    return queue_message(
        template=template, recipient=lead_phone(case) if recipient is None else recipient,
        dedupe_key=f"event:{event.pk}:{template}",
        case=case, event=event,
        payload={"number": case.number, "query_code": case.query_code, "note": event.note},
    )
