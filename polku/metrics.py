"""Indicator definitions; SQL aggregations returned as DataFrames.

The one place where Polku's numbers are computed: pages, the CLI, exports and notebooks all
call these functions, so a number means the same everywhere. Every function takes a database
(an Engine, or an open Connection to read inside the caller's transaction) and most take
`municipality` (a code such as "167", or None for the whole region) and `as_of`: counts are of
distinct entities with dates on or before that day (the product brief, "Indicator
definitions"). The database aggregates (COUNT ... GROUP BY); no function here loads
client-level rows into Python.

Every function that reads client, employer, grant or checklist data takes the acting user
(`actor`) and asks polku/access.py first, so a page that forgets a check cannot leak.
Small-count suppression ("< 5" for directors) is not applied here: it belongs to whoever shows
the number to a viewer (polku/privacy.py), so analysts and exports see the true values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from sqlalchemy import Connection, Engine, Select, case, exists, func, literal, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from models import CHECKLIST_STATUSES, metadata
from polku.access import Actor, Permission, check

Database = Engine | Connection

# Core tables, whose columns type-check as SQL expressions (SQLModel's attributes are values)
_budget_line = metadata.tables["budget_line"]
_bonus_grant = metadata.tables["bonus_grant"]
_client_target_group = metadata.tables["client_target_group"]
_outcome = metadata.tables["outcome"]
_target_milestone = metadata.tables["target_milestone"]
_target_override = metadata.tables["target_override"]
_checklist_item = metadata.tables["checklist_item"]
_client = metadata.tables["client"]
_employer = metadata.tables["employer"]
_indicator = metadata.tables["indicator"]
_municipality = metadata.tables["municipality"]
_partnership = metadata.tables["partnership_agreement"]
_phase = metadata.tables["phase"]
_project = metadata.tables["project"]
_staff_role = metadata.tables["staff_role"]
_template_item = metadata.tables["checklist_template_item"]
_work_package = metadata.tables["work_package"]

# The project's calendar is Finnish: "today" is today in Helsinki, whatever the server's zone
TIMEZONE = "Europe/Helsinki"

# A checklist item counts as done when it is done or does not apply to the municipality
DONE_STATUSES: tuple[str, ...] = ("done", "not_applicable")


def today() -> date:
    """Today's date in Finland: the default "as of" date."""
    try:
        return datetime.now(ZoneInfo(TIMEZONE)).date()
    except ZoneInfoNotFoundError:  # a system without time-zone data
        return date.today()


@contextmanager
def _connect(db: Database) -> Iterator[Connection]:
    """A connection: the caller's own, or a short-lived one from the engine."""
    if isinstance(db, Connection):
        yield db
        return
    with db.connect() as connection:
        yield connection


def _where_municipality(
    column: ColumnElement[Any], municipality: str | None
) -> ColumnElement[bool]:
    """`column = municipality`, or no restriction for the whole region (None)."""
    return true() if municipality is None else column == municipality


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    # COUNT(CASE WHEN ... THEN 1 END): portable, unlike FILTER (WHERE ...) on older SQLite
    return func.count(case((condition, literal(1))))


# ---------------------------------------------------------------------------------------------
# Overview counts


@dataclass(frozen=True)
class ClientCounts:
    """Clients who have entered by the day, of them still in the project, and who have left."""

    entered: int
    active: int
    exited: int


@dataclass(frozen=True)
class EmployerCounts:
    """Employers recorded by the day, and of them those with a partnership agreement in force."""

    total: int
    with_partnership: int


@dataclass(frozen=True)
class ChecklistCounts:
    """Checklist items: in total, done (done or not applicable), and per status code."""

    total: int
    done: int
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Overview:
    """The overview page's numbers for one municipality or the whole region on one day."""

    municipality: str | None
    as_of: date
    clients: ClientCounts
    employers: EmployerCounts
    checklists: ChecklistCounts


