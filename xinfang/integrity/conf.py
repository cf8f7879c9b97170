"""Thresholds of repeat detection and the idle-spin rules.

Defaults live here; a deployment overrides any of them with an ``INTEGRITY``
dict in settings (e.g. ``INTEGRITY = {"LARGE_SCALE_HEADCOUNT": 30}``), so the
shared settings file needs no edit until someone wants a different value."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # -- repeat detection --------------------------------------------------------
    # Earlier cases considered for "similar text in the same county" (days back).
    "REPEAT_WINDOW_DAYS": 365,
    # Score (TF-IDF cosine × shared-details factor) from which a similar text is
    # offered for linking. Chosen by `manage.py measure_integrity` (seed 20240606):
    # the best mean F1 of the two tuning halves. Held-out halves at 0.50:
    #   real reposted complaints  P 0.989  R 0.907  F1 0.946
    #   demo-generator pairs      P 0.811  R 0.973  F1 0.885
    # (cosine alone: real 0.990/0.990 at 0.20, but on the generator's
    # same-scenario look-alikes its best is P 0.764 R 0.907 at 0.65.)
    "SIMILARITY_THRESHOLD": 0.50,
    # Cases fetched through the full-text index before scoring.
    "MAX_TEXT_CANDIDATES": 200,
    # Rare terms of the new text used to preselect through the full-text index,
    # and the most their frequencies may add up to (share of the sample).
    "QUERY_TERMS": 8,
    "PRESELECT_BUDGET": 0.01,
    # Rows read from the full-text index at most (before county and window).
    "PRESELECT_LIMIT": 1500,
    # Candidates offered on one case (per reason).
    "MAX_OFFERS": 5,
    # Recent cases whose terms give the document frequencies (idf).
    "IDF_SAMPLE": 5000,
    "IDF_REFRESH_SECONDS": 3600,
    # -- group petitions -----------------------------------------------------------
    "GROUP_HEADCOUNT": 5,  # 集体访
    "LARGE_SCALE_HEADCOUNT": 50,  # 大规模集体访
    # -- idle spin (网上空转) --------------------------------------------------------
    # (a) a reply at least this similar to at least MIN_TWINS replies of the same org
    "TEMPLATE_REPLY_SIMILARITY": 0.90,
    "TEMPLATE_REPLY_MIN_TWINS": 5,
    "TEMPLATE_REPLY_WINDOW_DAYS": 30,
    # (b) a reply in the last fraction of the handling limit (or its last day) with
    # no recorded work between acceptance and reply
    "LAST_MINUTE_FRACTION": 0.10,
    # (d) a repeat on the same matter within this many days of a reply
    "REPEAT_AFTER_REPLY_DAYS": 90,
    # (e) review upheld with a text this similar to the original reply
    "UNCHANGED_REVIEW_SIMILARITY": 0.90,
    # (f) an org whose evaluations are mostly entered by staff (代评)
    "PROXY_EVALUATION_RATIO": 0.60,
    "PROXY_EVALUATION_MIN_COUNT": 20,
    "PROXY_EVALUATION_WINDOW_DAYS": 90,
    # How far back the hourly job looks for events to check (days): it only has
    # to cover the time since the last run, with room for an outage.
    "SWEEP_LOOKBACK_DAYS": 2,
}


def setting(name: str) -> Any:
    overrides = getattr(settings, "INTEGRITY", None) or {}
    return overrides.get(name, DEFAULTS[name])
