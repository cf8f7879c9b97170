"""SESSION_ENGINE without a shared cache (see xinfang.lib.sessions)."""

from . import OneStatementSaves


class SessionStore(OneStatementSaves):
    pass