def client_counts(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    as_of: date,
    target_group: str | None = None,
) -> ClientCounts:
    """Clients entered on or before `as_of`; active = entered and not exited by `as_of`."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c = _client.c
    entered = c.entry_date <= as_of
    stmt = select(
        _count_if(entered),
        _count_if(entered & or_(c.exit_date.is_(None), c.exit_date > as_of)),
        _count_if(c.exit_date <= as_of),
    ).where(_client_scope(municipality, target_group))
    with _connect(db) as conn:
        row = conn.execute(stmt).one()
    return ClientCounts(entered=int(row[0]), active=int(row[1]), exited=int(row[2]))


def partnership_in_force(as_of: date) -> ColumnElement[bool]:
    """EXISTS a partnership agreement of the (outer) employer in force on `as_of`."""
    pa = _partnership.c
    return exists().where(
        pa.employer_id == _employer.c.id,
        pa.start_date <= as_of,
        or_(pa.end_date.is_(None), pa.end_date >= as_of),
    )


def employer_counts(
    db: Database, actor: Actor | None, municipality: str | None, as_of: date
) -> EmployerCounts:
    """Employers recorded by the end of `as_of`, and those with a partnership in force then.

    An employer's municipality is where it is registered; the whole region counts every
    employer, also those with no municipality.
    """
    check(actor, Permission.READ_AGGREGATES, municipality)
    e = _employer.c
    # created_at is a timestamp: "on or before the day" is "before the next midnight"
    before_next_day = datetime.combine(as_of + timedelta(days=1), time.min)
    # A partnership counts by its agreement's dates, whenever the employer was recorded
    stmt = select(
        _count_if(e.created_at < before_next_day), _count_if(partnership_in_force(as_of))
    ).where(_where_municipality(e.municipality_code, municipality))
    with _connect(db) as conn:
        row = conn.execute(stmt).one()
    return EmployerCounts(total=int(row[0]), with_partnership=int(row[1]))


def _checklist_scope(municipality: str | None) -> ColumnElement[bool]:
    """A municipality's own items (work package 1); the whole region: every item."""
    return _where_municipality(_checklist_item.c.municipality_code, municipality)


def checklist_counts(
    db: Database, actor: Actor | None, municipality: str | None
) -> ChecklistCounts:
    """Checklist items by status as they stand now (statuses have no history yet)."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    status = _checklist_item.c.status
    stmt = select(status, func.count()).where(_checklist_scope(municipality)).group_by(status)
    with _connect(db) as conn:
        counted = {code: int(n) for code, n in conn.execute(stmt)}
    return ChecklistCounts(
        total=sum(counted.values()),
        done=sum(counted.get(code, 0) for code in DONE_STATUSES),
        by_status={code: counted.get(code, 0) for code in CHECKLIST_STATUSES},
    )


def overview(db: Database, actor: Actor | None, municipality: str | None, as_of: date) -> Overview:
    """Every number of the overview page, read on one connection."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    with _connect(db) as conn:
        return Overview(
            municipality=municipality,
            as_of=as_of,
            clients=client_counts(conn, actor, municipality, as_of),
            employers=employer_counts(conn, actor, municipality, as_of),
            checklists=checklist_counts(conn, actor, municipality),
        )


PHASE_PROGRESS_COLUMNS = [
    "work_package",
    "work_package_name_fi",
    "work_package_name_en",
    "phase",
    "position",
    "name_fi",
    "name_en",
    "done",
    "total",
]


def phase_progress(db: Database, actor: Actor | None, municipality: str | None) -> pd.DataFrame:
    """Checklist progress per phase: one row per phase, in plan order.

    Columns: work_package (code), its names, phase (code), position, name_fi, name_en,
    done (items done or not applicable) and total. A municipality sees the phases of the
    work packages run per municipality (WP1), even those it has no items in; the whole region
    sees every phase, with the items of all municipalities and of the region together.
    """
    check(actor, Permission.READ_AGGREGATES, municipality)
    wp, ph, item = _work_package.c, _phase.c, _checklist_item.c
    stmt = (
        select(
            wp.code,
            wp.name_fi,
            wp.name_en,
            ph.code,
            ph.position,
            ph.name_fi,
            ph.name_en,
            *_done_and_total(),
        )
        .select_from(_phase)
        .join(_work_package, wp.code == ph.work_package_code)
        .outerjoin(_checklist_item, (item.phase_id == ph.id) & _checklist_scope(municipality))
        .where(true() if municipality is None else wp.scope == "municipality")
        .group_by(
            wp.position,
            wp.code,
            wp.name_fi,
            wp.name_en,
            ph.code,
            ph.position,
            ph.name_fi,
            ph.name_en,
        )
        .order_by(wp.position, ph.position)
    )
    frame = _frame(db, stmt, PHASE_PROGRESS_COLUMNS)
    return frame.astype({"position": "int64", "done": "int64", "total": "int64"})


def _done_and_total() -> list[ColumnElement[int]]:
    """The one definition of a phase's progress: items done (or not applicable), and all items."""
    item = _checklist_item.c
    return [_count_if(item.status.in_(DONE_STATUSES)), func.count(item.id)]


