import pytest


@pytest.fixture
def handle_reminders_only(db):
    """Only the 办理 clock reminds, so the counts below are about one clock."""
    from xinfang.supervision.models import ReminderRule

    ReminderRule.objects.update(is_active=False)
    ReminderRule.objects.update_or_create(
        clock_kind="handle", defaults={"days_before": "3,0", "daily_when_overdue": True, "is_active": True})


@pytest.fixture
def accepted(orgs, make_user, handle_reminders_only):
    """A case accepted by 梁溪区住建局, its 办理 clock running; one handler and one leader there."""
    from tests.cases.test_transitions_table import Scenario

    s = Scenario(orgs, make_user)
    s.reach("accepted")
    s.user("lx_zhujian", "leader")
    return s


@pytest.fixture
def escalation_rule(db):
    """The seeded default (办理 overdue 5 days → notify and draft), re-created when a
    transactional test has flushed the seeded rows."""
    from xinfang.supervision.models import EscalationRule

    rule, _ = EscalationRule.objects.update_or_create(
        clock_kind="handle", overdue_days=5,
        defaults={"notify_supervisors": True, "draft_order": True, "order_days": 7, "is_active": True})
    return rule
