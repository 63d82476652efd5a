"""Reporting to the funder: a follow-up report (seurantaraportti) per payment period and the
final report (loppuraportti), their figures, texts, states, frozen snapshots, the figures
changed since approval and the reconciliation with the funder's system (EURA 2021).

States (modelled on Jems and DHIS2): draft → submitted (the project files it); submitted →
approved (the funder approved it: an admin records that) or → draft (returned for
revision); approved → draft only as an admin's reopening with a reason. An approved report
locks its period's data (the write paths read `report.state`). Every move is one transaction
with a ReportEvent row, an audit row and a version check; approving also freezes the figures
of `build` as a ReportSnapshot, so the approved report reproduces whatever changes later.

Submitting is refused while an indicator is behind its expected value without a written
deviation ("deviation:<indicator>"), and, for the final report, while any final section is
empty. Texts are written only while the report is a draft (what is submitted is what is
approved). Only admins move reports and write texts and reconciliation (MANAGE_REPORTS);
analysts read (READ_REPORTS); coordinators and directors have no access.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import models
from models import GENDERS, metadata
from polku import audit, i18n, metrics, money, payment_application
from polku.access import Actor, Permission, check
from polku.metrics import Database, _connect
from polku.report_figures import (
    DEVIATION_PREFIX,
    FINAL_SECTIONS,
    PERIOD_SECTIONS,
    CommonFigure,
    IndicatorFigure,
    MoneyFigures,
    ParticipantCount,
    ReportFigures,
)

FINAL_REPORT = models.FINAL_REPORT
STATES = models.REPORT_STATES
DRAFT, SUBMITTED, APPROVED = STATES
# A move: its name → (from state, to state)
MOVES: dict[str, tuple[str, str]] = {
    "submit": (DRAFT, SUBMITTED),
    "approve": (SUBMITTED, APPROVED),
    "return": (SUBMITTED, DRAFT),
    "reopen": (APPROVED, DRAFT),
}
ENTITY = "report"
# The audit log's entities whose changes can move a report's figures (client data, salaries)
DATA_ENTITIES = ("client", "status_episode", "outcome", "bonus_grant", "salary_record")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY_FIELDS = tuple(MoneyFigures.model_fields)

_report = metadata.tables["report"]
_text = metadata.tables["report_text"]
_event = metadata.tables["report_event"]
_snapshot = metadata.tables["report_snapshot"]
_reconciliation = metadata.tables["report_reconciliation"]
_audit = metadata.tables["audit_log"]
_client = metadata.tables["client"]


class ReportProblem(ValueError):
    """A refused action on a report; `key` and `params` say why in the user's language."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        params = dict(self.params)
        if "state" in params:
            params["state"] = i18n.code_label("report_state", params["state"], lang)
        if "move" in params and params["move"] in MOVES:
            params["move"] = i18n.t(f"reports.move.{params['move']}", lang)
        return i18n.t(self.key, lang, **params)


class StaleReport(ReportProblem):
    """Someone moved or changed the report after the user read it."""


@dataclass(frozen=True)
class ReportState:
    code: str
    state: str
    version: int
    updated_by: str | None
    updated_at: datetime | None


# ---------------------------------------------------------------------------------------------
# Which reports there are and what they cover


def codes(db: Database) -> list[str]:
    """Every report: the payment periods in order, then the final report."""
    return [*map(str, money.payment_periods(db)["code"]), FINAL_REPORT]


def span(db: Database, code: str) -> tuple[date, date]:
    """The days a report covers: its payment period, or the whole project (final report)."""
    if code == FINAL_REPORT:
        project = metrics.project_info(db)
        if project is None:
            raise ReportProblem("reports.error.unknown", code=code)
        return project.start_date, project.end_date
    try:
        found = payment_application.period(db, code)
    except payment_application.UnknownPeriod:
        raise ReportProblem("reports.error.unknown", code=code) from None
    return found.start, found.end


def sections(code: str) -> tuple[str, ...]:
    """The narrative sections of the report."""
    return FINAL_SECTIONS if code == FINAL_REPORT else PERIOD_SECTIONS


