"""Form idempotency keys (Submission.client_token): unguessable, and in the
order they were made, so the unique index takes each new one beside the last."""

import time

import pytest

from xinfang.cases.models import new_client_token
from xinfang.portal.forms import TOKEN_RE, PetitionForm


@pytest.mark.django_db  # the form reads the category table
def test_a_token_is_32_hex_digits_the_form_accepts():
    token = new_client_token()
    assert TOKEN_RE.fullmatch(token)
    assert PetitionForm().fields["client_token"].initial != PetitionForm().fields["client_token"].initial


def test_tokens_sort_in_the_order_they_were_made():
    made = []
    for _ in range(5):
        made.append(new_client_token())
        time.sleep(0.002)
    assert made == sorted(made)
    # Time first: the leading 12 digits are the milliseconds of making.
    assert abs(int(made[0][:12], 16) - time.time() * 1000) < 60_000


def test_tokens_made_in_the_same_millisecond_still_differ():
    tokens = {new_client_token() for _ in range(2000)}
    assert len(tokens) == 2000
