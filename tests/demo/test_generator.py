"""The demo case generator: volumes, numbering, consistent histories, people."""

import datetime as dt
import re
from collections import Counter, defaultdict
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.accounts.models import User
from xinfang.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseOrg,
    CasePetitioner,
    Channel,
    Petitioner,
    Status,
    Submission,
)
from xinfang.cases.models_procedure import Assignment, Evaluation, ExtensionRequest, ReplyLetter
from xinfang.cases.numbering import next_case_number
from xinfang.cases.workflow import allowed_moves
from xinfang.demo.generator import generate_cases
from xinfang.demo.orgtree import build_org_tree
from xinfang.lib.crypto import index_field
from xinfang.lib.idcard import validate_id_number
from xinfang.lib.phone import validate_phone
from xinfang.orgs.models import Membership, Org, Role
from xinfang.rules.models import Clock

NOW = dt.datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
COUNT = 600
NUMBER_RE = re.compile(r"^\d{6}-\d{4}-\d{6}$")


@pytest.fixture
def generated(db):
    build_org_tree()
    # Small batches so the counters are bumped several times per region and year.
    assert generate_cases(COUNT, seed=5, now=NOW, batch_size=250) == COUNT
    return list(Case.objects.order_by("id"))


def _events_by_case():
    grouped = defaultdict(list)
    for ev in CaseEvent.objects.order_by("case_id", "id"):
        grouped[ev.case_id].append(ev)
    return grouped


def test_counts_and_case_numbers(generated):
    assert len(generated) == COUNT
    numbers = [c.number for c in generated]
    assert len(set(numbers)) == COUNT
    assert all(NUMBER_RE.match(n) for n in numbers)
    assert len({c.query_code for c in generated}) == COUNT
    for c in generated:
        assert c.number.split("-")[1] == str(c.registered_at.astimezone(NOW.tzinfo).year)
        assert c.number.startswith(c.numbering_region_id.ljust(6, "0"))
        assert c.search_text and c.title and c.content


def test_counters_continue_after_generated_numbers(generated):
    seqs = defaultdict(list)
    for c in generated:
        seqs[(c.numbering_region_id, c.registered_at.astimezone(NOW.tzinfo).year)].append(int(c.number[-6:]))
    for (region, year), values in seqs.items():
        counter = CaseCounter.objects.get(region_id=region, year=year)
        assert counter.last_value == max(values) == len(values)
    region, year = max(seqs, key=lambda k: len(seqs[k]) if len(k[0]) == 6 else 0)
    assert len(region) == 6
    number = next_case_number(region, year)
    assert number == f"{region}-{year}-{max(seqs[(region, year)]) + 1:06d}"
    assert not Case.objects.filter(number=number).exists()
    # A second run continues the same counters instead of colliding.
    assert generate_cases(50, seed=6, now=NOW) == 50
    assert Case.objects.values("number").distinct().count() == COUNT + 50


def test_every_status_and_channel_occurs(generated):
    statuses = Counter(c.status for c in generated)
    assert set(statuses) == set(Status.values), statuses
    channels = Counter(c.channel for c in generated)
    assert set(channels) == set(Channel.values)
    assert channels["online"] > channels["visit"] > channels["letter"] / 2
    # Older cases are mostly finished, recent ones mostly open.
    old = [c for c in generated if (NOW - c.registered_at).days > 180]
    recent = [c for c in generated if (NOW - c.registered_at).days < 20]
    finished = {Status.REPLIED, Status.CLOSED, Status.TERMINATED, Status.DECLINED, Status.REDIRECTED,
                Status.REVIEWED, Status.REFUSED_REPEAT, Status.MERGED}
    assert sum(c.status in finished for c in old) > 0.85 * len(old)
    assert sum(c.status not in finished for c in recent) > 0.6 * len(recent)


RUNNING = ("running", "paused")
TERMINAL = {Status.TERMINATED, Status.CLOSED, Status.DECLINED, Status.REDIRECTED, Status.REFUSED_REPEAT,
            Status.MERGED}


