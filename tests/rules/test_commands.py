"""`manage.py clock_due`: a due date and its explanation from the command line."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def clock_due(*args: str) -> str:
    out = StringIO()
    call_command("clock_due", *args, stdout=out)
    return out.getvalue()


def test_it_prints_json_with_the_due_date_and_explanation():
    assert json.loads(clock_due("dispose", "2026-09-28", "--json")) == {
        "due": "2026-10-13",
        "explanation": ["起算：2026-09-28 收到（当日不计入）", "15日 → 2026-10-13", "2026-10-13 为工作日，无需顺延"],
        "warnings": [],
    }


def test_it_counts_working_days_under_the_2005_rules_from_a_utc_datetime():
    # 2026-09-28T16:30Z is 2026-09-29 00:30 in Beijing: counting starts after the 29th.
    out = json.loads(clock_due("object", "2026-09-28T16:30:00+00:00", "--rule-set", "2005", "--json"))
    assert out["due"] == "2026-10-12"
    assert "跳过 2026-10-01 至 2026-10-07 国庆节假期（7天）" in out["explanation"]
    assert "2026-10-10（周六）为调休上班日，计入" in out["explanation"]


def test_it_explains_itself_to_a_person():
    out = clock_due("reexamine", "2026-09-01")
    for line in ("期限：复核（《信访工作条例》第三十六条）", "起算：2026-09-01", "期满：2026-10-08",
                 "跳过：2026-10-01 至 2026-10-07", "2026-10-01 为法定节假日（国庆节），顺延至 2026-10-08"):
        assert line in out


def test_it_warns_outside_known_years():
    out = json.loads(clock_due("handle", "2030-03-01", "--json"))
    assert out["warnings"] == ["2030年节假日安排尚未录入，按周末计算，期限可能不准确"]


@pytest.mark.parametrize(("args", "message"), [
    (["visit", "2026-09-28"], "期限种类「visit」无效"),
    (["report_back", "2026-09-28"], "期限种类「report_back」无效"),
    (["dispose", "2026-02-30"], "起算时间「2026-02-30」无效"),
    (["dispose", "2026-09-28", "--rule-set", "shanghai"], "没有代码为「shanghai」的规则"),
])
def test_it_refuses_bad_input_in_chinese(args, message):
    with pytest.raises(CommandError, match=message):
        clock_due(*args)


def test_it_exits_non_zero_with_the_error_on_stderr():
    done = subprocess.run([sys.executable, "manage.py", "clock_due", "visit", "2026-09-28"],  # noqa: S603
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "期限种类「visit」无效" in done.stderr and done.stdout == ""
