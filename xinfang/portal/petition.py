"""Submitting an online petition: every check, in order, then one registration.

Order matters. The cheap refusals first (form validation, proof of work; the
per-IP count, the challenge's single use and the per-phone count in one cache
round trip), then the SMS code, and last the one transaction that consumes the
code and registers the case. Consuming the code locks its row, so a double
click's second request waits for the first and then finds the submission it
made: one case, never two. A retry refused on the way (its own petition
reached a limit, its code expired since) is answered with its receipt by the
view (views_petition.handle_post), which looks for the form's submission only
then."""

import re
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import timezone

from xinfang.cases.actions import PetitionerData, Registration, register_case
from xinfang.cases.models import AttachmentKind, Channel, OnlineSource, Petitioner, Submission
from xinfang.cases.special import bureaus_covering
from xinfang.lib import hotsql
from xinfang.lib.crypto import index_field
from xinfang.lib.idcard import gender_of
from xinfang.lib.phone import InvalidPhone, validate_phone
from xinfang.orgs.models import Org, OrgKind, Region

from . import challenge, ratelimit, sms
from .forms import TOKEN_RE, PetitionForm, region_root

MOBILE_UA = re.compile(r"Mobile|Android|iPhone|iPod|iPad|HarmonyOS|OpenHarmony|MicroMessenger|Windows Phone", re.I)


class PetitionRefused(Exception):
    """A refusal for the whole form (Chinese); `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Accepted:
    submission: Submission
    created: bool


def online_source(user_agent: str, *, kiosk: bool = False) -> str:
    if kiosk:
        return OnlineSource.KIOSK
    return OnlineSource.MOBILE if MOBILE_UA.search(user_agent or "") else OnlineSource.WEB


def receiving_bureau(region: Region) -> Org:
    """属地管理: the county-level petition bureau covering the issue region, else
    the city's (无锡市信访局)."""
    covering = bureaus_covering(region.code)
    county = next((b for b in covering if len(b.region_id) == 6), None)
    if county is not None:
        return county
    root = region_root()
    city = next((b for b in covering if b.region_id == root), None) or Org.objects.filter(
        kind=OrgKind.BUREAU, region_id=root, is_active=True).order_by("pk").first()
    if city is None:
        raise PetitionRefused("暂未设置受理网上信访的信访部门，请到信访接待场所反映", status=503)
    return city


def earlier_submission(token: str, raw_phone: str) -> Submission | None:
    """The submission this form already made, if this POST is a retry of it.
    The phone must match too, so a leaked token shows no one else's receipt.
    Only its id is loaded: a receipt needs nothing else."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    try:
        phone = validate_phone(raw_phone)
    except InvalidPhone:
        return None
    # The token (unique), with this phone among its petitioners. Written out: the
    # ORM spent longer building this join than the database spends running it.
    row = hotsql.fetchone(_EARLIER_SQL, [token, index_field(phone)])
    return Submission.from_db(DEFAULT_DB_ALIAS, ["id"], [row[0]]) if row else None


_EARLIER_SQL = (
    f"SELECT s.id FROM {Submission._meta.db_table} s"  # noqa: S608 - table names from the models
    f" JOIN {Submission.petitioners.through._meta.db_table} sp ON sp.submission_id = s.id"
    f" JOIN {Petitioner._meta.db_table} p ON p.id = sp.petitioner_id"
    " WHERE s.client_token = %s AND p.phone_index = %s LIMIT 1")


def registration(form: PetitionForm, *, source: str) -> Registration:
    d = form.cleaned_data
    person = PetitionerData(name=d["name"], id_number=d["id_number"], phone=d["phone"],
                            address=d.get("address", ""), gender=gender_of(d["id_number"]), is_lead=True)
    return Registration(
        channel=Channel.ONLINE,
        received_at=timezone.now(),
        title=d["title"],
        content=d["content"],
        demands=d.get("demands", ""),
        purpose=d["purpose"],
        category=d["category"],
        issue_region=d["issue_region"],
        issue_address=d.get("issue_address", ""),
        consent_publish=d.get("consent_publish", False),
        petitioners=[person],
        channel_fields={"online_source": source},
        attachments=[(f, AttachmentKind.EVIDENCE) for f in d.get("attachments", [])],
        client_token=d["client_token"],
    )


@dataclass(frozen=True)
class Checked:
    """A form that passed every check, with the door that holds its count
    against the per-phone limit until the petition is accepted."""

    verification: sms.PhoneVerification
    door: ratelimit.Door


def check(form: PetitionForm, *, ip: str) -> Checked | None:
    """Run every check; on failure put the Chinese message on the form and return None.
    Every post counts against the per-IP limit, valid or not; the per-phone limit
    counts petitions accepted, so its count is held at the door and given back
    unless one is. The counting, the challenge's single use and the per-phone
    count share one cache round trip."""
    if not form.is_valid():
        problem = ratelimit.count_within("submit_ip", ip)
        if problem:
            raise PetitionRefused(problem, status=429)
        return None
    d = form.cleaned_data
    try:
        claim = challenge.checked(d["pow_challenge"], d["pow_solution"], purpose="petition", owner=d["client_token"])
    except challenge.ChallengeError as e:
        claim, refusal = None, str(e)
    door = ratelimit.at_the_door(count=[("submit_ip", ip)], claim=claim,
                                 hold=[("submit_phone", sms.phone_index(d["phone"]))] if claim else [])
    checked = None
    try:
        if door.problem:
            raise PetitionRefused(door.problem, status=429)
        if claim is None or not door.claimed:
            form.add_error(None, challenge.MSG_USED if claim else refusal)
        else:
            checked = Checked(sms.check_code(d["phone"], d["sms_code"], token=d["client_token"]), door)
    except sms.CodeError as e:
        form.add_error("sms_code", str(e))
    finally:
        if checked is None:  # refused: the held count goes back
            ratelimit.release(door)
    return checked


def submit(form: PetitionForm, checked: Checked, *, source: str) -> Accepted:
    """Consume the code and register the case, in one transaction; the per-phone
    count held at the door is kept only if this made a new case."""
    accepted = None
    try:
        accepted = _register(form, checked.verification, source=source)
        return accepted
    finally:
        if accepted is None or not accepted.created:
            ratelimit.release(checked.door)


def _register(form: PetitionForm, verification: sms.PhoneVerification, *, source: str) -> Accepted:
    reg = registration(form, source=source)
    token = reg.client_token or ""
    org = receiving_bureau(reg.issue_region)
    try:
        with transaction.atomic():
            if not sms.consume(verification, token=token):
                done = Submission.objects.filter(client_token=token).first()
                if done is None:
                    raise PetitionRefused(sms.MSG_USED)
                return Accepted(done, created=False)
            # No need to look the token up first: a retry with this code waits on
            # its row above and then finds its submission. A token already used
            # fails the unique insert, and the except below looks again.
            sub = register_case(reg, actor=None, org=org, token_checked=True)
    except IntegrityError:
        # The token registered by a concurrent request (PostgreSQL): ours if it has
        # this phone among its petitioners; a leaked token shows no one else's receipt.
        done = earlier_submission(token, form.cleaned_data["phone"])
        if done is not None:
            return Accepted(done, created=False)
        if Submission.objects.filter(client_token=token).exists():
            raise PetitionRefused(challenge.MSG_USED) from None
        raise
    return Accepted(sub, created=True)