def status(db: Database, actor: Actor | None, code: str) -> ReportState:
    """The report's state; a report never moved is a draft at version 1."""
    check(actor, Permission.READ_REPORTS)
    r = _report.c
    with _connect(db) as conn:
        span(conn, code)
        row = conn.execute(
            select(r.state, r.version, r.updated_by, r.updated_at).where(r.code == code)
        ).first()
    if row is None:
        return ReportState(code, DRAFT, 1, None, None)
    return ReportState(code, row[0], int(row[1]), row[2], row[3])


def history(db: Database, actor: Actor | None, code: str) -> pd.DataFrame:
    """The report's moves, oldest first: at, from_state, to_state, user_email, reason."""
    check(actor, Permission.READ_REPORTS)
    e = _event.c
    stmt = (
        select(e.at, e.from_state, e.to_state, e.user_email, e.reason)
        .where(e.report_code == code)
        .order_by(e.id)
    )
    with _connect(db) as conn:
        rows = [tuple(row) for row in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=["at", "from_state", "to_state", "user_email", "reason"])


def texts(db: Database, actor: Actor | None, code: str) -> dict[str, str]:
    """The report's current narrative sections and deviation explanations."""
    check(actor, Permission.READ_REPORTS)
    t = _text.c
    with _connect(db) as conn:
        rows = conn.execute(select(t.section, t.body).where(t.report_code == code)).all()
    return {str(section): str(body) for section, body in rows}


def allowed_moves(actor: Actor | None, state: str) -> list[str]:
    """The moves the actor may make from `state` (none for those who do not manage reports)."""
    if actor is None or not actor.may(Permission.MANAGE_REPORTS):
        return []
    return [name for name, (source, _) in MOVES.items() if source == state]


# ---------------------------------------------------------------------------------------------
# The figures


def _cents(value: Any) -> Decimal:
    return money.cents(Decimal(str(value)))


def _money(db: Database, actor: Actor | None, code: str, end: date) -> MoneyFigures:
    """The report's money to the cent: its period's, or every period's for the final report."""
    periods = money.costs_by_period(db, actor, end)
    rows = periods if code == FINAL_REPORT else periods[periods["code"] == code]
    amounts = {a: sum((_cents(v) for v in rows[a]), Decimal(0)) for a in money.AMOUNTS}
    last = rows.iloc[-1]
    return MoneyFigures(
        **amounts,
        cumulative_total=_cents(last["cumulative_total"]),
        planned_total=_cents(last["planned_total"]),
    )


def money_shown(db: Database, actor: Actor | None, code: str) -> bool:
    """Whether the actor may see the report's money: admins always; others only when the
    period's sums stand for enough persons' pay to be shown alone on Talous (money.py)."""
    if money.sees_pay(actor):
        return True
    _, end = span(db, code)
    if code == FINAL_REPORT:
        return money.totals_shown(db, actor, end)
    shown = money.periods_shown(db, actor, end)
    alone = shown[(shown["code"] == code) & (shown["code_from"] == code)]
    return not alone.empty


def build(db: Database, actor: Actor | None, code: str) -> ReportFigures:
    """Everything the report states, computed now: each indicator at the end against its
    target and expected value with its change in the period, the common indicators cumulative
    to the end, the money, the participants who started and left in the period, the texts."""
    check(actor, Permission.READ_REPORTS)
    with _connect(db) as conn:
        start, end = span(conn, code)
        at_end = metrics.kpis(conn, actor, None, end).set_index("indicator")
        # The values the day before the period: the actuals alone (no targets needed)
        previous = metrics.indicator_actuals(conn, actor, None, start - timedelta(days=1))
        before = {code: actual.value for code, actual in previous.items()}
        indicators = tuple(
            IndicatorFigure(
                code=str(ind),
                kind=str(row["kind"]),
                target=float(row["target"]),
                expected=None if pd.isna(row["expected"]) else float(row["expected"]),
                value=float(row["actual"]),
                change=float(row["actual"]) - float(before[str(ind)]),
            )
            for ind, row in at_end.iterrows()
        )
        common = tuple(
            CommonFigure(
                code=str(r["code"]),
                **{g: int(r[g]) for g in ("female", "male", "other", "total")},
            )
            for r in metrics.common_indicators(conn, actor, end).to_dict("records")
        )
        participants = tuple(
            ParticipantCount(
                gender=None if r["gender"] is None or pd.isna(r["gender"]) else str(r["gender"]),
                started=int(r["started"]),
                left=int(r["left"]),
            )
            for r in metrics.participants_by_gender(conn, actor, start, end).to_dict("records")
        )
        return ReportFigures(
            report=code,
            start=start,
            end=end,
            indicators=indicators,
            common=common,
            common_incomplete=metrics.common_incomplete(conn, actor, end),
            money=_money(conn, actor, code, end),
            participants=participants,
            texts=texts(conn, actor, code),
        )


