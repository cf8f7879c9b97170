"""Streams realistic demo cases of Wuxi into the database.

    generate_cases(count, seed=1, months=18, batch_size=2000, now=None, progress=None) -> int

Cases are generated in registration order, `batch_size` at a time; each batch
is one transaction that reserves its case numbers (bumping `CaseCounter`, so
interactive registrations continue after them), hands out primary keys and
bulk-inserts petitioners, cases, submissions, links, involvements and events.
Nothing goes through `Model.save()`: what `save()` would compute (blind
indexes, search text) is computed here.

Everything except query codes (random by design, `new_query_code`) and
ciphertexts (random nonces) is deterministic for a given seed and `now`.
Needs the org tree (`orgtree.build_org_tree()`) and the category seed."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections import Counter

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from xinfang.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseOrg,
    CasePetitioner,
    Category,
    Petitioner,
    Status,
    Submission,
    new_query_code,
)
from xinfang.cases.taxonomy import department_for, top_level_of
from xinfang.lib.crypto import blind_index, field_keys
from xinfang.lib.idcard import make_id_number
from xinfang.lib.text import index_text
from xinfang.orgs.models import Org, OrgKind, Region

from . import texts
from .generator_lifecycle import DAY, LOCAL_OFFSET, Clock, Lifecycle, OrgInfo
from .generator_writer import make_writer

POOL_SIZE = 20000  # distinct texts per run; jieba costs ~0.5 ms a text
LOCAL_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
CITY = "3202"

CHANNELS = ["online", "visit", "call", "letter"]
CHANNEL_WEIGHTS = [45, 20, 20, 15]
CHANNEL_LABELS = {"letter": "来信", "visit": "来访", "call": "来电", "online": "网上信访"}
ONLINE_SOURCES = (["web", "mobile", "mailbox", "kiosk", "proxy"], [35, 45, 12, 5, 3])
# Where each channel gets registered: (county bureau, city bureau, directly at the competent org)
REG_WEIGHTS = {"visit": (70, 15, 15), "letter": (58, 32, 10), "call": (60, 34, 6), "online": (62, 32, 6)}
GROUP_RATE = {"visit": 0.18, "letter": 0.05, "online": 0.025, "call": 0.0}
DISTRICT_WEIGHTS = {"320213": 17, "320205": 10, "320206": 11, "320211": 12, "320214": 12, "320281": 21, "320282": 17}
# Birth regions for ID numbers: Wuxi (current and former district codes), then elsewhere.
WUXI_BIRTH = ["320213", "320205", "320206", "320211", "320214", "320281", "320282", "320202", "320203", "320204"]
OTHER_BIRTH = ["320102", "320506", "320402", "320902", "321302", "320321", "341202", "411602", "511302",
               "341502", "362301", "522401", "411502", "371302", "421102", "341602", "620502", "530602"]
MOBILE_PREFIXES = (
    [str(p) for p in range(130, 140)] + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["166", "172", "173", "175", "176", "177", "178"] + [str(p) for p in range(180, 190)]
    + ["191", "193", "195", "196", "197", "198", "199"]
)

PET_COLS = ["id", "name", "gender", "id_number", "id_number_index", "phone", "phone_index", "address", "created_at"]
CASE_COLS = [
    "id", "number", "query_code", "numbering_region_id", "title", "content", "demands", "purpose", "category_id",
    "issue_region_id", "issue_address", "channel", "headcount", "is_group", "is_urgent", "is_anonymous",
    "consent_publish", "is_accusation", "is_law_related", "is_first_time", "accused_org_id", "status",
    "registered_org_id", "current_org_id", "registered_by_id", "registered_at", "rule_set", "next_due_at",
    "submission_count", "search_text", "updated_at",
]
SUB_COLS = [
    "id", "case_id", "channel", "received_at", "received_by_org_id", "registered_by_id", "content", "is_repeat",
    "client_token", "postmark_date", "letter_received_date", "headcount", "receiving_officer", "caller_number",
    "call_started_at", "online_source",
]
SUB_PET_COLS = ["submission_id", "petitioner_id"]
CASE_PET_COLS = ["case_id", "petitioner_id", "is_lead", "is_representative"]
CASE_ORG_COLS = ["case_id", "org_id", "relation"]
EVENT_COLS = ["case_id", "at", "actor_id", "org_id", "action", "from_status", "to_status", "note", "payload",
              "is_public"]


def _dt(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, LOCAL_TZ)


def _date(ts: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=(ts + LOCAL_OFFSET) // DAY)


class Entry:
    """One petition text with where it happened (shared by cases in pool mode)."""

    __slots__ = ("title", "content", "demands", "purpose", "code", "search_text", "urgent", "street", "county",
                 "place", "issue_address")


class Person:
    __slots__ = ("pid", "name", "gender", "id_number", "id_index", "phone", "phone_index", "address",
                 "created_at", "entry", "exhausted_at")


class Batch:
    def __init__(self):
        self.persons: list[Person] = []
        self.cases: list[tuple] = []  # CASE_COLS without id and number
        self.case_keys: list[tuple[str, int]] = []  # (numbering region, year)
        self.subs: list[tuple] = []  # (case_local, *SUB_COLS[2:])
        self.sub_pets: list[tuple] = []  # (sub_local, Person)
        self.case_pets: list[tuple] = []  # (case_local, Person, is_lead, is_representative)
        self.case_orgs: list[tuple] = []  # (case_local, org_id, relation)
        self.events: list[tuple] = []  # (case_local, sub_local, at, org_id, action, from, to, note, payload, public)


class _Context:
    """Orgs, streets and categories loaded once per run."""

    def __init__(self, now: dt.datetime, months: int, rng: random.Random):
        self.orgs: dict[int, OrgInfo] = {}
        self.city_bureau = self.city_gov = self.province_gov = self.jiwei = None
        self.county_bureau: dict[str, OrgInfo] = {}
        self.county_gov: dict[str, OrgInfo] = {}
        self.city_dept: dict[str, OrgInfo] = {}
        self.county_dept: dict[tuple[str, str], OrgInfo] = {}
        self.town: dict[str, OrgInfo] = {}
        self.county_units: dict[str, list[OrgInfo]] = {}  # towns and departments: possible accused orgs
        rows = Org.objects.filter(is_active=True).values_list(
            "id", "name", "kind", "region_id", "superior_id", "remit", "region__level", "region__parent_id")
        for oid, name, kind, region, superior, remit, level, parent in rows.order_by("id"):
            county = region if level == 3 else parent if level == 4 else ""
            info = OrgInfo(oid, name, kind, region, county, superior, kind == OrgKind.BUREAU)
            self.orgs[oid] = info
            if kind == OrgKind.BUREAU:
                if region == CITY:
                    self.city_bureau = info
                elif level == 3:
                    self.county_bureau.setdefault(region, info)
            elif kind == OrgKind.GOVERNMENT:
                if region == CITY:
                    self.city_gov = info
                elif level == 1:
                    self.province_gov = info
                elif level == 3:
                    self.county_gov.setdefault(region, info)
                elif level == 4:
                    self.town.setdefault(region, info)
                    self.county_units.setdefault(county, []).append(info)
            elif kind == OrgKind.DISCIPLINE and region == CITY:
                self.jiwei = info
            if remit and kind in (OrgKind.DEPARTMENT, OrgKind.DISCIPLINE, OrgKind.POLITICO_LEGAL):
                if region == CITY:
                    self.city_dept.setdefault(remit, info)
                elif level == 3:
                    self.county_dept.setdefault((region, remit), info)
                    self.county_units.setdefault(region, []).append(info)
        if self.city_bureau is None or self.city_gov is None or not self.county_bureau:
            raise RuntimeError("未找到无锡市的单位树，请先运行 orgtree.build_org_tree()（manage.py load_demo）")

        self.categories = dict(Category.objects.values_list("code", "id"))
        streets = list(Region.objects.filter(level=4, code__startswith=CITY, parent_id__in=list(self.county_bureau))
                       .values_list("code", "name", "parent_id", "parent__name").order_by("code"))
        if not streets:
            raise RuntimeError("未找到无锡市的镇街区划")
        per_county = Counter(s[2] for s in streets)
        self.streets = []
        cum, total = [], 0.0
        for code, name, county, county_name in streets:
            total += DISTRICT_WEIGHTS.get(county, 10) / per_county[county] * rng.uniform(0.5, 1.6)
            cum.append(total)
            self.streets.append((code, county, texts.Place(county_name, name)))
        self.street_cum = cum

        local_now = now.astimezone(LOCAL_TZ)
        self.now = int(now.timestamp())
        y, m = divmod(local_now.year * 12 + local_now.month - 1 - months, 12)
        start = dt.date(y, m + 1, min(local_now.day, 28))
        self.start_day = (start - dt.date(1970, 1, 1)).days
        self.now_day = (self.now + LOCAL_OFFSET) // DAY
        self.clock = Clock(self.start_day - 10, self.now_day + 200)
        self.lifecycle = Lifecycle(self.orgs, self.clock, self.city_gov, self.province_gov)

    def numbering_region(self, org: OrgInfo) -> str:
        """Towns number under their county; the prefix is padded to 6 digits (3202 → 320200)."""
        return org.county if len(org.region_id) > 6 else org.region_id


class _Generator:
    def __init__(self, ctx: _Context, seed: int, count: int):
        self.ctx = ctx
        self.count = count
        self.rng = random.Random(f"{seed}:cases")
        self.text_rng = random.Random(f"{seed}:texts")
        self.person_rng = random.Random(f"{seed}:people")
        self.schedule_rng = random.Random(f"{seed}:schedule")
        self.index_key = field_keys()[1]
        self.pool: list[Entry] = []
        if count > POOL_SIZE:
            self.pool = [self.new_entry() for _ in range(POOL_SIZE)]
        self.reservoir: list[Person] = []
        self.exhausted: list[Person] = []
        self.used_ids: set[int] = set()
        self.check_db_ids = Petitioner.objects.exists()
        self.officers: dict[int, list[str]] = {}

    # -- when and how ----------------------------------------------------------

    def schedule(self) -> list[int]:
        """Registration time and channel of every case, sorted: ts * 4 + channel index."""
        ctx, rng = self.ctx, self.schedule_rng
        days = range(ctx.start_day, ctx.now_day + 1)
        n = max(len(days) - 1, 1)
        office, online = [], []
        t_office = t_online = 0.0
        for i, day in enumerate(days):
            d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
            base = (1 + 0.3 * i / n) * (1 + 0.1 * math.cos(2 * math.pi * (d.timetuple().tm_yday - 196) / 365.25))
            if d.month == 3:
                base *= 1.08
            work = ctx.clock.is_workday(day)
            t_office += base * (1.0 if work else 0.03)
            t_online += base * (1.0 if work else 0.55)
            office.append(t_office)
            online.append(t_online)
        hours = [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.2, 3.0, 2.2, 2.0, 2.8, 3.0, 2.9, 2.4, 2.0,
                 2.3, 2.6, 2.4, 1.6, 0.8]
        hour_cum = list(_accumulate(hours))
        limit = ctx.now - 120
        keys = []
        for _ in range(self.count):
            ch = bisect.bisect(CHANNEL_CUM, rng.random() * CHANNEL_CUM[-1])
            cum = online if ch == 0 else office
            for _try in range(50):
                day = ctx.start_day + min(bisect.bisect(cum, rng.random() * cum[-1]), len(cum) - 1)
                if ch == 0:
                    hour = bisect.bisect(hour_cum, rng.random() * hour_cum[-1])
                    sec = hour * 3600 + int(rng.random() * 3600)
                elif rng.random() < 0.55:
                    sec = 30600 + int(rng.random() * 11700)  # 8:30–11:45
                else:
                    sec = 48600 + int(rng.random() * 13500)  # 13:30–17:15
                ts = day * DAY - LOCAL_OFFSET + sec
                if ts <= limit:
                    break
            keys.append(min(ts, limit) * 4 + ch)
        keys.sort()
        return keys

    def new_entry(self, street=None) -> Entry:
        rng, ctx = self.text_rng, self.ctx
        if street is None:
            street = ctx.streets[bisect.bisect(ctx.street_cum, rng.random() * ctx.street_cum[-1])]
        code, county, place = street
        text = texts.generate_text(rng, texts.random_category(rng), place, urgent=rng.random() < 0.02)
        e = Entry()
        e.title, e.content, e.demands = text.title[:100], text.content, text.demands
        e.purpose, e.code, e.urgent = text.purpose, text.category_code, text.urgent
        e.search_text = index_text(e.title, e.content, e.demands)
        e.street, e.county, e.place = code, county, place
        e.issue_address = texts.random_address(rng, place)[:200]
        return e

    def entry(self) -> Entry:
        if self.pool:
            return self.pool[int(self.rng.random() * len(self.pool))]
        return self.new_entry()

    # -- people ------------------------------------------------------------------

    def new_person(self, t0: int, place, channel: str, lead: bool) -> Person:
        rng = self.person_rng
        p = Person()
        p.pid = None
        p.name, p.gender = texts.random_person(rng)
        p.entry = None
        p.exhausted_at = 0
        p.created_at = _dt(t0)
        id_rate = {"visit": 1.0, "online": 0.95, "call": 0.55, "letter": 0.7}[channel] if lead else 0.8
        phone_rate = {"visit": 0.95, "online": 1.0, "call": 1.0, "letter": 0.6}[channel] if lead else 0.7
        addr_rate = {"visit": 0.9, "online": 0.7, "call": 0.5, "letter": 1.0}[channel] if lead else 0.6
        p.id_number = self._id_number(rng, p.gender, _date(t0)) if rng.random() < id_rate else ""
        p.id_index = blind_index(p.id_number, self.index_key) if p.id_number else ""
        if rng.random() < phone_rate:
            p.phone = rng.choice(MOBILE_PREFIXES) + f"{int(rng.random() * 1e8):08d}"
            p.phone_index = blind_index(p.phone, self.index_key)
        else:
            p.phone = p.phone_index = ""
        if rng.random() < addr_rate:
            home = place if rng.random() < 0.8 else self.ctx.streets[int(rng.random() * len(self.ctx.streets))][2]
            p.address = texts.random_address(rng, home)
        else:
            p.address = ""
        return p

    def _id_number(self, rng, gender: str, today: dt.date) -> str:
        region = rng.choice(WUXI_BIRTH) if rng.random() < 0.75 else rng.choice(OTHER_BIRTH)
        year = min(int(rng.triangular(1940, 2005, 1968)), today.year - 18)
        birth = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.random() * 365))
        seq = int(rng.random() * 500) * 2 + (1 if gender == "M" else 0)
        number = make_id_number(region, birth, seq)
        # Real people never share a number: re-roll the sequence on a clash,
        # with a separate generator so the main stream stays deterministic.
        reroll = None
        while int(number[:17]) in self.used_ids:
            reroll = reroll or random.Random(number)
            seq = int(reroll.random() * 500) * 2 + (1 if gender == "M" else 0)
            birth = birth + dt.timedelta(days=1) if seq < 2 else birth
            number = make_id_number(region, birth, seq)
        self.used_ids.add(int(number[:17]))
        return number

    def _dedupe_against_db(self, persons: list[Person]) -> None:
        """When the database already had petitioners, make new ID numbers unique there too."""
        if not self.check_db_ids:
            return
        fresh = [p for p in persons if p.id_number]
        for _round in range(5):
            taken = set()
            idx = [p.id_index for p in fresh]
            for i in range(0, len(idx), 500):
                taken.update(Petitioner.objects.filter(id_number_index__in=idx[i:i + 500])
                             .values_list("id_number_index", flat=True))
            fresh = [p for p in fresh if p.id_index in taken]
            if not fresh:
                return
            for p in fresh:
                rng = random.Random(p.id_number + str(_round))
                p.id_number = self._id_number(rng, p.gender, p.created_at.date())
                p.id_index = blind_index(p.id_number, self.index_key)

    def officer(self, org_id: int) -> str:
        names = self.officers.get(org_id)
        if names is None:
            rng = random.Random(f"officer:{org_id}")
            names = self.officers[org_id] = [texts.random_person(rng)[0] for _ in range(4)]
        return names[int(self.rng.random() * len(names))]

    # -- routing -------------------------------------------------------------------

    def competent_org(self, e: Entry) -> OrgInfo:
        ctx, r = self.ctx, self.rng.random()
        remit = department_for(e.code)
        if remit == "jiwei" and ctx.jiwei is not None:
            return ctx.jiwei
        town = ctx.town.get(e.street)
        gov = ctx.county_gov.get(e.county) or ctx.city_gov
        county_dept = ctx.county_dept.get((e.county, remit))
        city_dept = ctx.city_dept.get(remit)
        if county_dept is not None:
            return county_dept if r < 0.65 else (town if r < 0.85 and town else (city_dept or county_dept))
        if city_dept is not None:
            return city_dept if r < 0.55 else (town if r < 0.85 and town else gov)
        return gov if r < 0.5 or town is None else town

    # -- one batch -------------------------------------------------------------------

    def build(self, keys: list[int]) -> Batch:
        b = Batch()
        for key in keys:
            self.build_case(b, key >> 2, CHANNELS[key & 3])
        self._dedupe_against_db(b.persons)
        return b

    def build_case(self, b: Batch, t0: int, channel: str) -> None:
        ctx, rng, lc = self.ctx, self.rng, self.ctx.lifecycle
        ci = len(b.cases)
        age = (ctx.now - t0) / DAY

        lead = None
        if self.reservoir and rng.random() < 0.07:
            lead = self.reservoir[int(rng.random() * len(self.reservoir))]
        e = lead.entry if lead is not None and lead.entry is not None and rng.random() < 0.5 else self.entry()
        handler = self.competent_org(e)
        top = top_level_of(e.code)
        law = rng.random() < (0.3 if top == "ZF" else 0.035)
        reviewable = e.purpose in ("claim", "appeal") and handler.kind != OrgKind.DISCIPLINE
        status = lc.pick_status(rng, age, law_related=law, reviewable=reviewable)

        if status == Status.REFUSED_REPEAT:
            lead = self._exhausted_before(t0) or lead
            if lead is None and self.reservoir:
                lead = self.reservoir[int(rng.random() * len(self.reservoir))]
            if lead is not None and lead.entry is not None:
                e = lead.entry
        closed_from = ""
        if status == Status.CLOSED:
            options = ["replied", "declined", "redirected"] + (["terminated"] if reviewable else [])
            closed_from = rng.choices(options, [86, 6, 5 * (6 if law else 1), 3][:len(options)])[0]
        effective = closed_from or status
        direct_ok = effective not in ("forwarded", "assigned", "redirected", "refused_repeat")

        w_county, w_city, w_direct = REG_WEIGHTS[channel]
        r = rng.random() * (w_county + w_city + (w_direct if direct_ok else 0))
        county_bureau = ctx.county_bureau.get(e.county) or ctx.city_bureau
        hops: list[OrgInfo] = []
        if r < w_county:
            reg = county_bureau
            hops = [handler]
        elif r < w_county + w_city:
            reg = ctx.city_bureau
            if handler.county and county_bureau is not reg and rng.random() < 0.55:
                hops = [county_bureau, handler]
            else:
                hops = [handler]
        else:
            reg = handler

        is_group = rng.random() < GROUP_RATE[channel]
        is_urgent = e.urgent or (is_group and rng.random() < 0.05)
        if status == Status.ASSIGNED:
            assign_last = True
        elif status == Status.FORWARDED:
            assign_last = False
        else:
            assign_last = rng.random() < (0.5 if is_urgent or is_group else 0.12)

        plan = lc.plan(rng, t0=t0, now=ctx.now, status=status, reg_org=reg, hops=hops, assign_last=assign_last,
                       purpose=e.purpose, channel_label=CHANNEL_LABELS[channel], closed_from=closed_from)

        # People
        anonymous = lead is None and channel in ("letter", "online") and rng.random() < 0.06
        recurring = lead is not None
        people: list[tuple[Person, bool, bool]] = []
        if not anonymous:
            if lead is None:
                lead = self.new_person(t0, e.place, channel, True)
                b.persons.append(lead)
                lead.entry = e
            n_people = rng.choice((1, 2, 2, 3, 3, 4, 5)) if is_group else rng.choices((1, 2, 3), (85, 11, 4))[0]
            people.append((lead, True, is_group))
            for _ in range(n_people - 1):
                other = self.new_person(t0, e.place, channel, False)
                b.persons.append(other)
                people.append((other, False, is_group))
            if len(self.reservoir) < 200000:
                self.reservoir.append(lead)
            else:
                self.reservoir[int(rng.random() * 200000)] = lead
            if plan.status == Status.TERMINATED or closed_from == "terminated":
                lead.exhausted_at = next(ev[0] for ev in plan.events if ev[4] == Status.TERMINATED)
                if len(self.exhausted) < 50000:
                    self.exhausted.append(lead)
        headcount = (5 + min(int(rng.expovariate(1 / 9)), 75)) if is_group else max(len(people), 1)

        # Submissions: the first one, then repeats
        lead_person = people[0][0] if people else None
        events = plan.events
        sub0 = len(b.subs)
        b.subs.append(self._submission(ci, channel, t0, reg.id, e.content, False, headcount, lead_person))
        for person, _lead, _rep in people:
            b.sub_pets.append((sub0, person))
        ev_rows = b.events
        n_repeats = 0
        involved = dict(plan.involved)
        if rng.random() < 0.12:
            lo, hi = t0 + 2 * DAY, min(ctx.now - 120, t0 + 150 * DAY)
            if hi > lo:
                n_repeats = rng.choice((1, 1, 1, 2, 2, 3))
                times = sorted(lo + int(rng.random() * (hi - lo)) for _ in range(n_repeats))
                for ts in times:
                    ch = CHANNELS[bisect.bisect(CHANNEL_CUM, rng.random() * CHANNEL_CUM[-1])]
                    x = rng.random()
                    org = reg if x < 0.55 else ctx.city_bureau if x < 0.8 else county_bureau
                    label = CHANNEL_LABELS[ch]
                    content = f"信访人再次{label}反映“{e.title}”的问题，称至今未得到解决。{e.demands}"
                    si = len(b.subs)
                    b.subs.append(self._submission(ci, ch, ts, org.id, content, True,
                                                   headcount if ch == "visit" and is_group else 1, lead_person))
                    if lead_person is not None:
                        b.sub_pets.append((si, lead_person))
                    involved.setdefault(org.id, "received_repeat")
                    events.append((ts, org.id, "repeat", "", "", f"{org.name}收到{label}，作为重复信访件并入本事项",
                                   {"channel": ch}, True, si))
        events.sort(key=lambda ev: ev[0])  # stable: same-time events keep their order
        for ev in events:
            at, org_id, action, frm, to, note, payload, public = ev[:8]
            if action == "register":
                payload, si = {"channel": channel}, sub0
            else:
                si = ev[8] if len(ev) > 8 else -1
            ev_rows.append((ci, si, _dt(at), org_id, action, frm, to, note, payload or {}, public))
        for person, is_lead, is_rep in people:
            b.case_pets.append((ci, person, is_lead, is_rep))
        for org_id, relation in involved.items():
            b.case_orgs.append((ci, org_id, relation))

        year = _date(t0).year
        region = ctx.numbering_region(reg)
        b.case_keys.append((region, year))
        accused = None
        if e.purpose == "accusation" and rng.random() < 0.7:
            units = [u for u in ctx.county_units.get(e.county, ()) if u.id not in involved]
            accused = units[int(rng.random() * len(units))].id if units else None
        b.cases.append((
            new_query_code(), region, e.title, e.content, e.demands, e.purpose,
            ctx.categories.get(e.code) or ctx.categories[top_level_of(e.code)], e.street, e.issue_address,
            channel, headcount, is_group, is_urgent, anonymous,
            (not anonymous and e.purpose != "accusation" and rng.random() < 0.2), e.purpose == "accusation", law,
            not (recurring or n_repeats or status == Status.REFUSED_REPEAT), accused, plan.status, reg.id,
            plan.current_org_id, None, _dt(t0), "2022", _dt(plan.next_due) if plan.next_due else None,
            1 + n_repeats, e.search_text, _dt(max(plan.last_at, events[-1][0])),
        ))

    def _exhausted_before(self, t0: int) -> Person | None:
        if not self.exhausted:
            return None
        for _ in range(20):
            p = self.exhausted[int(self.rng.random() * len(self.exhausted))]
            if p.exhausted_at and p.exhausted_at < t0:
                return p
        return None

    def _submission(self, ci, channel, ts, org_id, content, is_repeat, headcount, lead) -> tuple:
        rng = self.rng
        postmark = received = call_at = None
        officer = caller = source = ""
        visitors = None
        if channel == "letter":
            received = _date(ts) - dt.timedelta(days=1 if rng.random() < 0.3 else 0)
            postmark = received - dt.timedelta(days=1 + int(rng.random() * 4))
        elif channel == "visit":
            visitors = headcount
            officer = self.officer(org_id)
        elif channel == "call":
            caller = lead.phone if lead is not None and lead.phone else f"0510-8{int(rng.random() * 1e7):07d}"
            call_at = _dt(ts - 60 - int(rng.random() * 840))
        else:
            source = rng.choices(*ONLINE_SOURCES)[0]
        return (ci, channel, _dt(ts), org_id, None, content, is_repeat, None, postmark, received, visitors,
                officer, caller, call_at, source)


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


CHANNEL_CUM = list(_accumulate(CHANNEL_WEIGHTS))


def _reserve_numbers(keys: list[tuple[str, int]]) -> list[str]:
    """Take a block of numbers per (region, year) from CaseCounter, in the batch's transaction."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    sql = f"UPDATE {table} SET last_value = last_value + %s WHERE region_id = %s AND year = %s RETURNING last_value"  # noqa: S608
    nxt = {}
    with connection.cursor() as cur:
        for (region, year), k in sorted(Counter(keys).items()):
            cur.execute(sql, [k, region, year])
            row = cur.fetchone()
            if row is None:
                CaseCounter.objects.get_or_create(region_id=region, year=year)
                cur.execute(sql, [k, region, year])
                row = cur.fetchone()
            nxt[(region, year)] = row[0] - k + 1
    numbers = []
    for key in keys:
        n = nxt[key]
        nxt[key] = n + 1
        numbers.append(f"{key[0].ljust(6, '0')}-{key[1]}-{n:06d}")
    return numbers


