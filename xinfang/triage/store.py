"""Where the category model lives, and loading it once per process.

Two places, the first that exists wins:
1. the deployment's own model, trained by `train_category_model` (default
   `var/triage/category_model.npz`, or settings.TRIAGE_MODEL_PATH);
2. the default model shipped in the repository (`xinfang/triage/data/`),
   trained on real citizen messages (7 top-level categories).
With neither, suggestions come from keywords alone."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from .model import CategoryModel

log = logging.getLogger(__name__)

SHIPPED_MODEL = Path(__file__).parent / "data" / "category_model.npz"

_lock = threading.Lock()
_cache: dict[str, tuple[float, CategoryModel]] = {}


def deployment_model_path() -> Path:
    return Path(getattr(settings, "TRIAGE_MODEL_PATH", "") or Path(settings.BASE_DIR) / "var" / "triage" / "category_model.npz")


def active_model_path() -> Path | None:
    for path in (deployment_model_path(), SHIPPED_MODEL):
        if path.is_file():
            return path
    return None


def get_model() -> CategoryModel | None:
    """The active model, loaded lazily and reloaded when its file changes
    (a retrain is picked up without restarting the web workers)."""
    path = active_model_path()
    if path is None:
        return None
    mtime = path.stat().st_mtime
    key = str(path)
    hit = _cache.get(key)
    if hit and hit[0] == mtime:
        return hit[1]
    with _lock:
        hit = _cache.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
        try:
            model = CategoryModel.load(path)
        except (OSError, ValueError, KeyError) as e:
            # A broken file must not break registration: fall back to keywords.
            log.warning("category model %s unusable: %s", path, e)
            return None
        _cache.clear()
        _cache[key] = (mtime, model)
        return model


def clear_cache() -> None:
    with _lock:
        _cache.clear()
