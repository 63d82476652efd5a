"""Synthetic sample data: a made-up but plausible project for demos, development, tests and load
checks (`python -m polku init --sample [--scale N] [--seed S]`).

Everything comes from a seeded random generator, so the same seed, scale and "as of" date give
the same rows on any day and on any database. Clients are random pseudonymous codes with no
link to a real person; no names, identity codes or diagnoses appear anywhere. The facts of the
project (municipalities and populations, statuses, target groups, outcome types, phases and
checklist items, services, operating models, indicator targets, budget) are read from the
tables the project definition filled, so an edited project.toml changes the sample too.
A database that already holds clients is left alone.
"""

from __future__ import annotations

import math
import random
import string
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Table, func, insert
from sqlmodel import Session, SQLModel, col, select

from models import (
    BonusGrant,
    BonusPayment,
    BudgetLine,
    ChecklistItem,
    Client,
    ClientStatus,
    ClientTargetGroup,
    CostEntry,
    DeclaredAid,
    Employer,
    Indicator,
    MoneyRules,
    Municipality,
    MunicipalityService,
    MunicipalitySetup,
    OperatingModel,
    Outcome,
    OutcomeType,
    PartnershipAgreement,
    Phase,
    Project,
    SalaryRecord,
    Service,
    StaffMember,
    StaffRole,
    StatusEpisode,
    TargetGroup,
    User,
    UserMunicipality,
    WorkPackage,
    metadata,
)
from polku.project import Demo, demo, read_project_file
from polku.rules.clients import LEAVING_FIELDS
from polku.validation import business_id_check_digit

# The fixed "today" of the sample, so a seed gives the same data whenever it is run: as_of of
# the project file's [demo] table, else this day (moved into the project's period)
SAMPLE_AS_OF = date(2026, 11, 29)
SAMPLE_AUTHOR = "sample"

# Codes of the project definition that play a special part here; all others are read as is
COMPANY_EMPLOYMENT = "employment_company"
THIRD_SECTOR_EMPLOYMENT = "employment_third_sector"
SUPPORTED_ENTREPRENEURSHIP = "supported_entrepreneurship"
EDUCATION = "education"
YOUTH_GROUP = "youth"
LONG_TERM_GROUP = "long_term_unemployed"
SALARIES_LINE = "salaries"
PILOT_PHASE = "pilot"
CLIENTS_INDICATOR = "clients"
PARTNERS_INDICATOR = "partner_companies"
BONUS_INDICATOR = "bonus_employers"

# Demo users; the coordinator's and the director's municipalities come from [demo] of the
# project file (default: the lead municipality, and the biggest one besides it)
DEMO_ADMIN = "admin@example.fi"
DEMO_COORDINATOR = "koordinaattori.demo@example.fi"
DEMO_DIRECTOR = "johtaja.demo@example.fi"
DEMO_ANALYST = "analyytikko@example.fi"

# Employer types and contract codes are the app's fixed code sets (CHECK constraints in models)
COMPANY, ASSOCIATION, FOUNDATION, PRIVATE_PERSON = (
    "company",
    "association",
    "foundation",
    "private_person",
)

SizeUnit = Literal["today", "plan"]

# --- Sizes at scale 1, relative to the plan's straight-line pace by the "as of" date ---------
CLIENT_PACE = 1.1  # entries run a little ahead of the straight line (referrals started fast)
PARTNER_PACE = 1.6  # partnership agreements ahead of the straight-line pace
EMPLOYERS_PER_PARTNER_TARGET = 1.15  # the employer register holds more than the partners
GRANTS_PER_BONUS_EMPLOYER = 1.25  # some employers receive several grants
MIN_EMPLOYERS = 12

# --- Relative frequencies: the sample's own assumptions; codes not named get DEFAULT_WEIGHT --
DEFAULT_WEIGHT = 5.0
STATUS_WEIGHTS = {
    "work_trial": 30,
    "rehab_wellbeing_county": 22,
    "rehab_new": 18,
    "career_coaching": 12,
    "municipal_trainee": 10,
    "work_based_learning": 7,
    "rehabilitee": 3,
}
# The situation on leaving of one who left without a job or studies (ESF+ results)
LEAVING_WEIGHTS = {"job_searching": 60, "inactive": 20, "other": 12, "education": 8}
TARGET_GROUP_WEIGHTS = {
    "long_term_unemployed": 45,
    "youth": 25,
    "partial_work_capacity": 18,
    "immigrants": 12,
}
EXIT_OUTCOME_WEIGHTS = {
    "employment_company": 40,
    "education": 17,
    "other_service": 15,
    "employment_municipality": 12,
    "employment_third_sector": 10,
    "employment_coaching_environment": 6,
}
EMPLOYER_MIX = ((COMPANY, 0.78), (ASSOCIATION, 0.12), (FOUNDATION, 0.05), (PRIVATE_PERSON, 0.05))
GENDER_WEIGHTS = {"female": 44, "male": 54, "other": 2}
EDUCATION_WEIGHTS = {"isced_0_2": 40, "isced_3_4": 48, "isced_5_8": 12}

PLAN_GOALS = (
    "Työllistyminen avoimille työmarkkinoille",
    "Koulutukseen hakeutuminen",
    "Työ- ja toimintakyvyn selvittäminen",
    "Työkokeilun kautta työsuhteeseen",
    "Ammatillisen tutkinnon aloittaminen",
    "Arjenhallinnan ja työkyvyn vahvistaminen",
    "Palkkatuettu työ yrityksessä",
    "Suomen kielen taidon vahvistaminen ja työllistyminen",
    "Oppisopimuskoulutukseen siirtyminen",
    "Yrittäjyyden mahdollisuuksien selvittäminen",
    "Kuntoutukseen ohjautuminen",
)

# Employer names begin with a place word: the region's own (lakes, villages) from place_words
# of [demo] in the project file, else these; never a municipality's name
PLACE_WORDS = tuple(
    "Järviseudun Rantakylän Niittylahden Kuusijärven Mäntyharjun Koivulahden Saarelan "
    "Kallioniemen Harjun Salmenkylän".split()
)
# Sample client codes: client_prefix of [demo] in the project file, else this
CLIENT_PREFIX = "AS-"
COMPANY_TRADES = tuple(
    "Puu ja Rakennus, Kotipalvelu, Konepaja, Siivouspalvelu, Kuljetus, Sähkö, "
    "Metsäpalvelu, Ravintola, Kiinteistöhuolto, Autokorjaamo, Maalaus, LVI-palvelu, "
    "Puutarha, Hoivapalvelu, Leipomo, Matkailu, Tilitoimisto, Kone ja Kuljetus, "
    "IT-palvelu, Kauppa, Pesula, Teräs, Elintarvike, Kalustepaja".split(", ")
)
COMPANY_FORMS = (("Oy", 85), ("Ky", 15))
ASSOCIATION_KINDS = tuple(
    "Nuorisoseura, Kyläyhdistys, Työttömät, Urheiluseura, Marttayhdistys, "
    "Eläkeläiset, Kulttuuriyhdistys, 4H-yhdistys, Mielenterveysyhdistys, "
    "Kierrätysyhdistys".split(", ")
)
FOUNDATION_KINDS = ("Työkeskussäätiö", "Asumispalvelusäätiö", "Kuntoutussäätiö", "Nuorisosäätiö")
PRIVATE_KINDS = ("Maatila", "Kotitalous", "Metsätila", "Hevostalli")
PARTNERSHIP_NOTES = (
    "Työkokeilupaikkoja tarjolla",
    "Rekrytointiyhteistyö",
    "Oppisopimusyhteistyö",
    "Perehdytysmallin pilotointi",
)

