"""The work queue: what a coordinator or an admin should fix, and by when (page Tehtävät and
the weekly digest, polku/digest.py).

Five kinds of work, each a rule over plain rows (the pure functions below) fed by one query:
- checklist: open checklist items overdue or due within `due_soon_days` (polku/checklists.py's
  `deadlines` computes the days left, here only filtered to the scope);
- follow_up: granted employment bonuses whose 6- or 12-month follow-up has come and is empty;
- stale_client: active clients without a status change for over `stale_client_months`;
- indicator: indicators behind their expected value (polku/metrics.py's `kpis`);
- report: payment periods that have ended without a submitted report, and the final report
  once the project has ended; overdue `report_due_days` after the end.
The thresholds are the [work_queue] table of the project file.

Scope: the queue lists things to fix, so it needs EDIT: a coordinator's municipalities, an
admin's every municipality and the region (region-wide checklist items and the reports are
the admin's). Directors and analysts have no queue: they are refused (and audited).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from models import FINAL_REPORT, metadata
from polku import checklists, i18n, metrics, present, project
from polku.access import ADMIN, COORDINATOR, Actor, Permission, check, refused

_client = metadata.tables["client"]
_episode = metadata.tables["status_episode"]
_grant = metadata.tables["bonus_grant"]
_municipality = metadata.tables["municipality"]
_period = metadata.tables["payment_period"]
_report = metadata.tables["report"]
_project = metadata.tables["project"]

CHECKLIST, FOLLOW_UP, STALE_CLIENT, INDICATOR, REPORT = (
    "checklist",
    "follow_up",
    "stale_client",
    "indicator",
    "report",
)
KINDS = (CHECKLIST, FOLLOW_UP, STALE_CLIENT, INDICATOR, REPORT)
# Kinds whose items are about one client: e-mail shows only their counts, never a row
CLIENT_KINDS = frozenset({FOLLOW_UP, STALE_CLIENT})
FOLLOW_UP_MONTHS = (6, 12)
# A report in these states still has to be filed
OPEN_REPORT_STATES = (None, "draft")
# The pages the items link to (streamlit_app.PAGES' url paths)
CHECKLIST_PAGE, CLIENT_CARD_PAGE, INDICATOR_PAGE, REPORT_PAGE = (
    "vaihelistat",
    "asiakaskortti",
    "mittarit",
    "raportit",
)
TASKS_PAGE = "tehtavat"
MUNICIPALITY_PARAM = "kunta"  # polku/ui/state.py: the picker's query parameter (by name)


@dataclass(frozen=True)
class WorkItem:
    """One thing to fix. `key` and `params` make its label in either language (no client
    code: `client_code` is kept apart for the in-app row of a viewer who may open the card).
    `days_overdue`: days past `due` (negative: days left; 0 without a due date)."""

    kind: str
    municipality: str | None  # None: the region
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    due: date | None = None
    days_overdue: int = 0
    page: str = TASKS_PAGE
    query: Mapping[str, str] = field(default_factory=dict)
    client_code: str | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.days_overdue > 0

    @property
    def link(self) -> str:
        """The url path and query of the page where the item is fixed."""
        return f"{self.page}?{urlencode(dict(self.query))}" if self.query else self.page

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """A short label without client codes: names in `lang`, numbers and dates formatted."""
        return i18n.t(self.key, lang, **{k: _shown(v, lang) for k, v in self.params.items()})

    def deadline(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "Myöhässä 3 pv" / "Tänään" / "5 pv jäljellä"; empty without a due date."""
        return "" if self.due is None else present.deadline_label(-self.days_overdue, lang)


