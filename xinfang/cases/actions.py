"""Everything that writes a case. Each action is one transaction that writes its
event with it; views and the API call these and nothing else."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from xinfang.lib.crypto import index_field
from xinfang.lib.dbinsert import insert, insert_all, insert_together, upsert
from xinfang.lib.text import index_text
from xinfang.orgs.models import Org, Region
from xinfang.rules import clocks
from xinfang.rules.rulesets import rule_set_for

from . import special
from .attachments import store_attachment
from .events import record_event
from .models import (
    Case,
    CaseOrg,
    CasePetitioner,
    Category,
    Channel,
    Petitioner,
    Purpose,
    Status,
    Submission,
)
from .numbering import insert_numbered, insert_reserving_case_id, next_case_number, numbering_region
from .signals import notify_submission_received

GROUP_THRESHOLD = 5  # 集体访: five or more people
MAX_REPRESENTATIVES = 5  # a group names at most five representatives (2022 art. 18)


@dataclass
class PetitionerData:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    gender: str = ""
    is_lead: bool = False
    is_representative: bool = False


@dataclass
class Registration:
    """What a registrar records for one submission, already validated by a form."""

    channel: str
    received_at: datetime
    title: str
    content: str
    demands: str
    purpose: str
    category: Category
    issue_region: Region
    issue_address: str = ""
    headcount: int = 1
    is_urgent: bool = False
    is_anonymous: bool = False
    consent_publish: bool = False
    is_accusation: bool = False
    is_law_related: bool = False
    is_first_time: bool = True
    accused_org: Org | None = None
    petitioners: list[PetitionerData] = field(default_factory=list)
    # channel details: postmark_date, letter_received_date, receiving_officer,
    # caller_number, call_started_at, online_source
    channel_fields: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)  # [(UploadedFile, kind)]
    client_token: str | None = None


def find_or_create_petitioner(data: PetitionerData) -> Petitioner:
    """The same person is one row: matched by ID number, else by phone and name.
    What we learn fills in the row; nothing given blanks out what we knew."""
    if data.id_number:
        return _upsert_by_id_number(data)
    found = None
    if data.phone:
        found = (
            Petitioner.objects.filter(phone_index=index_field(data.phone), name=data.name).order_by("id").first()
        )
    if found is None:
        person = _new_person(data)
        person.save()  # no ID number: nothing unique to collide on
        return person
    changed = []
    for attr in ("phone", "address", "gender"):
        value = getattr(data, attr)
        if value and getattr(found, attr) != value:
            setattr(found, attr, value)
            changed.append(attr)
    if changed:
        found.save(update_fields=[*changed, "id_number_index", "phone_index"])
    return found


def _new_person(data: PetitionerData) -> Petitioner:
    person = Petitioner(name=data.name, gender=data.gender)
    for attr in ("id_number", "phone", "address", "gender"):
        if getattr(data, attr):
            setattr(person, attr, getattr(data, attr))
    person.set_indexes()
    return person


def _upsert_by_id_number(data: PetitionerData) -> Petitioner:
    """One statement whether the person is new or known (and no race when two
    registrars type the same ID number at once). A known person keeps the name
    first registered and any detail not given this time."""
    person = _new_person(data)
    given = [attr for attr in ("phone", "address", "gender") if getattr(data, attr)]
    update = ["id_number", *given, *(["phone_index"] if data.phone else [])]
    pk, name, phone = upsert(person, unique="id_number_index", partial=True, update=update,
                             returning=["id", "name", "phone"])
    person.pk, person.name = pk, name
    if not data.phone and phone:  # known before: the phone on record (the outbox texts it)
        person.phone = Petitioner._meta.get_field("phone").from_db_value(phone, None, None)
        person.set_indexes()
    person._state.adding, person._state.db = False, DEFAULT_DB_ALIAS
    return person


def earlier_cases_of(id_number: str = "", phone: str = ""):
    """Cases whose petitioners match this ID number or phone (blind-index lookup)."""
    indexes = [index_field(v) for v in (id_number, phone) if v]
    if not indexes:
        return Case.objects.none()
    people = Petitioner.objects.filter(id_number_index__in=indexes) | Petitioner.objects.filter(
        phone_index__in=indexes
    )
    return Case.objects.filter(petitioner_links__petitioner__in=people).distinct()


def _existing_submission(token: str | None) -> Submission | None:
    if not token:
        return None
    return Submission.objects.filter(client_token=token).select_related("case").first()


def _make_submission(case: Case, reg: Registration, *, actor, org: Org, is_repeat: bool,
                     new_case: bool = False, with_links: Sequence[Model] = ()) -> tuple[Submission, list[Petitioner]]:
    """The submission, its petitioners and their links to it and to the case;
    `with_links`: other new rows of the case to write in the links' statement."""
    cf = reg.channel_fields
    sub = insert(Submission(
        case=case,
        channel=reg.channel,
        received_at=reg.received_at,
        received_by_org=org,
        registered_by=actor,
        content=reg.content,
        is_repeat=is_repeat,
        client_token=reg.client_token or None,
        postmark_date=cf.get("postmark_date"),
        letter_received_date=cf.get("letter_received_date"),
        headcount=reg.headcount if reg.channel == Channel.VISIT else None,
        receiving_officer=cf.get("receiving_officer", ""),
        caller_number=cf.get("caller_number", ""),
        call_started_at=cf.get("call_started_at"),
        online_source=cf.get("online_source", ""),
    ))
    people = [find_or_create_petitioner(p) for p in reg.petitioners]
    # A new submission has no petitioners yet: plain INSERTs, not add()'s work
    # (no m2m_changed receivers here). The same person given twice is one link.
    link = Submission.petitioners.through
    sub_links = [link(submission_id=sub.pk, petitioner_id=pk) for pk in dict.fromkeys(p.pk for p in people)]
    if new_case:
        existing: set[int] = set()
        has_lead = False
    else:
        existing = set(CasePetitioner.objects.filter(case=case).values_list("petitioner_id", flat=True))
        has_lead = CasePetitioner.objects.filter(case=case, is_lead=True).exists()
    links = []
    for person, data in zip(people, reg.petitioners, strict=True):
        if person.pk not in existing:
            links.append(CasePetitioner(
                case=case,
                petitioner=person,
                is_lead=data.is_lead and not has_lead,
                is_representative=data.is_representative,
            ))
            existing.add(person.pk)
    if len(sub_links) <= 1 and len(links) <= 1:  # one petitioner: every row in one statement
        insert_together([*sub_links, *links, *with_links])
    else:  # a group's many: one bulk INSERT per model
        insert_all(sub_links)
        insert_all(links)
        insert_together(with_links)
    for upload, kind in reg.attachments:
        store_attachment(upload, case=case, submission=sub, kind=kind, actor=actor)
    return sub, people


