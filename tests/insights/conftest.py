"""Helpers for the insights tests: cases registered through the real action
(so search_text, signals and access are real), then moved in time."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.cases.test_access_and_search import make_case
from xinfang.cases.models import Case


def at_week(case: Case, monday: datetime, offset_days: int = 2) -> Case:
    """Move a case's registration into the week starting at `monday` (local)."""
    when = timezone.make_aware(datetime.combine(monday, datetime.min.time()) + timedelta(days=offset_days, hours=10))
    Case.objects.filter(pk=case.pk).update(registered_at=when, updated_at=timezone.now() - timedelta(hours=1))
    case.registered_at = when
    return case


@pytest.fixture
def lx_case(orgs, lx_registrar):
    def make(title: str, content: str, **kw) -> Case:
        return make_case(orgs["lx_bureau"], lx_registrar, title=title, content=content, **kw)

    return make


@pytest.fixture
def jy_case(orgs, make_user):
    registrar = make_user("jy_bureau", "registrar")

    def make(title: str, content: str, **kw) -> Case:
        return make_case(orgs["jy_bureau"], registrar, title=title, content=content, region="320281001", **kw)

    return make
