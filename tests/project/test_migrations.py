"""The migrations in the repository describe the models: a fresh clone's
`migrate` builds exactly the schema the code expects."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as e:  # --check exits non-zero when a migration would be written
        pytest.fail(f"models changed without a migration (exit {e.code}):\n{out.getvalue()}")
