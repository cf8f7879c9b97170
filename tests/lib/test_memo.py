"""In-process copies of small tables (xinfang.lib.memo)."""

from xinfang.lib.memo import Memo


def test_it_loads_once_until_cleared_or_expired(monkeypatch):
    loads = []
    memo = Memo(lambda: loads.append(1) or len(loads), ttl=60)
    assert (memo.get(), memo.get()) == (1, 1)
    memo.clear()
    assert memo.get() == 2
    clock = [1000.0]
    monkeypatch.setattr("xinfang.lib.memo.time.monotonic", lambda: clock[0])
    memo.clear()
    assert memo.get() == 3
    clock[0] += 59
    assert memo.get() == 3
    clock[0] += 2
    assert memo.get() == 4


def test_a_load_that_raced_a_clear_is_not_kept():
    memo: Memo[str] = Memo(lambda: "", ttl=60)

    def load_while_someone_changes_the_rows() -> str:
        memo.clear()  # a save signal arrives while the old rows are being read
        return "old rows"

    memo._load = load_while_someone_changes_the_rows
    assert memo.get() == "old rows"  # this caller gets what it read …
    memo._load = lambda: "new rows"
    assert memo.get() == "new rows"  # … but the next one reads again