def _lead_phone(people: list[Petitioner], reg: Registration) -> str:
    """The phone outbox.lead_phone would read back for a new case: the first
    lead's, else the first petitioner's."""
    lead = next((p for p, d in zip(people, reg.petitioners, strict=True) if d.is_lead), None)
    lead = lead or (people[0] if people else None)
    return lead.phone if lead is not None else ""


def register_case(reg: Registration, *, actor, org: Org, token_checked: bool = False) -> Submission:
    """Register a new case from one submission. Idempotent on `client_token`:
    a retried form returns the submission it already created. `token_checked`:
    the caller has already looked the token up, under a lock that makes the
    answer final (the portal's SMS code), so there is no need to look again.

    No savepoint of its own: an error leaves the caller's transaction to roll
    back, so a caller must not catch it inside its own atomic block."""
    with transaction.atomic(savepoint=False):
        if not token_checked:
            done = _existing_submission(reg.client_token)
            if done is not None:
                return done
        now = timezone.now()
        year = timezone.localtime(reg.received_at).year
        rule_set = rule_set_for(org.region_id, timezone.localdate(reg.received_at))
        # A bureau must dispose within 15 days; an org receiving directly must
        # decide on acceptance within 15 days (2022 art. 22, 23). Its due time is
        # the case's first next_due_at, written with the case.
        clock = clocks.new_clock("dispose" if org.is_bureau else "accept", at=reg.received_at, rule_set=rule_set)
        # The number comes last, just before the event that quotes it: taking it
        # locks the county's counter row until commit, and every registration in
        # the county waits for that lock. On PostgreSQL the case row itself is
        # written then, with its number (its id reserved by the first row that
        # refers to it); on SQLite, whose writers queue for the whole transaction
        # anyway, the number is taken first and the row written at once.
        case = Case(
            number="",
            numbering_region_id=numbering_region(org.region_id),
            title=reg.title,
            content=reg.content,
            demands=reg.demands,
            purpose=reg.purpose,
            category=reg.category,
            issue_region=reg.issue_region,
            issue_address=reg.issue_address,
            channel=reg.channel,
            headcount=reg.headcount,
            is_group=reg.headcount >= GROUP_THRESHOLD,
            is_urgent=reg.is_urgent,
            is_anonymous=reg.is_anonymous,
            consent_publish=reg.consent_publish,
            is_accusation=reg.is_accusation or reg.purpose == Purpose.ACCUSATION,
            is_law_related=reg.is_law_related,
            is_first_time=reg.is_first_time,
            accused_org=reg.accused_org,
            status=Status.REGISTERED,
            registered_org=org,
            current_org=org,
            registered_by=actor,
            registered_at=reg.received_at,
            rule_set=rule_set,
            next_due_at=clock.due_at,
            search_text=index_text(reg.title, reg.content, reg.demands),
        )
        numbered_last = connection.vendor == "postgresql"
        if numbered_last:
            # The id, reserved by the first row that refers to it.
            case.pk = insert_reserving_case_id(CaseOrg(case=case, org=org, relation="registered"))
        else:
            case.number = next_case_number(case.numbering_region_id, year)
            insert(case)
            insert(CaseOrg(case=case, org=org, relation="registered"))  # made after the case has its id
        # The new case's first clock: no open clock to collide with, so a plain
        # new row (no savepoint, no refresh), written with the petitioner's links.
        clock.case_id = case.pk
        sub, people = _make_submission(case, reg, actor=actor, org=org, is_repeat=False, new_case=True,
                                       with_links=[clock])
        if numbered_last:
            insert_numbered(case, year)
        event = record_event(
            case,
            "register",
            actor=actor,
            org=org,
            at=now,
            to_status=Status.REGISTERED,
            note=f"{org.name}登记{Channel(reg.channel).label}，编号 {case.number}",
            payload={"channel": reg.channel, "submission": sub.pk},
            is_public=True,
        )
        special.on_register(case, reg, org=org, actor=actor, event=event, lead_phone=_lead_phone(people, reg))
        notify_submission_received(case, sub, is_new_case=True)
        sub.first_clock = clock
        return sub


def attach_repeat(case: Case, reg: Registration, *, actor, org: Org) -> Submission:
    """Attach a submission to an existing case as a repeat (重复信访) instead of
    opening a new case. The case's own content stays as first registered."""
    with transaction.atomic():
        done = _existing_submission(reg.client_token)
        if done is not None:
            return done
        locked = Case.objects.select_for_update().select_related("current_org").get(pk=case.pk)
        sub, _people = _make_submission(locked, reg, actor=actor, org=org, is_repeat=True)
        Case.objects.filter(pk=locked.pk).update(
            submission_count=F("submission_count") + 1,
            is_urgent=locked.is_urgent or reg.is_urgent,
            is_first_time=False,
            updated_at=timezone.now(),
        )
        CaseOrg.objects.get_or_create(case=locked, org=org, defaults={"relation": "received_repeat"})
        record_event(
            locked,
            "repeat",
            actor=actor,
            org=org,
            note=f"{org.name}收到{Channel(reg.channel).label}，作为重复信访件并入本事项",
            payload={"channel": reg.channel, "submission": sub.pk},
            is_public=True,
        )
        special.on_repeat(locked, sub, org=org, actor=actor)
        notify_submission_received(locked, sub, is_new_case=False)
        return sub
