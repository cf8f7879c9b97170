"""Streams realistic demo cases of Wuxi into the database.

    generate_cases(count, seed=1, months=18, batch_size=2000, now=None, progress=None) -> int

Cases are generated in registration order, `batch_size` at a time; each batch
is one transaction that reserves its case numbers (bumping `CaseCounter`, so
interactive registrations continue after them), hands out primary keys and
bulk-inserts petitioners, cases, submissions, links, involvements, events and
what the workflow engine keeps beside events (clocks, assignments, reply
letters, extension requests, evaluations). Nothing goes through
`Model.save()`: what `save()` would compute (blind indexes, search text) is
computed here.

Everything except query codes (random by design, `new_query_code`) and
ciphertexts (random nonces) is deterministic for a given seed and `now`.
Needs the org tree (`orgtree.build_org_tree()`), the categories and the work
calendar (both seeded by migrations)."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import queue
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from xinfang.cases.models import Case, CaseCounter, Category, Petitioner, Status, new_query_code
from xinfang.cases.numbering import format_number
from xinfang.cases.taxonomy import department_for, top_level_of
from xinfang.lib.text import index_text
from xinfang.orgs.models import Org, OrgKind, Region

from . import texts
from .generator_lifecycle import Planner, Route, Weighted, WorkDays
from .generator_people import People, Person
from .generator_replay import DAY, Deadlines, OrgInfo, as_dt, local_date
from .generator_rows import COLUMNS, Batch, write_batch
from .generator_writer import DeferredIndexes, make_writer

POOL_SIZE = 20000  # distinct texts per run; jieba costs ~0.5 ms a text
BULK_LOAD_MIN = 100000  # PostgreSQL: defer secondary indexes from this many cases on
LOCAL_OFFSET = 8 * 3600
CITY = "3202"
CHANNELS = ["online", "visit", "call", "letter"]
CHANNEL_WEIGHTS = [45, 20, 20, 15]
CHANNEL_LABELS = {"letter": "来信", "visit": "来访", "call": "来电", "online": "网上信访"}
ONLINE_SOURCE = Weighted(["web", "mobile", "mailbox", "kiosk", "proxy"], [35, 45, 12, 5, 3])
CO_PETITIONERS = Weighted((1, 2, 3), (85, 11, 4))  # people on an individual petition
CLOSED_FROM = Weighted(("replied", "declined", "redirected", "refused_repeat"), (86, 6, 5, 2))
CLOSED_FROM_LAW = Weighted(("replied", "declined", "redirected", "refused_repeat"), (86, 6, 30, 2))
# Where each channel gets registered: (county bureau, city bureau, directly at the competent org)
REG_WEIGHTS = {"visit": (70, 15, 15), "letter": (58, 32, 10), "call": (60, 34, 6), "online": (62, 32, 6)}
GROUP_RATE = {"visit": 0.18, "letter": 0.05, "online": 0.025, "call": 0.0}
DISTRICT_WEIGHTS = {"320213": 17, "320205": 10, "320206": 11, "320211": 12, "320214": 12, "320281": 21, "320282": 17}
NOT_DIRECT = {Status.FORWARDED, Status.ASSIGNED, Status.REDIRECTED, Status.REFUSED_REPEAT, Status.MERGED}
REVIEW_PATH = {Status.REVIEWING, Status.REVIEWED, Status.REEXAMINING, Status.TERMINATED}


def _accumulate(values: Iterable[float]) -> list[float]:
    total = 0.0
    out: list[float] = []
    for v in values:
        total += v
        out.append(total)
    return out


CHANNEL_CUM = _accumulate(CHANNEL_WEIGHTS)


class Entry:
    """One petition text with where it happened (shared by cases in pool mode)."""

    __slots__ = ("title", "content", "demands", "purpose", "code", "search_text", "urgent", "street", "county",
                 "place", "issue_address")

    title: str
    content: str
    demands: str
    purpose: str
    code: str  # category code
    search_text: str
    urgent: bool
    street: str  # region code of the town/street
    county: str  # region code of its county
    place: texts.Place
    issue_address: str


class _Context:
    """Orgs, streets, categories and calendars loaded once per run."""

    def __init__(self, now: dt.datetime, months: int, rng: random.Random) -> None:
        self.orgs: dict[int, OrgInfo] = {}
        city_bureau: OrgInfo | None = None
        city_gov: OrgInfo | None = None
        self.jiwei: OrgInfo | None = None
        self.county_bureau: dict[str, OrgInfo] = {}
        self.county_gov: dict[str, OrgInfo] = {}
        self.city_dept: dict[str, OrgInfo] = {}
        self.county_dept: dict[tuple[str, str], OrgInfo] = {}
        self.town: dict[str, OrgInfo] = {}
        self.county_units: dict[str, list[OrgInfo]] = {}  # towns and departments of a county
        rows = Org.objects.filter(is_active=True).order_by("id").values_list(
            "id", "name", "kind", "region_id", "superior_id", "remit", "region__level", "region__parent_id")
        for oid, name, kind, region, superior, remit, level, parent in rows:
            county = region if level == 3 else parent if level == 4 else ""
            info = OrgInfo(oid, name, kind, region, parent, county, superior, kind == OrgKind.BUREAU)
            self.orgs[oid] = info
            if kind == OrgKind.BUREAU:
                if region == CITY:
                    city_bureau = info
                elif level == 3:
                    self.county_bureau.setdefault(region, info)
            elif kind == OrgKind.GOVERNMENT:
                if region == CITY:
                    city_gov = info
                elif level == 3:
                    self.county_gov.setdefault(region, info)
                elif level == 4:
                    self.town.setdefault(region, info)
                    # A town's county is its region's parent. Units are only ever looked up
                    # by a street's county (never None), so a parentless town adds nothing.
                    if county is not None:
                        self.county_units.setdefault(county, []).append(info)
            elif kind == OrgKind.DISCIPLINE and region == CITY:
                self.jiwei = info
            if remit and kind in (OrgKind.DEPARTMENT, OrgKind.DISCIPLINE, OrgKind.POLITICO_LEGAL):
                if region == CITY:
                    self.city_dept.setdefault(remit, info)
                elif level == 3:
                    self.county_dept.setdefault((region, remit), info)
                    self.county_units.setdefault(region, []).append(info)
        if city_bureau is None or city_gov is None or not self.county_bureau:
            raise RuntimeError("未找到无锡市的单位树，请先运行 orgtree.build_org_tree()（manage.py load_demo）")
        self.city_bureau: OrgInfo = city_bureau
        self.city_gov: OrgInfo = city_gov

        self.categories = dict(Category.objects.values_list("code", "id"))
        streets = list(Region.objects.filter(level=4, code__startswith=CITY, parent_id__in=list(self.county_bureau))
                       .order_by("code").values_list("code", "name", "parent_id", "parent__name"))
        if not streets:
            raise RuntimeError("未找到无锡市的镇街区划")
        per_county = Counter(s[2] for s in streets)
        self.streets, weights = [], []
        for code, name, county, county_name in streets:
            weights.append(DISTRICT_WEIGHTS.get(county, 10) / per_county[county] * rng.uniform(0.5, 1.6))
            self.streets.append((code, county, texts.Place(county_name, name)))
        self.street_cum = _accumulate(weights)

        local_now = timezone.localtime(now, dt.timezone(dt.timedelta(hours=8)))
        self.now = int(now.timestamp())
        y, m = divmod(local_now.year * 12 + local_now.month - 1 - months, 12)
        start = dt.date(y, m + 1, min(local_now.day, 28))
        self.start_day = (start - dt.date(1970, 1, 1)).days
        self.now_day = (self.now + LOCAL_OFFSET) // DAY
        deadlines = Deadlines()
        self.workdays = WorkDays(deadlines, self.start_day - 10, self.now_day + 10)
        self.planner = Planner(self.orgs, deadlines, self.workdays)

    def numbering_region(self, org: OrgInfo) -> str:
        """Towns number under their county; the prefix is padded to 6 digits (3202 → 320200)."""
        return org.county if len(org.region_id) > 6 else org.region_id

    def random_street(self, rng: random.Random) -> tuple[str, str, texts.Place]:
        return self.streets[bisect.bisect(self.street_cum, rng.random() * self.street_cum[-1])]


class _Generator:
    def __init__(self, ctx: _Context, seed: int, count: int) -> None:
        self.ctx = ctx
        self.count = count
        self.rng = random.Random(f"{seed}:cases")
        self.text_rng = random.Random(f"{seed}:texts")
        self.schedule_rng = random.Random(f"{seed}:schedule")
        self.people = People(random.Random(f"{seed}:people"), ctx.streets, Petitioner.objects.exists())
        self.pool: list[Entry] = [self.new_entry() for _ in range(POOL_SIZE)] if count > POOL_SIZE else []
        self.reservoir: list[Person] = []  # people who may come back
        self.exhausted: list[Person] = []  # people whose matter went through re-examination
        self.officers: dict[int, list[str]] = {}
        self.batch_serial = 0

    # -- when and what ---------------------------------------------------------

    def schedule(self) -> list[int]:
        """Registration time and channel of every case, sorted: ts * 4 + channel index.
        A gentle upward trend, a summer bump, fewer cases on days off, office hours
        for letters, visits and calls, a daily rhythm for online petitions."""
        ctx, rng = self.ctx, self.schedule_rng
        days = range(ctx.start_day, ctx.now_day + 1)
        n = max(len(days) - 1, 1)
        office, online = [], []
        for i, day in enumerate(days):
            d = dt.date(1970, 1, 1) + dt.timedelta(days=day)
            base = (1 + 0.3 * i / n) * (1 + 0.1 * math.cos(2 * math.pi * (d.timetuple().tm_yday - 196) / 365.25))
            if d.month == 3:
                base *= 1.08
            work = ctx.workdays.is_workday(day)
            office.append(base * (1.0 if work else 0.03))
            online.append(base * (1.0 if work else 0.55))
        office, online = _accumulate(office), _accumulate(online)
        hour_cum = _accumulate([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.2, 3.0, 2.2, 2.0, 2.8, 3.0, 2.9,
                                2.4, 2.0, 2.3, 2.6, 2.4, 1.6, 0.8])
        limit = ctx.now - 120
        keys = []
        for _ in range(self.count):
            ch = bisect.bisect(CHANNEL_CUM, rng.random() * CHANNEL_CUM[-1])
            cum = online if ch == 0 else office
            for _try in range(50):
                day = ctx.start_day + min(bisect.bisect(cum, rng.random() * cum[-1]), len(cum) - 1)
                if ch == 0:
                    sec = bisect.bisect(hour_cum, rng.random() * hour_cum[-1]) * 3600 + int(rng.random() * 3600)
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

    def new_entry(self, street: tuple[str, str, texts.Place] | None = None) -> Entry:
        rng = self.text_rng
        code, county, place = street or self.ctx.random_street(rng)
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

    def officer(self, org_id: int) -> str:
        names = self.officers.get(org_id)
        if names is None:
            rng = random.Random(f"officer:{org_id}")
            names = self.officers[org_id] = [texts.random_person(rng)[0] for _ in range(4)]
        return names[int(self.rng.random() * len(names))]

    def from_reservoir(self, test: Callable[[Person], object]) -> Person | None:
        for _ in range(20):
            if not self.reservoir:
                return None
            p = self.reservoir[int(self.rng.random() * len(self.reservoir))]
            if test(p):
                return p
        return None

    # -- routing ---------------------------------------------------------------------

    def competent_org(self, e: Entry) -> OrgInfo:
        """属地管理、分级负责: the department of the issue's county, its town, or the city department."""
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

    def delegate_target(self, handler: OrgInfo, e: Entry) -> OrgInfo | None:
        """One level down from the handler (转交下级办理)."""
        ctx = self.ctx
        if handler.region_id == CITY and handler.kind != OrgKind.DISCIPLINE:
            remit = department_for(e.code)
            return ctx.county_dept.get((e.county, remit)) or ctx.county_gov.get(e.county)
        if handler.region_id == e.county:
            return ctx.town.get(e.street)
        return None

    def wrong_org(self, handler: OrgInfo, e: Entry) -> OrgInfo | None:
        units = [u for u in self.ctx.county_units.get(e.county, ()) if u.kind == OrgKind.DEPARTMENT
                 and u.id != handler.id]
        return units[int(self.rng.random() * len(units))] if units else None

    # -- one case ------------------------------------------------------------------------

    def build(self, keys: list[int]) -> Batch:
        self.batch_serial += 1
        b = Batch(self.batch_serial)
        for key in keys:
            self.build_case(b, key >> 2, CHANNELS[key & 3])
        self.people.dedupe_against_db(b.persons)
        return b

    def build_case(self, b: Batch, t0: int, channel: str) -> None:
        ctx, rng, planner = self.ctx, self.rng, self.ctx.planner
        age = (ctx.now - t0) / DAY

        lead: Person | None = None
        if self.reservoir and rng.random() < 0.07:
            lead = self.reservoir[int(rng.random() * len(self.reservoir))]
        e = lead.entry if lead is not None and lead.entry is not None and rng.random() < 0.5 else self.entry()
        handler = self.competent_org(e)
        top = top_level_of(e.code)
        law = rng.random() < (0.3 if top == "ZF" else 0.035)
        reviewable = (e.purpose in ("claim", "appeal") and handler.kind != OrgKind.DISCIPLINE
                      and planner.reviewer(handler) is not None)
        status = planner.pick_status(rng, age, law_related=law, reviewable=reviewable)

        merge_into = None
        if status == Status.MERGED:
            # The same person about the same matter again: merged into the earlier case.
            earlier = lead if lead is not None and lead.last_case else self.from_reservoir(lambda p: p.last_case)
            # (from_reservoir's test and the `lead` branch both ensure last_case is set)
            if earlier is None or earlier.last_case is None or earlier.last_case[4] >= t0:
                status = Status.CLOSED if age >= 40 else Status.REGISTERED
            else:
                # Only leads get a last_case, and every lead got its entry when created.
                assert earlier.entry is not None
                lead, merge_into, e = earlier, earlier.last_case, earlier.entry
        elif status == Status.REFUSED_REPEAT:
            # The same facts after re-examination: 不再受理.
            lead = self.from_reservoir(lambda p: 0 < p.exhausted_at < t0) or lead or self.from_reservoir(bool)
            if lead is not None and lead.entry is not None:
                e = lead.entry
        closed_from = ""
        if status == Status.CLOSED:
            closed_from = (CLOSED_FROM_LAW if law else CLOSED_FROM)(rng)
        effective = closed_from or status
        recurring = lead is not None

        w_county, w_city, w_direct = REG_WEIGHTS[channel]
        x = rng.random() * (w_county + w_city + (0 if effective in NOT_DIRECT else w_direct))
        county_bureau = ctx.county_bureau.get(e.county) or ctx.city_bureau
        guide_to = None
        if x < w_county:
            reg = county_bureau
        elif x < w_county + w_city:
            reg = ctx.city_bureau
            if channel == "visit" and handler.county and county_bureau is not reg and rng.random() < 0.6:
                guide_to = county_bureau  # 越级走访: guided down to the county
        else:
            reg = handler

        is_group = rng.random() < GROUP_RATE[channel]
        is_urgent = e.urgent or (is_group and rng.random() < 0.05)
        n_repeats = 0
        if status != Status.MERGED and rng.random() < 0.12:
            n_repeats = rng.choice((1, 1, 1, 2, 2, 3))
        first_time = not (recurring or n_repeats or effective in (Status.REFUSED_REPEAT, Status.MERGED))
        if status == Status.ASSIGNED:
            assign = True
        elif status == Status.FORWARDED:
            assign = False
        else:
            assign = rng.random() < (0.5 if is_urgent or is_group else 0.12)
        simple = first_time and effective not in REVIEW_PATH and rng.random() < (
            0.3 if e.purpose in ("inquiry", "suggestion") else 0.04)
        route = Route(
            t0=t0, status=status, reg_org=reg, handler=handler, channel_label=CHANNEL_LABELS[channel],
            purpose=e.purpose, title=e.title, top=top, closed_from=closed_from, merge_into=merge_into,
            window_bureau=reg if reg.is_bureau else county_bureau, guide_to=guide_to, assign=assign, simple=simple,
            wrong_org=self.wrong_org(handler, e) if reg.is_bureau and rng.random() < 0.03 else None,
            delegate_to=self.delegate_target(handler, e) if rng.random() < 0.2 else None,
            route="arbitration" if top == "LDSB" else "litigation" if law or rng.random() < 0.5 else "reconsideration",
        )
        sim = planner.run(rng, route, ctx.now, channel)

        # People: the lead (new or coming back) and co-petitioners or group representatives
        anonymous = lead is None and channel in ("letter", "online") and rng.random() < 0.06
        people: list[tuple[Person, bool, bool]] = []
        created = as_dt(t0)
        if not anonymous:
            if lead is None:
                lead = self.people.new(created, e.place, channel, True)
                b.persons.append(lead)
                lead.entry = e
            n_people = rng.choice((1, 2, 2, 3, 3, 4, 5)) if is_group else CO_PETITIONERS(rng)
            people.append((lead, True, is_group))
            for _ in range(n_people - 1):
                other = self.people.new(created, e.place, channel, False)
                b.persons.append(other)
                people.append((other, False, is_group))
            if len(self.reservoir) < 200000:
                self.reservoir.append(lead)
            else:
                self.reservoir[int(rng.random() * 200000)] = lead
            if sim.status == Status.TERMINATED and lead.exhausted_at == 0:
                lead.exhausted_at = next(ev[0] for ev in sim.events if ev[4] == Status.TERMINATED)
        headcount = (5 + min(int(rng.expovariate(1 / 9)), 75)) if is_group else max(len(people), 1)
        lead_person = people[0][0] if people else None

        # Submissions: the first one, then repeats
        ci = len(b.cases)
        subs = [self._submission(channel, t0, reg.id, e.content, False, headcount, lead_person)]
        if n_repeats:
            lo, hi = t0 + 2 * DAY, min(ctx.now - 120, t0 + 150 * DAY)
            if hi > lo:
                for ts in sorted(lo + int(rng.random() * (hi - lo)) for _ in range(n_repeats)):
                    ch = CHANNELS[bisect.bisect(CHANNEL_CUM, rng.random() * CHANNEL_CUM[-1])]
                    y = rng.random()
                    org = reg if y < 0.55 else ctx.city_bureau if y < 0.8 else county_bureau
                    label = CHANNEL_LABELS[ch]
                    content = f"信访人再次{label}反映“{e.title}”的问题，称至今未得到解决。{e.demands}"
                    sim.repeat(ts, org, label, ch, len(subs))
                    subs.append(self._submission(ch, ts, org.id, content, True,
                                                 headcount if ch == "visit" and is_group else 1, lead_person))
        if merge_into is not None:
            b.merge_bumps.append((merge_into, len(subs)))

        handle: list[Any] = [None, None, b.serial, ci, t0]  # case id and number, filled in when written
        if lead is not None and merge_into is None:
            lead.last_case = handle  # what a later repeat gets merged into (never a merged case)
        accused = None
        if e.purpose == "accusation" and rng.random() < 0.7:
            units = [u for u in ctx.county_units.get(e.county, ()) if u.id not in sim.involved]
            accused = units[int(rng.random() * len(units))].id if units else None
        region = ctx.numbering_region(reg)
        next_due = sim.next_due()
        b.add_case(
            handle=handle, key=(region, local_date(t0).year), sim=sim, subs=subs,
            people=[(p, is_lead, rep) for p, is_lead, rep in people],
            row=[
                new_query_code(), region, e.title, e.content, e.demands, e.purpose,
                ctx.categories.get(e.code) or ctx.categories[top_level_of(e.code)], e.street, e.issue_address,
                channel, headcount, is_group, is_urgent, anonymous,
                (not anonymous and e.purpose != "accusation" and rng.random() < 0.2), e.purpose == "accusation", law,
                first_time, sim.level_skipping, sim.simple, None, accused, sim.status, reg.id, sim.current.id, None,
                created, "2022", as_dt(next_due) if next_due else None, len(subs), e.search_text,
                as_dt(max(ev[0] for ev in sim.events)),
            ],
        )

    def _submission(self, channel: str, ts: int, org_id: int, content: str, is_repeat: bool, headcount: int,
                    lead: Person | None) -> list[Any]:
        rng = self.rng
        postmark = received = call_at = None
        officer = caller = source = ""
        visitors = None
        if channel == "letter":
            received = local_date(ts) - dt.timedelta(days=1 if rng.random() < 0.3 else 0)
            postmark = received - dt.timedelta(days=1 + int(rng.random() * 4))
        elif channel == "visit":
            visitors = headcount
            officer = self.officer(org_id)
        elif channel == "call":
            caller = lead.phone if lead is not None and lead.phone else f"0510-8{int(rng.random() * 1e7):07d}"
            call_at = as_dt(ts - 60 - int(rng.random() * 840))
        else:
            source = ONLINE_SOURCE(rng)
        return [lead, channel, as_dt(ts), org_id, None, content, is_repeat, None, postmark, received, visitors,
                officer, caller, call_at, source]


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
        numbers.append(format_number(key[0], key[1], n))
    return numbers