def assert_consistent(case, events, clocks):
    """The invariants the workflow engine keeps (tests/cases/test_workflow_properties.py)."""
    moves = allowed_moves()
    status = ""
    for e in events:
        if e.to_status:
            assert (e.from_status, e.to_status) in moves, (case.number, e.action, e.from_status, e.to_status)
            assert e.from_status == status, (case.number, e.action)
            status = e.to_status
    assert status == case.status, case.number
    live = [c.kind for c in clocks if c.state in RUNNING]
    assert len(live) == len(set(live)), (case.number, live)
    s = case.status
    if s == Status.REGISTERED:
        assert ("dispose" in live) != ("accept" in live), (case.number, live)
    if s in (Status.FORWARDED, Status.ASSIGNED):
        assert "accept" in live and "handle" not in live, (case.number, live)
    if s in (Status.ACCEPTED, Status.REPLY_PENDING):
        assert len({"handle", "simple"} & set(live)) == 1, (case.number, live)
    if s == Status.REVIEWING:
        assert "review" in live
    if s == Status.REEXAMINING:
        assert "reexamine" in live
    if s == Status.REPLIED:
        assert not {"handle", "simple", "accept", "dispose"} & set(live), (case.number, live)
    if s in TERMINAL:
        assert not set(live) - {"report_back"}, (case.number, s, live)
    assert case.next_due_at == min((c.due_at for c in clocks if c.state == "running"), default=None), case.number


def test_event_histories_follow_the_workflow(generated):
    events = _events_by_case()
    clocks = defaultdict(list)
    for c in Clock.objects.all():
        clocks[c.case_id].append(c)
    cases = {c.id: c for c in generated}
    assert set(events) == set(cases)
    for case_id, evs in events.items():
        case = cases[case_id]
        assert evs[0].action == "register" and evs[0].to_status == Status.REGISTERED
        assert evs[0].at == case.registered_at and case.number in evs[0].note
        times = [e.at for e in evs]
        assert times == sorted(times), case.number  # ids follow time
        assert times[-1] <= NOW and case.updated_at >= times[-1]
        assert_consistent(case, evs, clocks[case_id])
        repeats = [e for e in evs if e.action == "repeat"]
        merged_in = sum(c.submission_count for c in generated if c.merged_into_id == case.id)
        assert case.submission_count == 1 + len(repeats) + merged_in
        if case.status == Status.MERGED:
            assert case.merged_into_id and cases[case.merged_into_id].registered_at < case.registered_at


def test_procedure_records_match_the_events(generated):
    actions = Counter(CaseEvent.objects.values_list("action", flat=True))
    assert actions["forward"] + actions["assign"] + actions["guide_down"] + actions["delegate"] == \
        Assignment.objects.count()
    assert actions["draft_reply"] + actions["review_decide"] + actions["reexamine_decide"] == \
        ReplyLetter.objects.count()
    assert ReplyLetter.objects.filter(kind="reply", signed_at__isnull=False).count() == actions["reply"]
    assert ExtensionRequest.objects.count() == actions["request_extension"]
    assert ExtensionRequest.objects.filter(approved=True).count() == actions["approve_extension"]
    assert Evaluation.objects.filter(target="handler").count() == actions["evaluate"]
    for e in CaseEvent.objects.filter(action__in=["forward", "assign", "reply", "approve_extension", "merge"]):
        key = {"forward": "assignment", "assign": "assignment", "reply": "letter", "approve_extension": "request",
               "merge": "into_case"}[e.action]
        assert e.payload[key], (e.action, e.payload)
    extended = Clock.objects.filter(kind="handle", extended_days=30)
    assert extended.count() == actions["approve_extension"]
    assert all("延期30日" in c.explanation[-1] or c.state != "running" for c in extended)
    assert Clock.objects.filter(state="missed").exists() and Clock.objects.filter(state="met").exists()
    assert Case.objects.filter(is_level_skipping=True).count() == actions["guide_down"]
    assert Case.objects.filter(simple_procedure=True).exists()