@dataclass(frozen=True)
class Share:
    """A rate's value in a label, shown as a percentage."""

    value: float


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, Share):
        return i18n.fmt_percent(value.value, 0, lang)
    if isinstance(value, Mapping):  # {"fi": ..., "en": ...}
        return i18n.localized_name({"name_fi": value.get("fi"), "name_en": value.get("en")}, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, int):
        return i18n.fmt_int(value, lang)
    if isinstance(value, float):
        return i18n.fmt_decimal(value, 1, lang)
    return str(value)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has none): 31.8. + 6 = 28.2."""
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


# ---------------------------------------------------------------------------------------------
# The rules, over plain rows


def checklist_items(
    deadlines: pd.DataFrame, scope: frozenset[str] | None, query: Mapping[str | None, dict]
) -> list[WorkItem]:
    """Checklist items from checklists.deadlines' rows (already open and due soon or overdue),
    of the municipalities in `scope` (None: every one and the region's own)."""
    out = []
    for row in deadlines.to_dict("records"):
        code = row["municipality"]
        if scope is not None and code not in scope:
            continue
        out.append(
            WorkItem(
                kind=CHECKLIST,
                municipality=code,
                key="tasks.label.checklist",
                params={
                    "item": {"fi": row["name_fi"], "en": row["name_en"]},
                    "phase": {"fi": row["phase_name_fi"], "en": row["phase_name_en"]},
                },
                due=row["due_date"],
                days_overdue=-int(row["days_left"]),
                page=CHECKLIST_PAGE,
                query=query.get(code, {}),
            )
        )
    return out


def follow_ups_due(rows: Iterable[Mapping[str, Any]], as_of: date) -> list[WorkItem]:
    """Granted bonuses (rows: client_code, municipality, employment_start,
    employed_after_6_months, employed_after_12_months) whose 6- or 12-month follow-up day has
    come while its answer is still empty; one item per grant and follow-up."""
    out = []
    for row in rows:
        for months in FOLLOW_UP_MONTHS:
            due = add_months(row["employment_start"], months)
            if due > as_of or row[f"employed_after_{months}_months"] is not None:
                continue
            out.append(
                WorkItem(
                    kind=FOLLOW_UP,
                    municipality=row["municipality"],
                    key="tasks.label.follow_up",
                    params={"months": months},
                    due=due,
                    days_overdue=(as_of - due).days,
                    page=CLIENT_CARD_PAGE,
                    query={"asiakas": row["client_code"]},
                    client_code=row["client_code"],
                )
            )
    return out


def last_status_change(row: Mapping[str, Any]) -> date:
    """A client's latest status change: the entry, an episode's start or end (on or before the
    day read), whichever is latest."""
    days = [row["entry_date"], row.get("last_start"), row.get("last_end")]
    return max(d for d in days if d is not None)


def stale_cutoff(as_of: date, months: int) -> date:
    """A client whose last status change is before this day has had none for over `months`."""
    return add_months(as_of, -months)


def stale_clients(rows: Iterable[Mapping[str, Any]], as_of: date, months: int) -> list[WorkItem]:
    """Active clients (rows: client_code, municipality, entry_date, last_start, last_end)
    without a status change for over `months` months."""
    cutoff = stale_cutoff(as_of, months)
    out = []
    for row in rows:
        last = last_status_change(row)
        if last >= cutoff:
            continue
        due = add_months(last, months)
        out.append(
            WorkItem(
                kind=STALE_CLIENT,
                municipality=row["municipality"],
                key="tasks.label.stale_client",
                params={"months": months, "since": last},
                due=due,
                days_overdue=(as_of - due).days,
                page=CLIENT_CARD_PAGE,
                query={"asiakas": row["client_code"]},
                client_code=row["client_code"],
            )
        )
    return out


def indicators_behind(
    kpis: pd.DataFrame, municipality: str | None, query: Mapping[str, str]
) -> list[WorkItem]:
    """Indicators whose actual value is below the expected one (metrics.kpis' rows); a rate
    with no one in its denominator yet is not behind."""
    out = []
    for row in kpis.to_dict("records"):
        if bool(row["ahead"]):
            continue
        rate = row["kind"] == "rate"
        if rate and not row["denominator"]:
            continue
        shown = (lambda v: Share(float(v))) if rate else (lambda v: round(float(v)))
        out.append(
            WorkItem(
                kind=INDICATOR,
                municipality=municipality,
                key="tasks.label.indicator",
                params={
                    "indicator": {"fi": row["name_fi"], "en": row["name_en"]},
                    "actual": shown(row["actual"]),
                    "expected": shown(row["expected"]),
                },
                page=INDICATOR_PAGE,
                query=query,
            )
        )
    return out


def reports_due(
    periods: Sequence[tuple[str, date]],
    states: Mapping[str, str],
    as_of: date,
    due_days: int,
    project_end: date | None = None,
) -> list[WorkItem]:
    """Follow-up reports of payment periods (code, end date) that have ended, and the final
    report once the project has ended, not yet submitted or approved; each due `due_days`
    after its end."""
    ends = list(periods)
    if project_end is not None:
        ends.append((FINAL_REPORT, project_end))
    out = []
    for code, end in ends:
        if end >= as_of or states.get(code) not in OPEN_REPORT_STATES:
            continue
        due = end + pd.Timedelta(days=due_days).to_pytimedelta()
        final = code == FINAL_REPORT
        out.append(
            WorkItem(
                kind=REPORT,
                municipality=None,
                key="tasks.label.final_report" if final else "tasks.label.report",
                params={} if final else {"period": code},
                due=due,
                days_overdue=(as_of - due).days,
                page=REPORT_PAGE,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# The queue of one user


def scope_of(actor: Actor | None, municipality: str | None) -> frozenset[str] | None:
    """The municipalities whose work `actor` sees (None: all and the region's own): an admin's
    every one, a coordinator's own; one picked municipality narrows it. Others are refused."""
    if actor is None or actor.role not in (ADMIN, COORDINATOR):
        raise refused(actor, Permission.EDIT, municipality)
    if municipality is not None:
        check(actor, Permission.EDIT, municipality)
        return frozenset({municipality})
    if actor.role == ADMIN:
        return None
    for code in actor.municipalities:
        check(actor, Permission.EDIT, code)
    if not actor.municipalities:
        raise refused(actor, Permission.EDIT, None)
    return actor.municipalities


def _in_scope(column: Any, scope: frozenset[str] | None) -> Any:
    return column.is_not(None) if scope is None else column.in_(sorted(scope))


def work_queue(
    db: Engine,
    actor: Actor | None,
    as_of: date,
    municipality: str | None = None,
    rules: project.WorkQueueRules | None = None,
) -> list[WorkItem]:
    """Every item of the actor's queue on `as_of`: overdue first (most overdue first), then by
    due date, then the undated (indicators); `municipality` narrows it to one."""
    scope = scope_of(actor, municipality)
    rules = rules or project.work_queue_rules()
    with db.connect() as conn:
        names = dict(conn.execute(select(_municipality.c.code, _municipality.c.name)).all())
    where = {code: {MUNICIPALITY_PARAM: name} for code, name in names.items()}
    due = checklists.deadlines(db, actor, as_of, days=rules.due_soon_days)
    items = checklist_items(due, scope, where)
    items += follow_ups_due(_grant_rows(db, scope, as_of), as_of)
    items += stale_clients(
        _stale_rows(db, scope, as_of, rules.stale_client_months), as_of, rules.stale_client_months
    )
    by_place: dict[str | None, pd.DataFrame] = {}
    if scope is None:
        by_place[None] = metrics.kpis(db, actor, None, as_of)
    else:
        by_place.update(metrics.kpis_by_municipality(db, actor, sorted(scope), as_of))
    for code, kpis in by_place.items():
        items += indicators_behind(kpis, code, where.get(code or "", {}))
    if scope is None:
        items += _reports(db, as_of, rules.report_due_days)
    return sorted(items, key=_order)


def checklist_flags(
    db: Engine, actor: Actor | None, municipality: str, as_of: date, days: int | None = None
) -> dict[int, int]:
    """Open items of a municipality's checklist overdue or due within `days` (default: the
    project file's due_soon_days): item id -> days left (negative: overdue)."""
    days = project.work_queue_rules().due_soon_days if days is None else days
    due = checklists.deadlines(db, actor, as_of, days=days)
    due = due[due["municipality"] == municipality]
    return {int(i): int(d) for i, d in zip(due["id"], due["days_left"], strict=True)}


def _order(item: WorkItem) -> tuple:
    return (
        not item.overdue,
        -item.days_overdue if item.overdue else 0,
        item.due or date.max,
        KINDS.index(item.kind),
        item.municipality or "",
    )


def _grant_rows(db: Engine, scope: frozenset[str] | None, as_of: date) -> list[dict]:
    g, c = _grant.c, _client.c
    first = add_months(as_of, -min(FOLLOW_UP_MONTHS))
    stmt = (
        select(
            c.code.label("client_code"),
            c.municipality_code.label("municipality"),
            g.employment_start,
            g.employed_after_6_months,
            g.employed_after_12_months,
        )
        .join(_client, c.id == g.client_id)
        .where(
            g.decision == "granted",
            g.employment_start <= first,
            or_(g.employed_after_6_months.is_(None), g.employed_after_12_months.is_(None)),
            _in_scope(c.municipality_code, scope),
        )
        .order_by(g.employment_start, g.id)
    )
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _stale_rows(db: Engine, scope: frozenset[str] | None, as_of: date, months: int) -> list[dict]:
    """Active clients whose entry and every status change are before the cutoff (the database
    narrows; stale_clients decides)."""
    c, e = _client.c, _episode.c
    cutoff = stale_cutoff(as_of, months)
    last_start = func.max(e.start_date)
    # An end still ahead of the day read is no change yet
    last_end = func.max(case((e.end_date <= as_of, e.end_date)))
    stmt = (
        select(
            c.code.label("client_code"),
            c.municipality_code.label("municipality"),
            c.entry_date,
            last_start.label("last_start"),
            last_end.label("last_end"),
        )
        .select_from(_client)
        .outerjoin(
            _episode,
            and_(
                e.client_id == c.id,
                e.start_date <= as_of,
            ),
        )
        .where(
            c.entry_date < cutoff,
            or_(c.exit_date.is_(None), c.exit_date > as_of),
            _in_scope(c.municipality_code, scope),
        )
        .group_by(c.id, c.code, c.municipality_code, c.entry_date)
        .having(
            or_(last_start.is_(None), last_start < cutoff),
            or_(last_end.is_(None), last_end < cutoff),
        )
        .order_by(c.municipality_code, c.code)
    )
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def _reports(db: Engine, as_of: date, due_days: int) -> list[WorkItem]:
    p, r = _period.c, _report.c
    with db.connect() as conn:
        periods = [(str(code), end) for code, end in conn.execute(select(p.code, p.end_date))]
        states = {str(code): str(state) for code, state in conn.execute(select(r.code, r.state))}
        end = conn.execute(select(_project.c.end_date)).scalar()
    return reports_due(periods, states, as_of, due_days, end)


def counts(items: Iterable[WorkItem]) -> dict[str, tuple[int, int]]:
    """Per kind (every kind, in order): (items, of them overdue)."""
    out = {kind: [0, 0] for kind in KINDS}
    for item in items:
        out[item.kind][0] += 1
        out[item.kind][1] += int(item.overdue)
    return {kind: (n, late) for kind, (n, late) in out.items()}


@dataclass(frozen=True)
class Summary:
    """A line of the digest: one item, or the count of one client kind in one municipality
    (never a client's row)."""

    kind: str
    municipality: str | None
    key: str
    params: Mapping[str, Any]
    count: int
    days_overdue: int
    due: date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.days_overdue > 0

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.key, lang, **{k: _shown(v, lang) for k, v in self.params.items()})

    def deadline(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return "" if self.due is None else present.deadline_label(-self.days_overdue, lang)


def summaries(items: Sequence[WorkItem], months: int) -> list[Summary]:
    """The queue with client-level items counted per kind and municipality (the most overdue
    one giving the group's deadline), in the queue's order: what an e-mail may hold."""
    out: list[Summary] = []
    groups: dict[tuple[str, str | None], list[WorkItem]] = {}
    for item in items:
        if item.kind in CLIENT_KINDS:
            groups.setdefault((item.kind, item.municipality), []).append(item)
            continue
        out.append(
            Summary(
                item.kind, item.municipality, item.key, item.params, 1, item.days_overdue, item.due
            )
        )
    for (kind, code), group in groups.items():
        first = group[0]  # the queue's order: the most overdue first
        params: dict[str, Any] = {"count": len(group)}
        if kind == STALE_CLIENT:
            params["months"] = months
        out.append(
            Summary(
                kind,
                code,
                f"tasks.summary.{kind}",
                params,
                len(group),
                first.days_overdue,
                first.due,
            )
        )
    return sorted(
        out,
        key=lambda s: (
            not s.overdue,
            -s.days_overdue if s.overdue else 0,
            s.due or date.max,
            KINDS.index(s.kind),
        ),
    )
