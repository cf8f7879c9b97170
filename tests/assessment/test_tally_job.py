"""The hourly refresh of the monthly tallies: scheduled, runnable as a task and a command."""

import pytest
from django.core.management import CommandError, call_command

from xinfang.assessment.models import RateTally, TallyRun
from xinfang.jobs.schedule import SCHEDULE

pytestmark = pytest.mark.django_db


def test_it_is_scheduled_hourly():
    assert {j.task_path: j.every_seconds for j in SCHEDULE}["xinfang.jobs.tasks.refresh_rate_tallies"] == 3600


def test_the_task_recounts_the_last_thirteen_months(orgs, month):
    from xinfang.jobs.tasks import refresh_rate_tallies

    refresh_rate_tallies.call()
    run = TallyRun.objects.get()
    months = (run.last_month.year * 12 + run.last_month.month) - (run.first_month.year * 12 + run.first_month.month)
    assert months == 12
    refresh_rate_tallies.call()  # idempotent: the same months replaced, not added twice
    assert RateTally.objects.filter(month=run.first_month).count() == RateTally.objects.filter(
        month=run.first_month).values("target", "key", "org_id", "region").distinct().count()


def test_the_command_counts_a_range_or_explains(orgs, month, capsys):
    call_command("refresh_rate_tallies", "--first", "2026-08", "--last", "2026-10")
    assert "已统计 2026-08 至 2026-10" in capsys.readouterr().out
    assert RateTally.objects.filter(month__year=2026, month__month=9).exists()
    with pytest.raises(CommandError, match="格式如 2025-01"):
        call_command("refresh_rate_tallies", "--first", "2026-8x")
