"""Bench-only settings: the site's settings plus one trivial view (bench/portal_urls.py)
that measures what the Django stack itself costs per request. Never used in production."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.portal_urls"
