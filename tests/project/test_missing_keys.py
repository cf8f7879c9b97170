"""A clone without keys: manage.py says, in one message, what to do."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_manage_py_without_keys_says_to_run_make_env_without_a_traceback():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_SETTINGS_MODULE")}
    env.update(SECRET_KEY="", FIELD_ENCRYPTION_KEY="")  # set and empty: a .env in the checkout does not fill them
    # Several commands: each reads its first setting somewhere else (for makemigrations
    # that depended on the order of the system checks, which changes from run to run).
    for command in (["makemigrations", "--check", "--dry-run"], ["check"], ["migrate", "--plan"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,  # noqa: S603 - our own manage.py
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode != 0, command
        assert "make env" in done.stderr and "SECRET_KEY" in done.stderr, command
        assert "Traceback" not in done.stderr, command