PHASE_MATRIX_COLUMNS = [
    "municipality",
    "municipality_name",
    "work_package",
    "phase",
    "position",
    "name_fi",
    "name_en",
    "done",
    "total",
]


def phase_progress_by_municipality(db: Database, actor: Actor | None) -> pd.DataFrame:
    """Checklist progress of every municipality in every phase run per municipality (WP1).

    One row per municipality and phase (13 × 4), municipalities by name, phases in plan order;
    done and total are those phase_progress(municipality) gives. Progress counts checklist
    items, not people, so the comparison across municipalities is a region-wide aggregate.
    """
    check(actor, Permission.READ_AGGREGATES, None)
    m, wp, ph, item = _municipality.c, _work_package.c, _phase.c, _checklist_item.c
    stmt = (
        select(
            m.code,
            m.name,
            wp.code,
            ph.code,
            ph.position,
            ph.name_fi,
            ph.name_en,
            *_done_and_total(),
        )
        .select_from(_municipality.join(_phase, true()))
        .join(_work_package, (wp.code == ph.work_package_code) & (wp.scope == "municipality"))
        .outerjoin(_checklist_item, (item.phase_id == ph.id) & (item.municipality_code == m.code))
        .group_by(
            m.name, m.code, wp.position, wp.code, ph.code, ph.position, ph.name_fi, ph.name_en
        )
        .order_by(m.name, wp.position, ph.position)
    )
    frame = _frame(db, stmt, PHASE_MATRIX_COLUMNS)
    return frame.astype({"position": "int64", "done": "int64", "total": "int64"})


# ---------------------------------------------------------------------------------------------
# Indicators of the expected results (the product brief, "Indicator definitions")

CLIENTS = "clients"
PARTNER_COMPANIES = "partner_companies"
PLACED_AT_COMPANIES = "placed_at_companies"
SUPPORTED_ENTREPRENEURSHIP = "supported_entrepreneurship"
BONUS_EMPLOYERS = "bonus_employers"
PLAN_GOAL_REACHED = "plan_goal_reached"
# Outcome types of the project definition that two indicators count
OUTCOME_COMPANY = "employment_company"
OUTCOME_ENTREPRENEURSHIP = "supported_entrepreneurship"
# Indicators that count people (clients): directors see 1 to 4 of them as "< 5"
PEOPLE_INDICATORS = frozenset(
    {CLIENTS, PLACED_AT_COMPANIES, SUPPORTED_ENTREPRENEURSHIP, PLAN_GOAL_REACHED}
)

KPI_COLUMNS = [
    "indicator",
    "kind",
    "name_fi",
    "name_en",
    "actual",
    "target",
    "share_of_target",
    "expected",
    "ahead",
    "numerator",
    "denominator",
]


def _client_scope(municipality: str | None, target_group: str | None) -> ColumnElement[bool]:
    """Clients of the municipality (or the region) and, optionally, of one target group."""
    c = _client.c
    scope = _where_municipality(c.municipality_code, municipality)
    if target_group is not None:
        member = select(_client_target_group.c.client_id).where(
            (_client_target_group.c.client_id == c.id)
            & (_client_target_group.c.target_group_code == target_group)
        )
        scope = scope & exists(member)
    return scope


def _clients_with_outcome(
    outcome_type: str, municipality: str | None, as_of: date, target_group: str | None
) -> Select:
    o, c = _outcome.c, _client.c
    return (
        select(func.count(func.distinct(o.client_id)))
        .select_from(_outcome)
        .join(_client, c.id == o.client_id)
        .where(
            (o.outcome_type_code == outcome_type)
            & (o.outcome_date <= as_of)
            & (c.entry_date <= as_of)
            & _client_scope(municipality, target_group)
        )
    )


@dataclass(frozen=True)
class Actual:
    """An indicator's value: a count, or a rate with its numerator and denominator."""

    value: float
    numerator: int | None = None
    denominator: int | None = None