def missing_deviations(figures: ReportFigures) -> list[str]:
    """The indicators behind their expected value without a written deviation."""
    return [
        i.code
        for i in figures.indicators
        if i.behind and not figures.texts.get(f"{DEVIATION_PREFIX}{i.code}", "").strip()
    ]


def missing_sections(figures: ReportFigures) -> list[str]:
    """The final report's empty sections (a follow-up report may leave sections empty)."""
    if figures.report != FINAL_REPORT:
        return []
    return [s for s in FINAL_SECTIONS if not figures.texts.get(s, "").strip()]


def approved_figures(db: Database, code: str) -> ReportFigures | None:
    """The figures frozen at the report's latest approval (None: never approved). Aggregates
    only, as the funder received them."""
    s = _snapshot.c
    with _connect(db) as conn:
        found = conn.execute(
            select(s.figures).where(s.report_code == code).order_by(s.id.desc()).limit(1)
        ).scalar_one_or_none()
    return None if found is None else ReportFigures.from_json(found)


@dataclass(frozen=True)
class Stated:
    """What a report's documents state: an approved report its frozen figures, any other
    today's; its state and the day of its latest approval."""

    figures: ReportFigures
    state: str
    approved_on: date | None


def stated(db: Database, actor: Actor | None, code: str) -> Stated:
    """The figures, state and approval day the workbook and the PDF of report `code` show."""
    current = status(db, actor, code)
    frozen = approved_figures(db, code) if current.state == APPROVED else None
    approved_on = None
    if frozen is not None:
        moves = history(db, actor, code)
        approvals = moves[moves["to_state"] == APPROVED]["at"]
        approved_on = approvals.iloc[-1].date() if len(approvals) else None
    return Stated(frozen or build(db, actor, code), current.state, approved_on)


# ---------------------------------------------------------------------------------------------
# Writing: moves, texts, reconciliation (admins only), each one transaction with audit rows


def _ensure(conn: Any, code: str) -> None:
    """The report's row, created as a draft on first use."""
    if conn.execute(select(_report.c.code).where(_report.c.code == code)).first() is None:
        conn.execute(insert(_report).values(code=code, state=DRAFT, version=1))


def _bump(conn: Any, code: str, version: int, actor: Actor, **values: Any) -> int:
    """Take the report from `version` to the next; a stale version refuses everything."""
    r = _report.c
    done = conn.execute(
        update(_report)
        .where(r.code == code, r.version == version)
        .values(**values, version=r.version + 1, updated_by=actor.email, updated_at=func.now())
    )
    if done.rowcount != 1:
        row = conn.execute(select(r.updated_by).where(r.code == code)).first()
        raise StaleReport("reports.error.stale", user=(row[0] if row else None) or "?")
    return version + 1


def _begin(engine: Engine, actor: Actor | None, code: str) -> Actor:
    writer = check(actor, Permission.MANAGE_REPORTS)
    span(engine, code)
    return writer


def move(
    engine: Engine,
    actor: Actor | None,
    code: str,
    name: str,
    version: int,
    reason: str | None = None,
) -> int:
    """Move the report (`name` in MOVES) from the `version` the user read; returns the new
    version. Raises AccessDenied, StaleReport or ReportProblem; nothing is written then."""
    writer = _begin(engine, actor, code)
    if name not in MOVES:
        raise ReportProblem("reports.error.move", move=name)
    source, target = MOVES[name]
    reason = (reason or "").strip() or None
    if name == "reopen" and reason is None:
        raise ReportProblem("reports.error.reason")
    try:
        with engine.begin() as conn:
            _ensure(conn, code)
            now = conn.execute(select(_report.c.state).where(_report.c.code == code)).scalar_one()
            new_version = _bump(conn, code, version, writer, state=target)
            if now != source:
                raise ReportProblem("reports.error.not_from", state=now, move=name)
            figures = build(conn, writer, code) if name in ("submit", "approve") else None
            if name == "submit" and figures is not None:
                _check_complete(figures)
            event = {"from_state": source, "to_state": target, "reason": reason}
            added = conn.execute(
                insert(_event).values(report_code=code, user_email=writer.email, **event)
            )
            event_id = added.inserted_primary_key[0] if added.inserted_primary_key else None
            if name == "approve" and figures is not None:
                conn.execute(
                    insert(_snapshot).values(
                        report_code=code, event_id=event_id, figures=figures.to_json()
                    )
                )
            _audit_row(conn, writer, f"report_{name}", code, "state", source, target, reason)
    except IntegrityError:  # another first use created the row at the same moment
        raise StaleReport("reports.error.stale", user="?") from None
    return new_version