# Checklist owners are role titles, never persons; the project's staff roles are added to these
MUNICIPAL_OWNER_TITLES = (
    "Kunnan työllisyyskoordinaattori",
    "Elinvoimajohtaja",
    "Talouspäällikkö",
)
CHECKLIST_NOTES = {
    "done": ("Valmis, muistio tallennettu.", "Hyväksytty ohjausryhmässä."),
    "in_progress": ("Neuvottelut käynnissä.", "Luonnos kommentoitavana.", "Työpaja pidetty."),
    "not_started": ("Aloitetaan edellisen vaiheen jälkeen.", "Aikataulu sovitaan syksyllä."),
    "blocked": ("Odottaa kunnanhallituksen päätöstä.", "Tilat eivät vielä käytettävissä."),
    "not_applicable": ("Ei koske tätä kuntaa.",),
}
# The region-wide package (WP2) is in its second phase: launch done, employment bonus under way
REGION_CURRENT_PHASE = 1

# Staff: made-up names; pay relative to the other roles (1 for a role not named); hiring over
# the first months; the unit-cost model's hours are fewer in July (holidays), a little more
# otherwise; a pay rise documented every January
STAFF_FIRST_NAMES = (
    "Aino", "Eero", "Helmi", "Ilkka", "Johanna", "Kalle", "Laura", "Mikko", "Niina", "Olli",
    "Pirjo", "Riikka", "Sami", "Tiina", "Ville", "Anu", "Jari", "Katja", "Marko", "Satu",
)  # fmt: skip
STAFF_LAST_NAMES = (
    "Esimerkki", "Kuvitelma", "Mallinen", "Testinen", "Keksitty", "Harjoitus", "Otos", "Näyte",
)  # fmt: skip
ROLE_PAY = {"project_manager": 1.45, "project_coordinator": 1.2, "project_secretary": 0.85}
HIRING_OFFSETS = (0, 0, 0, 1, 1, 2)  # months after the start a person is hired
PAY_DAY = 20
PERSONAL_PAY = (0.93, 1.07)
MONTHLY_NOISE = (0.98, 1.02)
JULY_HOURS, OTHER_HOURS = 0.55, 1.04
EMPLOYER_COST_FACTOR = Decimal("1.25")  # the annual cost is about a quarter above the gross pay
ANNUAL_RAISE = 1.02

CODE_ALPHABET = string.ascii_uppercase + string.digits
CENT = Decimal("0.01")


@dataclass
class SampleResult:
    """What load_sample added (or that it skipped a database that already has clients)."""

    skipped: bool = False
    clients: int = 0
    client_target_groups: int = 0
    status_episodes: int = 0
    outcomes: int = 0
    employers: int = 0
    partnership_agreements: int = 0
    bonus_grants: int = 0
    bonus_payments: int = 0
    checklist_items: int = 0
    municipality_setups: int = 0
    municipality_services: int = 0
    cost_entries: int = 0
    staff_members: int = 0
    salary_records: int = 0
    users: int = 0

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "skipped"}

    def summary(self) -> str:
        if self.skipped:
            return "Tietokannassa on jo asiakkaita: esimerkkiaineistoa ei ladattu."
        parts = [
            _count(self.clients, "asiakas", "asiakasta"),
            _count(self.employers, "työnantaja", "työnantajaa"),
            _count(self.partnership_agreements, "kumppanuussopimus", "kumppanuussopimusta"),
            _count(self.bonus_grants, "työllistämislisähakemus", "työllistämislisähakemusta"),
            _count(self.status_episodes, "tilajakso", "tilajaksoa"),
            _count(self.outcomes, "tulos", "tulosta"),
            _count(self.checklist_items, "tarkistuslistan kohta", "tarkistuslistan kohtaa"),
            _count(self.cost_entries, "kustannuskirjaus", "kustannuskirjausta"),
            _count(self.staff_members, "työntekijä", "työntekijää"),
            _count(self.salary_records, "palkkakuukausi", "palkkakuukautta"),
            _count(self.users, "käyttäjä", "käyttäjää"),
        ]
        return "Esimerkkiaineisto ladattu: " + ", ".join(parts) + "."


def _count(n: int, singular: str, partitive: str) -> str:
    # Finnish groups thousands with a (non-breaking) space: 1 234
    number = f"{n:,}".replace(",", "\u00a0")
    return f"{number} {singular if n == 1 else partitive}"


# ---------------------------------------------------------------------------------------------
# The project definition as the generator needs it


@dataclass(frozen=True)
class _Municipality:
    code: str
    name: str
    population: int


@dataclass
class _Plan:
    start: date
    end: date
    lead: str
    municipalities: list[_Municipality]
    statuses: list[str]
    target_groups: list[str]
    outcome_types: dict[str, bool]  # code -> counts as employment
    services: list[str]
    operating_models: list[str]
    targets: dict[str, Decimal]
    budget: dict[str, Decimal]
    owner_titles: list[str]
    demo: Demo
    place_words: tuple[str, ...]
    client_prefix: str

    def weights(self) -> list[int]:
        return [m.population for m in self.municipalities]

    def name_of(self, code: str) -> str:
        return next(m.name for m in self.municipalities if m.code == code)

    def default_as_of(self) -> date:
        """[demo] as_of of the project file, else SAMPLE_AS_OF within the project's period."""
        return self.demo.as_of or min(self.end, max(self.start, SAMPLE_AS_OF))