def indicator_actuals(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    as_of: date,
    target_group: str | None = None,
) -> dict[str, Actual]:
    """Every indicator's value on `as_of`, for the municipality (or region) and target group.

    Employer indicators follow the employer's municipality and ignore the target group,
    except the bonus, which counts employers granted a bonus for a client of the group.
    """
    check(actor, Permission.READ_AGGREGATES, municipality)
    c, e, g = _client.c, _employer.c, _bonus_grant.c
    in_scope = _client_scope(municipality, target_group)
    bonus = (
        select(func.count(func.distinct(g.employer_id)))
        .select_from(_bonus_grant)
        .join(_employer, e.id == g.employer_id)
        .join(_client, c.id == g.client_id)
        .where(
            (g.decision == "granted")
            & (g.decision_date <= as_of)
            & _where_municipality(e.municipality_code, municipality)
            & _client_scope(None, target_group)
        )
    )
    left = (c.exit_date.is_not(None)) & (c.exit_date <= as_of) & (c.entry_date <= as_of)
    rate = select(_count_if(left & (c.plan_goal_reached.is_(True))), _count_if(left)).where(
        in_scope
    )
    with _connect(db) as conn:
        reached, exited = conn.execute(rate).one()
        reached, exited = int(reached), int(exited)
        return {
            CLIENTS: Actual(client_counts(conn, actor, municipality, as_of, target_group).entered),
            PARTNER_COMPANIES: Actual(
                employer_counts(conn, actor, municipality, as_of).with_partnership
            ),
            PLACED_AT_COMPANIES: Actual(
                conn.execute(
                    _clients_with_outcome(OUTCOME_COMPANY, municipality, as_of, target_group)
                ).scalar_one()
            ),
            SUPPORTED_ENTREPRENEURSHIP: Actual(
                conn.execute(
                    _clients_with_outcome(
                        OUTCOME_ENTREPRENEURSHIP, municipality, as_of, target_group
                    )
                ).scalar_one()
            ),
            BONUS_EMPLOYERS: Actual(conn.execute(bonus).scalar_one()),
            PLAN_GOAL_REACHED: Actual(reached / exited if exited else 0.0, reached, exited),
        }


def municipality_targets(db: Database, indicator: str) -> dict[str, float]:
    """Each municipality's target for a count indicator: its own override, else the region's
    target times its population share. A rate's target is the same everywhere."""
    i, m, o = _indicator.c, _municipality.c, _target_override.c
    with _connect(db) as conn:
        kind, target = conn.execute(select(i.kind, i.target).where(i.code == indicator)).one()
        populations = dict(conn.execute(select(m.code, m.population)).all())
        overrides = dict(
            conn.execute(
                select(o.municipality_code, o.target).where(o.indicator_code == indicator)
            ).all()
        )
    total = sum(populations.values()) or 1
    shares = {
        code: float(target) if kind == "rate" else float(target) * pop / total
        for code, pop in populations.items()
    }
    return {code: float(overrides.get(code, share)) for code, share in shares.items()}


def target_for(db: Database, indicator: str, municipality: str | None) -> float:
    """The target of the region (None) or of one municipality."""
    if municipality is not None:
        return municipality_targets(db, indicator)[municipality]
    with _connect(db) as conn:
        value = conn.execute(
            select(_indicator.c.target).where(_indicator.c.code == indicator)
        ).scalar_one()
    return float(value)


def expected_by(
    target: float,
    start: date,
    end: date,
    as_of: date,
    milestones: list[tuple[date, float]] | None = None,
    kind: str = "count",
) -> float:
    """Where the indicator should be on `as_of`: the target along a straight line from zero at
    the start to the target at the end, or through the milestones when some are set. A rate's
    expected value is its target all along."""
    if kind == "rate":
        return target
    points = [(start, 0.0), *sorted(m for m in (milestones or []) if start < m[0] < end)]
    points.append((end, target))
    if as_of <= start:
        return 0.0
    if as_of >= end:
        return target
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if d0 <= as_of <= d1:
            return v0 + (v1 - v0) * (as_of - d0).days / max((d1 - d0).days, 1)
    return target


def _milestones(
    db: Database, indicator: str, municipality: str | None, target: float, region_target: float
) -> list[tuple[date, float]]:
    """The milestones of the municipality's own, else the region's scaled to its target."""
    t = _target_milestone.c
    with _connect(db) as conn:
        rows = conn.execute(
            select(t.municipality_code, t.due_date, t.target).where(t.indicator_code == indicator)
        ).all()
    own = [(d, float(v)) for code, d, v in rows if code == municipality and code is not None]
    if own:
        return own
    scale = target / region_target if region_target else 0.0
    return [(d, float(v) * scale) for code, d, v in rows if code is None]


