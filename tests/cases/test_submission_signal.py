"""The `submission_received` hook: receivers see each new submission inside the
registering transaction, and a failing receiver never costs the submission."""

import pytest

from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.signals import submission_received

pytestmark = pytest.mark.django_db


def test_receivers_see_new_cases_and_a_failing_one_is_skipped(client, lx_registrar, registration_post):
    seen = []

    def good(case, submission, is_new_case, **kwargs):
        seen.append((case.pk, submission.pk, is_new_case))
        CaseEvent.objects.filter(case=case).exists()  # a query inside the savepoint works

    def bad(case, **kwargs):
        Case.objects.filter(pk=case.pk).update(title="被回滚的修改")
        raise RuntimeError("analysis failed")

    submission_received.connect(bad, weak=False)
    submission_received.connect(good, weak=False)
    try:
        client.force_login(lx_registrar)
        resp = client.post("/cases/new/letter/", registration_post("letter"))
    finally:
        submission_received.disconnect(bad)
        submission_received.disconnect(good)
    assert resp.status_code == 302
    case = Case.objects.get()
    assert seen == [(case.pk, case.submissions.get().pk, True)]
    # The failing receiver's write was rolled back with its savepoint only.
    assert case.title != "被回滚的修改"
