"""Locating the shared real-message data (never shipped with the product)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

SUBDIR = Path("shared") / "data" / "citizen-messages"


def data_dir() -> Path | None:
    """TRIAGE_DATA_DIR, else ../shared/data/citizen-messages next to the checkout
    (or one level further up, for a worktree under a sibling folder)."""
    env = os.environ.get("TRIAGE_DATA_DIR")
    candidates = [Path(env)] if env else []
    base = Path(settings.BASE_DIR).resolve()
    candidates += [base.parent / SUBDIR, base.parent.parent / SUBDIR]
    for c in candidates:
        if (c / "train_messages.csv").is_file():
            return c
    return None
