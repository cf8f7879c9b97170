"""Cases whose windows lapse are archived by the background worker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinfang.cases.models import Status
from xinfang.jobs.tasks import close_lapsed_cases

from .test_transitions_table import Scenario


@pytest.mark.django_db(transaction=True)
def test_it_closes_a_replied_case_after_the_review_window_through_the_worker(orgs, make_user, monkeypatch):
    s = Scenario(orgs, make_user)
    s.reach("replied")
    later = s.at + timedelta(days=45)
    monkeypatch.setattr(timezone, "now", lambda: later)
    close_lapsed_cases.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    s.case.refresh_from_db()
    assert s.case.status == Status.CLOSED
    assert s.case.events.last().action == "close"
    assert s.case.events.last().actor is None
    # Running again changes nothing.
    close_lapsed_cases.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert s.case.events.filter(action="close").count() == 1


@pytest.mark.django_db
def test_it_leaves_cases_inside_their_window(orgs, make_user):
    from xinfang.cases.sweep import close_lapsed

    s = Scenario(orgs, make_user)
    s.reach("replied")
    assert close_lapsed(now=s.at + timedelta(days=5)) == {"close": 0, "terminate": 0}
    assert close_lapsed(now=s.at + timedelta(days=40)) == {"close": 1, "terminate": 0}