def _read_plan(session: Session, project_file: Path | None = None) -> _Plan:
    project = session.exec(select(Project)).first()
    if project is None:
        raise ValueError("the project definition is not loaded: run `python -m polku init` first")
    municipalities = [
        _Municipality(m.code, m.name, m.population)
        for m in session.exec(select(Municipality).order_by(col(Municipality.code)))
    ]
    if not municipalities:
        raise ValueError("the project definition has no municipalities")

    def codes(model: Any) -> list[str]:
        return list(session.exec(select(model.code).order_by(model.position, model.code)))

    roles = list(session.exec(select(StaffRole.name_fi).order_by(col(StaffRole.position))))
    demo_table = read_project_file(project_file).get("demo", {})
    return _Plan(
        start=project.start_date,
        end=project.end_date,
        lead=project.lead_municipality_code,
        municipalities=municipalities,
        statuses=codes(ClientStatus),
        target_groups=codes(TargetGroup),
        outcome_types={
            t.code: t.employment
            for t in session.exec(select(OutcomeType).order_by(col(OutcomeType.position)))
        },
        services=codes(Service),
        operating_models=codes(OperatingModel),
        targets={i.code: Decimal(i.target) for i in session.exec(select(Indicator))},
        budget={b.code: Decimal(b.amount) for b in session.exec(select(BudgetLine))},
        owner_titles=roles + list(MUNICIPAL_OWNER_TITLES),
        demo=demo(project_file),
        place_words=tuple(demo_table.get("place_words", PLACE_WORDS)),
        client_prefix=str(demo_table.get("client_prefix", CLIENT_PREFIX)),
    )


@dataclass(frozen=True)
class _Sizes:
    clients: int
    employers: int
    partnerships: int
    bonus_employers: int
    grants: int


def _sizes(plan: _Plan, scale: float, as_of: date, unit: SizeUnit = "today") -> _Sizes:
    """Row counts: the plan's targets × the elapsed share of the period × pace × scale. In the
    unit "plan", scale 1 is the project's whole planned size instead (its client target × the
    pace), still with every date up to `as_of`."""
    elapsed = min(1.0, max(0.0, (as_of - plan.start).days / max(1, (plan.end - plan.start).days)))
    if unit == "plan":
        scale = scale / max(elapsed, 1 / max(1, (plan.end - plan.start).days))

    def target(code: str) -> float:
        return float(plan.targets.get(code, Decimal(0)))

    clients = target(CLIENTS_INDICATOR) * elapsed * CLIENT_PACE
    partners = target(PARTNERS_INDICATOR) * elapsed * PARTNER_PACE
    bonus_employers = target(BONUS_INDICATOR) * elapsed
    employers = max(
        target(PARTNERS_INDICATOR) * EMPLOYERS_PER_PARTNER_TARGET,
        1.5 * max(partners, bonus_employers),
    )
    n_employers = max(MIN_EMPLOYERS, round(employers * scale))
    n_bonus = min(round(bonus_employers * scale), n_employers)
    return _Sizes(
        clients=max(1, round(clients * scale)),
        employers=n_employers,
        partnerships=min(round(partners * scale), n_employers * 3 // 4),
        bonus_employers=n_bonus,
        grants=round(n_bonus * GRANTS_PER_BONUS_EMPLOYER),
    )


# ---------------------------------------------------------------------------------------------
# Small helpers


def _table(model: type[SQLModel]) -> Table:
    return metadata.tables[str(model.__tablename__)]


def _insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(_table(model)), rows)


def _insert_returning_ids(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]]
) -> list[int]:
    """Bulk insert; the new ids in the order of `rows` (works on SQLite and PostgreSQL)."""
    if not rows:
        return []
    table = _table(model)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(i) for i in session.execute(stmt, rows).scalars().all()]


def _pick(rng: random.Random, weights: Mapping[str, float], codes: Sequence[str]) -> str:
    """One of `codes` (read from the tables) by the weights named here."""
    return rng.choices(list(codes), [weights.get(c, DEFAULT_WEIGHT) for c in codes])[0]


def _day_between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


def _ramp_date(rng: random.Random, first: date, last: date, floor: float = 0.15) -> date:
    """A date whose density grows linearly from `first` to `last` (few early, many late);
    July, the Finnish holiday month, is quieter."""
    span = max(0, (last - first).days)
    while True:
        # Inverse CDF of a density proportional to floor + t on [0, 1]
        t = -floor + math.sqrt(floor * floor + rng.random() * (2 * floor + 1))
        day = first + timedelta(days=min(span, int(t * (span + 1))))
        if day.month != 7 or rng.random() < 0.5:
            return day


def _allocate(total: int, municipalities: list[_Municipality]) -> dict[str, int]:
    """`total` split by population, largest remainder first (exactly proportional)."""
    population = sum(m.population for m in municipalities) or 1
    quotas = {m.code: total * m.population / population for m in municipalities}
    counts = {code: math.floor(q) for code, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda c: (-(quotas[c] - counts[c]), c))
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def _business_id(rng: random.Random, used: set[str]) -> str:
    while True:
        digits = f"{rng.randint(100000, 3299999):07d}"
        check = business_id_check_digit(digits)
        candidate = f"{digits}-{check}"
        if check is not None and candidate not in used:
            used.add(candidate)
            return candidate


# ---------------------------------------------------------------------------------------------
# Employers and partnership agreements


@dataclass(frozen=True)
class _Employer:
    id: int
    type: str
    municipality: str | None


def _employer_types(rng: random.Random, n: int) -> list[str]:
    """The employer mix, every type present even at tiny scales, in random order."""
    counts = {kind: max(1, round(n * share)) for kind, share in EMPLOYER_MIX[1:]}
    counts[COMPANY] = max(1, n - sum(counts.values()))
    types = [kind for kind, _ in EMPLOYER_MIX for _ in range(counts[kind])]
    rng.shuffle(types)
    return types


def _employer_name(
    rng: random.Random, places: Sequence[str], kind: str, taken: set[str], serial: int
) -> str:
    place = rng.choice(places)
    if kind == COMPANY:
        form = rng.choices([f for f, _ in COMPANY_FORMS], [w for _, w in COMPANY_FORMS])[0]
        parts = (place, rng.choice(COMPANY_TRADES), form)
    elif kind == ASSOCIATION:
        parts = (place, rng.choice(ASSOCIATION_KINDS), "ry")
    elif kind == FOUNDATION:
        parts = (place, rng.choice(FOUNDATION_KINDS), "sr")
    else:
        return f"{rng.choice(PRIVATE_KINDS)} (yksityinen työnantaja {serial})"
    name = " ".join(parts)
    number = 2
    while name in taken:  # a distinguishing number before the company form
        name = f"{parts[0]} {parts[1]} {number} {parts[2]}"
        number += 1
    taken.add(name)
    return name


def _load_employers(session: Session, rng: random.Random, plan: _Plan, n: int) -> list[_Employer]:
    used_ids = {b for b in session.exec(select(Employer.business_id)) if b is not None}
    used_ids |= {
        b for b in session.exec(select(Municipality.business_id)) if b is not None
    }  # no clash with the municipalities' own IDs
    taken = set(session.exec(select(Employer.name)))
    codes = [m.code for m in plan.municipalities]
    rows: list[dict[str, Any]] = []
    for serial, kind in enumerate(_employer_types(rng, n), start=1):
        rows.append(
            {
                "name": _employer_name(rng, plan.place_words, kind, taken, serial),
                "employer_type": kind,
                "business_id": None if kind == PRIVATE_PERSON else _business_id(rng, used_ids),
                "municipality_code": rng.choices(codes, plan.weights())[0],
            }
        )
    ids = _insert_returning_ids(session, Employer, rows)
    return [
        _Employer(i, r["employer_type"], r["municipality_code"])
        for i, r in zip(ids, rows, strict=True)
    ]