def test_involvements_and_current_org(generated):
    involved = defaultdict(set)
    for case_id, org_id in CaseOrg.objects.values_list("case_id", "org_id"):
        involved[case_id].add(org_id)
    for c in generated:
        assert c.registered_org_id in involved[c.id]
        assert c.current_org_id in involved[c.id]
        if c.accused_org_id:
            assert c.accused_org_id not in involved[c.id]  # the accused org never sees the case
    relations = set(CaseOrg.objects.values_list("relation", flat=True))
    assert {"registered", "forwarded", "assigned", "delegated", "reviewing", "reexamining"} <= relations
    forwarded = CaseEvent.objects.filter(action__in=["forward", "assign"])
    assert all(e.payload["to_org"] in involved[e.case_id] for e in forwarded)
    open_cases = [c for c in generated if c.status in (Status.ACCEPTED, Status.FORWARDED, Status.REVIEWING)]
    assert open_cases and all(c.next_due_at and c.next_due_at > c.registered_at for c in open_cases)


def test_the_engine_carries_on_from_generated_cases(generated):
    """Generated cases are ordinary cases: staff can take the next step with the workflow engine."""
    from xinfang.cases import workflow_engine as engine

    def staff(org_id, role):
        user = User.objects.create_user(f"u{org_id}{role}{User.objects.count()}", password="pw-for-tests-123")
        Membership.objects.create(user=user, org_id=org_id, role=role)
        return user

    at = NOW + dt.timedelta(hours=1)
    reply = {"outcome": "explain", "text": "经核实，现答复如下。", "legal_basis": "《信访工作条例》第三十二条",
             "rights_notice": "如不服，可于30日内请求复查。"}
    decision = {"review_outcome": "uphold", "text": "维持原处理意见。", "legal_basis": "《信访工作条例》第三十五条",
                "rights_notice": "如不服，可于30日内请求复核。"}
    steps = {
        Status.FORWARDED: [(Role.HANDLER, "accept", {})],
        Status.ASSIGNED: [(Role.HANDLER, "accept", {})],
        Status.ACCEPTED: [(Role.HANDLER, "draft_reply", reply), (Role.LEADER, "reply", {})],
        Status.REPLY_PENDING: [(Role.LEADER, "reply", {})],
        Status.REVIEWING: [(Role.LEADER, "review_decide", decision)],
    }
    for status, chain in steps.items():
        case = next(c for c in generated if c.status == status)
        for role, name, data in chain:
            case.refresh_from_db()
            engine.apply(case.pk, name, user=staff(case.current_org_id, role), data=data, at=at)
        case.refresh_from_db()
        assert_consistent(case, list(CaseEvent.objects.filter(case=case).order_by("at", "id")),
                          list(Clock.objects.filter(case=case)))


def test_petitioners_are_valid_and_encrypted(generated):
    people = list(Petitioner.objects.all())
    assert people
    with_id = [p for p in people if p.id_number]
    assert len(with_id) > 0.7 * len(people)
    for p in with_id:
        assert validate_id_number(p.id_number, today=NOW.date()) == p.id_number
        assert p.id_number_index == index_field(p.id_number)
        assert int(p.id_number[16]) % 2 == (1 if p.gender == "M" else 0)
    assert len({p.id_number for p in with_id}) == len(with_id)  # one row per person
    for p in people:
        if p.phone:
            assert validate_phone(p.phone) == p.phone
            assert p.phone_index == index_field(p.phone)
    assert sum(p.id_number[:4] == "3202" for p in with_id) > 0.5 * len(with_id)
    # Stored encrypted: the raw column never holds the plain number.
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone, address FROM cases_petitioner WHERE id = %s", [with_id[0].pk])
        assert all(v.startswith("v1:") for v in cur.fetchone() if v)