def generate_cases(count: int, *, seed: int = 1, months: int = 18, batch_size: int = 2000, now=None,
                   progress=None, method: str = "auto", log=None) -> int:
    """Generate `count` cases registered over the last `months` months before `now`.

    `progress(done_cases, total_cases, rows_written)` is called after each
    batch, `log(message)` for other news (bulk-load mode). `method` picks the
    writer: "copy" (PostgreSQL COPY), "orm" (bulk_create) or "auto" (COPY on
    PostgreSQL, bulk_create elsewhere). Returns the number of cases written.

    Large loads on PostgreSQL (≥ BULK_LOAD_MIN cases into an almost empty
    case table) drop the secondary indexes of the tables they fill and
    rebuild them at the end."""
    if count <= 0:
        return 0
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    ctx = _Context(now, months, random.Random(f"{seed}:streets"))
    gen = _Generator(ctx, seed, count)
    writer = make_writer(method)
    keys = gen.schedule()
    batches = (gen.build(keys[start:start + batch_size]) for start in range(0, count, batch_size))
    # On PostgreSQL, outside a caller's transaction, a second connection writes
    # batch k while this thread builds batch k+1: the server's work (COPY,
    # indexes, commit) then overlaps with Python's.
    if connection.vendor == "postgresql" and not connection.in_atomic_block and count > batch_size:
        deferred = None
        if count >= BULK_LOAD_MIN and Case.objects.count() <= count // 10:
            deferred = DeferredIndexes(list(COLUMNS), log)
        try:
            if deferred is not None:
                deferred.drop()
            done = _write_in_background(batches, writer, count, progress)
        finally:
            if deferred is not None:
                deferred.restore()
    else:
        done = rows = 0
        for batch in batches:
            rows += _write_one(batch, writer)
            done += len(batch.cases)
            if progress is not None:
                progress(done, count, rows)
    writer.finish(done, list(COLUMNS))
    return done


def _write_one(batch: Batch, writer) -> int:
    with transaction.atomic():
        writer.begin_batch()
        rows = write_batch(batch, writer, _reserve_numbers(batch.case_keys))
    reset_queries()
    return rows


@dataclass
class _WriterState:
    """Shared between the producer and the writer thread of `_write_in_background`."""

    done: int = 0
    rows: int = 0
    error: BaseException | None = None  # raised in the writer thread, re-raised in the caller's


def _write_in_background(batches: Iterator[Batch], writer, count: int, progress) -> int:
    jobs: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
    state = _WriterState()

    def work() -> None:
        try:
            while (batch := jobs.get()) is not None:
                if state.error is not None:
                    continue  # keep draining so the producer never blocks
                try:
                    state.rows += _write_one(batch, writer)
                    state.done += len(batch.cases)
                    if progress is not None:
                        progress(state.done, count, state.rows)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                    state.error = exc
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=work, name="generate-cases-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if state.error is not None:
                break
            jobs.put(batch)
    finally:
        jobs.put(None)
        thread.join()
    if state.error is not None:
        raise state.error
    return state.done

__all__ = ["COLUMNS", "POOL_SIZE", "generate_cases"]
