"""Background tasks run by the django-tasks-db worker. Each is idempotent, so
running it twice (two schedulers, a retry) changes nothing the second time."""

from django_tasks import task


@task()
def close_lapsed_cases() -> dict[str, int]:
    from xinfang.cases.sweep import close_lapsed

    return close_lapsed()


@task()
def deliver_outbox() -> dict[str, int]:
    """Send due SMS and e-mail notices. Safe to run in many workers at once:
    messages are leased by conditional updates, never sent twice concurrently."""
    from xinfang.notifications.delivery import deliver_pending

    return deliver_pending()


@task()
def invite_evaluations() -> dict[str, int]:
    from xinfang.notifications.invitations import queue_evaluation_invitations

    return {"queued": queue_evaluation_invitations()}


@task()
def deadline_sweep() -> dict[str, int]:
    """Remind handling orgs of clocks about to run out or overdue. Each reminder
    is claimed by inserting its log row, so concurrent runs never send one twice."""
    from xinfang.supervision.reminders import sweep

    return sweep()


@task()
def integrity_sweep() -> dict[str, int]:
    """Idle-spin, level-skipping and group flags of the recent period. Flags are
    raised by conditional inserts, so overlapping runs raise nothing twice."""
    from xinfang.integrity.sweep import sweep

    return sweep()


@task()
def ingest_insights() -> dict[str, int]:
    """Count newly registered cases into the hotspot and volume rollups. A
    high-water mark on case id, moved by conditional update: two workers never
    count a case twice."""
    from xinfang.insights.rollup import ingest_new

    return ingest_new(max_cases=50_000)


@task()
def refresh_rate_tallies() -> dict[str, float]:
    """Recount the monthly 三率 tallies of the last 13 months (whole months of
    region-wide rate tables read them; everything else is counted live)."""
    from xinfang.assessment.tallies import refresh_recent

    return {"seconds": refresh_recent().seconds}


@task()
def daily_digest() -> dict[str, int]:
    """Each org's daily digest (overdue / due soon / new / orders awaiting report),
    once per org and day: the job runs hourly, sends from 08:00, and a unique
    (org, date) row makes every later run that day a no-op."""
    from xinfang.supervision.digest import send_daily_digests

    return send_daily_digests()


@task()
def fold_rollups() -> dict[str, int]:
    """Fold new case events into the dashboard rollups. Idempotent; a second
    worker finds the watermark row locked and skips."""
    from xinfang.analytics.rollups import fold_all

    return fold_all()


@task()
def generate_due_reports() -> dict[str, int]:
    """Queue and build the monthly and quarterly analysis reports of periods
    that have ended (one per kind, period and scope)."""
    from xinfang.analytics.reports.schedule import generate_due

    return generate_due()


@task()
def build_report(report_id: int) -> str:
    from xinfang.analytics.reports.build import build

    return build(report_id)
