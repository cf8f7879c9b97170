"""A batch of generated cases and how it becomes rows.

Cases are built before their primary keys exist, so everything that points at
another generated row (a submission, an assignment, a letter, an earlier case)
is kept as a batch-local index and resolved by `write_batch`, inside the
batch's transaction, after the keys have been handed out."""

from __future__ import annotations

from django.db import connection

from xinfang.cases.models import Case, CaseEvent, CaseOrg, CasePetitioner, Petitioner, Submission
from xinfang.cases.models_procedure import Assignment, Evaluation, ExtensionRequest, ReplyLetter
from xinfang.rules.models import Clock

from .generator_replay import as_dt

CASE_FIELDS = [
    "query_code", "numbering_region_id", "title", "content", "demands", "purpose", "category_id",
    "issue_region_id", "issue_address", "channel", "headcount", "is_group", "is_urgent", "is_anonymous",
    "consent_publish", "is_accusation", "is_law_related", "is_first_time", "is_level_skipping", "simple_procedure",
    "merged_into_id", "accused_org_id", "status", "registered_org_id", "current_org_id", "registered_by_id",
    "registered_at", "rule_set", "next_due_at", "submission_count", "search_text", "updated_at",
]
MERGED_INTO = CASE_FIELDS.index("merged_into_id")
SUBMISSION_COUNT = CASE_FIELDS.index("submission_count")
SUB_FIELDS = ["channel", "received_at", "received_by_org_id", "registered_by_id", "content", "is_repeat",
              "client_token", "postmark_date", "letter_received_date", "headcount", "receiving_officer",
              "caller_number", "call_started_at", "online_source"]
COLUMNS = {
    Petitioner: ["id", "name", "gender", "id_number", "id_number_index", "phone", "phone_index", "address",
                 "created_at"],
    Case: ["id", "number", *CASE_FIELDS],
    Submission: ["id", "case_id", *SUB_FIELDS],
    Submission.petitioners.through: ["submission_id", "petitioner_id"],
    CasePetitioner: ["case_id", "petitioner_id", "is_lead", "is_representative"],
    CaseOrg: ["case_id", "org_id", "relation"],
    Assignment: ["id", "case_id", "kind", "from_org_id", "to_org_id", "created_at", "created_by_id",
                 "report_back_required", "report_back_due", "instructions", "state", "closed_at"],
    ReplyLetter: ["id", "case_id", "kind", "org_id", "outcome", "text", "legal_basis", "rights_notice",
                  "drafted_by_id", "drafted_at", "signed_by_id", "signed_at", "returned_note"],
    ExtensionRequest: ["id", "case_id", "org_id", "days", "reason", "requested_by_id", "requested_at",
                       "decided_by_id", "decided_at", "approved", "decision_note"],
    Evaluation: ["case_id", "target", "org_id", "rating", "comment", "source", "recorded_by_id", "at"],
    Clock: ["case_id", "kind", "rule_set", "article", "started_at", "start_date", "amount", "unit",
            "extend_if_day_off", "extended_days", "due_date", "due_at", "state", "paused_at", "paused_days_total",
            "stopped_at", "explanation", "warnings", "created_at"],
    CaseEvent: ["case_id", "at", "actor_id", "org_id", "action", "from_status", "to_status", "note", "payload",
                "is_public"],
}


class Batch:
    def __init__(self, serial: int):
        self.serial = serial
        self.persons: list = []  # new Person objects
        self.cases: list[list] = []  # CASE_FIELDS values
        self.case_keys: list[tuple[str, int]] = []  # (numbering region, year)
        self.handles: list[list] = []  # [case id, number, batch serial, index, registered ts]
        self.merged: list[tuple[int, list]] = []  # (case index, handle of the case it was merged into)
        self.merge_bumps: list[tuple[list, int]] = []  # (handle, submissions to add)
        self.subs: list[tuple] = []  # (case index, SUB_FIELDS values)
        self.sub_pets: list[tuple] = []  # (submission index, Person)
        self.case_pets: list[tuple] = []
        self.case_orgs: list[tuple] = []
        self.assignments: list[tuple] = []
        self.letters: list[tuple] = []
        self.requests: list[tuple] = []
        self.evaluations: list[tuple] = []
        self.clocks: list[tuple] = []
        self.events: list[tuple] = []  # (case index, at, org, action, from, to, note, payload, public, refs)

    def add_case(self, *, handle, key, sim, subs, people, row) -> None:
        ci = len(self.cases)
        self.cases.append(row)
        self.case_keys.append(key)
        self.handles.append(handle)
        if sim.merged_into is not None:
            self.merged.append((ci, sim.merged_into))
        s0 = len(self.subs)
        everyone = [p for p, _lead, _rep in people]
        for k, sub in enumerate(subs):
            self.subs.append((ci, sub[1:]))
            for p in everyone if k == 0 else everyone[:1]:
                self.sub_pets.append((s0 + k, p))
        for p, is_lead, rep in people:
            self.case_pets.append((ci, p, is_lead, rep))
        for org_id, relation in sim.involved.items():
            self.case_orgs.append((ci, org_id, relation))
        offsets = {"sub": s0, "assignment": len(self.assignments), "letter": len(self.letters),
                   "request": len(self.requests)}
        for a in sim.assignments:
            self.assignments.append((ci, *a))
        for x in sim.letters:
            self.letters.append((ci, *x))
        for x in sim.requests:
            self.requests.append((ci, *x))
        for x in sim.evaluations:
            self.evaluations.append((ci, *x))
        for c in sim.clocks:
            self.clocks.append((ci, c))
        events = sorted(sim.events, key=lambda ev: ev[0])  # stable: same-time steps keep their order
        for at, org, action, frm, to, note, payload, public, refs in events:
            refs = [(k, t, i if t == "case" else i + offsets[t]) for k, t, i in refs]
            self.events.append((ci, at, org, action, frm, to, note, payload, public, refs))