def _check_complete(figures: ReportFigures) -> None:
    behind = missing_deviations(figures)
    if behind:
        raise ReportProblem("reports.error.deviation", indicators=", ".join(behind))
    empty = missing_sections(figures)
    if empty:
        raise ReportProblem("reports.error.sections", sections=", ".join(empty))


def _audit_row(
    conn: Any,
    actor: Actor,
    action: str,
    entity_id: str,
    field: str,
    old: Any,
    new: Any,
    detail: str | None = None,
    entity: str = ENTITY,
) -> None:
    """One audit row written with the change, in the change's transaction."""
    with Session(bind=conn) as session:
        audit.record(
            session,
            user_email=actor.email,
            action=action,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old=old,
            new=new,
            detail=detail,
        )
        session.flush()


def save_texts(
    engine: Engine, actor: Actor | None, code: str, version: int, bodies: Mapping[str, str]
) -> int:
    """Save narrative sections and deviation explanations (an empty text removes one) while
    the report is a draft; returns the new version. One audit row per changed text."""
    writer = _begin(engine, actor, code)
    allowed = set(sections(code))
    with _connect(engine) as conn:
        indicators = set(metrics.indicators(conn)["code"].astype(str))
    for section in bodies:
        named = section.removeprefix(DEVIATION_PREFIX)
        if section not in allowed and not (section != named and named in indicators):
            raise ReportProblem("reports.error.section", section=section)
    t = _text.c
    with engine.begin() as conn:
        _ensure(conn, code)
        state = conn.execute(select(_report.c.state).where(_report.c.code == code)).scalar_one()
        new_version = _bump(conn, code, version, writer)
        if state != DRAFT:
            raise ReportProblem("reports.error.not_draft", state=state)
        stored = dict(conn.execute(select(t.section, t.body).where(t.report_code == code)).all())
        for section, body in bodies.items():
            text = body.strip()
            old = stored.get(section)
            if (old or "") == text:
                continue
            where = (t.report_code == code) & (t.section == section)
            if not text:
                conn.execute(_text.delete().where(where))
            elif old is None:
                values = {"report_code": code, "section": section, "body": text}
                conn.execute(insert(_text).values(**values, updated_by=writer.email))
            else:
                conn.execute(
                    update(_text)
                    .where(where)
                    .values(body=text, updated_by=writer.email, updated_at=func.now())
                )
            _audit_row(
                conn, writer, "report_text", code, section, old, text or None, entity="report_text"
            )
    return new_version


