"""Hooks other apps attach to without the cases app knowing about them.

`submission_received` fires inside the registering transaction, after the case,
its submission and its first clock are written, so a receiver's rows (flags,
alerts, suggestions) commit or roll back with the submission they describe.
Receivers run through `notify_submission_received`: a receiver that fails is
logged and skipped — an analysis hook must never cost a citizen their
submission. They share one savepoint (one statement for every submission instead of two
per receiver: it is left open when they succeed, for the commit to release,
rather than released in a round trip of its own); only when one fails is that
savepoint rolled back and each receiver run again in its own, so the others'
rows still land.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# Sent with: case (Case), submission (Submission), is_new_case (bool).
submission_received = Signal()


def notify_submission_received(case, submission, *, is_new_case: bool) -> None:
    receivers = submission_received._live_receivers(sender=type(case))[0]
    kwargs = {"signal": submission_received, "sender": type(case), "case": case,
              "submission": submission, "is_new_case": is_new_case}
    shared = transaction.savepoint()  # always inside the registering transaction
    try:
        for receiver in receivers:
            receiver(**kwargs)
        return
    except Exception:  # noqa: BLE001 - rolled back; which one failed is logged below
        if shared is not None:  # None: not in a transaction, nothing to undo
            transaction.savepoint_rollback(shared)
        log.info("a submission_received receiver failed for case %s: each again, alone", case.pk)
    for receiver in receivers:
        try:
            with transaction.atomic():
                receiver(**kwargs)
        except Exception:
            # Log the receiver and case id only: never the petitioner's data.
            log.exception("submission_received receiver %r failed for case %s",
                          getattr(receiver, "__qualname__", receiver), case.pk)
