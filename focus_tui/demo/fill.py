"""Believable demo data, fast enough for a million records.

`fill_demo` fills an empty, migrated database with the history of a small
European sales team: the person who will use the app, four colleagues, their
team clouds, companies (as Contact Persons' organisations), deals at every
stage of the sales process with their Contact Notes, Tasks, Proposals and
Orders, time entries and history events. The same arguments (and a fixed
clock) always give the same data.

What it builds, in proportions of N records (N = 50 ... 5,000,000):

* ~8 % Contact Persons (1-4 per company), ~4 % stand-alone Tasks, the rest
  deals: a Sales Lead with Contact Notes (1-2 participants each), Tasks, and
  depending on its stage a Sales Proposal with follow-up notes; won deals
  became a Client Relationship with an Order (plus fulfilment Tasks and
  sometimes a repeat Order). Lost deals are finished.
* Every Sales Proposal and Order has its sale row (`Sale`): one-time sums
  of 2k-250k EUR (mostly small), about half with a monthly sum up to 5k,
  one offer in four in the customer's currency (SEK, CZK, GBP, ...). Draft
  and sent proposals belong to deals in progress (open), lost ones are
  finished with a reason now and then; open orders are ordered, delivered
  or on monthly billing, finished ones were billed the day they were
  finished. Sent ones have had 1-4 revisions, and the dates keep their
  order: sent <= sold <= delivered <= billed <= today.
* About 3 % of the activities are open, dated from ~20 days overdue to ~60
  days ahead (~15 % without a date, a few with a time of day); the rest are
  finished in the past. The user always has at least ~40 open activities of
  their own (1 % of N for big N) spread over every main-view group, and one
  running focus on an open Sales Lead, started 12 minutes ago.
* Time entries: about two per activity (fewer on open ones), 5-90 minutes,
  on weekdays between 08:00 and 17:30 local time, never overlapping for one
  person. Their phase is the phase the activity had when the entry started:
  "lead" under a Sales Lead, "client_care" under a Client Relationship (for a
  won deal, entries before the sale are "lead"), else "other".
* Events: "created" for every record, "participants" for every Contact
  Note, "finished" for every finished activity, "focused" for every ended
  time entry and "moved" for some open activities. Nothing is skipped, also
  at 1M records.

Scale: one person can only track so many hours. The history covers the last
six months while that means at most ~8 entries per person and working day,
grows to at most three years (10k records: ~1.6 years), and beyond that
(more than ~15,000 records) the team grows: extra colleagues join "Sales
Team" (every second one also "Nordic Partners"), about 28 people at 100k
records and 273 at 1M. The user and the four named colleagues are always
there. The user's own open activities grow with N (1 % of it), and open
ones are created in the last months, so at 1M most of the user's open
activities have no time entry yet: there is no room left in their days.

Writing (SQLite or PostgreSQL): other people may use the database while it
fills, so the fill never holds it for long. One short transaction finds it
empty, adds the team and keeps the record ids 1..N free (`_reserve_ids`);
records get their ids here, so children know their parents without reading
back. Then `CHUNK` records at a time, each chunk one transaction with
everything that hangs off its records, so every commit leaves a consistent
database: rows are built as tuples between the transactions and written
with `executemany`; rows that follow from others (the creator as actor,
"created", "finished" and "focused" events) are copied inside the database
with INSERT ... SELECT. Every index stays in place throughout (other
processes must never see the tables without them, least of all the one
that allows one running focus per user). On SQLite the fill runs with
`synchronous=OFF` and a bigger cache, and a sampled ANALYZE follows.

Speed (2 cores, SQLite file, a slow day): 10k records ~1.5 s, 100k ~13 s,
1M ~3 min (~650 MB peak memory); a write of another process waits at most
about one chunk (~0.5 s at 100k, ~1.2 s near 1M).
"""

from __future__ import annotations

import itertools
import json
import math
import random
import time
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import peewee

from ..core.clock import Clock
from ..core.dates import Bucket, bucket_bounds
from ..core.errors import UserError
from ..core.process import (
    ACTIVITY_KEYS,
    CLIENT_RELATIONSHIP,
    CONTACT_NOTE,
    CONTACT_PERSON,
    ORDER,
    PROCESS,
    SALES_LEAD,
    SALES_PROPOSAL,
    TASK,
    CloudKind,
    CloudRole,
    EventKind,
    Phase,
    Stage,
)
from ..domain.session import ensure_user, private_cloud, private_cloud_name
from ..models import (
    Cloud,
    CloudMember,
    ContactDetails,
    Event,
    Participant,
    Record,
    RecordActor,
    Sale,
    TimeEntry,
    User,
)
from ..models.db import SQLITE_PRAGMAS
from ..models.search import index_records_between

__all__ = ["MAX_RECORDS", "MIN_RECORDS", "DemoSummary", "fill_demo"]

MIN_RECORDS = 50
MAX_RECORDS = 5_000_000