def save_reconciliation(
    engine: Engine,
    actor: Actor | None,
    code: str,
    counts: Mapping[str, tuple[int | None, int | None]],
) -> None:
    """The participants the funder's system shows for the report's period, per gender:
    (started, left); (None, None) removes a gender's entry. Audited per changed number."""
    writer = _begin(engine, actor, code)
    for gender, (started, left) in counts.items():
        if gender not in GENDERS:
            raise ReportProblem("reports.error.gender", gender=gender)
        if (started is None) != (left is None):
            raise ReportProblem("reports.error.count", gender=gender)
        if any(n is not None and (not isinstance(n, int) or n < 0) for n in (started, left)):
            raise ReportProblem("reports.error.count", gender=gender)
    c = _reconciliation.c
    with engine.begin() as conn:
        _ensure(conn, code)
        rows = conn.execute(
            select(c.gender, c.started, c.left_count).where(c.report_code == code)
        ).all()
        stored = {g: (s, n) for g, s, n in rows}
        for gender, (started, left) in counts.items():
            old = stored.get(gender, (None, None))
            if old == (started, left):
                continue
            where = (c.report_code == code) & (c.gender == gender)
            if started is None:
                conn.execute(_reconciliation.delete().where(where))
            elif gender not in stored:
                conn.execute(
                    insert(_reconciliation).values(
                        report_code=code,
                        gender=gender,
                        started=started,
                        left_count=left,
                        updated_by=writer.email,
                    )
                )
            else:
                conn.execute(
                    update(_reconciliation)
                    .where(where)
                    .values(
                        started=started,
                        left_count=left,
                        updated_by=writer.email,
                        updated_at=func.now(),
                    )
                )
            for field, before, after in zip(
                ("started", "left_count"), old, (started, left), strict=True
            ):
                if before != after:
                    _audit_row(
                        conn,
                        writer,
                        "report_reconciliation",
                        f"{code}/{gender}",
                        field,
                        before,
                        after,
                        entity="report_reconciliation",
                    )


RECONCILIATION_COLUMNS = [
    "gender",
    "funder_started",
    "funder_left",
    "polku_started",
    "polku_left",
    "started_difference",
    "left_difference",
]


def reconciliation(db: Database, actor: Actor | None, code: str) -> pd.DataFrame:
    """The funder's participant counts beside Polku's for the report's period, per gender
    (and Polku's participants without a recorded gender); difference = Polku − funder, missing
    (NA) where the funder's number has not been entered."""
    check(actor, Permission.READ_REPORTS)
    c = _reconciliation.c
    with _connect(db) as conn:
        start, end = span(conn, code)
        ours = metrics.participants_by_gender(conn, actor, start, end)
        rows = conn.execute(
            select(c.gender, c.started, c.left_count).where(c.report_code == code)
        ).all()
    theirs = {g: (int(s), int(n)) for g, s, n in rows}
    polku = {
        (None if g is None or pd.isna(g) else str(g)): (int(s), int(n))
        for g, s, n in ours[["gender", "started", "left"]].itertuples(index=False)
    }
    genders: list[str | None] = [*GENDERS, *([None] if None in polku else [])]
    out = []
    for gender in genders:
        ps, pl = polku.get(gender, (0, 0))
        fs, fl = theirs.get(gender, (None, None)) if gender is not None else (None, None)
        out.append(
            [
                gender,
                fs,
                fl,
                ps,
                pl,
                None if fs is None else ps - fs,
                None if fl is None else pl - fl,
            ]
        )
    frame = pd.DataFrame(out, columns=RECONCILIATION_COLUMNS)
    return frame.astype(dict.fromkeys(RECONCILIATION_COLUMNS[1:], "Int64"))


# ---------------------------------------------------------------------------------------------
# Changed since approval


@dataclass(frozen=True)
class Changes:
    """A report's approved figures beside today's, and the audited changes since approval."""

    taken_at: datetime | None
    reopened: bool  # the report is no longer approved
    figures: pd.DataFrame  # kind, code, snapshot, now, difference
    changes: pd.DataFrame  # at, user_email, action, entity, entity_id, field, old, new

    @property
    def differ(self) -> bool:
        return bool((self.figures["difference"] != 0).any())

    @property
    def shown(self) -> bool:
        """Worth showing: reopened, or today's figures are not the approved ones."""
        return self.reopened or self.differ or not self.changes.empty


FIGURE_COLUMNS = ["kind", "code", "snapshot", "now", "difference"]
CHANGE_COLUMNS = ["at", "user_email", "action", "entity", "entity_id", "field", "old", "new"]


def _comparable(figures: ReportFigures) -> dict[tuple[str, str], Decimal]:
    """The figures as (kind, code) → number, for putting two reports side by side."""
    out: dict[tuple[str, str], Decimal] = {}
    for i in figures.indicators:
        out["indicator", i.code] = Decimal(str(i.value))
    for c in figures.common:
        for gender in ("female", "male", "other", "total"):
            out["common", f"{c.code}/{gender}"] = Decimal(getattr(c, gender))
    out["common", "incomplete"] = Decimal(figures.common_incomplete)
    for name in _MONEY_FIELDS:
        out["money", name] = getattr(figures.money, name)
    for p in figures.participants:
        out["participants", f"{p.gender or '-'}/started"] = Decimal(p.started)
        out["participants", f"{p.gender or '-'}/left"] = Decimal(p.left)
    return out


