"""Small tables read on every public request (categories, regions, bureaus,
rule sets, the work calendar), kept in this process.

Each value is reloaded after `ttl` seconds, so a change made by another
process is seen that long after; a change made in this process through the
ORM is seen at once, because the owning app clears the value from its models'
save and delete signals (`clear_on_change`). Writes that bypass signals
(QuerySet.update, bulk_create) must call `clear()` themselves, or wait out the
TTL. Nothing here imports an app."""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_registry: list["Memo"] = []


class Memo(Generic[T]):
    """One value computed by `load()`, kept for `ttl` seconds or until `clear()`."""

    def __init__(self, load: Callable[[], T], *, ttl: float):
        self._load = load
        self.ttl = ttl
        self._value: tuple[float, T] | None = None
        # Bumped by clear(): a load that started before a clear must not store
        # what it read, or the change it raced with would be hidden for a TTL.
        self._generation = 0
        self._lock = threading.Lock()
        _registry.append(self)

    def get(self) -> T:
        entry = self._value
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
            return entry[1]
        generation = self._generation
        loaded_at = time.monotonic()
        value = self._load()
        with self._lock:
            if generation == self._generation:
                self._value = (loaded_at, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._value = None


def clear_all() -> None:
    """Forget every kept value (tests do this between tests: their rows roll back)."""
    for memo in _registry:
        memo.clear()


def clear_on_change(memo: Memo, *models: type) -> None:
    """Clear `memo` whenever one of these models is saved or deleted here, and
    again when the transaction that did it commits: a reload in between (by
    this very transaction) may have read rows that are not final."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    def changed(sender, **kwargs) -> None:
        memo.clear()
        transaction.on_commit(memo.clear, using=kwargs.get("using"))

    for model in models:
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"memo:{id(memo)}:{model.__name__}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"memo:{id(memo)}:{model.__name__}:d")
