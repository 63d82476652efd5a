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
    db: Database, actor: Actor | None, municipality: str | None, as_of: date
) -> ClientCounts:
    """Clients entered on or before `as_of`; active = entered and not exited by `as_of`."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    c = _client.c
    entered = c.entry_date <= as_of
    stmt = select(
        _count_if(entered),
        _count_if(entered & or_(c.exit_date.is_(None), c.exit_date > as_of)),
        _count_if(c.exit_date <= as_of),
    ).where(_where_municipality(c.municipality_code, municipality))
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
    stmt = select(func.count(e.id), _count_if(partnership_in_force(as_of))).where(
        e.created_at < before_next_day,
        _where_municipality(e.municipality_code, municipality),
    )
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
            _count_if(item.status.in_(DONE_STATUSES)),
            func.count(item.id),
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
