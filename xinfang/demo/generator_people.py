"""Petitioners for generated cases: names, valid ID numbers (GB 11643), mobile
numbers, addresses and the blind indexes `Petitioner.save()` would compute.

ID numbers are unique within a run and, when the database already holds
petitioners, against it too (one row per real person)."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from xinfang.cases.models import Petitioner
from xinfang.lib.crypto import blind_index, field_keys
from xinfang.lib.idcard import make_id_number

from . import texts

if TYPE_CHECKING:
    from .generator import Entry

# Birth regions for ID numbers: Wuxi (current and former district codes), then elsewhere.
WUXI_BIRTH = ["320213", "320205", "320206", "320211", "320214", "320281", "320282", "320202", "320203", "320204"]
OTHER_BIRTH = ["320102", "320506", "320402", "320902", "321302", "320321", "341202", "411602", "511302",
               "341502", "362301", "522401", "411502", "371302", "421102", "341602", "620502", "530602"]
# Mainland mobile prefixes that phonenumbers accepts as mobile (no 154/174/179/194).
MOBILE_PREFIXES = (
    [str(p) for p in range(130, 140)] + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["166", "172", "173", "175", "176", "177", "178"] + [str(p) for p in range(180, 190)]
    + ["191", "193", "195", "196", "197", "198", "199"]
)
# Share of people with an ID number / phone / address, by channel (lead petitioners).
ID_RATE = {"visit": 1.0, "online": 0.95, "call": 0.55, "letter": 0.7}
PHONE_RATE = {"visit": 0.95, "online": 1.0, "call": 1.0, "letter": 0.6}
ADDRESS_RATE = {"visit": 0.9, "online": 0.7, "call": 0.5, "letter": 1.0}


class Person:
    __slots__ = ("pid", "name", "gender", "id_number", "id_index", "phone", "phone_index", "address",
                 "created_at", "entry", "exhausted_at", "last_case")

    pid: int | None  # primary key, handed out when the batch is written
    name: str
    gender: str
    id_number: str
    id_index: str
    phone: str
    phone_index: str
    address: str
    created_at: dt.datetime
    entry: Entry | None  # the petition text of the lead's first case
    exhausted_at: int  # when the matter was terminated after re-examination (0: never)
    last_case: list[Any] | None  # handle [case id, number, batch serial, index, registered ts]


class People:
    def __init__(self, rng: random.Random, streets: list[tuple[str, str, texts.Place]], check_db: bool) -> None:
        self.rng = rng
        self.streets = streets  # [(code, county, Place)]
        self.index_key = field_keys()[1]
        self.used_ids: set[int] = set()
        # Blind indexes already in the database: loaded once when there are few
        # (cheap, and no index lookups during a bulk load), else queried per batch.
        self.taken: set[str] | None = None
        self.check_db = check_db
        if check_db:
            existing = Petitioner.objects.exclude(id_number_index="")
            if existing.count() <= 300000:
                self.taken = set(existing.values_list("id_number_index", flat=True))

    def new(self, created_at: dt.datetime, place: texts.Place, channel: str, lead: bool) -> Person:
        rng = self.rng
        p = Person()
        p.pid = None
        p.name, p.gender = texts.random_person(rng)
        p.entry = p.last_case = None
        p.exhausted_at = 0
        p.created_at = created_at
        id_rate = ID_RATE[channel] if lead else 0.8
        phone_rate = PHONE_RATE[channel] if lead else 0.7
        addr_rate = ADDRESS_RATE[channel] if lead else 0.6
        p.id_number = self.id_number(rng, p.gender, created_at.date()) if rng.random() < id_rate else ""
        p.id_index = blind_index(p.id_number, self.index_key) if p.id_number else ""
        if rng.random() < phone_rate:
            p.phone = rng.choice(MOBILE_PREFIXES) + f"{int(rng.random() * 1e8):08d}"
            p.phone_index = blind_index(p.phone, self.index_key)
        else:
            p.phone = p.phone_index = ""
        if rng.random() < addr_rate:
            home = place if rng.random() < 0.8 else self.streets[int(rng.random() * len(self.streets))][2]
            p.address = texts.random_address(rng, home)
        else:
            p.address = ""
        return p

    def id_number(self, rng: random.Random, gender: str, today: dt.date) -> str:
        """A valid number of an adult; the sequence digit's parity matches the gender."""
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

    def dedupe_against_db(self, persons: list[Person]) -> None:
        """When the database already had petitioners, make new ID numbers unique there too."""
        if not self.check_db:
            return
        fresh = [p for p in persons if p.id_number]
        for attempt in range(5):
            if self.taken is not None:
                taken = self.taken
            else:
                taken = set()
                idx = [p.id_index for p in fresh]
                # 100 at a time: PostgreSQL uses the partial unique index for IN lists of up to 100.
                for i in range(0, len(idx), 100):
                    taken.update(Petitioner.objects.filter(id_number_index__in=idx[i:i + 100])
                                 .values_list("id_number_index", flat=True))
            fresh = [p for p in fresh if p.id_index in taken]
            if not fresh:
                return
            for p in fresh:
                rng = random.Random(p.id_number + str(attempt))
                p.id_number = self.id_number(rng, p.gender, p.created_at.date())
                p.id_index = blind_index(p.id_number, self.index_key)
        raise RuntimeError("无法生成不重复的身份证号码")
