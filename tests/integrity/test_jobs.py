from xinfang.jobs.schedule import SCHEDULE


def test_it_runs_the_integrity_sweep_hourly():
    jobs = {j.task_path: j.every_seconds for j in SCHEDULE}
    assert jobs["xinfang.jobs.tasks.integrity_sweep"] == 3600


def test_the_task_reports_new_flags_per_rule(orgs):
    from xinfang.jobs.tasks import integrity_sweep

    result = integrity_sweep.call()
    assert set(result) >= {"template_reply", "last_minute_reply", "ping_pong", "repeat_after_reply",
                           "dissatisfied_unchanged", "proxy_evaluations", "level_skipping", "group"}
    assert all(v == 0 for v in result.values())
