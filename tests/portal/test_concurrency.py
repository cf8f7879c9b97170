"""A real double click: two requests with the same form, at the same moment,
in two threads with their own database connections. One case, and both
answers lead to its receipt."""

import threading

import pytest
from django.db import connections
from django.test import Client

from xinfang.cases.models import Case, Submission

from .conftest import Petitioner


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_case_from_two_simultaneous_posts(category, orgs):
    first = Client()
    petitioner = Petitioner(first, category)
    data = petitioner.form()
    data["sms_code"] = petitioner.get_code()
    second = Client()
    second.cookies = first.cookies  # the same browser clicked twice
    start = threading.Barrier(2)
    answers: list = []

    def post(client: Client) -> None:
        try:
            start.wait()
            answers.append(client.post("/petition/", data))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert [a.status_code for a in answers] == [200, 200], [a.content.decode()[:500] for a in answers]
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    assert all(first.get(a["Content-Location"]).status_code == 200 for a in answers)