def _load_partnerships(
    session: Session,
    rng: random.Random,
    plan: _Plan,
    employers: list[_Employer],
    n: int,
    as_of: date,
) -> int:
    companies = [e for e in employers if e.type == COMPANY]
    others = [e for e in employers if e.type in (ASSOCIATION, FOUNDATION)]
    rng.shuffle(companies)
    rng.shuffle(others)
    n_companies = min(len(companies), round(n * 0.85))
    chosen = companies[:n_companies] + others[: n - n_companies]
    first = min(as_of, plan.start + timedelta(days=20))  # the network took a few weeks to start
    rows = []
    for employer in chosen:
        start = _ramp_date(rng, first, as_of, floor=0.4)
        end = None
        if (as_of - start).days > 60 and rng.random() < 0.08:
            end = _day_between(rng, start + timedelta(days=30), as_of)
        rows.append(
            {
                "employer_id": employer.id,
                "signed_on": max(plan.start, start - timedelta(days=rng.randint(0, 14))),
                "start_date": start,
                "end_date": end,
                "note": rng.choice(PARTNERSHIP_NOTES) if rng.random() < 0.3 else None,
            }
        )
    _insert(session, PartnershipAgreement, rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Clients, target groups, status episodes, outcomes


@dataclass
class _Client:
    row: dict[str, Any]
    groups: list[str]
    episodes: list[tuple[str, date, date | None]]
    outcomes: list[tuple[str, date, int | None]]
    id: int = 0

    @property
    def entry(self) -> date:
        return self.row["entry_date"]

    @property
    def exit(self) -> date | None:
        return self.row["exit_date"]


def _client_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    # Random letters and digits: nothing in the code derives from the person
    while True:
        code = prefix + "".join(rng.choices(CODE_ALPHABET, k=8))
        if code not in used:
            used.add(code)
            return code


def _groups(rng: random.Random, plan: _Plan) -> list[str]:
    groups = [_pick(rng, TARGET_GROUP_WEIGHTS, plan.target_groups)]
    if len(plan.target_groups) > 1 and rng.random() < 0.35:
        rest = [g for g in plan.target_groups if g not in groups]
        groups.append(_pick(rng, TARGET_GROUP_WEIGHTS, rest))
    return sorted(groups)


def _birth_year(rng: random.Random, entry: date, young: bool) -> int:
    # Young people are 18-29 at entry; the others mostly 30-66, a few in their late twenties
    if young:
        age = rng.randint(18, 29)
    elif rng.random() < 0.06:
        age = rng.randint(25, 29)
    else:
        age = round(rng.triangular(30, 66, 42))
    return min(2008, max(1960, entry.year - age))


def _labour_status(rng: random.Random, groups: list[str]) -> tuple[str, int]:
    if LONG_TERM_GROUP in groups or rng.random() < 0.15:
        return "long_term_unemployed", rng.randint(12, 72)
    if rng.random() < 0.75:
        return "unemployed", rng.randint(1, 11)
    return "inactive", 0


def _episodes(
    rng: random.Random, plan: _Plan, entry: date, exit_: date | None, as_of: date
) -> list[tuple[str, date, date | None]]:
    """1-3 consecutive statuses from entry; the last open unless the client has left."""
    span = ((exit_ or as_of) - entry).days
    k = rng.choices([1, 2, 3], [45, 37, 18])[0]
    k = min(k, 1 + span // 30)  # every status lasts at least a fortnight or so
    cuts = sorted(rng.sample(range(14, span - 13), k - 1)) if k > 1 else []
    if any(b - a < 14 for a, b in zip(cuts, cuts[1:], strict=False)):
        cuts = cuts[:1]
    starts = [entry] + [entry + timedelta(days=c) for c in cuts]
    episodes: list[tuple[str, date, date | None]] = []
    previous: str | None = None
    for i, start in enumerate(starts):
        options = [s for s in plan.statuses if s != previous] or plan.statuses
        status = _pick(rng, STATUS_WEIGHTS, options)
        end = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else exit_
        episodes.append((status, start, end))
        previous = status
    return episodes


class _EmployerPool:
    """Employers by type and municipality, for outcomes and grants."""

    def __init__(self, employers: list[_Employer]) -> None:
        self.by_type: dict[str, list[_Employer]] = defaultdict(list)
        self.companies_in: dict[str | None, list[_Employer]] = defaultdict(list)
        for e in employers:
            self.by_type[e.type].append(e)
            if e.type == COMPANY:
                self.companies_in[e.municipality].append(e)

    def company(self, rng: random.Random, municipality: str) -> int | None:
        local = self.companies_in.get(municipality)
        pool = local if local and rng.random() < 0.7 else self.by_type.get(COMPANY)
        return rng.choice(pool).id if pool else None

    def third_sector(self, rng: random.Random) -> int | None:
        pool = self.by_type.get(ASSOCIATION, []) + self.by_type.get(FOUNDATION, [])
        return rng.choice(pool).id if pool else None


def _outcome_employer(
    rng: random.Random, pool: _EmployerPool, kind: str, municipality: str
) -> int | None:
    if kind == COMPANY_EMPLOYMENT:
        return pool.company(rng, municipality)
    if kind == THIRD_SECTOR_EMPLOYMENT:
        return pool.third_sector(rng)
    return None


def _outcomes(
    rng: random.Random, plan: _Plan, pool: _EmployerPool, client: _Client, as_of: date
) -> tuple[list[tuple[str, date, int | None]], bool | None]:
    """The client's outcomes and, for one who has left, whether the plan goal was reached."""
    entry, exit_ = client.entry, client.exit
    municipality = client.row["municipality_code"]
    exit_types = [c for c in plan.outcome_types if c != SUPPORTED_ENTREPRENEURSHIP]
    if not pool.by_type.get(COMPANY):
        exit_types = [c for c in exit_types if c != COMPANY_EMPLOYMENT]
    outcomes: list[tuple[str, date, int | None]] = []
    last = exit_ or as_of
    entrepreneur = (
        SUPPORTED_ENTREPRENEURSHIP in plan.outcome_types
        and (last - entry).days >= 45
        and rng.random() < 0.025
    )
    if entrepreneur:  # the supported-entrepreneurship path has started
        outcomes.append(
            (SUPPORTED_ENTREPRENEURSHIP, _day_between(rng, entry + timedelta(days=30), last), None)
        )
    if exit_ is None:
        # A few still in the project already work at a company (part-time, with coaching)
        if (
            not entrepreneur
            and COMPANY_EMPLOYMENT in exit_types
            and (as_of - entry).days >= 60
            and rng.random() < 0.04
        ):
            day = _day_between(rng, entry + timedelta(days=30), as_of)
            outcomes.append((COMPANY_EMPLOYMENT, day, pool.company(rng, municipality)))
        return outcomes, None
    if not entrepreneur and exit_types and rng.random() < 0.85:
        kind = _pick(rng, EXIT_OUTCOME_WEIGHTS, exit_types)
        day = max(entry, exit_ - timedelta(days=rng.randint(0, 14)))
        if (
            kind == COMPANY_EMPLOYMENT
            and EDUCATION in plan.outcome_types
            and (day - entry).days > 30
            and rng.random() < 0.08
        ):  # a short course first, then the job
            outcomes.append((EDUCATION, _day_between(rng, entry, day - timedelta(days=14)), None))
        outcomes.append((kind, day, _outcome_employer(rng, pool, kind, municipality)))
    if not outcomes:
        reached = rng.random() < 0.3
    elif plan.outcome_types.get(outcomes[-1][0]) or outcomes[-1][0] in (
        EDUCATION,
        SUPPORTED_ENTREPRENEURSHIP,
    ):
        reached = rng.random() < 0.8
    else:
        reached = rng.random() < 0.5
    return outcomes, reached


def _make_clients(
    rng: random.Random, plan: _Plan, pool: _EmployerPool, n: int, as_of: date
) -> list[_Client]:
    homes = [
        code for code, k in sorted(_allocate(n, plan.municipalities).items()) for _ in range(k)
    ]
    rng.shuffle(homes)
    codes: set[str] = set()
    clients = []
    for municipality in homes:
        groups = _groups(rng, plan)
        entry = _ramp_date(rng, plan.start, as_of)
        days_in = (as_of - entry).days
        exit_ = None
        if days_in >= 45 and rng.random() < min(0.75, days_in / 300):
            exit_ = entry + timedelta(days=rng.randint(30, days_in))
        status, months = _labour_status(rng, groups)
        client = _Client(
            row={
                "code": _client_code(rng, plan.client_prefix, codes),
                "municipality_code": municipality,
                "birth_year": _birth_year(rng, entry, YOUTH_GROUP in groups),
                "gender": _pick(rng, GENDER_WEIGHTS, list(GENDER_WEIGHTS)),
                "education_level": _pick(rng, EDUCATION_WEIGHTS, list(EDUCATION_WEIGHTS)),
                "labour_status_at_entry": status,
                "unemployment_months": months,
                "entry_date": entry,
                "exit_date": exit_,
                "plan_goal": rng.choice(PLAN_GOALS),
                "plan_goal_reached": None,
            },
            groups=groups,
            episodes=_episodes(rng, plan, entry, exit_, as_of),
            outcomes=[],
        )
        client.outcomes, client.row["plan_goal_reached"] = _outcomes(rng, plan, pool, client, as_of)
        client.row.update(_leaving(plan, client, as_of))
        clients.append(client)
    return clients


def _leaving(plan: _Plan, client: _Client, as_of: date) -> dict[str, Any]:
    """The situation on leaving, the day it began, a qualification and the six-month follow-up
    of a client who left (the ESF+ results). Drawn from the client's own generator, seeded by
    its code, so they leave every other value of the sample as it was before they existed."""
    leaving: dict[str, Any] = dict.fromkeys(LEAVING_FIELDS)
    exit_ = client.exit
    if exit_ is None:
        return leaving
    rng = random.Random(f"leaving:{client.row['code']}")
    last = client.outcomes[-1][0] if client.outcomes else None
    employed = last == SUPPORTED_ENTREPRENEURSHIP or plan.outcome_types.get(last or "", False)
    if employed:
        situation = "employed" if rng.random() < 0.92 else "job_searching"
    elif last == EDUCATION:
        situation = "education"
    else:
        situation = rng.choices(list(LEAVING_WEIGHTS), list(LEAVING_WEIGHTS.values()))[0]
    draw = rng.random()
    if draw < 0.04:  # recorded without its day: not counted
        began = None
    elif draw < 0.08:  # began over four weeks after the exit: not counted
        began = exit_ + timedelta(days=rng.randint(29, 60))
    else:
        began = exit_ + timedelta(days=rng.randint(0, 21) if rng.random() < 0.4 else 0)
    leaving["situation_on_leaving"] = situation
    leaving["situation_date"] = None if began is None else max(exit_, min(began, as_of))
    leaving["qualification_gained"] = rng.random() < (0.5 if last == EDUCATION else 0.06)
    if _add_months(exit_, 6) <= as_of and rng.random() < 0.9:  # a few not reached
        leaving["employed_6_months"] = rng.random() < (0.8 if employed else 0.25)
    return leaving


def _load_clients(session: Session, clients: list[_Client], result: SampleResult) -> None:
    ids = _insert_returning_ids(session, Client, [c.row for c in clients])
    for client, id_ in zip(clients, ids, strict=True):
        client.id = id_
    groups = [{"client_id": c.id, "target_group_code": g} for c in clients for g in c.groups]
    episodes = [
        {"client_id": c.id, "status_code": s, "start_date": start, "end_date": end}
        for c in clients
        for s, start, end in c.episodes
    ]
    outcomes = [
        {
            "client_id": c.id,
            "outcome_type_code": t,
            "outcome_date": d,
            "employer_id": e,
            "note": None,
        }
        for c in clients
        for t, d, e in c.outcomes
    ]
    _insert(session, ClientTargetGroup, groups)
    _insert(session, StatusEpisode, episodes)
    _insert(session, Outcome, outcomes)
    result.clients = len(clients)
    result.client_target_groups = len(groups)
    result.status_episodes = len(episodes)
    result.outcomes = len(outcomes)


# ---------------------------------------------------------------------------------------------
# Employment bonus grants and their payments


def _grant_candidates(clients: list[_Client]) -> list[tuple[_Client, int, date]]:
    """(client, employer id, employment start) of every recorded job at a company."""
    return [
        (c, employer, day)
        for c in clients
        for kind, day, employer in c.outcomes
        if employer is not None and kind == COMPANY_EMPLOYMENT
    ]


def _grant_row(
    rng: random.Random,
    plan: _Plan,
    employer: _Employer,
    client: _Client,
    start: date,
    as_of: date,
) -> dict[str, Any]:
    months = rng.randint(3, 12)
    permanent = rng.random() < 0.25
    hours = Decimal(str(rng.choice((18, 20, 24, 25, 30, 32, 35, 37.5))))
    # The bonus grows with the weekly hours, from 300 € (18 h) to 800 € (37.5 h)
    monthly = Decimal(300 + round((float(hours) - 18) / 19.5 * 10) * 50).quantize(CENT)
    amount = (monthly * months).quantize(CENT)
    applied = max(plan.start, min(as_of, start - timedelta(days=rng.randint(0, 21))))
    decided: date | None = applied + timedelta(days=rng.randint(5, 28))
    if decided is None or decided > as_of:  # not decided by as_of
        decision, decided = "pending", None
    else:
        decision = "refused" if rng.random() < 0.12 else "granted"
    after_6 = after_12 = None
    if decision == "granted" and _add_months(start, 6) <= as_of:
        after_6 = rng.random() < (0.9 if permanent else 0.7)
        if _add_months(start, 12) <= as_of:
            after_12 = after_6 and rng.random() < 0.8
    return {
        "employer_id": employer.id,
        "client_id": client.id,
        "employment_start": start,
        "employment_end": None if permanent else _add_months(start, months) - timedelta(days=1),
        "contract_type": "permanent" if permanent else "fixed_term",
        "weekly_hours": hours,
        "monthly_amount": monthly,
        "months": months,
        "amount": amount,
        "application_date": applied,
        "decision_date": decided,
        "decision": decision,
        "de_minimis_amount": amount if employer.type == COMPANY and decision != "refused" else None,
        "employed_after_6_months": after_6,
        "employed_after_12_months": after_12,
    }


def _payments(grant: dict[str, Any], grant_id: int, as_of: date) -> list[dict[str, Any]]:
    """Monthly payments in arrears; months due before the decision are paid with the first."""
    if grant["decision"] != "granted":
        return []
    first_possible = grant["decision_date"] + timedelta(days=14)
    due: dict[date, int] = defaultdict(int)
    for i in range(grant["months"]):
        paid_on = max(_add_months(grant["employment_start"], i + 1), first_possible)
        if paid_on <= as_of:
            due[paid_on] += 1
    return [
        {"grant_id": grant_id, "paid_on": day, "amount": grant["monthly_amount"] * k}
        for day, k in sorted(due.items())
    ]


def _load_grants(
    session: Session,
    rng: random.Random,
    plan: _Plan,
    employers: list[_Employer],
    clients: list[_Client],
    n: int,
    as_of: date,
    result: SampleResult,
) -> None:
    by_id = {e.id: e for e in employers}
    candidates = _grant_candidates(clients)
    rng.shuffle(candidates)
    used: set[int] = set()
    chosen: list[tuple[_Employer, _Client, date]] = []
    for client, employer_id, start in candidates:  # most grants follow a recorded employment
        if len(chosen) >= round(n * 0.7):
            break
        if client.id not in used:
            used.add(client.id)
            chosen.append((by_id[employer_id], client, start))
    active = [c for c in clients if c.exit is None and (as_of - c.entry).days >= 30]
    rng.shuffle(active)
    for client in active:  # the rest: clients in the project hired with the bonus
        if len(chosen) >= n:
            break
        if client.id in used:
            continue
        granted_so_far = sorted({e.id for e, _, _ in chosen})
        if granted_so_far and rng.random() < 0.45:
            employer = by_id[rng.choice(granted_so_far)]
        else:
            employer = rng.choice(employers)
        used.add(client.id)
        start = _day_between(rng, client.entry + timedelta(days=14), as_of - timedelta(days=7))
        chosen.append((employer, client, start))
    rows = [_grant_row(rng, plan, e, c, start, as_of) for e, c, start in chosen]
    ids = _insert_returning_ids(session, BonusGrant, rows)
    payments = [p for row, id_ in zip(rows, ids, strict=True) for p in _payments(row, id_, as_of)]
    _insert(session, BonusPayment, payments)
    result.bonus_grants = len(rows)
    result.bonus_payments = len(payments)


# Grantors of de minimis aid that companies declare besides the project's bonuses
AID_GRANTORS = ("Business Finland", "Ruokavirasto", "Kunnan elinkeinopalvelut")


def _load_declared_aid(
    session: Session, rng: random.Random, employers: list[_Employer], as_of: date
) -> None:
    """De minimis aid from other grantors that about every fifth company declared, granted
    in the two years before `as_of`."""
    companies = [e for e in employers if e.type == COMPANY]
    rows = [
        {
            "employer_id": e.id,
            "grantor": rng.choice(AID_GRANTORS),
            "decision_date": _day_between(rng, as_of - timedelta(days=730), as_of),
            "amount": Decimal(rng.randrange(2_000, 40_000, 500)),
            "legal_basis": "Komission asetus (EU) 2023/2831",
        }
        for e in companies[: max(1, len(companies) // 5)]
    ]
    _insert(session, DeclaredAid, rows)


# ---------------------------------------------------------------------------------------------
# Checklists, operating models and services of the municipalities


def _current_phases(rng: random.Random, plan: _Plan, n_phases: int) -> dict[str, int]:
    """Where each municipality is: the lead and the next two biggest in pilot or stabilisation,
    the three smallest still mapping, the rest mostly preparing."""
    last = max(0, n_phases - 1)
    order = sorted(plan.municipalities, key=lambda m: (m.code != plan.lead, -m.population, m.code))
    phases = {}
    for rank, m in enumerate(order):
        if rank == 0:
            index = rng.choice([last - 1, last])
        elif rank < 3:
            index = last if rng.random() < 0.25 else last - 1
        elif rank >= len(order) - 3:
            index = 0
        else:
            index = 2 if rng.random() < 0.15 else 1
        phases[m.code] = min(last, max(0, index))
    return phases


def _item_state(
    rng: random.Random, plan: _Plan, relative: int, as_of: date
) -> tuple[str, str | None, date | None, str | None]:
    """(status, owner, due date, note) of an item `relative` phases after the current one."""
    due: date | None
    if relative < 0:
        status = "not_applicable" if rng.random() < 0.04 else "done"
        due = _day_between(rng, plan.start + timedelta(days=30), as_of - timedelta(days=30))
    elif relative == 0:
        status = rng.choices(["done", "in_progress", "not_started", "blocked"], [40, 35, 20, 5])[0]
        # Done items were due recently; open ones partly overdue, partly upcoming
        due = as_of + timedelta(
            days=rng.randint(-90, 10) if status == "done" else rng.randint(-60, 120)
        )
    else:
        status = "in_progress" if relative == 1 and rng.random() < 0.1 else "not_started"
        due = as_of + timedelta(days=rng.randint(60, 500)) if rng.random() < 0.6 else None
    if due is not None:
        due = min(plan.end, max(plan.start, due))
    owned = status != "not_started" or relative == 0 or rng.random() < 0.3
    owner = rng.choice(plan.owner_titles) if owned and plan.owner_titles else None
    note = (
        rng.choice(CHECKLIST_NOTES[status])
        if rng.random() < (0.1 if relative > 0 else 0.3)
        else None
    )
    return status, owner, due, note


def _progress(
    rng: random.Random,
    plan: _Plan,
    phases: list[list[ChecklistItem]],
    current: int,
    as_of: date,
) -> int:
    """Sets the items of one checklist (phases in order) around the current phase; the number
    of items changed."""
    states = {
        id(item): _item_state(rng, plan, p - current, as_of)
        for p, items in enumerate(phases)
        for item in items
    }
    if 0 <= current < len(phases):
        # The current phase is the first one with unfinished required work
        required = [i for i in phases[current] if i.required]
        if required and all(states[id(i)][0] in ("done", "not_applicable") for i in required):
            item = rng.choice(required)
            _, owner, due, note = states[id(item)]
            states[id(item)] = ("in_progress", owner, due, note)
    changed = 0
    for items in phases:
        for item in items:
            status, owner, due, note = states[id(item)]
            if (item.status, item.owner, item.due_date, item.note) == (status, owner, due, note):
                continue
            item.status, item.owner, item.due_date, item.note = status, owner, due, note
            item.version += 1
            item.updated_by = SAMPLE_AUTHOR
            moment = _day_between(rng, max(plan.start, as_of - timedelta(days=120)), as_of)
            item.updated_at = datetime.combine(moment, time(12), tzinfo=UTC)
            changed += 1
    return changed


def _load_checklists(
    session: Session, rng: random.Random, plan: _Plan, as_of: date, result: SampleResult
) -> dict[str, int]:
    """Moves every checklist along; returns each municipality's current phase (index)."""
    phases = {p.id: p for p in session.exec(select(Phase))}
    scopes = {w.code: w.scope for w in session.exec(select(WorkPackage))}
    lists: dict[tuple[str, str | None], dict[int, list[ChecklistItem]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for item in session.exec(select(ChecklistItem).order_by(col(ChecklistItem.id))):
        phase = phases[item.phase_id]
        lists[(phase.work_package_code, item.municipality_code)][phase.position].append(item)
    municipal_lengths = [
        len(by_position)
        for (wp, municipality), by_position in lists.items()
        if municipality is not None and scopes.get(wp) == "municipality"
    ]
    current = _current_phases(rng, plan, max(municipal_lengths, default=0))
    changed = 0
    for (_wp, municipality), by_position in sorted(
        lists.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
    ):
        ordered = [
            sorted(by_position[p], key=lambda i: (i.position, i.id or 0))
            for p in sorted(by_position)
        ]
        index = REGION_CURRENT_PHASE if municipality is None else current.get(municipality, 0)
        changed += _progress(rng, plan, ordered, index, as_of)
    session.flush()
    result.checklist_items = changed
    return current


def _pilot_index(session: Session) -> int:
    """The index (from 0) of the pilot phase within its municipal work package."""
    municipal = {w.code for w in session.exec(select(WorkPackage)) if w.scope == "municipality"}
    by_package: dict[str, list[str]] = defaultdict(list)
    for p in session.exec(select(Phase).order_by(col(Phase.position))):
        if p.work_package_code in municipal:
            by_package[p.work_package_code].append(p.code)
    for codes in by_package.values():
        if PILOT_PHASE in codes:
            return codes.index(PILOT_PHASE)
    return 2  # no phase of that code: the third phase


def _load_setups(
    session: Session,
    rng: random.Random,
    plan: _Plan,
    current: dict[str, int],
    as_of: date,
    result: SampleResult,
) -> None:
    """Operating models for those past mapping, services for those piloting or further."""
    names = {m.code: m.name for m in plan.municipalities}
    pilot = _pilot_index(session)
    setups = {s.municipality_code: s for s in session.exec(select(MunicipalitySetup))}
    existing = {
        (s.municipality_code, s.service_code) for s in session.exec(select(MunicipalityService))
    }
    services = []
    for code in sorted(current):
        index = current[code]
        setup = setups.get(code)
        if index >= 1 and setup is not None and plan.operating_models:
            setup.operating_model_code = rng.choice(plan.operating_models)
            setup.coaching_environment = f"Valmennusympäristö – {names[code]}"
            setup.version += 1
            setup.updated_by = SAMPLE_AUTHOR
            moment = _day_between(rng, plan.start + timedelta(days=30), as_of)
            setup.updated_at = datetime.combine(moment, time(12), tzinfo=UTC)
            result.municipality_setups += 1
        if index >= pilot and plan.services:
            k = len(plan.services) if code == plan.lead else rng.randint(1, len(plan.services))
            for service in sorted(rng.sample(plan.services, k)):
                if (code, service) not in existing:
                    started = _day_between(rng, plan.start + timedelta(days=90), as_of)
                    services.append(
                        {"municipality_code": code, "service_code": service, "started_on": started}
                    )
    _insert(session, MunicipalityService, services)
    result.municipality_services = len(services)


# ---------------------------------------------------------------------------------------------
# Costs and users


def _load_costs(
    session: Session, rng: random.Random, plan: _Plan, as_of: date, result: SampleResult
) -> None:
    """Monthly salary costs against the salaries line: budget ÷ months, lower while hiring."""
    budget = plan.budget.get(SALARIES_LINE)
    if budget is None:
        return
    total_months = (plan.end.year - plan.start.year) * 12 + plan.end.month - plan.start.month + 1
    monthly = budget / total_months
    existing = set(
        session.exec(
            select(col(CostEntry.booked_on), col(CostEntry.description)).where(
                col(CostEntry.budget_line_code) == SALARIES_LINE
            )
        )
    )
    rows = []
    month = date(plan.start.year, plan.start.month, 1)
    index = 0
    while month <= as_of:
        booked = min(month.replace(day=20), as_of)  # pay day; the running month up to as_of
        description = f"Palkat {month.month}/{month.year}"
        if booked >= plan.start and (booked, description) not in existing:
            ramp = min(1.0, 0.55 + 0.15 * index)  # staff were still being hired
            noise = Decimal(str(round(rng.uniform(0.96, 1.04), 4)))
            amount = (monthly * Decimal(str(ramp)) * noise).quantize(CENT)
            rows.append(
                {
                    "budget_line_code": SALARIES_LINE,
                    "municipality_code": None,
                    "booked_on": booked,
                    "amount": amount,
                    "description": description,
                    "created_by": SAMPLE_AUTHOR,
                }
            )
        month = _add_months(month, 1)
        index += 1
    _insert(session, CostEntry, rows)
    result.cost_entries = len(rows)


def _staff_shares(fte: Decimal) -> list[Decimal]:
    """A role's people: full-timers, and one part-timer for the rest (2.5 → 1, 1, 0.5)."""
    full = int(fte)
    rest = fte - full
    return [Decimal(1)] * full + ([rest] if rest > 0 else [])


def _load_staff(
    session: Session, rng: random.Random, plan: _Plan, as_of: date, result: SampleResult
) -> None:
    """The plan's staffing as people, and their monthly salaries to `as_of`, costing about the
    salary budget's straight line once everyone is hired (by the project's salary-cost model)."""
    rules = session.get(MoneyRules, 1)
    roles = list(session.exec(select(StaffRole).order_by(col(StaffRole.position))))
    if rules is None or not roles or session.exec(select(StaffMember)).first() is not None:
        return
    months = (plan.end.year - plan.start.year) * 12 + plan.end.month - plan.start.month + 1
    total_fte = sum((Decimal(str(r.fte)) for r in roles), Decimal(0))
    budget = plan.budget.get(rules.salary_budget_line, Decimal(0))
    if total_fte <= 0 or budget <= 0:
        return
    per_fte_month = float(budget) / months / float(total_fte)  # eligible € a month
    # Pay weights averaging 1 over the plan's FTEs
    mean = sum(float(r.fte) * ROLE_PAY.get(r.code, 1.0) for r in roles) / float(total_fte)
    biggest = max(roles, key=lambda r: r.fte)
    homes = [c for c, n in _allocate(len(_staff_shares(Decimal(str(biggest.fte)))),
                                     plan.municipalities).items() for _ in range(n)]  # fmt: skip
    names: set[str] = set()
    people: list[tuple[dict[str, Any], float]] = []
    for role in roles:
        for index, share in enumerate(_staff_shares(Decimal(str(role.fte)))):
            name = ""
            while not name or name in names:
                name = f"{rng.choice(STAFF_FIRST_NAMES)} {rng.choice(STAFF_LAST_NAMES)}"
                if len(names) >= len(STAFF_FIRST_NAMES) * len(STAFF_LAST_NAMES) // 2:
                    name = f"{name} {len(names) + 1}"
            names.add(name)
            offset = 0 if index == 0 else rng.choice(HIRING_OFFSETS)
            start = max(plan.start, _add_months(plan.start.replace(day=1), offset))
            pay = ROLE_PAY.get(role.code, 1.0) / mean * rng.uniform(*PERSONAL_PAY)
            person: dict[str, Any] = {
                "name": name,
                "role_code": role.code,
                "fte": share,
                "municipality_code": homes.pop(0) if role is biggest and homes else None,
                "start_date": start,
                "end_date": None,
            }
            people.append((person, per_fte_month * pay * float(share)))
    ids = _insert_returning_ids(session, StaffMember, [p for p, _ in people])
    side_cost = 1 + Decimal(str(rules.side_cost_share or 0))
    rows = []
    for staff_id, (person, eligible) in zip(ids, people, strict=True):
        month = person["start_date"].replace(day=1)
        annual: float | None = None
        while month.replace(day=PAY_DAY) <= as_of:  # paid by the day
            noise = rng.uniform(*MONTHLY_NOISE)
            row = {"staff_member_id": staff_id, "month": month, "hours": None}
            row["annual_gross_cost"] = None
            if rules.salary_model == "unit_cost":
                if annual is None or month.month == 1:  # documented at hiring and each January
                    annual = round(eligible * 12 if annual is None else annual * ANNUAL_RAISE, -2)
                    row["annual_gross_cost"] = Decimal(str(annual))
                base = (rules.annual_hours or 0) / 12 * float(person["fte"])
                hours = base * (JULY_HOURS if month.month == 7 else OTHER_HOURS) * noise
                row["hours"] = Decimal(str(round(hours * 2) / 2))
                row["gross_salary"] = (Decimal(str(annual)) / 12 / EMPLOYER_COST_FACTOR).quantize(
                    CENT
                )
            else:
                row["gross_salary"] = (Decimal(str(eligible * noise)) / side_cost).quantize(CENT)
            rows.append(row)
            month = _add_months(month, 1)
    _insert(session, SalaryRecord, rows)
    result.staff_members, result.salary_records = len(ids), len(rows)


def _load_users(session: Session, plan: _Plan, result: SampleResult) -> None:
    """Fictional users for the demo mode, one per role; existing e-mails are left alone."""
    # Without [demo] in the project file: the lead, and the biggest one besides the lead
    others = sorted(plan.municipalities, key=lambda m: (m.code == plan.lead, -m.population))
    coordinator_home = plan.demo.coordinator_municipality or plan.lead
    director_home = plan.demo.director_municipality or others[0].code
    specs: list[tuple[str, str, str, str | None]] = [
        (DEMO_ADMIN, "Esimerkki Pääkäyttäjä", "admin", None),
        (
            DEMO_COORDINATOR,
            f"Esimerkki Koordinaattori ({plan.name_of(coordinator_home)})",
            "coordinator",
            coordinator_home,
        ),
        (
            DEMO_DIRECTOR,
            f"Esimerkki Johtaja ({plan.name_of(director_home)})",
            "director",
            director_home,
        ),
        (DEMO_ANALYST, "Esimerkki Analyytikko", "analyst", None),
    ]
    existing = set(session.exec(select(User.email)))
    for email, name, role, municipality in specs:
        if email in existing:
            continue
        user = User(email=email, name=name, role=role)
        session.add(user)
        session.flush()
        if municipality is not None and user.id is not None:
            session.add(UserMunicipality(user_id=user.id, municipality_code=municipality))
        result.users += 1
    session.flush()


# ---------------------------------------------------------------------------------------------


def load_sample(
    session: Session,
    *,
    scale: float = 1.0,
    seed: int = 2026,
    as_of: date | None = None,
    unit: SizeUnit = "today",
    project_file: Path | None = None,
) -> SampleResult:
    """Fill the database with synthetic data of `scale` × the project's size today (unit
    "today", the plan's pace by `as_of`) or × its whole planned size (unit "plan": scale 10 is
    ten times the clients of the project's target), in the caller's transaction. Does
    nothing (result.skipped) when any client exists already. `as_of` defaults to the project
    file's [demo] as_of; `project_file` is the one the database was loaded from (default: the
    configured POLKU_PROJECT_FILE)."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    if session.exec(select(func.count()).select_from(Client)).one() > 0:
        return SampleResult(skipped=True)
    plan = _read_plan(session, project_file)
    as_of = as_of or plan.default_as_of()
    if as_of < plan.start:
        raise ValueError(f"as_of {as_of} is before the project starts ({plan.start})")
    sizes = _sizes(plan, scale, as_of, unit)

    # One random stream per part, so a change in one part leaves the others' data as they were
    def stream(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    result = SampleResult()
    employers = _load_employers(session, stream("employers"), plan, sizes.employers)
    result.employers = len(employers)
    result.partnership_agreements = _load_partnerships(
        session, stream("partnerships"), plan, employers, sizes.partnerships, as_of
    )
    pool = _EmployerPool(employers)
    clients = _make_clients(stream("clients"), plan, pool, sizes.clients, as_of)
    _load_clients(session, clients, result)
    _load_grants(session, stream("grants"), plan, employers, clients, sizes.grants, as_of, result)
    _load_declared_aid(session, stream("declared_aid"), employers, as_of)
    current = _load_checklists(session, stream("checklists"), plan, as_of, result)
    _load_setups(session, stream("setups"), plan, current, as_of, result)
    _load_costs(session, stream("costs"), plan, as_of, result)
    _load_staff(session, stream("staff"), plan, as_of, result)
    _load_users(session, plan, result)
    session.flush()
    return result
