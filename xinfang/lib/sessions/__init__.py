"""Django's database session stores, one round trip per write.

Django checks a new key with a SELECT before inserting it, and wraps every
save in `atomic()`: BEGIN, INSERT/UPDATE, COMMIT. Outside a transaction the
single statement is atomic on its own, and a (2^190-to-one) key collision
still fails the INSERT on the primary key, which `create()` answers with a new
key. So: no SELECT, and no transaction unless the caller is in one (then
Django's savepoint keeps a failed write from spoiling the caller's work).
Every public form post writes the session; this halves what that costs.

SESSION_ENGINE is `xinfang.lib.sessions.db` or `xinfang.lib.sessions.cached_db`."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string


class OneStatementSaves(db.SessionStore):
    """Django's database store, writing with one statement (see above)."""

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            return super().save(must_create)
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]  # SessionBase, not in the stubs
        obj = self.create_model_instance(data)
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
