"""Statutory time limits (DESIGN §6): the work calendar, the rule sets and the
clocks on cases.

Public API
- calendar.load_calendar() -> Calendar; calendar.is_day_off(calendar, d); calendar.day(calendar, d) -> Day
- deadlines.compute_due(start, amount, unit, calendar, *, extend_if_day_off=True) -> Due
- rulesets.get_rule(rule_set_code, clock_kind) -> Rule
- clocks.start_clock / stop_clock / cancel_clock / pause_clock / resume_clock / extend_clock,
  clocks.running_clocks(case), clocks.running_clock(case, kind), clocks.recompute_running_clocks(reason)
- notices.import_notice(year, text, *, source, at) for a new year's State Council notice
"""
