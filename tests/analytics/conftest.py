"""Generated cases for the analytics tests: a few hundred consistent histories
(clocks, replies, evaluations) from the demo generator, with a pinned `now`."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

NOW = dt.datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def generated(orgs):
    from xinfang.demo.generator import generate_cases

    generate_cases(240, seed=5, months=14, now=NOW, method="orm")
    return NOW
