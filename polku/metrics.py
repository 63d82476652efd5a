"""Indicator definitions; SQL aggregations returned as DataFrames.

The one place where Polku's numbers are computed: pages, the CLI, exports and notebooks all
call these functions, so a number means the same everywhere. Every function takes a database
(an Engine, or an open Connection to read inside the caller's transaction) and most take
`municipality` (a municipality code, or None for the whole region) and `as_of`: counts are of
distinct entities with dates on or before that day (the product brief, "Indicator
definitions"). The database aggregates (COUNT ... GROUP BY); only rules that compare a
client's own dates (time to employment, the ESF+ common indicators) load client-level rows,
never client codes, into one pandas frame.

Every function that reads client, employer, grant or checklist data takes the acting user
(`actor`) and asks polku/access.py first, so a page that forgets a check cannot leak.
Small-count suppression ("< 5" for directors) is not applied here: it belongs to whoever shows
the number to a viewer (polku/privacy.py), so analysts and exports see the true values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    and_,
    case,
    exists,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Subquery

from models import CHECKLIST_STATUSES, GENDERS, metadata
from polku.access import Actor, Permission, check
from polku.report_figures import COMMON_CODES
from polku.rules.clients import LEAVING_WINDOW_DAYS

Database = Engine | Connection

# Core tables, whose columns type-check as SQL expressions (SQLModel's attributes are values)
_budget_line = metadata.tables["budget_line"]
_bonus_grant = metadata.tables["bonus_grant"]
_client_target_group = metadata.tables["client_target_group"]
_outcome = metadata.tables["outcome"]
_outcome_type = metadata.tables["outcome_type"]
_target_milestone = metadata.tables["target_milestone"]
_target_override = metadata.tables["target_override"]
_status_episode = metadata.tables["status_episode"]
_target_group = metadata.tables["target_group"]
_checklist_item = metadata.tables["checklist_item"]
_client = metadata.tables["client"]
_employer = metadata.tables["employer"]
_indicator = metadata.tables["indicator"]
_municipality = metadata.tables["municipality"]
_partnership = metadata.tables["partnership_agreement"]
_payment_period = metadata.tables["payment_period"]
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

    One row per municipality and phase (municipalities × phases), municipalities by name,
    phases in plan order; done and total are those phase_progress(municipality) gives.
    Progress counts checklist items, not people, so the comparison across municipalities is a
    region-wide aggregate.
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
# The indicators computed by their own rule here. Any other indicator of a project file must
# be named like one of its outcome types: it counts the clients with an outcome of that type
# (as supported_entrepreneurship does), e.g. "training" for clients who went into training.
RULE_INDICATORS = frozenset(
    {CLIENTS, PARTNER_COMPANIES, PLACED_AT_COMPANIES, BONUS_EMPLOYERS, PLAN_GOAL_REACHED}
)
EMPLOYER_INDICATORS = frozenset({PARTNER_COMPANIES, BONUS_EMPLOYERS})


class _PeopleIndicators(Container[str]):
    """Indicators that count people (clients): every one but the employer counts, so a new
    indicator of a project file is protected too."""

    def __contains__(self, code: object) -> bool:
        return code not in EMPLOYER_INDICATORS


# Indicators that count people (clients): directors see 1 to 4 of them as "< 5"
PEOPLE_INDICATORS: Container[str] = _PeopleIndicators()


def outcome_indicators(db: Database) -> dict[str, str]:
    """Indicator code -> the outcome type whose clients it counts: placed_at_companies counts
    employment at a company, and every indicator named like an outcome type counts that type."""
    with _connect(db) as conn:
        types = set(conn.execute(select(_outcome_type.c.code)).scalars())
        codes = list(conn.execute(select(_indicator.c.code)).scalars())
    found = {code: code for code in codes if code in types and code not in RULE_INDICATORS}
    return {PLACED_AT_COMPANIES: OUTCOME_COMPANY, **found}


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
    outcome_type: str, as_of: date, scope: ColumnElement[bool], *by: Any
) -> Select:
    """Distinct clients with the outcome by `as_of`, counted per `by` (none: one count); one
    query shape for the indicator and its municipality comparison."""
    o, c = _outcome.c, _client.c
    stmt = (
        select(*by, func.count(func.distinct(o.client_id)))
        .select_from(_outcome)
        .join(_client, c.id == o.client_id)
        .where(
            (o.outcome_type_code == outcome_type)
            & (o.outcome_date <= as_of)
            & (c.entry_date <= as_of)
            & scope
        )
    )
    return stmt.group_by(*by) if by else stmt


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
        with_outcome = {
            indicator: Actual(
                conn.execute(_clients_with_outcome(outcome_type, as_of, in_scope)).scalar_one()
            )
            for indicator, outcome_type in outcome_indicators(conn).items()
        }
        return {
            CLIENTS: Actual(client_counts(conn, actor, municipality, as_of, target_group).entered),
            PARTNER_COMPANIES: Actual(
                employer_counts(conn, actor, municipality, as_of).with_partnership
            ),
            **with_outcome,
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
    return _pick_milestones(_milestone_rows(db, indicator), municipality, target, region_target)


def _milestone_rows(db: Database, indicator: str) -> list[tuple[str | None, date, float]]:
    """Every milestone of the indicator: (municipality or None for the region, day, target)."""
    t = _target_milestone.c
    with _connect(db) as conn:
        rows = conn.execute(
            select(t.municipality_code, t.due_date, t.target).where(t.indicator_code == indicator)
        ).all()
    return [(code, d, float(v)) for code, d, v in rows]


def _pick_milestones(
    rows: list[tuple[str | None, date, float]],
    municipality: str | None,
    target: float,
    region_target: float,
) -> list[tuple[date, float]]:
    own = [(d, v) for code, d, v in rows if code == municipality and code is not None]
    if own:
        return own
    scale = target / region_target if region_target else 0.0
    return [(d, v * scale) for code, d, v in rows if code is None]


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
    definitions = indicators(db).to_dict("records")
    targets = {str(i["code"]): target_for(db, str(i["code"]), municipality) for i in definitions}
    milestones = {
        code: _milestones(db, code, municipality, target, float(i["target"]))
        for i, (code, target) in zip(definitions, targets.items(), strict=True)
    }
    return _kpi_frame(definitions, actuals, targets, milestones, project, as_of)


def _kpi_frame(
    definitions: list[dict[Any, Any]],
    actuals: dict[str, Actual],
    targets: dict[str, float],
    milestones: dict[str, list[tuple[date, float]]],
    project: ProjectInfo,
    as_of: date,
) -> pd.DataFrame:
    """The KPI rows of one scope from its actuals, targets and milestones per indicator."""
    rows = []
    for ind in definitions:
        code, kind = str(ind["code"]), str(ind["kind"])
        actual = actuals[code]
        target = targets[code]
        expected = expected_by(
            target, project.start_date, project.end_date, as_of, milestones[code], kind
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
# What changed: the overview's and the board pack's comparison with earlier days

# The changes, in the order shown; those that count people meet a director's small-count rule
CHANGES = (
    "new_clients",
    "exits",
    "placements",
    "partner_companies",
    "bonus_grants",
    "euros_granted",
)
PEOPLE_CHANGES = frozenset({"new_clients", "exits", "placements", "bonus_grants"})
CHANGE_COLUMNS = ["change", "people", "since", "before", "now", "difference"]


def change_windows(db: Database, as_of: date) -> list[tuple[str, date, str | None]]:
    """The days the overview compares `as_of` with: (window, day, payment period's code):
    the same day a month earlier, and the end of the last payment period ended before
    `as_of` (none before the first has ended)."""
    month = (pd.Timestamp(as_of) - pd.DateOffset(months=1)).date()
    p = _payment_period.c
    with _connect(db) as conn:
        ended = conn.execute(
            select(p.code, p.end_date).where(p.end_date < as_of).order_by(p.end_date.desc())
        ).first()
    windows: list[tuple[str, date, str | None]] = [("month", month, None)]
    if ended is not None:
        windows.append(("period", ended[1], str(ended[0])))
    return windows


def changes_since(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    since: Sequence[date],
    as_of: date,
) -> pd.DataFrame:
    """What changed between each day of `since` and `as_of`, for the municipality or region:
    clients who entered (new_clients), who left (exits), clients employed at a company
    (placements: the indicator placed_at_companies), partner companies with an agreement in
    force (a net change), employment bonuses granted (count and euros). Each as its running
    total on the earlier day (`before`) and on `as_of` (`now`), by the same rules as the
    indicators. Columns CHANGE_COLUMNS, one row per change and day of `since`.

    One query per kind of data, each counting on every day at once."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    days = sorted(set(since) | {as_of})
    c, e, g, o = _client.c, _employer.c, _bonus_grant.c, _outcome.c
    in_scope = _client_scope(municipality, None)
    clients = select(
        *[_count_if(c.entry_date <= d) for d in days],
        *[_count_if(c.exit_date.is_not(None) & (c.exit_date <= d) & (c.entry_date <= d))
          for d in days],
    ).where(in_scope)  # fmt: skip
    first = (
        select(o.client_id, func.min(o.outcome_date).label("day"))
        .where(o.outcome_type_code == OUTCOME_COMPANY)
        .group_by(o.client_id)
        .subquery()
    )
    placed = (
        select(*[_count_if((first.c.day <= d) & (c.entry_date <= d)) for d in days])
        .select_from(first)
        .join(_client, c.id == first.c.client_id)
        .where(in_scope)
    )
    partners = (
        select(*[_count_if(partnership_in_force(d)) for d in days])
        .select_from(_employer)  # the region's has no column of its own to name the table
        .where(_where_municipality(e.municipality_code, municipality))
    )
    granted = g.decision == "granted"
    grants = (
        select(
            *[_count_if(granted & (g.decision_date <= d)) for d in days],
            *[func.coalesce(func.sum(case((granted & (g.decision_date <= d), g.amount))), 0)
              for d in days],
        )
        .select_from(_bonus_grant)
        .join(_employer, e.id == g.employer_id)
        .where(_where_municipality(e.municipality_code, municipality))
    )  # fmt: skip
    n = len(days)
    with _connect(db) as conn:
        client_row = conn.execute(clients).one()
        grant_row = conn.execute(grants).one()
        totals: dict[str, list[float]] = {
            "new_clients": [float(v) for v in client_row[:n]],
            "exits": [float(v) for v in client_row[n:]],
            "placements": [float(v) for v in conn.execute(placed).one()],
            "partner_companies": [float(v) for v in conn.execute(partners).one()],
            "bonus_grants": [float(v) for v in grant_row[:n]],
            "euros_granted": [float(v or 0) for v in grant_row[n:]],
        }
    at = {d: i for i, d in enumerate(days)}
    rows = [
        (
            change,
            change in PEOPLE_CHANGES,
            day,
            totals[change][at[day]],
            totals[change][at[as_of]],
            totals[change][at[as_of]] - totals[change][at[day]],
        )
        for change in CHANGES
        for day in since
    ]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Dashboards: the indicators over time, client flows and the municipalities side by side.
# Every frame here is an aggregate (per month, status, group or municipality): charts never
# receive client-level rows.

# Aggregates of every municipality for the region's side-by-side view, after the caller's own
# check of the region: the per-municipality reads must not refuse what the region view shows
_REGION_READER = Actor(email="polku@region", role="analyst")


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from `start`'s month to `end`, and `end` itself."""
    months = pd.period_range(start, end, freq="M")
    # The last point is `end` itself: nothing after the day is counted
    return [min(p.end_time.date(), end) for p in months]


def _months_cte(ends: list[date]) -> Any:
    """A one-column table `month_end` of the given days, portable across SQLite and PostgreSQL."""
    rows = [select(literal(d, Date).label("month_end")) for d in ends]
    return union_all(*rows).cte("months") if len(rows) > 1 else rows[0].cte("months")


def _daily(db: Database, stmt: Select) -> pd.Series:
    """Counts per day from (day, count) rows, as a Series indexed by day."""
    with _connect(db) as conn:
        rows = conn.execute(stmt).all()
    return pd.Series({pd.Timestamp(d): float(n or 0) for d, n in rows}, dtype="float64")


def _cumulative_at(daily: pd.Series, ends: list[date]) -> list[float]:
    """The running total of `daily` (indexed by day) on each of the days `ends`."""
    totals = daily.sort_index().cumsum()
    days = [pd.Timestamp(d) for d in ends]
    positions = totals.index.searchsorted(days, side="right")
    return [float(totals.iloc[p - 1]) if p > 0 else 0.0 for p in positions]


def _per_month(daily: pd.Series, ends: list[date]) -> list[float]:
    """The sum of `daily` (indexed by day) within the month of each of the days `ends`."""
    totals: dict[tuple[int, int], float] = {}
    for day, value in zip(pd.DatetimeIndex(daily.index), daily.tolist(), strict=True):
        key = (day.year, day.month)
        totals[key] = totals.get(key, 0.0) + float(value)
    return [totals.get((d.year, d.month), 0.0) for d in ends]


def _first_outcome_days(
    outcome_type: str, municipality: str | None, target_group: str | None
) -> Select:
    """Clients per day of their first outcome of the type: a client counts once."""
    o, c = _outcome.c, _client.c
    first = (
        select(o.client_id, func.min(o.outcome_date).label("day"))
        .join(_client, c.id == o.client_id)
        .where((o.outcome_type_code == outcome_type) & _client_scope(municipality, target_group))
        .group_by(o.client_id)
        .subquery()
    )
    return select(first.c.day, func.count()).group_by(first.c.day)


def _first_bonus_days(municipality: str | None, target_group: str | None) -> Select:
    """Employers per day of their first granted bonus (for a client of the group)."""
    c, e, g = _client.c, _employer.c, _bonus_grant.c
    first_bonus = (
        select(g.employer_id, func.min(g.decision_date).label("day"))
        .join(_employer, e.id == g.employer_id)
        .join(_client, c.id == g.client_id)
        .where(
            (g.decision == "granted")
            & _where_municipality(e.municipality_code, municipality)
            & _client_scope(None, target_group)
        )
        .group_by(g.employer_id)
        .subquery()
    )
    return select(first_bonus.c.day, func.count()).group_by(first_bonus.c.day)


def _partners_in_force(db: Database, ends: list[date], municipality: str | None) -> list[int]:
    """Employers with a partnership agreement in force on each of the days `ends`."""
    e, pa = _employer.c, _partnership.c
    months = _months_cte(ends)
    stmt = (
        select(months.c.month_end, func.count(func.distinct(e.id)))
        .select_from(months)
        .join(_partnership, (pa.start_date <= months.c.month_end)
              & or_(pa.end_date.is_(None), pa.end_date >= months.c.month_end))
        .join(_employer, e.id == pa.employer_id)
        .where(_where_municipality(e.municipality_code, municipality))
        .group_by(months.c.month_end)
    )  # fmt: skip
    with _connect(db) as conn:
        counts = {pd.Timestamp(d).date(): int(n) for d, n in conn.execute(stmt).all()}
    return [counts.get(d, 0) for d in ends]


def indicator_series(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    start: date,
    end: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """Each indicator on every month end from `start` to `end`: the actual value and where the
    target trajectory expected it. Columns: indicator, month_end, actual, expected, target,
    numerator, denominator (the rate's)."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    project = project_info(db)
    if project is None:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    ends = month_ends(start, end)
    c = _client.c
    scope = _client_scope(municipality, target_group)
    entries = select(c.entry_date, func.count()).where(scope).group_by(c.entry_date)
    bonus = _first_bonus_days(municipality, target_group)
    exits = (
        select(c.exit_date, _count_if(c.plan_goal_reached.is_(True)), func.count())
        .where(scope & c.exit_date.is_not(None))
        .group_by(c.exit_date)
    )
    with _connect(db) as conn:
        exit_rows = conn.execute(exits).all()
        actual = {
            CLIENTS: _cumulative_at(_daily(conn, entries), ends),
            **{
                indicator: _cumulative_at(
                    _daily(conn, _first_outcome_days(outcome_type, municipality, target_group)),
                    ends,
                )
                for indicator, outcome_type in outcome_indicators(conn).items()
            },
            BONUS_EMPLOYERS: _cumulative_at(_daily(conn, bonus), ends),
            PARTNER_COMPANIES: [float(n) for n in _partners_in_force(conn, ends, municipality)],
        }
        reached = _cumulative_at(
            pd.Series({pd.Timestamp(d): float(r) for d, r, _ in exit_rows}, dtype="float64"), ends
        )
        left = _cumulative_at(
            pd.Series({pd.Timestamp(d): float(n) for d, _, n in exit_rows}, dtype="float64"), ends
        )
        rows = []
        for ind in indicators(conn).to_dict("records"):
            code, kind = str(ind["code"]), str(ind["kind"])
            target = target_for(conn, code, municipality)
            milestones = _milestones(conn, code, municipality, target, float(ind["target"]))
            for i, day in enumerate(ends):
                expected = expected_by(
                    target, project.start_date, project.end_date, day, milestones, kind
                )
                if code == PLAN_GOAL_REACHED:
                    value = reached[i] / left[i] if left[i] else 0.0
                    num, den = int(reached[i]), int(left[i])
                else:
                    value, num, den = actual[code][i], None, None
                rows.append((code, day, value, expected, target, num, den))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


SERIES_COLUMNS = [
    "indicator",
    "month_end",
    "actual",
    "expected",
    "target",
    "numerator",
    "denominator",
]


def active_by_status(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    start: date,
    end: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """Clients in each status on every month end (their status episode covers the day).
    Columns: month_end, status, clients.

    Counted from the episodes' starts and ends per day (episodes that started by the day less
    those that ended before it), not by joining every month end to every episode; a client
    with overlapping episodes of one status is then counted once by a correction."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    ends = month_ends(start, end)
    ep, c = _status_episode.c, _client.c

    def scoped(stmt: Select) -> Select:
        if municipality is None and target_group is None:
            return stmt  # every episode's client exists (foreign key): no join needed
        return stmt.join(_client, c.id == ep.client_id).where(
            _client_scope(municipality, target_group)
        )

    started = scoped(
        select(ep.status_code, ep.start_date, func.count())
        .where(ep.start_date <= ends[-1])
        .group_by(ep.status_code, ep.start_date)
    )
    ended = scoped(
        select(ep.status_code, ep.end_date, func.count())
        .where(ep.end_date < ends[-1])
        .group_by(ep.status_code, ep.end_date)
    )
    before = [d - timedelta(days=1) for d in ends]
    covering: dict[tuple[date, str], int] = defaultdict(int)
    with _connect(db) as conn:
        for rows, days, sign in (
            (conn.execute(started), ends, 1),
            (conn.execute(ended), before, -1),
        ):
            by_status: dict[str, dict[pd.Timestamp, float]] = defaultdict(dict)
            for status, day, n in rows:
                by_status[status][pd.Timestamp(day)] = float(n)
            for status, daily in by_status.items():
                totals = _cumulative_at(pd.Series(daily, dtype="float64"), days)
                for month_end, total in zip(ends, totals, strict=True):
                    covering[(month_end, status)] += sign * int(total)
        for key, extra in _overlap_excess(conn, ends, scoped).items():
            covering[key] -= extra
    counted = sorted((d, status, n) for (d, status), n in covering.items() if n > 0)
    return pd.DataFrame(counted, columns=["month_end", "status", "clients"]).astype(
        {"clients": "int64"}
    )


def _overlap_excess(
    conn: Connection, ends: list[date], scoped: Callable[[Select], Select]
) -> dict[tuple[date, str], int]:
    """Per month end and status, how many times clients are counted more than once because
    two or more of their episodes of the status cover the day (none, unless episodes overlap)."""
    twin = _status_episode.alias("twin")
    ep, other = _status_episode.c, twin.c
    overlapping = scoped(
        select(ep.id).join(
            twin,
            (other.client_id == ep.client_id)
            & (other.status_code == ep.status_code)
            & (other.id != ep.id)
            & or_(ep.end_date.is_(None), other.start_date <= ep.end_date)
            & or_(other.end_date.is_(None), ep.start_date <= other.end_date),
        )
    )
    ids = {int(i) for i in conn.execute(overlapping).scalars()}
    if not ids:
        return {}
    months = _months_cte(ends)
    stmt = (
        select(months.c.month_end, ep.status_code,
               func.count() - func.count(func.distinct(ep.client_id)))
        .select_from(months)
        .join(_status_episode, (ep.start_date <= months.c.month_end)
              & or_(ep.end_date.is_(None), ep.end_date >= months.c.month_end))
        .where(ep.id.in_(sorted(ids)))
        .group_by(months.c.month_end, ep.status_code)
    )  # fmt: skip
    return {
        (pd.Timestamp(d).date(), str(status)): int(n) for d, status, n in conn.execute(stmt) if n
    }


def new_clients_per_month(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    start: date,
    end: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """Clients who entered in each month. Columns: month_end, clients."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c = _client.c
    stmt = (
        select(c.entry_date, func.count())
        .where(
            _client_scope(municipality, target_group)
            & (c.entry_date >= start)
            & (c.entry_date <= end)
        )
        .group_by(c.entry_date)
    )
    ends = month_ends(start, end)
    values = [int(n) for n in _per_month(_daily(db, stmt), ends)]
    return pd.DataFrame({"month_end": ends, "clients": values})


def clients_by_target_group(
    db: Database, actor: Actor | None, municipality: str | None, as_of: date
) -> pd.DataFrame:
    """Clients entered by `as_of` per target group (a client may be in several), with the
    groups' names. Columns: target_group, name_fi, name_en, clients."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    tg, ctg, c = _target_group.c, _client_target_group.c, _client.c
    groups = select(tg.code, tg.name_fi, tg.name_en).order_by(tg.position)
    # Counted from the memberships, then put on the list of groups (a group may have none)
    counts = (
        select(ctg.target_group_code, func.count())
        .join(_client, c.id == ctg.client_id)
        .where((c.entry_date <= as_of) & _where_municipality(c.municipality_code, municipality))
        .group_by(ctg.target_group_code)
    )
    with _connect(db) as conn:
        counted = {code: int(n) for code, n in conn.execute(counts)}
        rows = [(*g, counted.get(g[0], 0)) for g in conn.execute(groups)]
    frame = pd.DataFrame(rows, columns=["target_group", "name_fi", "name_en", "clients"])
    return frame.astype({"clients": "int64"})


FUNNEL_STAGES = ("entered", "left", "plan_goal_reached", "employed_at_company")


def outcome_funnel(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    as_of: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """Clients who entered → left → reached their plan goal → were employed at a company, by
    `as_of`, for all clients (target_group "") and for each target group.
    Columns: target_group, stage, clients."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c, o, ctg = _client.c, _outcome.c, _client_target_group.c
    left = c.exit_date.is_not(None) & (c.exit_date <= as_of)
    # Clients employed at a company by the day, each once: joined, not probed per client
    employed = (
        select(o.client_id)
        .where((o.outcome_type_code == OUTCOME_COMPANY) & (o.outcome_date <= as_of))
        .group_by(o.client_id)
        .subquery()
    )
    stages = [
        func.count(),
        _count_if(left),
        _count_if(left & c.plan_goal_reached.is_(True)),
        _count_if(employed.c.client_id.is_not(None)),
    ]
    everyone = (
        select(*stages)
        .select_from(_client)
        .outerjoin(employed, employed.c.client_id == c.id)
        .where(_client_scope(municipality, target_group) & (c.entry_date <= as_of))
    )
    # Each target group in one pass: a client counts once in every group they belong to
    by_group = (
        select(ctg.target_group_code, *stages)
        .select_from(_client)
        .join(_client_target_group, ctg.client_id == c.id)
        .outerjoin(employed, employed.c.client_id == c.id)
        .where(_where_municipality(c.municipality_code, municipality) & (c.entry_date <= as_of))
        .group_by(ctg.target_group_code)
    )
    with _connect(db) as conn:
        counted = {"": tuple(conn.execute(everyone).one())}
        if not target_group:
            found = {code: tuple(n) for code, *n in conn.execute(by_group)}
            for group in _target_group_codes(conn):
                counted[group] = found.get(group, (0, 0, 0, 0))
    rows = [
        (group, stage, int(n))
        for group, counts in counted.items()
        for stage, n in zip(FUNNEL_STAGES, counts, strict=True)
    ]
    return pd.DataFrame(rows, columns=["target_group", "stage", "clients"])


def _target_group_codes(db: Database) -> list[str]:
    with _connect(db) as conn:
        return list(
            conn.execute(select(_target_group.c.code).order_by(_target_group.c.position)).scalars()
        )


def employer_series(
    db: Database, actor: Actor | None, municipality: str | None, start: date, end: date
) -> pd.DataFrame:
    """Employers per month end: partnerships in force, employers granted a bonus so far, and
    the bonus euros granted in the month and so far. Columns: month_end, partnerships,
    bonus_employers, euros_granted, euros_granted_total."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    g, e = _bonus_grant.c, _employer.c
    stmt = (
        select(g.decision_date, func.sum(g.amount))
        .join(_employer, e.id == g.employer_id)
        .where((g.decision == "granted") & _where_municipality(e.municipality_code, municipality))
        .group_by(g.decision_date)
    )
    ends = month_ends(start, end)
    # The same series as the indicators partner_companies and bonus_employers
    with _connect(db) as conn:
        daily = _daily(conn, stmt)
        partners = _partners_in_force(conn, ends, municipality)
        bonus = _cumulative_at(_daily(conn, _first_bonus_days(municipality, None)), ends)
    euros = _per_month(daily, ends)
    return pd.DataFrame(
        {
            "month_end": ends,
            "partnerships": partners,
            "bonus_employers": [int(n) for n in bonus],
            "euros_granted": euros,
            "euros_granted_total": _cumulative_at(daily, ends),
        }
    )


def municipality_comparison(
    db: Database, actor: Actor | None, as_of: date, target_group: str | None = None
) -> pd.DataFrame:
    """Every municipality side by side: each indicator's actual against the municipality's
    share of the target. Region aggregates: the caller needs the region's read permission.
    Columns: municipality, name, indicator, actual, target, expected, numerator, denominator."""
    check(actor, Permission.READ_AGGREGATES, None)
    frames = []
    with _connect(db) as conn:
        project = project_info(conn)
        places = municipalities(conn).to_dict("records")
        if project is None or not places:
            return pd.DataFrame(columns=COMPARISON_COLUMNS)
        definitions = indicators(conn).to_dict("records")
        actuals = _actuals_by_municipality(
            conn, [str(m["code"]) for m in places], as_of, target_group
        )
        shares = {str(i["code"]): municipality_targets(conn, str(i["code"])) for i in definitions}
        marks = {str(i["code"]): _milestone_rows(conn, str(i["code"])) for i in definitions}
        for m in places:
            code = str(m["code"])
            targets = {indicator: share[code] for indicator, share in shares.items()}
            milestones = {
                str(i["code"]): _pick_milestones(
                    marks[str(i["code"])], code, targets[str(i["code"])], float(i["target"])
                )
                for i in definitions
            }
            frame = _kpi_frame(definitions, actuals[code], targets, milestones, project, as_of)
            frames.append(frame.assign(municipality=code, name=m["name"]))
    return pd.concat(frames, ignore_index=True)[COMPARISON_COLUMNS]


def kpis_by_municipality(
    db: Database,
    actor: Actor | None,
    codes: list[str],
    as_of: date,
    target_group: str | None = None,
) -> dict[str, pd.DataFrame]:
    """kpis of each municipality in `codes`, their actuals read all at once (the work queue of
    a coordinator of several municipalities, the comparison of every one)."""
    for code in codes:
        check(actor, Permission.READ_AGGREGATES, code)
    with _connect(db) as conn:
        project = project_info(conn)
        if project is None:
            return {code: pd.DataFrame(columns=KPI_COLUMNS) for code in codes}
        definitions = indicators(conn).to_dict("records")
        actuals = _actuals_by_municipality(conn, list(codes), as_of, target_group)
        # Each indicator's targets and milestones read once, for every municipality
        names = [str(i["code"]) for i in definitions]
        all_targets = {ind: municipality_targets(conn, ind) for ind in names}
        all_milestones = {ind: _milestone_rows(conn, ind) for ind in names}
        out = {}
        for code in codes:
            targets = {ind: all_targets[ind][code] for ind in names}
            milestones = {
                ind: _pick_milestones(all_milestones[ind], code, targets[ind], float(i["target"]))
                for i, ind in zip(definitions, names, strict=True)
            }
            out[code] = _kpi_frame(definitions, actuals[code], targets, milestones, project, as_of)
        return out


def indicator_actuals_by_municipality(
    db: Database,
    actor: Actor | None,
    codes: list[str],
    as_of: date,
    target_group: str | None = None,
) -> dict[str, dict[str, Actual]]:
    """indicator_actuals of each municipality in `codes`, all at once (a query per kind of
    indicator, grouped by municipality, instead of a round of queries per municipality)."""
    for code in codes:
        check(actor, Permission.READ_AGGREGATES, code)
    with _connect(db) as conn:
        return _actuals_by_municipality(conn, list(codes), as_of, target_group)


def _actuals_by_municipality(
    conn: Connection, codes: list[str], as_of: date, target_group: str | None
) -> dict[str, dict[str, Actual]]:
    """indicator_actuals of every municipality at once: the same conditions, GROUP BY the
    client's (or for employer indicators the employer's) municipality."""
    c, e, g = _client.c, _employer.c, _bonus_grant.c
    in_scope = _client_scope(None, target_group)
    left = (c.exit_date.is_not(None)) & (c.exit_date <= as_of) & (c.entry_date <= as_of)
    counts: dict[str, dict[str, float]] = defaultdict(dict)
    clients = (
        select(
            c.municipality_code,
            _count_if(c.entry_date <= as_of),
            _count_if(left & (c.plan_goal_reached.is_(True))),
            _count_if(left),
        )
        .where(in_scope)
        .group_by(c.municipality_code)
    )
    partners = (
        select(e.municipality_code, _count_if(partnership_in_force(as_of)))
        .where(e.municipality_code.is_not(None))
        .group_by(e.municipality_code)
    )
    bonus = (
        select(e.municipality_code, func.count(func.distinct(g.employer_id)))
        .select_from(_bonus_grant)
        .join(_employer, e.id == g.employer_id)
        .join(_client, c.id == g.client_id)
        .where((g.decision == "granted") & (g.decision_date <= as_of) & in_scope)
        .group_by(e.municipality_code)
    )
    rates: dict[str, tuple[int, int]] = {}
    for code, entered, reached, exited in conn.execute(clients):
        counts[code][CLIENTS] = int(entered)
        rates[code] = (int(reached), int(exited))
    for code, n in conn.execute(partners):
        counts[code][PARTNER_COMPANIES] = int(n)
    for code, n in conn.execute(bonus):
        counts[code][BONUS_EMPLOYERS] = int(n)
    with_outcome = outcome_indicators(conn)
    for indicator, outcome_type in with_outcome.items():
        placed = _clients_with_outcome(outcome_type, as_of, in_scope, c.municipality_code)
        for code, n in conn.execute(placed):
            counts[code][indicator] = int(n)
    result: dict[str, dict[str, Actual]] = {}
    for code in codes:
        result[code] = {}
        for indicator in (CLIENTS, PARTNER_COMPANIES, BONUS_EMPLOYERS, *with_outcome):
            result[code][indicator] = Actual(int(counts[code].get(indicator, 0)))
        reached, exited = rates.get(code, (0, 0))
        result[code][PLAN_GOAL_REACHED] = Actual(
            reached / exited if exited else 0.0, reached, exited
        )
    return result


COMPARISON_COLUMNS = [
    "municipality",
    "name",
    "indicator",
    "actual",
    "target",
    "expected",
    "numerator",
    "denominator",
]


SURVIVAL_COLUMNS = ["target_group", "day", "not_yet_employed", "at_risk", "clients"]


def time_to_employment(
    db: Database,
    actor: Actor | None,
    municipality: str | None,
    as_of: date,
    target_group: str | None = None,
) -> pd.DataFrame:
    """The share of clients not yet employed at a company, by days since entry (Kaplan–Meier,
    through scipy.stats.ecdf): employment at a company is the event; a client who left
    without it, or is still in the project on `as_of`, is censored then. One curve for all
    clients (target_group "") and one per target group, each step with the clients still at
    risk. Columns: target_group, day, not_yet_employed, at_risk, clients."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c, o = _client.c, _outcome.c
    first_job = (
        select(o.client_id, func.min(o.outcome_date).label("day"))
        .where((o.outcome_type_code == OUTCOME_COMPANY) & (o.outcome_date <= as_of))
        .group_by(o.client_id)
        .subquery()
    )
    groups = [None] if target_group else [None, *_target_group_codes(db)]
    frames = []
    with _connect(db) as conn:
        for group in groups:
            stmt = (
                select(c.entry_date, c.exit_date, first_job.c.day)
                .outerjoin(first_job, first_job.c.client_id == c.id)
                .where(_client_scope(municipality, target_group or group) & (c.entry_date <= as_of))
            )
            rows = conn.execute(stmt).all()
            frames.append(_survival(rows, as_of, group or target_group or ""))
    return (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SURVIVAL_COLUMNS)
    )


def _survival(rows: Sequence[Any], as_of: date, group: str) -> pd.DataFrame:
    """One Kaplan–Meier curve from (entry, exit, first company job) rows."""
    if not rows:
        return pd.DataFrame(columns=SURVIVAL_COLUMNS)
    durations, observed = [], []
    for entry, exit_date, job in rows:
        if job is not None:
            durations.append((job - entry).days)
            observed.append(True)
        else:
            durations.append(
                ((exit_date if exit_date and exit_date <= as_of else as_of) - entry).days
            )
            observed.append(False)
    days = np.asarray(durations, dtype=float)
    events = np.asarray(observed)
    if events.any():
        # Imported here: scipy.stats adds some 60 MB to every app process that never asks
        from scipy import stats

        data = stats.CensoredData.right_censored(days, ~events)
        sf = stats.ecdf(data).sf
        steps, survival = sf.quantiles, sf.probabilities
    else:
        steps, survival = np.asarray([0.0]), np.asarray([1.0])
    at_risk = [int((days >= d).sum()) for d in steps]
    curve = pd.DataFrame(
        {"target_group": group, "day": np.concatenate([[0], steps]).astype(int),
         "not_yet_employed": np.concatenate([[1.0], survival]),
         "at_risk": [len(days), *at_risk], "clients": len(days)}
    )  # fmt: skip
    return curve.drop_duplicates("day", keep="last").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# ESF+ common indicators (Regulation (EU) 2021/1057 Annex I; the product brief)
#
# A participant is a client who entered on or before `as_of` (one row per client code: a
# re-entry keeps its first entry and last exit). Each indicator is one predicate over the
# client's row (common_rules), counted by the database in one pass per gender.

COMMON_COLUMNS = ["code", "female", "male", "other", "total"]
PARTICIPANT_COLUMNS = ["gender", "started", "left"]
# The values without which a participant counts only in EECO01 (the birth year is mandatory)
COMMON_MANDATORY = ("gender", "labour_status_at_entry", "education_level")
# The follow-up result (EECR05) counts once this many months have passed since the exit
FOLLOW_UP_MONTHS = 6
UNEMPLOYED_STATUSES = ("unemployed", "long_term_unemployed")


class _plus_days(FunctionElement[date]):  # noqa: N801  (SQLAlchemy's naming of SQL functions)
    """plus_days(day, n): `day` + n days, in each database's own date arithmetic."""

    type = Date()
    name = "plus_days"
    inherit_cache = True


@compiles(_plus_days)
def _plus_days_sql(element: _plus_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"({day} + {days})"  # PostgreSQL: date + integer is a date


@compiles(_plus_days, "sqlite")
def _plus_days_sqlite(element: _plus_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '+' || {days} || ' days')"


def follow_up_exits(as_of: date) -> date:
    """The last exit day whose six-month follow-up falls on or before `as_of` (exit + 6
    calendar months ≤ `as_of`; a month end carries over as pandas' DateOffset does: 31.8. + 6
    months = 28.2.). Adding months never goes back in time, so the exits counted are exactly
    those on or before this day."""

    def due(day: pd.Timestamp) -> pd.Timestamp:
        return day + pd.DateOffset(months=FOLLOW_UP_MONTHS)

    limit = pd.Timestamp(as_of)
    day = limit - pd.DateOffset(months=FOLLOW_UP_MONTHS)
    while due(day) > limit:
        day -= pd.Timedelta(days=1)
    while due(day + pd.Timedelta(days=1)) <= limit:
        day += pd.Timedelta(days=1)
    return day.date()


def _participants(as_of: date, municipality: str | None) -> Subquery:
    """The participants' values the rules read, each worked out once per client: the
    labour status, education level, unemployment months, gender, situation on leaving and the
    follow-up as recorded; `age` at entry (entry year − birth year: only the year is stored),
    `left` (exit on or before `as_of`), `in_window` (the situation began within four weeks of
    the exit: exit ≤ situation date ≤ exit + 28 days), `follow_up_due` (exit + 6 months ≤
    `as_of`) and `complete` (every mandatory value known)."""
    c = _client.c
    window_end = _plus_days(c.exit_date, literal_column(str(int(LEAVING_WINDOW_DAYS))))
    return (
        select(
            c.gender,
            c.labour_status_at_entry.label("status"),
            c.education_level.label("level"),
            c.unemployment_months.label("months"),
            c.situation_on_leaving.label("situation"),
            c.qualification_gained,
            c.employed_6_months,
            (extract("year", c.entry_date) - c.birth_year).label("age"),
            _flag(c.exit_date <= as_of).label("left"),
            _flag((c.situation_date >= c.exit_date) & (c.situation_date <= window_end)).label(
                "in_window"
            ),
            _flag(c.exit_date <= follow_up_exits(as_of)).label("follow_up_due"),
            _flag(and_(*(c[name].is_not(None) for name in COMMON_MANDATORY))).label("complete"),
        )
        .where(_client_scope(municipality, None) & (c.entry_date <= as_of))
        .subquery("participants")
    )


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where `condition` holds, else 0 (NULL too)."""
    return case((condition, literal(1)), else_=literal(0))


def common_rules(p: Any) -> dict[str, ColumnElement[bool]]:
    """Each ESF+ common indicator's predicate over a participant's values (the columns `p` of
    _participants), in the order of the report (report_figures.COMMON_CODES). A missing value
    never satisfies a predicate."""
    unemployed = p.status.in_(UNEMPLOYED_STATUSES)
    left = p.left == 1

    def situation(code: str) -> ColumnElement[bool]:
        return left & (p.in_window == 1) & (p.situation == code)

    return {
        "EECO01": true(),  # every participant
        "EECO02": unemployed,  # unemployed at entry, long-term unemployed included
        # Unemployed for more than 6 months if under 25, more than 12 if 25 or older; without
        # the months, the status code long_term_unemployed decides
        "EECO03": or_(
            p.months.is_not(None) & unemployed & (p.months > case((p.age < 25, 6), else_=12)),
            p.months.is_(None) & (p.status == "long_term_unemployed"),
        ),
        "EECO04": p.status == "inactive",
        "EECO05": p.status == "employed",  # self-employed included
        "EECO06": p.age <= 17,
        "EECO07": p.age.between(18, 29),
        "EECO08": p.age >= 55,
        "EECO09": p.level == "isced_0_2",
        "EECO10": p.level == "isced_3_4",
        "EECO11": p.level == "isced_5_8",
        # Results: only of those who left by `as_of`
        "EECR01": situation("job_searching"),
        "EECR02": situation("education"),
        # A qualification is recorded at the exit: no date window
        "EECR03": left & (p.qualification_gained == true()),
        "EECR04": situation("employed"),
        # Employed at the six-month follow-up, counted once exit + 6 months ≤ `as_of`
        "EECR05": left & (p.follow_up_due == 1) & (p.employed_6_months == true()),
    }


def common_indicators(
    db: Database, actor: Actor | None, as_of: date, municipality: str | None = None
) -> pd.DataFrame:
    """The ESF+ common indicators cumulative to `as_of`, per gender: one row per code of
    report_figures.COMMON_CODES in its order. Columns: code, female, male, other (non-binary),
    total.

    Participants: clients who entered on or before `as_of`, of the municipality (None: the
    region), each counted once. Age at entry = entry year − birth year. EECO02 unemployed or
    long-term unemployed at entry; EECO03 unemployed for > 6 months if under 25, > 12 if 25
    or older (without the months, the status long_term_unemployed decides); EECO04 inactive;
    EECO05 employed; EECO06 under 18, EECO07 18–29, EECO08 55 and over; EECO09–11 the
    education level. The results count only those who left by `as_of`: EECR01 job searching,
    EECR02 in education, EECR04 employed, each when the situation began 0–28 days after the
    exit; EECR03 a qualification gained; EECR05 employed at the six-month follow-up once exit
    + 6 months ≤ `as_of`. A participant missing a mandatory value (common_incomplete) counts
    only in EECO01: in its total, and in a gender column if the gender is known."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    p = _participants(as_of, municipality).c
    rules = common_rules(p)
    counts = [
        _count_if(rules[code] if code == "EECO01" else rules[code] & (p.complete == 1))
        for code in COMMON_CODES
    ]
    stmt = select(p.gender, *counts).group_by(p.gender)
    with _connect(db) as conn:
        by_gender = {row[0]: [int(n) for n in row[1:]] for row in conn.execute(stmt)}
    rows = []
    for i, code in enumerate(COMMON_CODES):
        genders = [by_gender[g][i] if g in by_gender else 0 for g in GENDERS]
        rows.append((code, *genders, sum(counted[i] for counted in by_gender.values())))
    return pd.DataFrame(rows, columns=COMMON_COLUMNS)


def common_incomplete(
    db: Database, actor: Actor | None, as_of: date, municipality: str | None = None
) -> int:
    """Participants by `as_of` (as in common_indicators) missing a mandatory value: gender,
    labour status at entry or education level (the birth year is always recorded). They count
    only in EECO01."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    p = _participants(as_of, municipality).c
    with _connect(db) as conn:
        return int(conn.execute(select(func.count()).where(p.complete == 0)).scalar_one())


def participants_by_gender(
    db: Database, actor: Actor | None, start: date, end: date, municipality: str | None = None
) -> pd.DataFrame:
    """Clients who started (entry date) and who left (exit date) within [start, end], per
    gender: female, male, other, and None for not recorded, always these four rows in this
    order. Polku's side of the reconciliation with the funder's system (EURA 2021).
    Columns: gender, started, left."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c = _client.c
    stmt = (
        select(
            c.gender,
            _count_if((c.entry_date >= start) & (c.entry_date <= end)),
            _count_if((c.exit_date >= start) & (c.exit_date <= end)),
        )
        .where(_where_municipality(c.municipality_code, municipality))
        .group_by(c.gender)
    )
    with _connect(db) as conn:
        counted = {gender: (int(s), int(e)) for gender, s, e in conn.execute(stmt)}
    genders = [*GENDERS, None]
    return pd.DataFrame(
        {
            "gender": pd.Series(genders, dtype=object),  # None stays None, not NaN
            "started": [counted.get(g, (0, 0))[0] for g in genders],
            "left": [counted.get(g, (0, 0))[1] for g in genders],
        },
        columns=PARTICIPANT_COLUMNS,
    )


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


CODE_LISTS = ("client_status", "target_group", "service", "operating_model", "outcome_type")


def code_list(db: Database, table: str) -> pd.DataFrame:
    """A code list of the project definition (statuses, target groups, ...): code, name_fi,
    name_en, in the plan's order."""
    if table not in CODE_LISTS:
        raise ValueError(f"not a code list: {table}")
    t = metadata.tables[table].c
    stmt = select(t.code, t.name_fi, t.name_en).order_by(t.position)
    return _frame(db, stmt, ["code", "name_fi", "name_en"])


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
