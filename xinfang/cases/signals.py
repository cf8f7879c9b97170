"""Hooks other apps attach to without the cases app knowing about them.

`submission_received` fires inside the registering transaction, after the case,
its submission and its first clock are written, so a receiver's rows (flags,
alerts, suggestions) commit or roll back with the submission they describe.
Receivers run through `notify_submission_received`: each in its own savepoint,
and a receiver that fails is logged and skipped — an analysis hook must never
cost a citizen their submission.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

# Sent with: case (Case), submission (Submission), is_new_case (bool).
submission_received = Signal()


def notify_submission_received(case, submission, *, is_new_case: bool) -> None:
    for receiver in submission_received._live_receivers(sender=type(case))[0]:
        try:
            with transaction.atomic():
                receiver(signal=submission_received, sender=type(case), case=case,
                         submission=submission, is_new_case=is_new_case)
        except Exception:
            # Log the receiver and case id only: never the petitioner's data.
            log.exception("submission_received receiver %r failed for case %s",
                          getattr(receiver, "__qualname__", receiver), case.pk)