def kpis(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    as_of: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """One row per indicator: actual, target, share of target, expected by `as_of`, ahead
    (actual >= expected), and for the rate its numerator and denominator. Columns KPI_COLUMNS.

    The same numbers for the overview cards, `python -m polku kpis` and the notebooks."""
    actuals = indicator_actuals(db, actor, municipality, as_of, target_group)
    project = project_info(db)
    if project is None:
        return pd.DataFrame(columns=KPI_COLUMNS)
    rows = []
    for ind in indicators(db).to_dict("records"):
        code, kind = str(ind["code"]), str(ind["kind"])
        actual = actuals[code]
        region_target = float(ind["target"])
        target = target_for(db, code, municipality)
        milestones = _milestones(db, code, municipality, target, region_target)
        expected = expected_by(
            target, project.start_date, project.end_date, as_of, milestones, kind
        )
        rows.append(
            {
                "indicator": code,
                "kind": kind,
                "name_fi": ind["name_fi"],
                "name_en": ind["name_en"],
                "actual": actual.value,
                "target": target,
                "share_of_target": actual.value / target if target else None,
                "expected": expected,
                "ahead": actual.value >= expected,
                "numerator": actual.numerator,
                "denominator": actual.denominator,
            }
        )
    return pd.DataFrame(rows, columns=KPI_COLUMNS)


# ---------------------------------------------------------------------------------------------
# The project definition: the dimensions the indicators are computed over and against


@dataclass(frozen=True)
class ProjectInfo:
    """The project row: code, names, period and lead municipality."""

    code: str
    name_fi: str
    name_en: str
    start_date: date
    end_date: date
    lead_municipality_code: str


def project_info(db: Database) -> ProjectInfo | None:
    """The project, or None when the project definition has not been loaded."""
    p = _project.c
    stmt = select(
        p.code, p.name_fi, p.name_en, p.start_date, p.end_date, p.lead_municipality_code
    ).where(p.id == 1)
    with _connect(db) as conn:
        row = conn.execute(stmt).first()
    return None if row is None else ProjectInfo(*row)


def _frame(db: Database, stmt: Select, columns: list[str]) -> pd.DataFrame:
    with _connect(db) as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def municipalities(db: Database) -> pd.DataFrame:
    """code, name, population and population_share (of the region), ordered by name."""
    m = _municipality.c
    stmt = select(m.code, m.name, m.population).order_by(m.name)
    frame = _frame(db, stmt, ["code", "name", "population"]).astype({"population": "int64"})
    total = int(frame["population"].sum())
    frame["population_share"] = frame["population"] / total if total else 0.0
    return frame


def work_plan(db: Database) -> pd.DataFrame:
    """The work packages, their phases and the template checklist items, in plan order."""
    wp, ph, it = _work_package.c, _phase.c, _template_item.c
    stmt = (
        select(
            wp.code,
            wp.scope,
            wp.name_fi,
            wp.name_en,
            ph.code,
            ph.position,
            ph.name_fi,
            ph.name_en,
            it.code,
            it.position,
            it.name_fi,
            it.name_en,
            it.required,
        )
        .select_from(_work_package)
        .join(_phase, ph.work_package_code == wp.code)
        .outerjoin(_template_item, it.phase_id == ph.id)
        .order_by(wp.position, ph.position, it.position)
    )
    columns = [
        "work_package",
        "scope",
        "work_package_name_fi",
        "work_package_name_en",
        "phase",
        "phase_position",
        "phase_name_fi",
        "phase_name_en",
        "item",
        "item_position",
        "item_name_fi",
        "item_name_en",
        "required",
    ]
    return _frame(db, stmt, columns)


def indicators(db: Database) -> pd.DataFrame:
    """The expected results: code, kind (count / rate), region-wide target (Decimal), names,
    note."""
    i = _indicator.c
    stmt = select(i.code, i.kind, i.target, i.name_fi, i.name_en, i.note).order_by(i.position)
    return _frame(db, stmt, ["code", "kind", "target", "name_fi", "name_en", "note"])


def budget(db: Database) -> pd.DataFrame:
    """The budget lines: code, kind (cost / financing), amount (€, Decimal), share, names."""
    b = _budget_line.c
    stmt = select(b.code, b.kind, b.amount, b.share, b.name_fi, b.name_en).order_by(b.position)
    return _frame(db, stmt, ["code", "kind", "amount", "share", "name_fi", "name_en"])


def staff(db: Database) -> pd.DataFrame:
    """The staff roles of the plan: code, full-time equivalents (fte, Decimal), names."""
    s = _staff_role.c
    stmt = select(s.code, s.fte, s.name_fi, s.name_en).order_by(s.position)
    return _frame(db, stmt, ["code", "fte", "name_fi", "name_en"])