def write_batch(b: Batch, writer, numbers: list[str]) -> int:
    """Hand out keys, resolve references and insert. Runs inside the batch's transaction."""
    for p, pid in zip(b.persons, writer.allocate_ids(Petitioner, len(b.persons)), strict=True):
        p.pid = pid
    for handle, cid, number in zip(b.handles, writer.allocate_ids(Case, len(b.cases)), numbers, strict=True):
        handle[0], handle[1] = cid, number
    ids = {
        "sub": writer.allocate_ids(Submission, len(b.subs)),
        "assignment": writer.allocate_ids(Assignment, len(b.assignments)),
        "letter": writer.allocate_ids(ReplyLetter, len(b.letters)),
        "request": writer.allocate_ids(ExtensionRequest, len(b.requests)),
    }
    for ci, into in b.merged:
        b.cases[ci][MERGED_INTO] = into[0]
    earlier = []
    for into, n in b.merge_bumps:
        if into[2] == b.serial:
            b.cases[into[3]][SUBMISSION_COUNT] += n
        else:
            earlier.append((n, into[0]))
    case_ids = [h[0] for h in b.handles]
    sub_ids = ids["sub"]
    w = writer.write
    rows = w(Petitioner, COLUMNS[Petitioner], [
        (p.pid, p.name, p.gender, p.id_number, p.id_index, p.phone, p.phone_index, p.address, p.created_at)
        for p in b.persons])
    rows += w(Case, COLUMNS[Case], [(h[0], h[1], *row) for h, row in zip(b.handles, b.cases, strict=True)])
    rows += w(Submission, COLUMNS[Submission], [(sid, case_ids[ci], *sub) for sid, (ci, sub)
                                                in zip(sub_ids, b.subs, strict=True)])
    rows += w(Submission.petitioners.through, COLUMNS[Submission.petitioners.through],
              [(sub_ids[si], p.pid) for si, p in b.sub_pets])
    rows += w(CasePetitioner, COLUMNS[CasePetitioner], [(case_ids[ci], p.pid, lead, rep)
                                                        for ci, p, lead, rep in b.case_pets])
    rows += w(CaseOrg, COLUMNS[CaseOrg], [(case_ids[ci], org, rel) for ci, org, rel in b.case_orgs])
    rows += w(Assignment, COLUMNS[Assignment], [
        (aid, case_ids[ci], kind, frm, to, as_dt(at), None, rb, rb_due, instr, state, as_dt(closed) if closed else None)
        for aid, (ci, kind, frm, to, at, rb, rb_due, instr, state, closed) in zip(ids["assignment"], b.assignments,
                                                                                 strict=True)])
    rows += w(ReplyLetter, COLUMNS[ReplyLetter], [
        (lid, case_ids[ci], kind, org, outcome, text, basis, notice, None, as_dt(drafted), None,
         as_dt(signed) if signed else None, returned)
        for lid, (ci, kind, org, outcome, text, basis, notice, drafted, signed, returned)
        in zip(ids["letter"], b.letters, strict=True)])
    rows += w(ExtensionRequest, COLUMNS[ExtensionRequest], [
        (rid, case_ids[ci], org, days, reason, None, as_dt(asked), None, as_dt(decided) if decided else None,
         approved, note)
        for rid, (ci, org, days, reason, asked, decided, approved, note) in zip(ids["request"], b.requests,
                                                                               strict=True)])
    rows += w(Evaluation, COLUMNS[Evaluation], [(case_ids[ci], target, org, rating, comment, source, None, as_dt(at))
                                                for ci, target, org, rating, comment, source, at in b.evaluations])
    rows += w(Clock, COLUMNS[Clock], [
        (case_ids[ci], c[0], c[1], c[2], as_dt(c[3]), c[4], c[5], c[6], c[7], c[8], c[9], as_dt(c[10]), c[11],
         None, 0, as_dt(c[12]) if c[12] else None, c[13], c[14], as_dt(c[3]))
        for ci, c in b.clocks])
    events = []
    for ci, at, org, action, frm, to, note, payload, public, refs in b.events:
        if refs:
            payload = dict(payload)
            for key, table, i in refs:
                if table == "case":
                    payload[key] = i[0]
                    note = note.replace("{into_number}", i[1])
                else:
                    payload[key] = ids[table][i]
        if action == "register":
            note = note.replace("{number}", numbers[ci])
        events.append((case_ids[ci], as_dt(at), None, org, action, frm, to, note, payload, public))
    rows += w(CaseEvent, COLUMNS[CaseEvent], events)
    if earlier:
        table = connection.ops.quote_name(Case._meta.db_table)
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {table} SET submission_count = submission_count + %s WHERE id = %s",  # noqa: S608
                            earlier)
    return rows
