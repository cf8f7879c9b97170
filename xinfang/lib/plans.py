"""Which plans PostgreSQL uses for prepared statements, chosen per view.

The site runs with `plan_cache_mode=force_custom_plan` (config/settings.py):
the inbox and full-text search, on skewed data, ran twice as slow on generic
plans. But the public portal's statements are key lookups and single-row
INSERTs, the same plan for any value, and planning them again on every
execution was a quarter of PostgreSQL's CPU per online petition. Views marked
`@generic_plans` run with PostgreSQL's default (`auto`: custom plans for the
first five runs, then the generic plan where it costs no more), every other
view with the site's setting.

The mode is a session setting, changed only when a request needs the other one
than its connection has: one round trip when a worker's connection passes
between the public pages and the staff pages, none while it stays on one side.
Only the web requests choose; the worker and scheduler keep the site's setting."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created

AUTO = "auto"
_CURRENT = "_xinfang_plan_cache_mode"  # what this connection's session has
_WANTED = "_xinfang_plan_cache_mode_wanted"  # what the request being served wants


def generic_plans(view):
    """Mark a view whose statements are fine with generic plans."""
    view.generic_plans = True
    return view


def site_mode(connection) -> str:
    options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
    return "force_custom_plan" if "plan_cache_mode=force_custom_plan" in options else AUTO


def _set(connection, mode: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('plan_cache_mode', %s, false)", [mode])
    setattr(connection, _CURRENT, mode)


def use(mode: str | None) -> None:
    """Have the default connection plan with `mode` (None: the site's setting)
    from now on. A connection not open yet takes it when it opens."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    wanted = mode or site_mode(connection)
    setattr(connection, _WANTED, wanted)
    if connection.connection is not None and getattr(connection, _CURRENT, site_mode(connection)) != wanted:
        _set(connection, wanted)


def _on_connect(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    setattr(connection, _CURRENT, site_mode(connection))
    wanted = getattr(connection, _WANTED, None)
    if wanted is not None and wanted != site_mode(connection):
        _set(connection, wanted)


connection_created.connect(_on_connect, dispatch_uid="xinfang.lib.plans")


class PlanModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        use(AUTO if getattr(view_func, "generic_plans", False) else None)