def test_people_links_and_recurrence(generated):
    leads = Counter()
    n_links = Counter()
    for case_id, is_lead in CasePetitioner.objects.values_list("case_id", "is_lead"):
        n_links[case_id] += 1
        leads[case_id] += is_lead
    for c in generated:
        if c.is_anonymous:
            assert n_links[c.id] == 0
        else:
            assert leads[c.id] == 1 and n_links[c.id] >= 1
        if c.is_group:
            assert 5 <= c.headcount <= 80 and n_links[c.id] <= 5
    assert any(c.is_anonymous for c in generated)
    assert any(c.is_group for c in generated)
    assert any(c.is_accusation for c in generated)
    # Some people come back with another case: ground truth for repeat detection.
    per_person = Counter(CasePetitioner.objects.values_list("petitioner_id", flat=True))
    assert sum(1 for n in per_person.values() if n > 1) >= 5
    refused = [c for c in generated if c.status == Status.REFUSED_REPEAT]
    assert refused and all(not c.is_first_time for c in refused)


def test_submissions_carry_channel_details(generated):
    subs = list(Submission.objects.all())
    # A merged case's submissions also count on the case it was merged into.
    assert len(subs) == sum(c.submission_count for c in generated if not c.merged_into_id)
    assert any(s.is_repeat for s in subs)
    for s in subs:
        if s.channel == "letter":
            assert s.postmark_date and s.letter_received_date and s.postmark_date <= s.letter_received_date
        elif s.channel == "visit":
            assert s.headcount and s.receiving_officer
        elif s.channel == "call":
            assert s.caller_number and s.call_started_at and s.call_started_at <= s.received_at
        else:
            assert s.online_source
    first = {s.case_id: s for s in subs if not s.is_repeat}
    assert len(first) == len(generated)
    for c in generated:
        assert first[c.id].received_at == c.registered_at and first[c.id].channel == c.channel


def _fingerprint(cases):
    return [(c.title, c.status, c.channel, c.registered_at, c.issue_region_id, c.category_id, c.headcount)
            for c in cases]


@pytest.mark.django_db
def test_same_seed_gives_same_cases():
    build_org_tree()
    generate_cases(40, seed=9, now=NOW)
    first = list(Case.objects.order_by("id"))
    generate_cases(40, seed=9, now=NOW)
    second = list(Case.objects.order_by("id"))[40:]
    assert _fingerprint(first) == _fingerprint(second)
    assert {c.number for c in first}.isdisjoint(c.number for c in second)
    # Recomputed people are new rows with fresh, still unique ID numbers.
    ids = [p.id_number for p in Petitioner.objects.all() if p.id_number]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["auto", "orm"])
def test_both_writers(method):
    build_org_tree()
    assert generate_cases(80, seed=3, now=NOW, method=method, batch_size=30) == 80
    assert CaseEvent.objects.filter(action="register").count() == 80
    p = Petitioner.objects.exclude(id_number="").first()
    assert validate_id_number(p.id_number, today=NOW.date())
    assert CaseEvent.objects.filter(action="register").first().payload["submission"]


@pytest.mark.django_db
def test_generate_cases_command():
    out = StringIO()
    call_command("generate_cases", count=25, seed=2, batch=10, stdout=out)
    assert Case.objects.count() == 25
    text = out.getvalue()
    assert "件/秒" in text and "总耗时" in text


@pytest.mark.django_db
def test_load_demo_is_idempotent(monkeypatch):
    from xinfang.demo.management.commands import load_demo

    monkeypatch.setattr(load_demo, "DEMO_CASE_COUNT", 40)
    out = StringIO()
    call_command("load_demo", stdout=out)
    models = (Case, CaseEvent, Petitioner, Clock, Assignment, Org, User, Membership)
    counts = [m.objects.count() for m in models]
    assert counts[0] == 40
    call_command("load_demo", stdout=out)
    assert [m.objects.count() for m in models] == counts
    text = out.getvalue()
    assert "wx_registrar" in text and "Xinfang@2026" in text