MINUTE = 60
HOUR = 3600
DAY = 86_400
WORK_START = 8 * HOUR
WORK_END = 17 * HOUR + 30 * MINUTE
WDAY = WORK_END - WORK_START  # a working day, in working seconds
_MONDAY = 4  # 5 Jan 1970, the first Monday after the Unix epoch (in days)
_EPOCH = datetime(1970, 1, 1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

# Time-entry planning: what one person plausibly tracks.
ENTRIES_PER_DAY = 8
MIN_WORK_DAYS = 130  # ~6 months of weekdays
MAX_WORK_DAYS = 780  # ~3 years

_RECORD_BITS = 23  # record indexes fit (MAX_RECORDS < 2**23)

# Record states.
FINISHED, OPEN, NOT_ACTIVITY = 0, 1, 2

LEAD, CLIENT_CARE, OTHER = (
    Phase.LEAD.value,
    Phase.CLIENT_CARE.value,
    Phase.OTHER.value,
)

# Deal stages.
NEW, QUALIFYING, DRAFT, SENT, LOST_EARLY, LOST, WON = range(7)
LIVE_STAGES = (NEW, NEW, QUALIFYING, QUALIFYING, DRAFT, SENT, SENT, WON)
PAST_STAGES = (LOST_EARLY, LOST_EARLY, LOST, LOST, LOST, WON, WON, WON, WON)
LIVE_SHARE = 0.045  # of colleagues' deals still in progress

# ------------------------------------------------------------------ names

COLLEAGUES = (
    ("anna.virtanen", "Anna Virtanen"),
    ("lars.berg", "Lars Berg"),
    ("sofia.rossi", "Sofia Rossi"),
    ("jan.novak", "Jan Novák"),
)
SPARE_COLLEAGUES = (
    ("mikko.laine", "Mikko Laine"),
    ("eva.muller", "Eva Müller"),
    ("pieter.visser", "Pieter Visser"),
    ("marta.kowalska", "Marta Kowalska"),
    ("olga.nyberg", "Olga Nyberg"),
)
SALES_TEAM, KEY_ACCOUNTS, NORDIC_PARTNERS = (
    "Sales Team",
    "Key Accounts",
    "Nordic Partners",
)


@dataclass(frozen=True)
class _Country:
    suffix: str
    tld: str
    phone: str  # "#" stands for a random digit
    male: tuple[str, ...]
    female: tuple[str, ...]
    last_m: tuple[str, ...]
    last_f: tuple[str, ...]
    roots: tuple[str, ...]
    trades: tuple[str, ...]
    cities: tuple[str, ...]


def _c(suffix, tld, phone, male, female, last_m, last_f, roots, trades, cities):
    split = str.split
    return _Country(
        suffix,
        tld,
        phone,
        tuple(split(male)),
        tuple(split(female)),
        tuple(split(last_m, ",")),
        tuple(split(last_f or last_m, ",")),
        tuple(split(roots)),
        tuple(split(trades)),
        tuple(split(cities)),
    )


COUNTRIES = (
    _c(
        "Oy",
        "fi",
        "+358 40 ### ####",
        "Mikko Juha Timo Heikki Jari Pekka Antti Ville",
        "Laura Sanna Aino Elina Kaisa Tuula Minna Riikka",
        "Korhonen,Mäkinen,Nieminen,Hämäläinen,Laine,Heikkinen,Koskinen,Järvinen,"
        "Lehtonen,Salminen",
        "",
        "Kivi Revontuli Kaleva Pohjola Saimaa Lumi Tammi Halla Aalto Koski",
        "Logistiikka Tekniikka Metalli Rakennus Data Energia Kuljetus Systems",
        "Helsinki Tampere Oulu Turku Jyväskylä Kuopio Lahti Vaasa",
    ),
    _c(
        "AB",
        "se",
        "+46 70 ### ## ##",
        "Erik Johan Anders Oskar Nils Magnus Henrik Gustav",
        "Karin Maria Elin Sara Ingrid Annika Maja Linnea",
        "Johansson,Andersson,Karlsson,Nilsson,Eriksson,Larsson,Lindqvist,Svensson,"
        "Holm,Sjöberg",
        "",
        "Norrsken Fjäll Björk Ek Sjö Granit Vind Skog Älv Berg",
        "Logistik Teknik Bygg Data Energi Transport Verkstad Industri",
        "Stockholm Göteborg Malmö Uppsala Umeå Luleå Örebro Västerås",
    ),
    _c(
        "GmbH",
        "de",
        "+49 151 #### ####",
        "Thomas Stefan Michael Andreas Florian Jonas Tobias Markus",
        "Julia Katrin Sabine Anja Lena Miriam Claudia Heike",
        "Müller,Schmidt,Schneider,Fischer,Weber,Wagner,Becker,Hoffmann,Schulz,Krüger",
        "",
        "Nordlicht Alpen Rhein Elbe Tannen Hansa Falken Sonnen Eichen Isar",
        "Logistik Technik Bau Datentechnik Energie Spedition Maschinenbau Systeme",
        "Hamburg München Köln Bremen Leipzig Dresden Stuttgart Hannover",
    ),
    _c(
        "S.r.l.",
        "it",
        "+39 333 ### ####",
        "Marco Luca Alessandro Matteo Paolo Davide Stefano Andrea",
        "Giulia Francesca Chiara Elena Sara Valentina Martina Federica",
        "Bianchi,Romano,Colombo,Ricci,Marino,Greco,Bruno,Gallo,Conti,Esposito",
        "",
        "Aurora Adriatica Dolomiti Tirrena Stella Lombarda Vesuvio Alpina Marina",
        "Logistica Tecnologie Costruzioni Dati Energia Trasporti Meccanica Sistemi",
        "Milano Torino Bologna Verona Padova Firenze Genova Bergamo",
    ),
    _c(
        "s.r.o.",
        "cz",
        "+420 6## ### ###",
        "Petr Tomáš Martin Jakub Lukáš Ondřej Pavel Jiří",
        "Jana Lucie Eva Tereza Kateřina Petra Veronika Markéta",
        "Svoboda,Dvořák,Černý,Procházka,Kučera,Veselý,Horák,Němec,Marek,Pokorný",
        "Svobodová,Dvořáková,Černá,Procházková,Kučerová,Veselá,Horáková,Němcová,"
        "Marková,Pokorná",
        "Vltava Morava Šumava Labe Beskydy Orel Lípa Sokol Javor Krkonoše",
        "Logistika Technika Stavby Data Energie Doprava Strojírna Systémy",
        "Praha Brno Ostrava Plzeň Olomouc Liberec Zlín Pardubice",
    ),
    _c(
        "B.V.",
        "nl",
        "+31 6 #### ####",
        "Daan Bram Jeroen Thijs Ruben Sander Joost Wouter",
        "Sanne Lotte Eva Anouk Fleur Iris Marloes Femke",
        "de Jong,Jansen,de Vries,van den Berg,Bakker,Visser,Smit,Meijer,de Boer,Mulder",
        "",
        "Noordzee Delta Tulp Molen Polder Oranje Dijk Haven Linde Zeeland",
        "Logistiek Techniek Bouw Data Energie Transport Machines Systemen",
        "Rotterdam Utrecht Eindhoven Groningen Tilburg Breda Arnhem Leiden",
    ),
)

PRODUCTS = (
    "Fleet tracking",
    "Warehouse sensors",
    "Cold chain monitoring",
    "Energy monitoring",
    "Service contract",
    "Licence renewal",
    "Field service app",
    "Access control",
    "Predictive maintenance",
    "Cloud backup",
    "Workshop tablets",
    "Route planning",
    "Telematics upgrade",
    "Spare parts portal",
    "Training package",
    "Support extension",
    "Asset tagging",
    "Forklift telemetry",
)
NOTE_TITLES = (
    "Call with {p}",
    "Call with {p}: needs and timeline",
    "E-mail from {p}: pricing questions",
    "E-mail to {p}: references",
    "Meeting with {p} at {c}",
    "Call: {p} asked for a demo",
    "Video call with {p}",
    "E-mail to {p}: brochure and price list",
)
FOLLOW_UP_TITLES = (
    "Follow-up call with {p}",
    "E-mail to {p}: revised offer",
    "Call: {p} is comparing offers",
    "E-mail from {p}: questions on the proposal",
    "Negotiation call with {p}",
)
NOTE_BODIES = (
    "Interested, wants a short demo for the team.",
    "Budget is approved for next quarter; decision by the board.",
    "Currently using spreadsheets; pain point is reporting.",
    "Asked for two customer references in the same industry.",
    "Wants to start with a pilot at one site.",
    "Price is the main question; compare with the competitor's offer.",
    "",
    "",
)
LEAD_TASKS = (
    "Send references to {c}",
    "Prepare demo for {c}",
    "Check credit rating of {c}",
    "Book site visit at {c}",
    "Ask {c} for a decision date",
    "Send brochure to {c}",
    "Reserve demo units for {c}",
    "Prepare pilot plan for {c}",
)
ORDER_TASKS = (
    "Pack and deliver: {c}",
    "Activate the service for {c}",
    "Install devices at {c}",
    "Send invoice to {c}",
    "Schedule training at {c}",
    "Confirm delivery date with {c}",
    "Set up monthly billing for {c}",
)
OWN_TASKS = (
    "Update the sales pipeline",
    "Prepare weekly report",
    "Expense report",
    "Plan trade fair visit",
    "Review price list",
    "Call back unknown number",
    "Prepare quarterly forecast",
    "Clean up inbox",
    "Book travel to {city}",
    "Team meeting: agenda",
    "Update product slides",
    "Write case study draft",
)
COMPETITORS = ("Navico", "TrackOne", "Siltala Systems", "in-house team", "none yet")
LOST_REASONS = (
    "Price too high",
    "Went with Navico",
    "Went with TrackOne",
    "Budget cut",
    "No decision this year",
    "Project postponed",
    "Chose an in-house solution",
    "",
    "",
)
# Currency of an offer (weights) and roughly how many units make one euro,
# so a SEK offer is about as big as an EUR one.
OFFER_CURRENCIES = (
    ("EUR", 76, 1.0),
    ("SEK", 8, 11.0),
    ("CZK", 5, 25.0),
    ("GBP", 4, 0.85),
    ("PLN", 3, 4.3),
    ("NOK", 2, 11.5),
    ("DKK", 1, 7.5),
    ("CHF", 1, 0.95),
)
# Sale stories (what happened to a proposal or order), see _Plan.sale().
S_DRAFT, S_SENT, S_LOST, S_ORDER, S_REPEAT = range(5)
# Open orders in turn: 0 ordered, 1 delivered, 2 on monthly billing.
_OPEN_ORDER_CYCLE = (0, 1, 2, 0, 1)


@dataclass
class DemoSummary:
    records: int
    time_entries: int
    users: list[str]
    clouds: list[str]
    seconds: float
    longest_write: float = 0.0  # seconds one transaction held the database


def fill_demo(
    db: peewee.Database,
    *,
    records: int,
    user_name: str,
    clock: Clock,
    seed: int = 7,
) -> DemoSummary:
    """Fill an empty, migrated database with `records` records of demo data.

    Other processes may use the database meanwhile: the fill commits one
    chunk of records at a time (see `_write`), and a fill that stops half
    way leaves whole records behind (and the placeholder of `_reserve_ids`).
    """
    started = time.perf_counter()
    if not isinstance(records, int) or not MIN_RECORDS <= records <= MAX_RECORDS:
        raise UserError(
            f"The demo needs between {MIN_RECORDS:,} and {MAX_RECORDS:,} records "
            f"(got {records!r})."
        )
    sqlite = isinstance(db, peewee.SqliteDatabase)
    with db.atomic():
        if not sqlite:  # nobody adds a record between the check and the reserve
            db.execute_sql(
                f"LOCK TABLE {_quote(db, Record._meta.table_name)} IN EXCLUSIVE MODE"
            )
        if Record.select().exists():
            raise UserError(
                "The database already holds records; "
                "fill an empty database with demo data."
            )
        team = _Team.build(records, user_name, clock)
        placeholder = _reserve_ids(db, team, records, clock.now_utc_naive())
    rng = random.Random(seed)
    plan = _Plan(rng, clock, team, records, sale_seed=seed)
    plan.build()
    if sqlite:
        db.execute_sql("PRAGMA synchronous = OFF")
        db.execute_sql("PRAGMA cache_size = -65536")  # 64 MB while filling
    try:
        time_entries, longest = _write(db, plan, placeholder=placeholder)
    finally:
        if sqlite:
            db.execute_sql(f"PRAGMA synchronous = {SQLITE_PRAGMAS['synchronous']}")
            db.execute_sql(f"PRAGMA cache_size = {SQLITE_PRAGMAS['cache_size']}")
    if sqlite:
        # Statistics for the query planner; sampling keeps it quick at 1M,
        # and one table at a time keeps each write short.
        db.execute_sql("PRAGMA analysis_limit = 2000")
        for name in db.get_tables():
            db.execute_sql(f"ANALYZE {_quote(db, name)}")
        db.execute_sql("PRAGMA analysis_limit = 0")
    return DemoSummary(
        records=len(plan.r_type),
        time_entries=time_entries,
        users=[u.name for u in team.users],
        clouds=team.cloud_names,
        seconds=time.perf_counter() - started,
        longest_write=longest,
    )


# ------------------------------------------------------------------ team


@dataclass
class _Person:
    id: int
    name: str
    display: str
    private: int  # id of the private cloud


class _Team:
    """Users and clouds; who is a member of what."""

    def __init__(self) -> None:
        self.users: list[_Person] = []
        self.me: _Person
        self.members: dict[int, list[int]] = {}  # cloud id -> user ids
        self.clouds_of: dict[int, list[int]] = {}  # user id -> cloud ids
        self.cloud_names: list[str] = []
        self.team_clouds: dict[str, int] = {}
        self.private_of: dict[int, int] = {}  # user id -> private cloud id
        self.shared_of: dict[int, list[int]] = {}  # user id -> team cloud ids
        self.window_days = MIN_WORK_DAYS

    @classmethod
    def build(cls, n: int, user_name: str, clock: Clock) -> _Team:
        team = cls()
        entries = 1.7 * n  # ~2 per activity, ~88 % of records are activities
        work_days = entries / (len(COLLEAGUES) + 1) / ENTRIES_PER_DAY
        team.window_days = int(min(max(work_days, MIN_WORK_DAYS), MAX_WORK_DAYS))
        size = max(
            len(COLLEAGUES) + 1,
            math.ceil(entries / (MAX_WORK_DAYS * ENTRIES_PER_DAY)),
        )
        start = clock.now_utc_naive() - timedelta(days=team.window_days * 7 // 5 + 7)

        me = _display_name(user_name)
        wanted = [(user_name, me)]
        taken = {user_name.lower()}
        for name, display in COLLEAGUES + SPARE_COLLEAGUES:
            if len(wanted) == len(COLLEAGUES) + 1:
                break
            if name not in taken:
                wanted.append((name, display))
                taken.add(name)
        extra = random.Random(size)
        while len(wanted) < size:
            country = extra.choice(COUNTRIES)
            female = extra.random() < 0.5
            first = extra.choice(country.female if female else country.male)
            last = extra.choice(country.last_f if female else country.last_m)
            name = _ascii(f"{first}.{last}").replace(" ", "")
            number = 2
            base = name
            while name in taken:
                name = f"{base}{number}"
                number += 1
            taken.add(name)
            wanted.append((name, f"{first} {last}"))

        for name, display in wanted:
            user = ensure_user(name, clock, display_name=display)
            cloud = private_cloud(user)
            team.users.append(_Person(user.id, user.name, display, cloud.id))
            team.private_of[user.id] = cloud.id
        team.me = team.users[0]
        ids = [u.id for u in team.users]
        # They have been around since before the history starts.
        User.update(created_at=start).where(
            User.id.in_(ids) & (User.created_at > start)
        ).execute()
        privates = list(team.private_of.values())
        Cloud.update(created_at=start).where(
            Cloud.id.in_(privates) & (Cloud.created_at > start)
        ).execute()

        anna, lars, sofia, jan = (u.id for u in team.users[1:5])
        extras = ids[5:]
        spec = {
            SALES_TEAM: ids,
            KEY_ACCOUNTS: [team.me.id, sofia, lars],
            NORDIC_PARTNERS: [anna, lars, jan] + extras[1::2],
        }
        for cloud_name, member_ids in spec.items():
            cloud = Cloud.get_or_none(Cloud.name == cloud_name)
            if cloud is None:
                cloud = Cloud.create(
                    name=cloud_name,
                    kind=CloudKind.TEAM,
                    owner=member_ids[0],
                    created_at=start,
                )
            # The first member made the cloud and owns it.
            rows = [
                {
                    "cloud": cloud.id,
                    "user": uid,
                    "role": CloudRole.OWNER
                    if uid == cloud.owner_id
                    else CloudRole.MEMBER,
                }
                for uid in member_ids
            ]
            for chunk in _chunks(rows, 500):
                CloudMember.insert_many(chunk).on_conflict_ignore().execute()
            team.team_clouds[cloud_name] = cloud.id
            team.cloud_names.append(cloud_name)
        for person in team.users:
            team.cloud_names.append(private_cloud_name(person.name))
        # Only the demo's people and clouds (the database may know others).
        clouds = privates + list(team.team_clouds.values())
        for cloud_id, user_id in (
            CloudMember.select(CloudMember.cloud, CloudMember.user)
            .where(CloudMember.user.in_(ids) & CloudMember.cloud.in_(clouds))
            .tuples()
        ):
            team.members.setdefault(cloud_id, []).append(user_id)
            team.clouds_of.setdefault(user_id, []).append(cloud_id)
        for values in itertools.chain(team.members.values(), team.clouds_of.values()):
            values.sort()
        team_ids = set(team.team_clouds.values())
        for user_id, cloud_ids in team.clouds_of.items():
            team.shared_of[user_id] = [c for c in cloud_ids if c in team_ids]
        return team


def _display_name(user_name: str) -> str:
    parts = [p for p in user_name.replace("_", ".").split(".") if p]
    if len(parts) >= 2 and all(p.isalpha() for p in parts):
        return " ".join(p.capitalize() for p in parts)
    return user_name


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


# ------------------------------------------------------------------ plan


@dataclass
class _Company:
    name: str
    cloud: int
    created: int  # working seconds
    people: list[tuple[int, str]]  # (record index, full name)


@dataclass(frozen=True)
class _Offer:
    text: str  # the proposal's body
    one_time_cents: int
    monthly_cents: int | None
    currency: str
    revision: int  # if it was sent


_CURRENCY_WEIGHTS = sum(weight for _code, weight, _rate in OFFER_CURRENCIES)


def _pick_currency(r: float) -> tuple[str, float]:
    """(code, units per euro) for a random number r in [0, 1)."""
    point = r * _CURRENCY_WEIGHTS
    for code, weight, rate in OFFER_CURRENCIES:
        if point < weight:
            return code, rate
        point -= weight
    return OFFER_CURRENCIES[0][0], OFFER_CURRENCIES[0][2]


def _round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


class _Plan:
    """All records, entries and events, planned in memory before writing.

    Times are "working seconds": seconds of working time (weekdays 08:00 to
    17:30 local) counted from Monday 5 January 1970. Anything picked on that
    axis is in working hours, evenly over the weekdays, and the order of
    moments is kept when `_local` turns them into local wall-clock seconds
    (local time counted like a Unix timestamp); `utc` (made by
    `prepare_texts`) gives the stored text.
    """

    def __init__(
        self,
        rng: random.Random,
        clock: Clock,
        team: _Team,
        n: int,
        sale_seed: int = 7,
    ):
        self.rng = rng
        # Sale details draw from their own stream, so adding them left the
        # rest of the demo (records, entries) as it was.
        self.sale_rng = random.Random(f"sales-{sale_seed}")
        self.clock = clock
        self.team = team
        self.n = n
        self.zone = clock.zone
        local_now = clock.local_now().replace(tzinfo=None)
        now = _local_seconds(local_now)
        self.now_utc = clock.now_utc_naive()
        self.today = clock.today()
        self.today_day = self.today.toordinal() - _EPOCH_ORDINAL
        self.now = _working(now - MINUTE)
        self.cap = _working(now - 30 * MINUTE)  # nothing planned after this
        self.my_limit = _working(now - 13 * MINUTE)  # my focus runs since -12 min
        self.start = self.now - team.window_days * WDAY
        self.me = team.me.id
        self._offsets: dict[int, int] = {}
        self._days: dict[int, str] = {}
        # " HH:MM:SS" for every second of a day.
        self._hms = [
            f" {h:02d}:{m:02d}:{s:02d}"
            for h in range(24)
            for m in range(60)
            for s in range(60)
        ]
        self.base = 1  # the database holds no records: ids start at 1
        # One entry per record, in id order.
        self.r_type: list[str] = []
        self.r_title: list[str] = []
        self.r_body: list[str] = []
        self.r_cloud: list[int] = []
        self.r_creator: list[int] = []
        self.r_actor2: list[int] = []  # 0: none
        self.r_parent: list[int] = []  # index, -1: none
        self.r_created = array("q")
        self.r_state: list[int] = []
        self.r_phase: list[str] = []
        self.r_sold: list[int] = []  # before this moment the phase was "lead"
        self.r_finished = array("q")
        self.r_day: list[str | None] = []  # the stored `date` texts
        self.due_text: dict[int, str] = {}  # the stored `due_at` of open ones
        self.when: dict[int, tuple[int | None, int | None]] = {}  # open: day, due
        self.moved: dict[int, tuple[int, str]] = {}  # index -> (at, from text)
        self.contacts: list[tuple[int, str, str, str]] = []
        self.participants: list[tuple[int, int, str]] = []  # note, person, name
        # Time entries (record index, user id, start, seconds), in columns.
        self.e_record = array("q")
        self.e_user = array("q")
        self.e_start = array("q")
        self.e_length = array("q")
        self.running: tuple[int, str] | None = None
        # Proposals and orders: (index, story, offer, sent_t, sold_t, extra),
        # turned into sale rows by _sale_rows once finish times are known.
        self.sale_plan: list[tuple[int, int, _Offer, int, int, int]] = []
        self._open_orders = 0

    # ---------------------------------------------------------- helpers

    def add(
        self,
        rtype: str,
        title: str,
        cloud: int,
        creator: int,
        parent: int,
        created: int,
        state: int,
        phase: str = OTHER,
        body: str = "",
        actor2: int = 0,
        sold: int = 0,
    ) -> int:
        self.r_type.append(rtype)
        self.r_title.append(title)
        self.r_body.append(body)
        self.r_cloud.append(cloud)
        self.r_creator.append(creator)
        self.r_actor2.append(actor2)
        self.r_parent.append(parent)
        self.r_created.append(created)
        self.r_state.append(state)
        self.r_phase.append(phase)
        self.r_sold.append(sold)
        return len(self.r_type) - 1

    def when_in(self, lo: int, hi: int) -> int:
        """A working moment between lo and hi, both cut to `cap`."""
        hi = min(hi, self.cap)
        if lo >= hi:
            return min(lo, self.cap)
        return lo + int(self.rng.random() * (hi - lo))

    def offset(self, day: int) -> int:
        off = self._offsets.get(day)
        if off is None:
            noon = (_EPOCH + timedelta(days=day, hours=12)).replace(tzinfo=self.zone)
            off = int(noon.utcoffset().total_seconds())
            self._offsets[day] = off
        return off

    def day_text(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = date.fromordinal(day + _EPOCH_ORDINAL).isoformat()
            self._days[day] = text
        return text

    def utc_local(self, local: int) -> str:
        """Local seconds as the stored naive UTC text."""
        u = local - self.offset(local // DAY)
        day, sec = divmod(u, DAY)
        return self.day_text(day) + self._hms[sec]

    def prepare_texts(self) -> None:
        """Tables that turn working seconds into stored text quickly: for
        each working day the UTC moment of its 08:00, and the day texts."""
        k0 = self.start // WDAY - 30
        k1 = self.now // WDAY + 2
        base_u = []
        local_days = []
        for k in range(k0, k1):
            week, weekday = divmod(k, 5)
            day = _MONDAY + week * 7 + weekday
            base_u.append(day * DAY + WORK_START - self.offset(day))
            local_days.append(self.day_text(day))
        d0 = base_u[0] // DAY - 1
        days = [self.day_text(d) for d in range(d0, base_u[-1] // DAY + 2)]
        hms = self._hms

        def utc(w: int) -> str:
            """Working seconds as the stored naive UTC text."""
            k, sec = divmod(w, WDAY)
            d, sec = divmod(base_u[k - k0] + sec, DAY)
            return days[d - d0] + hms[sec]

        def utc_span(w: int, seconds: int) -> tuple[str, str]:
            """Start and end of `seconds` of work from `w` (same day)."""
            k, sec = divmod(w, WDAY)
            u = base_u[k - k0] + sec
            d, sec = divmod(u, DAY)
            d2, sec2 = divmod(u + seconds, DAY)
            return days[d - d0] + hms[sec], days[d2 - d0] + hms[sec2]

        def local_day_text(w: int) -> str:
            return local_days[w // WDAY - k0]

        self.utc = utc
        self.utc_span = utc_span
        self.local_day_text = local_day_text

    def record_dates(self) -> None:
        """The `date` of every record and the `due_at` of the open ones."""
        rng = self.rng
        local_day = self.local_day_text
        day_text = self.day_text
        r_day: list[str | None] = [None] * len(self.r_type)
        for i, state in enumerate(self.r_state):
            if state == FINISHED:
                # Mostly dated the day it was done, some a few days before,
                # some never had a date.
                fin = self.r_finished[i]
                r = rng.random()
                if r < 0.7:
                    r_day[i] = local_day(fin)
                elif r < 0.85:
                    r_day[i] = local_day(fin - (1 + int((r - 0.7) * 20)) * WDAY)
            elif state == OPEN:
                day, due = self.when[i]
                if day is not None:
                    r_day[i] = day_text(day)
                if due is not None:
                    self.due_text[i] = self.utc_local(due)
        self.r_day = r_day

    def member(self, cloud: int, *, other_than: int = 0) -> int:
        members = self.team.members[cloud]
        if other_than:
            if len(members) < 2:
                return 0
            while True:
                uid = members[int(self.rng.random() * len(members))]
                if uid != other_than:
                    return uid
        return members[int(self.rng.random() * len(members))]

    def second_actor(self, cloud: int, creator: int) -> int:
        if self.rng.random() < 0.15:
            return self.member(cloud, other_than=creator)
        return 0

    # ---------------------------------------------------------- build

    def build(self) -> None:
        rng = self.rng
        n = self.n
        target_mine = min(max(40, n // 100), n - 20)
        people_quota = max(6, round(n * 0.08))
        standalone_quota = round(n * 0.04)
        companies = self.make_companies(people_quota)
        visible_to_me = set(self.team.clouds_of[self.me])
        my_companies = [c for c in companies if c.cloud in visible_to_me]

        deal_budget = n - len(self.r_type) - standalone_quota - target_mine
        # My deals in progress first: they guarantee an open Sales Lead.
        for number in range(max(1, target_mine // 5)):
            if deal_budget < 3 and number > 0:
                break
            company = my_companies[int(rng.random() * len(my_companies))]
            stage = QUALIFYING if number == 0 else rng.choice(LIVE_STAGES)
            deal_budget -= self.deal(
                company, self.me, stage, True, max(deal_budget, 3), spread=90
            )
        while deal_budget >= 3:
            company = companies[int(rng.random() * len(companies))]
            owner = self.member(company.cloud)
            live = rng.random() < LIVE_SHARE
            stage = rng.choice(LIVE_STAGES if live else PAST_STAGES)
            deal_budget -= self.deal(company, owner, stage, live, deal_budget)

        mine_open = sum(
            1
            for i, s in enumerate(self.r_state)
            if s == OPEN and self.me in (self.r_creator[i], self.r_actor2[i])
        )
        my_clouds = self.team.clouds_of[self.me]
        for _ in range(max(0, target_mine - mine_open)):
            if len(self.r_type) >= n:
                break
            self.own_task(self.me, my_clouds, True, spread=120)
        users = [u.id for u in self.team.users]
        while len(self.r_type) < n:
            creator = users[int(rng.random() * len(users))]
            self.own_task(creator, self.team.clouds_of[creator], rng.random() < 0.03)

        self.schedule()
        self.finish_times()
        self.open_dates()
        self.prepare_texts()
        self.record_dates()

    def make_companies(self, people_quota: int) -> list[_Company]:
        rng = self.rng
        team = self.team
        teams = team.team_clouds
        users = [u.id for u in team.users]
        # The first companies land in every team cloud and my private cloud,
        # so even the smallest demo shows each of them.
        fixed = [
            teams[SALES_TEAM],
            teams[KEY_ACCOUNTS],
            teams[NORDIC_PARTNERS],
            team.me.private,
        ]
        used: set[str] = set()
        companies: list[_Company] = []
        people = 0
        while people < people_quota:
            if len(companies) < len(fixed):
                cloud = fixed[len(companies)]
            else:
                # Someone brought the customer in and put it in one of their
                # clouds; picking the person first keeps everyone's share of
                # the work (and of the tracked time) about even.
                user = users[int(rng.random() * len(users))]
                if rng.random() < 0.3:
                    cloud = team.private_of[user]
                else:
                    shared = team.shared_of[user]
                    cloud = shared[int(rng.random() * len(shared))]
            country = rng.choice(COUNTRIES)
            root, trade = rng.choice(country.roots), rng.choice(country.trades)
            name = f"{root} {trade} {country.suffix}"
            if name in used:
                name = f"{root} {trade} {rng.choice(country.cities)} {country.suffix}"
            used.add(name)
            domain = _ascii(f"{root}-{trade}").replace(" ", "") + "." + country.tld
            # Most customers are known from the start: deals then spread
            # evenly over the history (and so does the tracked time).
            created = self.when_in(
                self.start, self.start + (self.now - self.start) * 15 // 100
            )
            company = _Company(name, cloud, created, [])
            # Keep a person for each of the fixed companies still to come.
            reserve = max(0, len(fixed) - len(companies) - 1)
            size = min(1 + int(rng.random() * 4), people_quota - people - reserve)
            for _ in range(max(1, size)):
                female = rng.random() < 0.5
                first = rng.choice(country.female if female else country.male)
                last = rng.choice(country.last_f if female else country.last_m)
                full = f"{first} {last}"
                email = _ascii(f"{first}.{last}").replace(" ", "") + "@" + domain
                digits = str(int(rng.random() * 10**10)).zfill(10)
                phone = country.phone.replace("#", "{}").format(*digits)
                creator = self.member(cloud)
                t = created + int(rng.random() * WDAY)
                idx = self.add(
                    CONTACT_PERSON.key,
                    full,
                    cloud,
                    creator,
                    -1,
                    min(t, self.cap),
                    NOT_ACTIVITY,
                )
                self.contacts.append((idx, name, email, phone))
                company.people.append((idx, full))
                people += 1
            companies.append(company)
        return companies

    def deal(
        self,
        company: _Company,
        owner: int,
        stage: int,
        live: bool,
        limit: int,
        spread: int = 40,
    ) -> int:
        """Plan one deal of at most `limit` records; return how many."""
        rng = self.rng
        cloud = company.cloud
        c = company.name
        product = rng.choice(PRODUCTS)
        won = stage == WON
        has_proposal = stage in (DRAFT, SENT, LOST, WON)
        # The deal's timeline: lead, `pre` later the proposal, `post` later
        # the sale (or the last follow-up), then the fulfilment tasks.
        pre = int((2 + rng.random() * 15) * WDAY)
        post = int((3 + rng.random() * 18) * WDAY) if has_proposal else pre
        length = pre + post + 4 * WDAY
        earliest = company.created + WDAY
        if live:
            start = self.when_in(self.now - spread * WDAY, self.now - WDAY // 4)
            start = max(start, earliest)
            if self.cap - start < length:  # squeeze it into the time so far
                scale = max(self.cap - start, HOUR) / length
                pre, post = int(pre * scale), int(post * scale)
        else:
            start = self.when_in(earliest, max(earliest, self.cap - length))
        proposal_t = start + pre
        sold_t = proposal_t + post if won else 0

        def state_of(open_chance: float) -> int:
            return OPEN if live and rng.random() < open_chance else FINISHED

        lead_open = live and stage in (NEW, QUALIFYING, DRAFT)
        root_open = lead_open or (won and (live or rng.random() < 0.15))
        phase = CLIENT_CARE if won else LEAD
        root = self.add(
            CLIENT_RELATIONSHIP.key if won else SALES_LEAD.key,
            f"{product} for {c}",
            cloud,
            owner,
            -1,
            start,
            OPEN if root_open else FINISHED,
            phase,
            body=self.lead_body(company),
            actor2=self.second_actor(cloud, owner),
            sold=sold_t,
        )
        count = 1

        def child(rtype, title, parent, t, state, body="") -> int:
            creator = owner
            if self.team.members[cloud] and rng.random() < 0.15:
                creator = self.member(cloud)
            t = max(min(t, self.cap), self.r_created[parent] + MINUTE)
            return self.add(
                rtype,
                title,
                cloud,
                creator,
                parent,
                t,
                state,
                phase,
                body=body,
                actor2=self.second_actor(cloud, creator),
                sold=sold_t,
            )

        def note(parent, lo, hi, titles) -> None:
            name_idx = company.people[int(rng.random() * len(company.people))]
            idx = child(
                CONTACT_NOTE.key,
                rng.choice(titles).format(p=name_idx[1], c=c),
                parent,
                self.when_in(lo, hi),
                FINISHED,
                body=rng.choice(NOTE_BODIES),
            )
            self.participants.append((idx, name_idx[0], name_idx[1]))
            if len(company.people) > 1 and rng.random() < 0.35:
                other = company.people[int(rng.random() * len(company.people))]
                if other[0] != name_idx[0]:
                    self.participants.append((idx, other[0], other[1]))

        pre_end = proposal_t if has_proposal else start + pre + post
        for _ in range(1 + int(rng.random() * 3) + (stage != NEW)):
            if count >= limit:
                return count
            note(root, start, pre_end, NOTE_TITLES)
            count += 1
        task_open = 0.5 if stage in (NEW, QUALIFYING, DRAFT) else 0.25
        for _ in range(int(rng.random() * 3)):
            if count >= limit:
                return count
            child(
                TASK.key,
                rng.choice(LEAD_TASKS).format(c=c),
                root,
                self.when_in(start, pre_end),
                state_of(task_open),
            )
            count += 1
        if not has_proposal or count >= limit:
            return count

        offer = self.offer(rng)
        if won:
            prop_state = state_of(0.6)
            prop = child(
                ORDER.key,
                f"Order: {product} for {c}",
                root,
                proposal_t,
                prop_state,
                body=offer.text,
            )
        else:
            prop = child(
                SALES_PROPOSAL.key,
                f"Proposal: {product} for {c}",
                root,
                proposal_t,
                OPEN if live else FINISHED,
                body=offer.text,
            )
            prop_state = self.r_state[prop]
        count += 1
        follow_end = proposal_t + post
        self.sale(prop, stage, offer, proposal_t, follow_end)
        if stage != DRAFT:
            for _ in range(int(rng.random() * 3)):
                if count >= limit:
                    return count
                note(prop, proposal_t + HOUR, follow_end, FOLLOW_UP_TITLES)
                count += 1
        if not won:
            return count
        for _ in range(1 + int(rng.random() * 3)):
            if count >= limit:
                return count
            open_task = prop_state == OPEN and rng.random() < 0.5
            child(
                TASK.key,
                rng.choice(ORDER_TASKS).format(c=c),
                prop,
                self.when_in(sold_t + HOUR, sold_t + 4 * WDAY),
                OPEN if open_task else FINISHED,
            )
            count += 1
        repeat_room = self.cap - sold_t > 30 * WDAY
        if not live and repeat_room and rng.random() < 0.3 and count + 2 <= limit:
            later = self.when_in(sold_t + 20 * WDAY, sold_t + 100 * WDAY)
            title = f"Order: {rng.choice(PRODUCTS)} for {c}"
            offer = self.offer(rng)
            repeat = child(
                ORDER.key,
                title,
                root,
                later,
                FINISHED,
                body=offer.text,
            )
            self.sale_plan.append((repeat, S_REPEAT, offer, later, later, 0))
            child(
                TASK.key,
                rng.choice(ORDER_TASKS).format(c=c),
                repeat,
                self.when_in(later + HOUR, later + 3 * WDAY),
                FINISHED,
            )
            count += 2
        return count

    def own_task(
        self, creator: int, clouds: Sequence[int], is_open: bool, spread: int = 0
    ) -> int:
        rng = self.rng
        cloud = (
            self.team.private_of[creator] if rng.random() < 0.5 else rng.choice(clouds)
        )
        lo = self.now - spread * WDAY if spread else self.start
        city = rng.choice(rng.choice(COUNTRIES).cities)
        return self.add(
            TASK.key,
            rng.choice(OWN_TASKS).format(city=city),
            cloud,
            creator,
            -1,
            self.when_in(lo, self.now - HOUR),
            OPEN if is_open else FINISHED,
            actor2=self.second_actor(cloud, creator),
        )

    def lead_body(self, company: _Company) -> str:
        rng = self.rng
        contact = company.people[int(rng.random() * len(company.people))][1]
        budget = (int(rng.random() * 40) + 5) * 1000
        quarter = 1 + int(rng.random() * 4)
        return (
            f"Background\n- Decision maker: {contact}\n- Budget: about {budget:,} EUR"
            f"\n- Timeline: Q{quarter}\n- Competitors: {rng.choice(COMPETITORS)}"
        ).replace(",", " ")

    def offer(self, rng: random.Random) -> _Offer:
        """What a proposal is worth: one-time 2k-250k EUR (mostly small),
        monthly none or up to 5k, in the customer's currency now and then.

        Draws three numbers from `rng`, as the demo always did here, so the
        rest of the demo stays the same; the currency comes from sale_rng.
        """
        r1, r2, r3 = rng.random(), rng.random(), rng.random()
        currency, rate = _pick_currency(self.sale_rng.random())
        once = _round_to(rate * (2_000 + r1**3 * 248_000), 500 if rate < 5 else 5_000)
        monthly = 0
        if r2 >= 0.45:
            monthly = _round_to(rate * (50 + ((r2 - 0.45) / 0.55) ** 2 * 4_950), 50)
        revision = 1 + int(r3 * 4)
        text = f"One-time {once:,} {currency}"
        if monthly:
            text += f", monthly {monthly:,} {currency}"
        return _Offer(
            text=(text + ".").replace(",", " "),
            one_time_cents=once * 100,
            monthly_cents=monthly * 100 or None,
            currency=currency,
            revision=revision,
        )

    def sale(self, i: int, stage: int, offer: _Offer, created: int, end: int) -> None:
        """Plan the sale row of proposal/order `i` of a deal at `stage`.

        `end` is when the follow-ups end: the sale for a won deal.
        """
        srng = self.sale_rng
        if stage == DRAFT:
            self.sale_plan.append((i, S_DRAFT, offer, 0, 0, 0))
            return
        # Sent soon after it was written (revisions were sent later still,
        # but the row keeps the latest sent date: not after the sale).
        first_half = created + int(srng.random() * max(0, end - created) / 2)
        sent_t = max(created + HOUR, first_half)
        if stage == SENT:
            self.sale_plan.append((i, S_SENT, offer, sent_t, 0, 0))
        elif stage == LOST:
            reason = int(srng.random() * len(LOST_REASONS))
            self.sale_plan.append((i, S_LOST, offer, sent_t, 0, reason))
        else:  # won: an order; open ones are ordered, delivered or billed
            extra = 0
            if self.r_state[i] == OPEN:
                # In turn, so that even a small demo shows every stage.
                extra = _OPEN_ORDER_CYCLE[self._open_orders % len(_OPEN_ORDER_CYCLE)]
                self._open_orders += 1
                if extra == 2 and not offer.monthly_cents:
                    extra = 1  # monthly billing needs a monthly sum
            self.sale_plan.append((i, S_ORDER, offer, sent_t, end, extra))

    # ---------------------------------------------------------- time entries

    def schedule(self) -> None:
        """About two time entries per activity, never overlapping per person."""
        rng = self.rng
        # Requests are packed in one int each, (earliest << 23) | record,
        # so that sorting them is cheap and they take little memory.
        requests: dict[int, list[int]] = {u.id: [] for u in self.team.users}
        finished_counts = (1, 2, 2, 3)
        open_counts = (0, 1, 1, 2)
        created = self.r_created
        random_ = rng.random
        for i, state in enumerate(self.r_state):
            if state == NOT_ACTIVITY:
                continue
            k = (finished_counts if state == FINISHED else open_counts)[
                int(random_() * 4)
            ]
            creator = self.r_creator[i]
            actor2 = self.r_actor2[i]
            for j in range(k):
                user = actor2 if actor2 and random_() < 0.3 else creator
                earliest = created[i] + int(random_() * (1 + j) * 2 * WDAY)
                requests[user].append(earliest << _RECORD_BITS | i)
        mask = (1 << _RECORD_BITS) - 1
        e_rec, e_user, e_start, e_length = (
            self.e_record,
            self.e_user,
            self.e_start,
            self.e_length,
        )
        for user, wanted in requests.items():
            wanted.sort()
            limit = self.my_limit if user == self.me else self.now
            cursor = 0
            for key in wanted:
                earliest = key >> _RECORD_BITS
                t = earliest if earliest > cursor else cursor
                r = random_()
                length = 5 * MINUTE + int(85 * MINUTE * r * r)
                if t % WDAY + length > WDAY:  # not past 17:30: next morning
                    t = (t // WDAY + 1) * WDAY + int(random_() * 40) * MINUTE
                end = t + length
                if end > limit:
                    break
                e_rec.append(key & mask)
                e_user.append(user)
                e_start.append(t)
                e_length.append(length)
                cursor = end + MINUTE + int(random_() * 20 * MINUTE)
            wanted.clear()
        # The user's running focus: an open Sales Lead of theirs.
        for i, rtype in enumerate(self.r_type):
            if (
                rtype == SALES_LEAD.key
                and self.r_state[i] == OPEN
                and self.r_creator[i] == self.me
            ):
                started = self.now_utc.replace(microsecond=0) - timedelta(minutes=12)
                self.running = (i, started.isoformat(" "))
                break

    def finish_times(self) -> None:
        """Finished activities end after their children and their last entry."""
        rng = self.rng
        n = len(self.r_type)
        not_before = array("q", self.r_created)
        for i in range(n):
            p = self.r_parent[i]
            if p >= 0 and self.r_created[i] + 10 * MINUTE > not_before[p]:
                not_before[p] = self.r_created[i] + 10 * MINUTE
        entries = zip(self.e_record, self.e_start, self.e_length, strict=True)
        for i, start, length in entries:
            if start + length > not_before[i]:
                not_before[i] = start + length
        finished = array("q", bytes(8 * n))
        last = self.now
        for i, state in enumerate(self.r_state):
            if state == FINISHED:
                start = not_before[i] + MINUTE
                t = start + int(rng.random() * rng.random() * 2 * WDAY)
                if t > last:
                    t = (
                        start + int(rng.random() * (last - start))
                        if last > start
                        else last
                    )
                finished[i] = t
        self.r_finished = finished

    def open_dates(self) -> None:
        """Dates of the open activities; mine cover every main-view group."""
        rng = self.rng
        today = self.today_day
        bounds = bucket_bounds(self.today)

        def ordinal(d: date) -> int:
            return d.toordinal() - _EPOCH_ORDINAL

        ranges: list[tuple[Bucket, int, int]] = []  # inclusive day ranges
        for bucket, (lo, hi) in bounds.items():
            first = ordinal(lo) if lo is not None else today - 20
            last = ordinal(hi) - 1 if hi is not None else today + 60
            if first <= last:
                ranges.append((bucket, first, last))
        weights = {
            Bucket.OVERDUE: 14,
            Bucket.TODAY: 10,
            Bucket.TOMORROW: 10,
            Bucket.THIS_WEEK: 10,
            Bucket.LATER: 41,
        }
        choices = [r for r in ranges for _ in range(weights[r[0]])]

        mine: list[int] = []
        for i, state in enumerate(self.r_state):
            if state != OPEN:
                continue
            if self.me in (self.r_creator[i], self.r_actor2[i]):
                mine.append(i)
                continue
            day = None
            if rng.random() >= 0.15:
                day = today - 20 + int(rng.random() * 81)
            self.set_when(i, day, 0.08)
        rng.shuffle(mine)
        for number, i in enumerate(mine):
            # Two of each group first, then by weight; 15 % without a date.
            if number < 2 * (len(ranges) + 1):
                slot = number % (len(ranges) + 1)
                picked = ranges[slot] if slot < len(ranges) else None
            else:
                picked = None if rng.random() < 0.15 else rng.choice(choices)
            day = None
            if picked is not None:
                _bucket, first, last = picked
                day = first + int(rng.random() * (last - first + 1))
            self.set_when(i, day, 0.25)

    def set_when(self, i: int, day: int | None, move_chance: float) -> None:
        rng = self.rng
        due = None
        if day is not None and rng.random() < 0.12:
            due = day * DAY + 9 * HOUR + int(rng.random() * 16) * 30 * MINUTE
        self.when[i] = (day, due)
        if day is not None and rng.random() < move_chance:
            created = self.r_created[i]
            at = self.when_in(created + HOUR, self.now)
            if at > created:
                before = day - 1 - int(rng.random() * 10)
                self.moved[i] = (at, self.day_text(before))

    def when_text(self, i: int) -> str:
        day, due = self.when[i]
        if day is None:
            return ""
        text = self.day_text(day)
        if due is not None:
            return f"{text}{self._hms[due % DAY][:6]}"
        return text


def _local_seconds(naive: datetime) -> int:
    return int((naive - _EPOCH).total_seconds())


def _local(w: int) -> int:
    """Working seconds as local seconds."""
    week, rest = divmod(w, 5 * WDAY)
    weekday, sec = divmod(rest, WDAY)
    return (_MONDAY + week * 7 + weekday) * DAY + WORK_START + sec


def _working(local: int) -> int:
    """The last working moment at or before `local` (local seconds)."""
    day, sec = divmod(local, DAY)
    week, weekday = divmod(day - _MONDAY, 7)
    first = (week * 5 + min(weekday, 5)) * WDAY  # that day's 08:00, or Monday's
    if weekday >= 5 or sec < WORK_START:
        return first - 1
    return first + min(sec, WORK_END - 1) - WORK_START


# ------------------------------------------------------------------ writing

# Records per write transaction. Each chunk is committed on its own, so the
# database is never locked for long: other processes' writes wait at most
# about one chunk (~0.2 s at 100k records, ~1 s near 1M on 2 cores), never
# SQLite's busy timeout. `tests/unit/test_demo.py` measures it.
CHUNK = 5_000
# Between two chunks the write lock is left free at least this long: a
# waiting writer retries after sleeps that grow to 100 ms (SQLite's busy
# handler), so a shorter gap could be missed again and again.
MIN_GAP = 0.11


@dataclass
class _Chunk:
    """The rows of records lo..hi-1 (indexes), made before the transaction."""

    lo: int
    hi: int
    records: list[tuple]
    actors: list[tuple]
    contacts: list[tuple]
    participants: list[tuple]
    entries: list[tuple]
    running: tuple | None
    events: list[tuple]
    sales: list[tuple]


_END = object()


class _Stream:
    """Rows in the order of their record: `upto(hi)` takes those before hi."""

    def __init__(self, rows: Iterable, index) -> None:
        self._rows = iter(rows)
        self._index = index
        self._next = next(self._rows, _END)

    def upto(self, hi: int) -> list:
        taken = []
        while self._next is not _END and self._index(self._next) < hi:
            taken.append(self._next)
            self._next = next(self._rows, _END)
        return taken


def _plan_chunks(plan: _Plan, size: int):
    """The plan's rows cut into chunks of `size` records, each holding
    everything that hangs off its records (actors, contact details, tags,
    time entries, sale rows, history): committed alone, a chunk leaves the
    database consistent. A child's parent and a tagged person come before
    them, so they are in the same or an earlier chunk."""
    base = plan.base
    n = len(plan.r_type)
    records = _Stream(_record_rows(plan), lambda row: row[0] - base)
    actors = _Stream(_second_actor_rows(plan), lambda row: row[0] - base)
    contacts = _Stream(plan.contacts, lambda row: row[0])
    participants = _Stream(plan.participants, lambda row: row[0])
    tags = _Stream(_group(plan.participants), lambda row: row[0])
    moved = _Stream(sorted(plan.moved.items()), lambda row: row[0])
    sales = _Stream(_sale_rows(plan), lambda row: row[0] - base)
    # Time entries by the chunk of their record (in plan order within one).
    by_chunk: list[list[int]] = [[] for _ in range(0, n, size)]
    for k, i in enumerate(plan.e_record):
        by_chunk[i // size].append(k)
    sale_days: dict[int, tuple] = {}  # record index -> its sale's dates
    for lo in range(0, n, size):
        hi = min(n, lo + size)
        chunk_sales = sales.upto(hi)
        for row in chunk_sales:
            # (sent, sold, delivered, billed), as `_phase_on_day` reads them
            sale_days[row[0] - base] = row[7:11]
        running = None
        if plan.running is not None and lo <= plan.running[0] < hi:
            running = _running_row(plan, sale_days)
        yield _Chunk(
            lo=lo,
            hi=hi,
            records=records.upto(hi),
            actors=actors.upto(hi),
            contacts=[(base + i, *rest) for i, *rest in contacts.upto(hi)],
            participants=[
                (base + i, base + p) for i, p, _name in participants.upto(hi)
            ],
            entries=_entry_rows(plan, by_chunk[lo // size], sale_days),
            running=running,
            events=_event_rows(plan, tags.upto(hi), moved.upto(hi)),
            sales=chunk_sales,
        )


def _write(db: peewee.Database, plan: _Plan, *, placeholder: bool) -> tuple[int, float]:
    """Insert everything the plan holds, one chunk of records per
    transaction; return the number of time entries and the longest time a
    transaction held the database.

    The indexes stay in place all along (other processes may read and
    write between the chunks, and must find every index there, not least
    the one that allows one running focus per user), and the rows go in in
    the order of their records, so most index entries land at the end.
    Rows that follow from other rows (the creator as actor; "created",
    "finished" and "focused" events) are copied inside the database with
    INSERT ... SELECT, which is many times faster than sending them.
    With `placeholder`, the last record's row is already there (it keeps
    the ids free, see `_reserve_ids`) and gets its values in the last chunk.
    """
    cursor = db.cursor()
    base = plan.base
    n = len(plan.r_type)
    mark = db.param

    def table(model: type[peewee.Model], *fields: str) -> str:
        names = ", ".join(_quote(db, model._meta.fields[f].column_name) for f in fields)
        return f"{_quote(db, model._meta.table_name)} ({names})"

    def insert(model: type[peewee.Model], fields: Sequence[str], rows: list):
        if rows:
            marks = ", ".join([mark] * len(fields))
            sql = f"INSERT INTO {table(model, *fields)} VALUES ({marks})"
            cursor.executemany(sql, rows)

    rec = _quote(db, Record._meta.table_name)
    entry_table = _quote(db, TimeEntry._meta.table_name)
    activities = ", ".join(f"'{key}'" for key in ACTIVITY_KEYS)
    columns = ", ".join(
        _quote(db, Record._meta.fields[f].column_name) for f in _RECORD_FIELDS[1:]
    )
    update_last = (
        f"UPDATE {rec} SET ({columns}) = ({', '.join([mark] * (len(_RECORD_FIELDS) - 1))}) "
        f"WHERE id = {mark}"
    )
    actor_fields = ("record", "user", "is_open", "date", "due_at", "cloud_id")
    entry_fields = ("user", "record", "started_at", "ended_at", "seconds", "phase")
    event = table(Event, "record", "user", "kind", "at", "data")
    running_sql = (
        f"INSERT {'OR IGNORE ' if isinstance(db, peewee.SqliteDatabase) else ''}"
        f"INTO {table(TimeEntry, *entry_fields)} "
        f"VALUES ({', '.join([mark] * len(entry_fields))})"
        f"{'' if isinstance(db, peewee.SqliteDatabase) else ' ON CONFLICT DO NOTHING'}"
    )
    entries = 0
    longest = 0.0
    committed = None
    for chunk in _plan_chunks(plan, CHUNK):  # rows are made between transactions
        if committed is not None:
            pause = MIN_GAP - (time.perf_counter() - committed)
            if pause > 0:
                time.sleep(pause)
        first, last = base + chunk.lo, base + chunk.hi - 1
        with db.atomic():
            began = time.perf_counter()
            rows = chunk.records
            if placeholder and chunk.hi == n:
                *rows, final = rows
                cursor.execute(update_last, (*final[1:], final[0]))
            insert(Record, _RECORD_FIELDS, rows)
            # Actor rows carry their activity's agenda state (open, date,
            # time, cloud).
            cursor.execute(
                f"INSERT INTO {table(RecordActor, *actor_fields)} "
                "SELECT id, creator_id, finished_at IS NULL, date, due_at, cloud_id "
                f"FROM {rec} WHERE id BETWEEN {mark} AND {mark} "
                f"AND type IN ({activities}) ORDER BY id",
                (first, last),
            )
            insert(RecordActor, actor_fields, chunk.actors)
            insert(
                ContactDetails,
                ("record", "organisation", "email", "phone"),
                chunk.contacts,
            )
            insert(Participant, ("record", "person"), chunk.participants)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {entry_table}")
            entries_before = cursor.fetchone()[0]
            insert(TimeEntry, entry_fields, chunk.entries)
            entries += len(chunk.entries)
            if chunk.running is not None:
                # Not if this user started a focus meanwhile (one at a time).
                cursor.execute(running_sql, chunk.running)
                entries += max(0, cursor.rowcount)
            cursor.execute(
                f"INSERT INTO {event} SELECT id, creator_id, "
                f"'{EventKind.CREATED.value}', created_at, "
                f"'{{\"type\": \"' || type || '\"}}' FROM {rec} "
                f"WHERE id BETWEEN {mark} AND {mark} ORDER BY id",
                (first, last),
            )
            insert(Event, ("record", "user", "kind", "at", "data"), chunk.events)
            cursor.execute(
                f"INSERT INTO {event} SELECT id, creator_id, "
                f"'{EventKind.FINISHED.value}', finished_at, '{{}}' FROM {rec} "
                f"WHERE id BETWEEN {mark} AND {mark} AND finished_at IS NOT NULL "
                "ORDER BY id",
                (first, last),
            )
            cursor.execute(
                f"INSERT INTO {event} SELECT record_id, user_id, "
                f"'{EventKind.FOCUSED.value}', ended_at, "
                f"'{{\"seconds\": ' || seconds || '}}' FROM {entry_table} "
                f"WHERE id > {mark} AND ended_at IS NOT NULL ORDER BY id",
                (entries_before,),
            )
            insert(Sale, _SALE_FIELDS, chunk.sales)
            index_records_between(db, first, last)
        committed = time.perf_counter()
        longest = max(longest, committed - began)
    return entries, longest


_RECORD_FIELDS = (
    "id",
    "type",
    "title",
    "body",
    "cloud",
    "creator",
    "parent",
    "date",
    "due_at",
    "finished_at",
    "created_at",
    "updated_at",
)
_SALE_FIELDS = (
    "record",
    "stage",
    "cloud_id",
    "revision",
    "currency",
    "one_time_cents",
    "monthly_cents",
    "sent_date",
    "sold_date",
    "delivered_date",
    "billed_date",
    "monthly_billing",
    "lost_reason",
)


def _reserve_ids(db: peewee.Database, team: _Team, n: int, now: datetime) -> bool:
    """Keep record ids 1..n for the demo while it fills in chunks (records
    get their ids here, so children know their parents without reading
    back); other processes' records meanwhile get ids after them. Call
    in the transaction that found the database empty.

    SQLite gives a new row the highest id + 1: a placeholder with id n (the
    last record's row, filled in by the last chunk) holds the place;
    returns True. PostgreSQL: the id sequence moves past n.
    """
    if isinstance(db, peewee.SqliteDatabase):
        Record.insert(
            id=n,
            type=TASK.key,
            title="Demo data (being filled)",
            cloud=team.me.private,
            creator=team.me.id,
            finished_at=now,
            created_at=now,
            updated_at=now,
        ).execute()
        return True
    (sequence,) = db.execute_sql(
        "SELECT pg_get_serial_sequence(%s, 'id')", (Record._meta.table_name,)
    ).fetchone()
    db.execute_sql(
        f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))",
        (sequence, n),
    )
    return False


# The phase a proposal or order was in on a day, from its sale dates (as
# phases.phase_of decides it at the moment focus starts): the latest step
# whose date is on or before the (UTC) day of the entry's start.
_PHASE_BY_STEP = (
    (3, PROCESS[Stage.BILLED].phase.value),
    (2, PROCESS[Stage.DELIVERED].phase.value),
    (1, PROCESS[Stage.ORDERED].phase.value),
    (0, PROCESS[Stage.SENT].phase.value),
)
_DRAFT_PHASE = PROCESS[Stage.DRAFT].phase.value


def _phase_on_day(days: tuple, started: str) -> str:
    """Time on proposals and orders (and the work under them) gets the
    phase its deal was in when it was spent: proposal, follow-up,
    fulfilment, billing or client care, so the demo's reports show every
    phase. `days` are the sale's (sent, sold, delivered, billed) dates."""
    day = started[:10]
    for step, phase in _PHASE_BY_STEP:
        if days[step] is not None and day >= days[step]:
            return phase
    return _DRAFT_PHASE


def _phase(plan: _Plan, i: int, phase: str, started: str, sale_days: dict) -> str:
    days = sale_days.get(i)
    if days is not None:
        phase = _phase_on_day(days, started)
    parent = plan.r_parent[i]
    if parent >= 0:
        days = sale_days.get(parent)
        if days is not None:
            phase = _phase_on_day(days, started)
    return phase


def _record_rows(plan: _Plan):
    base = plan.base
    utc = plan.utc
    r_day, due_text = plan.r_day, plan.due_text
    r_state, r_created, r_parent = plan.r_state, plan.r_created, plan.r_parent
    r_title, r_body, r_cloud, r_creator = (
        plan.r_title,
        plan.r_body,
        plan.r_cloud,
        plan.r_creator,
    )
    r_finished = plan.r_finished
    for i, rtype in enumerate(plan.r_type):
        state = r_state[i]
        created = utc(r_created[i])
        parent = r_parent[i]
        due = finished = None
        updated = created
        if state == FINISHED:
            finished = updated = utc(r_finished[i])
        elif state == OPEN:
            due = due_text.get(i)
            moved = plan.moved.get(i)
            if moved is not None:
                updated = utc(moved[0])
        yield (
            base + i,
            rtype,
            r_title[i],
            r_body[i],
            r_cloud[i],
            r_creator[i],
            base + parent if parent >= 0 else None,
            r_day[i],
            due,
            finished,
            created,
            updated,
        )


def _sale_rows(plan: _Plan):
    """One sale row per proposal and order, its stage and dates following
    the record: draft and sent proposals are open, lost ones finished;
    finished orders were billed the day they were finished, open ones are
    ordered, delivered or on monthly billing. Dates never go backwards:
    sent <= sold <= delivered <= billed <= today."""
    base = plan.base
    day = plan.local_day_text
    srng = plan.sale_rng
    r_state, r_finished, r_created = plan.r_state, plan.r_finished, plan.r_created
    r_cloud = plan.r_cloud
    for i, story, offer, sent_t, sold_t, extra in plan.sale_plan:
        created = r_created[i]
        finished = r_state[i] == FINISHED
        last = r_finished[i] if finished else plan.now  # nothing after this
        revision = offer.revision
        sent = sold = delivered = billed = None
        monthly_billing = False
        reason = ""
        if story == S_DRAFT:
            stage, revision = Stage.DRAFT.value, 1
        elif story in (S_SENT, S_LOST):
            stage = Stage.SENT.value if story == S_SENT else Stage.LOST.value
            sent = day(max(created, min(sent_t, last)))
            if story == S_LOST:
                reason = LOST_REASONS[extra]
        else:
            if story == S_REPEAT:
                revision = 1  # ordered straight away, no rounds of offers
            sold_w = max(created, min(sold_t, last))
            sent = day(max(created, min(sent_t, sold_w)))
            sold = day(sold_w)
            if finished:
                stage = Stage.BILLED.value
                delivered_w = sold_w + int(srng.random() * (last - sold_w))
                delivered, billed = day(delivered_w), day(last)
            elif extra == 0:
                stage = Stage.ORDERED.value
            else:
                delivered_w = sold_w + int(srng.random() * (last - sold_w))
                delivered = day(delivered_w)
                stage = Stage.DELIVERED.value
                if extra == 2:
                    stage, monthly_billing = Stage.BILLED.value, True
                    billed = day(
                        delivered_w + int(srng.random() * (last - delivered_w))
                    )
        yield (
            base + i,
            stage,
            r_cloud[i],
            revision,
            offer.currency,
            offer.one_time_cents,
            offer.monthly_cents,
            sent,
            sold,
            delivered,
            billed,
            monthly_billing,
            reason,
        )


def _second_actor_rows(plan: _Plan):
    base = plan.base
    r_state, r_day, due_text = plan.r_state, plan.r_day, plan.due_text
    r_cloud = plan.r_cloud
    for i, user in enumerate(plan.r_actor2):
        if user:
            is_open = r_state[i] == OPEN
            yield (base + i, user, is_open, r_day[i], due_text.get(i), r_cloud[i])


def _entry_rows(plan: _Plan, positions: list[int], sale_days: dict) -> list[tuple]:
    """The ended time entries at `positions` of the plan's entry columns."""
    base = plan.base
    utc_span = plan.utc_span
    r_sold, r_phase = plan.r_sold, plan.r_phase
    e_record, e_user, e_start, e_length = (
        plan.e_record,
        plan.e_user,
        plan.e_start,
        plan.e_length,
    )
    rows = []
    for k in positions:
        i, start, seconds = e_record[k], e_start[k], e_length[k]
        sold = r_sold[i]
        phase = LEAD if sold and start < sold else r_phase[i]
        began, ended = utc_span(start, seconds)
        phase = _phase(plan, i, phase, began, sale_days)
        rows.append((e_user[k], base + i, began, ended, seconds, phase))
    return rows


def _running_row(plan: _Plan, sale_days: dict) -> tuple:
    """The user's running focus (no end yet)."""
    i, started = plan.running
    phase = _phase(plan, i, plan.r_phase[i], started, sale_days)
    return (plan.me, plan.base + i, started, None, None, phase)


def _event_rows(plan: _Plan, tags: list, moved: list) -> list[tuple]:
    """The events made here, not copied in SQL: participants and moves."""
    base = plan.base
    utc = plan.utc
    rows = []
    for i, people in tags:
        # As records.py logs them: ids beside names (see views.history_text).
        added = [{"id": base + person, "name": name} for person, name in people]
        data = json.dumps({"added": added}, sort_keys=True)
        rows.append(
            (
                base + i,
                plan.r_creator[i],
                EventKind.PARTICIPANTS.value,
                utc(plan.r_created[i]),
                data,
            )
        )
    for i, (at, before) in moved:
        data = json.dumps({"from": before, "to": plan.when_text(i)}, sort_keys=True)
        rows.append((base + i, plan.r_creator[i], EventKind.MOVED.value, utc(at), data))
    return rows


def _group(participants: list[tuple[int, int, str]]):
    """(note, [(person, name)]) from (note, person, name) rows grouped by note."""
    for note, rows in itertools.groupby(participants, key=lambda row: row[0]):
        yield note, [(person, name) for _note, person, name in rows]


def _chunks(rows: Iterable, size: int):
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _quote(db: peewee.Database, name: str) -> str:
    quote = getattr(db, "quote", '""')
    return quote[0] + name + quote[1]