def compare(then: ReportFigures, now: ReportFigures) -> pd.DataFrame:
    """Each figure of two reports: kind, code, snapshot, now, difference (now − snapshot)."""
    before, after = _comparable(then), _comparable(now)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, Decimal(0)), after.get(key, Decimal(0))
        rows.append([*key, old, new, new - old])
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def _days(*texts: str | None) -> list[date]:
    found = []
    for text in texts:
        for day in _ISO_DAY.findall(text or ""):
            try:
                found.append(date.fromisoformat(day))
            except ValueError:
                continue
    return found


def _dated_in(conn: Any, rows: list[dict[str, Any]], start: date, end: date) -> list[bool]:
    """Whether each audit row changed data dated in start..end: a day in its entity id, old
    or new value (a month's first day for a salary), or for a client's own field its entry or
    exit."""
    codes: set[str] = set()
    for row in rows:
        if row["entity"] == "client":
            codes.update(_ids(row))
    c = _client.c
    dates: dict[str, list[date]] = {}
    if codes:
        found = conn.execute(
            select(c.code, c.entry_date, c.exit_date).where(c.code.in_(sorted(codes)))
        ).all()
        dates = {code: [d for d in (entry, exit_) if d is not None] for code, entry, exit_ in found}
    first = start.replace(day=1)
    out = []
    for row in rows:
        days = _days(row["entity_id"], row["old_value"], row["new_value"], row["detail"])
        if row["entity"] == "client":
            days += [d for code in _ids(row) for d in dates.get(code, [])]
        low = first if row["entity"] == "salary_record" else start
        out.append(any(low <= d <= end for d in days))
    return out


def _ids(row: Mapping[str, Any]) -> list[str]:
    if row["entity_id"]:
        return [str(row["entity_id"])]
    return [part.strip() for part in str(row["detail"] or "").split(",") if part.strip()]


def changes_since_approval(db: Database, actor: Actor | None, code: str) -> Changes | None:
    """The latest approval's figures beside today's, and each change (what, who, when,
    old → new) of data dated in the report's period audited after it; None if never approved.
    Salaries are named by person only to those who may read staff rows (admins)."""
    check(actor, Permission.READ_REPORTS)
    s, a = _snapshot.c, _audit.c
    with _connect(db) as conn:
        snap = conn.execute(
            select(s.figures, s.taken_at).where(s.report_code == code).order_by(s.id.desc())
        ).first()
        if snap is None:
            return None
        then = ReportFigures.from_json(snap[0])
        now = build(conn, actor, code)
        state = status(conn, actor, code).state
        # The approval's own audit row: every later row is a change after the snapshot
        since = conn.execute(
            select(func.max(a.id)).where(
                a.entity == ENTITY, a.entity_id == code, a.action == "report_approve"
            )
        ).scalar_one()
        found = conn.execute(
            select(
                a.at,
                a.user_email,
                a.action,
                a.entity,
                a.entity_id,
                a.field,
                a.old_value,
                a.new_value,
                a.detail,
            )
            .where(
                a.id > (since or 0),
                a.entity.in_(DATA_ENTITIES),
                a.action != "refused",
                (a.field.is_(None)) | (a.field != "version"),
            )
            .order_by(a.id)
        ).mappings()
        rows = [dict(r) for r in found]
        relevant = [
            r
            for r, keep in zip(rows, _dated_in(conn, rows, then.start, then.end), strict=True)
            if keep
        ]
    staff = actor is not None and actor.may(Permission.READ_STAFF)
    listed = []
    for r in relevant:
        hidden = r["entity"] == "salary_record" and not staff
        listed.append(
            [
                r["at"],
                r["user_email"],
                r["action"],
                r["entity"],
                None if hidden else (r["entity_id"] or r["detail"]),
                r["field"],
                None if hidden else r["old_value"],
                None if hidden else r["new_value"],
            ]
        )
    return Changes(
        taken_at=snap[1],
        reopened=state != APPROVED,
        figures=compare(then, now),
        changes=pd.DataFrame(listed, columns=CHANGE_COLUMNS),
    )