def _write(b: Batch, writer) -> int:
    """Reserve numbers and keys, then insert the batch. Runs inside its transaction."""
    numbers = _reserve_numbers(b.case_keys)
    for p, pid in zip(b.persons, writer.allocate_ids(Petitioner, len(b.persons)), strict=True):
        p.pid = pid
    case_ids = writer.allocate_ids(Case, len(b.cases))
    sub_ids = writer.allocate_ids(Submission, len(b.subs))
    rows = writer.write(Petitioner, PET_COLS, [
        (p.pid, p.name, p.gender, p.id_number, p.id_index, p.phone, p.phone_index, p.address, p.created_at)
        for p in b.persons
    ])
    rows += writer.write(Case, CASE_COLS, [
        (cid, number, *row) for cid, number, row in zip(case_ids, numbers, b.cases, strict=True)
    ])
    rows += writer.write(Submission, SUB_COLS, [(sid, case_ids[s[0]], *s[1:]) for sid, s in zip(sub_ids, b.subs,
                                                                                                 strict=True)])
    rows += writer.write(Submission.petitioners.through, SUB_PET_COLS, [(sub_ids[s], p.pid) for s, p in b.sub_pets])
    rows += writer.write(CasePetitioner, CASE_PET_COLS, [(case_ids[c], p.pid, lead, rep)
                                                         for c, p, lead, rep in b.case_pets])
    rows += writer.write(CaseOrg, CASE_ORG_COLS, [(case_ids[c], o, rel) for c, o, rel in b.case_orgs])
    events = []
    for c, s, at, org, action, frm, to, note, payload, public in b.events:
        if s >= 0:
            payload = dict(payload, submission=sub_ids[s])
        if action == "register":
            note = note.replace("{number}", numbers[c])
        events.append((case_ids[c], at, None, org, action, frm, to, note, payload, public))
    rows += writer.write(CaseEvent, EVENT_COLS, events)
    return rows


def generate_cases(count: int, *, seed: int = 1, months: int = 18, batch_size: int = 2000, now=None,
                   progress=None, method: str = "auto") -> int:
    """Generate `count` cases registered over the last `months` months before `now`.

    `progress(done_cases, total_cases, rows_written)` is called after each
    batch. `method` picks the writer: "copy" (PostgreSQL COPY), "orm"
    (bulk_create) or "auto" (COPY on PostgreSQL, bulk_create elsewhere).
    Returns the number of cases written."""
    if count <= 0:
        return 0
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    ctx = _Context(now, months, random.Random(f"{seed}:streets"))
    gen = _Generator(ctx, seed, count)
    writer = make_writer(method)
    keys = gen.schedule()
    done = rows = 0
    for start in range(0, count, batch_size):
        batch = gen.build(keys[start:start + batch_size])
        with transaction.atomic():
            rows += _write(batch, writer)
        done += len(batch.cases)
        reset_queries()
        if progress is not None:
            progress(done, count, rows)
    writer.finish(done)
    return done


__all__ = ["POOL_SIZE", "generate_cases"]
