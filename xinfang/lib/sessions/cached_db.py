"""SESSION_ENGINE with a shared cache (see xinfang.lib.sessions): Django's
cached_db store, whose save() writes the database through OneStatementSaves
and then the cache."""

from django.contrib.sessions.backends import cached_db

from . import OneStatementSaves


class SessionStore(cached_db.SessionStore, OneStatementSaves):
    pass
