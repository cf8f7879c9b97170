"""The portal bench's client solves the proof of work its own faster way (the
difficulty read as the browser reads it, digest bytes compared): it must find
exactly the answer the site's reference solver finds, at every difficulty."""

import pytest

from bench.portal_bench import solve as bench_solve
from xinfang.portal import challenge


@pytest.mark.parametrize("bits", [1, 7, 8, 9, 12])
def test_bench_solver_finds_the_sites_answer(settings, bits):
    settings.PORTAL_POW_BITS = bits
    for _ in range(5):
        issued = challenge.issue("sms")
        answer = bench_solve(issued)
        assert answer == challenge.solve(issued)
        assert challenge.solves(issued, answer, bits)
