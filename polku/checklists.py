"""Phase checklists: reading them, their gates, saving edits safely, their history and export.

Work package 1 runs per municipality (its phases, each with its checklist items from the
project definition); work package 2 runs region-wide (its items have no municipality). Every
function here takes the acting user and asks polku/access.py itself: reading a checklist needs
READ_AGGREGATES (its items hold no client data), changing one needs EDIT in the item's
municipality (region-wide items: admins only), the Excel file needs EXPORT.

Gates: a phase is complete when every required item is done or not applicable; the current
phase is the first incomplete one; work on a later phase while an earlier one is open is
allowed, but the later phase is flagged. Done / total per phase come from polku/metrics.py.

Concurrent edits: every item and municipality setup carries a version. A save names the
version the user read; `UPDATE ... WHERE version = :read` refuses a stale one, and the whole
save (every item in it) is rolled back with a StaleEdit saying who changed what and when.
Every changed field lands in the audit log in the same transaction, the version with it, so an
item's history shows who changed which field from what to what.
"""

from __future__ import annotations

import io
import math
import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from models import CHECKLIST_STATUSES, metadata
from polku import audit, i18n, metrics, privacy, records
from polku.access import ADMIN, Actor, Permission, check
from polku.audit import FieldChange as FieldChange  # callers name it checklists.FieldChange
from polku.db import session_scope
from polku.exports import FORMULA_STARTS
from polku.metrics import DONE_STATUSES

_item = metadata.tables["checklist_item"]
_template = metadata.tables["checklist_template_item"]
_phase = metadata.tables["phase"]
_work_package = metadata.tables["work_package"]
_municipality = metadata.tables["municipality"]
_setup = metadata.tables["municipality_setup"]
_service = metadata.tables["service"]
_municipality_service = metadata.tables["municipality_service"]
_operating_model = metadata.tables["operating_model"]
_audit_log = metadata.tables["audit_log"]

ITEM_ENTITY = "checklist_item"
SETUP_ENTITY = "municipality_setup"
# What people change on an item: its declaration gives each field's type, codes, length, label
# and description; the table editor, the own-item form and a save's checks derive from it
ITEM: type[records.Record] = records.ChecklistItemRecord
# Fields of every item a coordinator keeps current; own items also have a title and a weight
EDITABLE_FIELDS = tuple(name for name in ITEM.model_fields if name not in ITEM.own_only)
OWN_ITEM_FIELDS = (*EDITABLE_FIELDS, *ITEM.own_only)
# An item of a later phase in these statuses is work ahead of the gate: flagged, not refused
STARTED_STATUSES = ("in_progress", "done")
# Deadlines: "upcoming" is due within this many days
UPCOMING_DAYS = 30
# The audit row that marks each save: field "version", old → new
VERSION_FIELD = "version"

ITEM_COLUMNS = (
    "id version municipality work_package phase_id phase phase_position phase_name_fi "
    "phase_name_en position template_item_id own name_fi name_en title required status "
    "owner due_date note evidence_url created_by updated_by updated_at"
).split()
PHASE_COLUMNS = (
    "work_package phase_id phase position name_fi name_en done total required "
    "required_done started complete current flagged"
).split()
MATRIX_COLUMNS = (
    "municipality municipality_name work_package phase position name_fi name_en done total "
    "share required required_done started complete current flagged"
).split()
DEADLINE_COLUMNS = (
    "id municipality municipality_name work_package phase phase_name_fi phase_name_en "
    "name_fi name_en required status owner due_date days_left overdue"
).split()
HISTORY_COLUMNS = (
    "id at user_email action entity entity_id field old_value new_value name_fi name_en"
).split()


# ---------------------------------------------------------------------------------------------
# What a save can end in


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: `key` names the message in the catalog, `params` fill it
    (the item's name and the field's label already in the language asked for)."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    item_id: int | None = None
    field: str | None = None

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.key, lang, **self.params)


class ChecklistError(ValueError):
    """Refused input: nothing was written. `problems` say what and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message() for p in self.problems))


@dataclass(frozen=True)
class Conflict:
    """A stale save of one item or setup: what is in the database now and who put it there."""

    entity: str
    entity_id: str
    name_fi: str
    name_en: str
    read_version: int
    version: int
    current: dict[str, Any]
    # What others changed since the version this user read
    changes: list[FieldChange]
    changed_by: str | None
    changed_at: datetime | None
    # What this user tried to save, so nothing of it is lost silently
    yours: dict[str, Any]

    def name(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.localized_name({"name_fi": self.name_fi, "name_en": self.name_en}, lang)

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "Tilat: koordinaattori@… muutti tätä 29.11.2026 klo 14.05: Tila Käynnissä → Valmis"."""
        changes = "; ".join(describe_change(c, lang) for c in self.changes) or "–"
        return i18n.t(
            "checklists.conflict.item",
            lang,
            item=self.name(lang),
            who=self.changed_by or "?",
            when=fmt_moment(self.changed_at, lang),
            changes=changes,
        )


class StaleEdit(Exception):
    """Someone saved the same item (or setup) after this user read it: nothing was written."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        names = ", ".join(c.name_fi for c in self.conflicts)
        super().__init__(f"changed by someone else meanwhile: {names}")


@dataclass(frozen=True)
class SaveResult:
    """A save that went through: the fields changed per item (or the new item's id), and
    warnings worth a second look (text that resembles a personal identity code)."""

    changed: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    item_id: int | None = None
    setup_changed: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Values: cleaning, formatting


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # containers have no single truth value
        return False


def _clean_text(value: Any) -> str | None:
    """Text as stored: stripped, None when empty."""
    if _missing(value):
        return None
    text = str(value).strip()
    return text or None


def as_date(value: Any) -> date | None:
    """A date from what a form or a table editor gives (date, datetime, Timestamp, ISO text,
    Finnish 29.11.2026); None when empty. Raises ValueError for anything else."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "." in text and "-" not in text:
            day, month, year = (int(part) for part in text.split("."))
            return date(year, month, day)
        # The editor sends ISO dates, sometimes with a time of day
        return date.fromisoformat(text[:10])
    raise ValueError(f"not a date: {value!r}")


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "kyllä")
    return bool(value)


def local_time(moment: Any) -> datetime | None:
    """A stored timestamp in Finnish time (SQLite gives naive UTC, PostgreSQL an aware one)."""
    if moment is None or _missing(moment):
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo(metrics.TIMEZONE))
    except ZoneInfoNotFoundError:  # a system without time-zone data
        return moment


def fmt_moment(moment: Any, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A timestamp in Finnish time: 29.11.2026 klo 14.05 (fi), 29 Nov 2026 14:05 (en)."""
    local = local_time(moment)
    if local is None:
        return ""
    return i18n.fmt_datetime(local, lang)


def declared_field(name: str) -> records.FieldDef:
    """An item's field as its declaration (ITEM, read when asked) has it."""
    return next(f for f in records.fields(ITEM) if f.name == name)


def declared_length(name: str) -> int | None:
    """The most characters the declaration allows in a text field (its column's length)."""
    metadata = ITEM.model_fields[name].metadata
    return next((m.max_length for m in metadata if getattr(m, "max_length", None)), None)


def declared_pattern(name: str) -> str | None:
    """The pattern the declaration asks of a text field (the evidence address's form)."""
    metadata = ITEM.model_fields[name].metadata
    return next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)


def declared_statuses() -> tuple[str, ...]:
    """The status codes the declaration allows, in its order."""
    return typing.get_args(ITEM.model_fields["status"].annotation)


def field_label(name: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A field's label: a declared one's, or the checklist's (phase, version, setup fields)."""
    if name in ITEM.model_fields:
        return declared_field(name).label(lang)
    return i18n.t(f"checklists.field.{name}", lang)


def fmt_value(name: str, value: Any, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A field's value as a person reads it: status labels, Finnish dates, yes / no."""
    if _missing(value) or value == "":
        return "–"
    if name == "status" and value in CHECKLIST_STATUSES:
        return i18n.code_label("checklist_status", str(value), lang)
    if name == "due_date":
        try:
            parsed = as_date(value)
        except ValueError:
            return str(value)
        return i18n.fmt_date(parsed, lang) if parsed else "–"
    if name == "required":
        return i18n.t("checklists.yes" if _as_bool(value) else "checklists.no", lang)
    return str(value)


def describe_change(change: FieldChange, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """ "Tila: Käynnissä → Valmis"."""
    old = fmt_value(change.field, change.old, lang)
    new = fmt_value(change.field, change.new, lang)
    return f"{field_label(change.field, lang)}: {old} \u2192 {new}"


# The audit log's text form: a field counts as changed exactly when it gets an audit row
_as_text = audit.as_text


def _scope_of(municipality: str | None) -> str:
    """The work-package scope of a municipality's checklist (None: the region's)."""
    return "region" if municipality is None else "municipality"


def _in_scope(municipality: str | None) -> ColumnElement[bool]:
    column = _item.c.municipality_code
    return column.is_(None) if municipality is None else column == municipality


def _name(row: Any, lang: str) -> str:
    return i18n.localized_name(row, lang)


# ---------------------------------------------------------------------------------------------
# Reading a checklist, and its gates


@dataclass(frozen=True)
class Checklist:
    """One checklist: a municipality's (work package 1) or the region's (work package 2)."""

    municipality: str | None
    items: pd.DataFrame  # ITEM_COLUMNS, in plan order (own items after the plan's)
    phases: pd.DataFrame  # PHASE_COLUMNS, in plan order

    def current_phase(self) -> str | None:
        """The code of the first incomplete phase; None when every phase is complete."""
        current = self.phases[self.phases["current"]]
        return None if current.empty else str(current["phase"].iloc[0])


def _items_select() -> Any:
    """Every item with its phase, work package and plan names: the columns _items_frame reads."""
    it, ph, wp, tp = _item.c, _phase.c, _work_package.c, _template.c
    return (
        select(
            it.id,
            it.version,
            it.municipality_code,
            wp.code,
            ph.id,
            ph.code,
            ph.position,
            ph.name_fi,
            ph.name_en,
            it.position,
            it.template_item_id,
            tp.name_fi,
            tp.name_en,
            it.title,
            it.required,
            it.status,
            it.owner,
            it.due_date,
            it.note,
            it.evidence_url,
            it.created_by,
            it.updated_by,
            it.updated_at,
        )
        .select_from(_item)
        .join(_phase, ph.id == it.phase_id)
        .join(_work_package, wp.code == ph.work_package_code)
        .outerjoin(_template, tp.id == it.template_item_id)
    )


def _items_query(municipality: str | None) -> Any:
    it, ph, wp = _item.c, _phase.c, _work_package.c
    return (
        _items_select()
        .where(_in_scope(municipality), wp.scope == _scope_of(municipality))
        .order_by(wp.position, ph.position, it.template_item_id.is_(None), it.position, it.id)
    )


def _items_frame(rows: Iterable[Any]) -> pd.DataFrame:
    records = []
    for r in rows:
        own = r[10] is None
        records.append(
            {
                "id": int(r[0]),
                "version": int(r[1]),
                "municipality": r[2],
                "work_package": r[3],
                "phase_id": int(r[4]),
                "phase": r[5],
                "phase_position": int(r[6]),
                "phase_name_fi": r[7],
                "phase_name_en": r[8],
                "position": int(r[9]),
                "template_item_id": None if own else int(r[10]),
                "own": own,
                # Template items show the plan's name in the session language, own items a title
                "name_fi": r[13] if own else r[11],
                "name_en": r[13] if own else (r[12] or r[11]),
                "title": r[13],
                "required": bool(r[14]),
                "status": r[15],
                "owner": r[16],
                "due_date": r[17],
                "note": r[18],
                "evidence_url": r[19],
                "created_by": r[20],
                "updated_by": r[21],
                "updated_at": r[22],
            }
        )
    return _with_none(
        pd.DataFrame(records, columns=ITEM_COLUMNS),
        [
            "municipality",
            "template_item_id",
            "owner",
            "due_date",
            "note",
            "evidence_url",
            "created_by",
            "updated_by",
        ],
    )


def _with_none(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Empty values as None (not NaN): what an editor shows and a save compares."""
    for name in columns:
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def evaluate_gates(phases: pd.DataFrame, by: Sequence[str] = ("work_package",)) -> pd.DataFrame:
    """Add complete / current / flagged to per-phase counts (`by` columns, position, required,
    required_done, started); each group (a work package of one checklist) is gated alone.

    Complete: every required item is done or not applicable (a phase without required items
    is complete). Current: the first incomplete phase. Flagged: a phase after the current one
    where work has started (an item in progress or done): allowed, but worth a look.
    """
    out = phases.copy()
    out["complete"] = out["required_done"] >= out["required"]
    out["current"] = False
    out["flagged"] = False
    for _, group in out.groupby(list(by), sort=False):
        incomplete = group[~group["complete"]]
        if incomplete.empty:
            continue
        first = incomplete["position"].min()
        out.loc[incomplete.index[incomplete["position"] == first], "current"] = True
        later = group[(group["position"] > first) & (group["started"] > 0)]
        out.loc[later.index, "flagged"] = True
    return out


def _gate_counts(items: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """required, required_done and started items per `keys`, from item rows."""
    if items.empty:
        return pd.DataFrame(columns=[*keys, "required", "required_done", "started"])
    required = items["required"].astype(bool)
    counted = items[keys].assign(
        required=required.astype("int64"),
        required_done=(required & items["status"].isin(DONE_STATUSES)).astype("int64"),
        started=items["status"].isin(STARTED_STATUSES).astype("int64"),
    )
    return counted.groupby(keys, as_index=False)[["required", "required_done", "started"]].sum()


def _with_gate_counts(
    progress: pd.DataFrame, counts: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    merged = progress.merge(counts, on=keys, how="left")
    for name in ("required", "required_done", "started"):
        merged[name] = merged[name].fillna(0).astype("int64")
    return merged


def read_checklist(engine: Engine, actor: Actor | None, municipality: str | None) -> Checklist:
    """A municipality's checklist (its work-package-1 phases), or the region's (None: the
    region-wide work package 2), with progress and gates per phase."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    wp, ph = _work_package.c, _phase.c
    with engine.connect() as conn:
        items = _items_frame(conn.execute(_items_query(municipality)))
        progress = metrics.phase_progress(conn, actor, municipality)
        phase_rows = conn.execute(
            select(wp.code, ph.code, ph.id)
            .select_from(_phase)
            .join(_work_package, wp.code == ph.work_package_code)
            .where(wp.scope == _scope_of(municipality))
        ).all()
    # The region's progress lists every phase; the region's own checklist is work package 2
    ids = pd.DataFrame(
        [(w, p, int(i)) for w, p, i in phase_rows], columns=["work_package", "phase", "phase_id"]
    )
    progress = progress.merge(ids, on=["work_package", "phase"], how="inner")
    phases = _with_gate_counts(progress, _gate_counts(items, ["phase_id"]), ["phase_id"])
    phases = evaluate_gates(phases)[PHASE_COLUMNS].reset_index(drop=True)
    return Checklist(municipality=municipality, items=items, phases=phases)


def region_matrix(engine: Engine, actor: Actor | None) -> pd.DataFrame:
    """Every municipality × every phase of work package 1: done, total, share done, gates.

    MATRIX_COLUMNS; municipalities by name, phases in plan order. Progress counts checklist
    items (no people), so the comparison is a region-wide aggregate anyone may read."""
    check(actor, Permission.READ_AGGREGATES, None)
    it, ph, wp = _item.c, _phase.c, _work_package.c
    with engine.connect() as conn:
        progress = metrics.phase_progress_by_municipality(conn, actor)
        rows = conn.execute(
            select(it.municipality_code, wp.code, ph.code, it.required, it.status)
            .join(_phase, ph.id == it.phase_id)
            .join(_work_package, wp.code == ph.work_package_code)
            .where(it.municipality_code.is_not(None), wp.scope == "municipality")
        ).all()
    items = pd.DataFrame(
        [tuple(r) for r in rows],
        columns=["municipality", "work_package", "phase", "required", "status"],
    )
    keys = ["municipality", "work_package", "phase"]
    matrix = _with_gate_counts(progress, _gate_counts(items, keys), keys)
    matrix = evaluate_gates(matrix, by=("municipality", "work_package"))
    matrix["share"] = [
        d / t if t else 0.0 for d, t in zip(matrix["done"], matrix["total"], strict=True)
    ]
    return matrix[MATRIX_COLUMNS].reset_index(drop=True)


def deadlines(
    engine: Engine, actor: Actor | None, today: date | None = None, days: int = UPCOMING_DAYS
) -> pd.DataFrame:
    """Open items (not done, not n/a) due by `today` + `days`: overdue and upcoming, of the
    municipalities the actor may see and of the region; the earliest first."""
    check(actor, Permission.READ_AGGREGATES, None)
    assert actor is not None
    today = today or metrics.today()
    it, m = _item.c, _municipality.c
    with engine.connect() as conn:
        names = dict(conn.execute(select(m.code, m.name)).all())
        visible = [code for code in names if actor.may(Permission.READ_AGGREGATES, code)]
        rows = conn.execute(
            _items_select()
            .where(
                it.due_date.is_not(None),
                it.due_date <= today + timedelta(days=days),
                it.status.not_in(DONE_STATUSES),
                it.municipality_code.in_(visible) | it.municipality_code.is_(None),
            )
            .order_by(it.due_date, it.municipality_code, it.id)
        ).all()
    # The items as the checklist reads them (names by the same rule), with their deadline
    frame = _items_frame(rows)
    frame["municipality_name"] = [names.get(c) if c else None for c in frame["municipality"]]
    frame["days_left"] = [(d - today).days for d in frame["due_date"]]
    frame["overdue"] = [d < today for d in frame["due_date"]]
    return _with_none(
        frame[DEADLINE_COLUMNS].copy(), ["municipality", "municipality_name", "owner"]
    )


# ---------------------------------------------------------------------------------------------
# History


def item_history(
    engine: Engine, actor: Actor | None, item_id: int, *, include_versions: bool = False
) -> pd.DataFrame:
    """Every change of one item, newest first: who, when, field, old → new (HISTORY_COLUMNS)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(_item.c.municipality_code).where(_item.c.id == item_id)
        ).one_or_none()
        if row is not None:
            municipality = row[0]
        else:  # a removed item: its audit rows still say where it was
            municipality = conn.execute(
                select(_audit_log.c.municipality_code)
                .where(_audit_log.c.entity == ITEM_ENTITY, _audit_log.c.entity_id == str(item_id))
                .limit(1)
            ).scalar()
    check(actor, Permission.READ_AGGREGATES, municipality)
    frame = audit.recent(engine, entity=ITEM_ENTITY, entity_id=item_id, limit=1000)
    if not include_versions:
        frame = frame[frame["field"] != VERSION_FIELD]
    name_fi, name_en = _item_names(engine, [item_id]).get(item_id, (f"#{item_id}", f"#{item_id}"))
    frame = frame.assign(name_fi=name_fi, name_en=name_en)
    return frame[HISTORY_COLUMNS].reset_index(drop=True)


def recent_changes(
    engine: Engine,
    actor: Actor | None,
    municipality: str,
    limit: int = 50,
) -> pd.DataFrame:
    """The municipality's newest checklist and setup changes (HISTORY_COLUMNS), newest first,
    with the item's name (a removed item's last title; the setup is named as such)."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    # The version rows mark saves; twice the rows leaves room for them
    parts = [
        audit.recent(engine, municipalities=[municipality], entity=entity, limit=limit * 2)
        for entity in (ITEM_ENTITY, SETUP_ENTITY)
    ]
    frame = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    frame = frame[frame["field"] != VERSION_FIELD].sort_values("id", ascending=False).head(limit)
    names = _item_names(
        engine, [int(i) for i in frame.loc[frame["entity"] == ITEM_ENTITY, "entity_id"]]
    )
    setup_fi = i18n.t("checklists.setup.entity", "fi")
    setup_en = i18n.t("checklists.setup.entity", "en")
    frame = frame.assign(
        name_fi=[
            setup_fi if e == SETUP_ENTITY else names.get(int(i), (f"#{i}", f"#{i}"))[0]
            for e, i in zip(frame["entity"], frame["entity_id"], strict=True)
        ],
        name_en=[
            setup_en if e == SETUP_ENTITY else names.get(int(i), (f"#{i}", f"#{i}"))[1]
            for e, i in zip(frame["entity"], frame["entity_id"], strict=True)
        ],
    )
    return frame[HISTORY_COLUMNS].reset_index(drop=True)


def _item_names(engine: Engine, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(name_fi, name_en) of items, removed ones by the title their audit rows remember."""
    if not ids:
        return {}
    it, tp = _item.c, _template.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(it.id, it.title, tp.name_fi, tp.name_en)
            .outerjoin(_template, tp.id == it.template_item_id)
            .where(it.id.in_(ids))
        ).all()
        names = {int(i): (fi or title, en or fi or title) for i, title, fi, en in rows}
        gone = [str(i) for i in ids if i not in names]
        if gone:
            a = _audit_log.c
            for entity_id, title in conn.execute(
                select(a.entity_id, a.old_value)
                .where(a.entity == ITEM_ENTITY, a.entity_id.in_(gone), a.field == "title")
                .order_by(a.id)
            ):
                if title:
                    names[int(entity_id)] = (title, title)
    return names


def _changes_since(
    conn: Connection, entity: str, entity_id: str, read_version: int
) -> tuple[list[FieldChange], str | None]:
    """What the saves after `read_version` changed, from the audit log, and the last saver.

    Each save writes its fields, then its version row (old → new): the rows after the version
    row that produced `read_version` are the later saves."""
    a = _audit_log.c
    rows = conn.execute(
        select(a.id, a.field, a.old_value, a.new_value, a.user_email)
        .where(a.entity == entity, a.entity_id == entity_id)
        .order_by(a.id)
    ).all()
    start = 0
    for index, (_, name, _, new, _) in enumerate(rows):
        if name == VERSION_FIELD and new is not None and new.isdigit() and int(new) <= read_version:
            start = index + 1
    later = rows[start:]
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for _, name, old, new, _ in later:
        if name == VERSION_FIELD:
            continue
        first.setdefault(name, old)
        last[name] = new
    changes = [FieldChange(name, first[name], last[name]) for name in last]
    who = later[-1][4] if later else None
    return [c for c in changes if c.old != c.new], who


def _conflict(
    conn: Connection,
    *,
    entity: str,
    entity_id: str,
    names: tuple[str, str],
    read_version: int,
    current: dict[str, Any],
    version: int,
    updated_by: str | None,
    updated_at: datetime | None,
    seen: Mapping[str, Any],
    yours: Mapping[str, Any],
) -> Conflict:
    changes, who = _changes_since(conn, entity, entity_id, read_version)
    if not changes:  # saves the audit log does not know (e.g. sample data): what was seen
        changes = [
            FieldChange(name, seen[name], current.get(name))
            for name in seen
            if _as_text(_stored(seen[name])) != _as_text(current.get(name))
        ]
    return Conflict(
        entity=entity,
        entity_id=entity_id,
        name_fi=names[0],
        name_en=names[1],
        read_version=read_version,
        version=version,
        current=dict(current),
        changes=changes,
        changed_by=updated_by or who,
        changed_at=updated_at,
        yours=dict(yours),
    )


def _stored(value: Any) -> Any:
    """A value as the database would hold it, for comparing with what a user saw."""
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value


# ---------------------------------------------------------------------------------------------
# Validation


def _max_length(name: str, table: Any = _item) -> int | None:
    return getattr(table.c[name].type, "length", None)


def _check_text(
    value: Any,
    *,
    name: str,
    item: str,
    item_id: int | None,
    max_length: int | None,
    lang: str,
    problems: list[Problem],
    warnings: list[Problem],
) -> str | None:
    text = _clean_text(value)
    if text is None:
        return None
    params = {"item": item, "field": field_label(name, lang)}
    if max_length is not None and len(text) > max_length:
        problems.append(_too_long(params, max_length, len(text), item_id, name, lang))
    _check_hetu(text, params, item_id, name, problems, warnings)
    return text


def _too_long(
    params: dict[str, str], most: int, length: int, item_id: int | None, name: str, lang: str
) -> Problem:
    counts = {"max": i18n.fmt_int(most, lang), "length": i18n.fmt_int(length, lang)}
    return Problem("checklists.error.too_long", {**params, **counts}, item_id, name)


def _check_hetu(
    text: str,
    params: dict[str, str],
    item_id: int | None,
    name: str,
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    verdict = privacy.hetu_verdict(text)
    if verdict == "refuse":
        problems.append(Problem("checklists.error.hetu", params, item_id, name))
    elif verdict == "warn":
        warnings.append(Problem("checklists.warning.hetu", params, item_id, name))


def _declared_problem(
    name: str, value: Any, params: dict[str, str], item_id: int | None, lang: str
) -> Problem | None:
    """The declaration's verdict on one cleaned value, as the checklist's message."""
    try:
        ITEM.__pydantic_validator__.validate_assignment(ITEM.model_construct(), name, value)
    except ValidationError as error:
        found = error.errors()[0]
    else:
        return None
    kind, shown = found["type"], {**params, "value": str(value)}
    pattern = declared_pattern(name)
    if kind == "string_pattern_mismatch" or (
        # An address that is no address is that, however long
        pattern and isinstance(value, str) and not re.match(pattern, value)
    ):
        return Problem("checklists.error.url", params, item_id, name)
    if kind == "string_too_long":
        return _too_long(params, int(found["ctx"]["max_length"]), len(value), item_id, name, lang)
    if name == "title":
        return Problem("checklists.error.title_required", params, item_id, name)
    return Problem(f"checklists.error.{name}", shown, item_id, name)


def _validate_item(
    changes: Mapping[str, Any],
    *,
    own: bool,
    item: str,
    item_id: int | None,
    lang: str,
    problems: list[Problem],
    warnings: list[Problem],
) -> dict[str, Any]:
    """The changes cleaned for storing, checked against the item's declaration (codes, lengths,
    the address's form, a title); problems and warnings appended as found."""
    allowed = OWN_ITEM_FIELDS if own else EDITABLE_FIELDS
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        params = {
            "item": item,
            "field": field_label(name, lang) if name in OWN_ITEM_FIELDS else name,
        }
        if name not in allowed:
            problems.append(Problem("checklists.error.read_only", params, item_id, name))
            continue
        kind = declared_field(name).type
        cleaned: Any
        if kind == "date":
            try:
                cleaned = as_date(value)
            except (ValueError, TypeError):
                problems.append(
                    Problem(
                        f"checklists.error.{name}", {**params, "value": str(value)}, item_id, name
                    )
                )
                continue
        elif kind == "bool":
            cleaned = _as_bool(value)
        elif kind == "text":
            cleaned = _clean_text(value)
        else:  # a code is taken as given
            cleaned = value
        text = cleaned if isinstance(cleaned, str) and kind == "text" else None
        # An address can carry an identity code as well as a note can: that is said first
        if text and declared_pattern(name) and privacy.has_hetu(text):
            problems.append(Problem("checklists.error.hetu", params, item_id, name))
            continue
        problem = _declared_problem(name, cleaned, params, item_id, lang)
        if problem:
            problems.append(problem)
        if text and not declared_pattern(name):
            _check_hetu(text, params, item_id, name, problems, warnings)
        clean[name] = cleaned
    return clean


# ---------------------------------------------------------------------------------------------
# Saving edits


@dataclass(frozen=True)
class ItemEdit:
    """Changes to one item: `version` is the version the user read, `seen` the values they saw
    (for telling them what someone else changed, should the save be stale)."""

    item_id: int
    version: int
    changes: Mapping[str, Any]
    seen: Mapping[str, Any] = field(default_factory=dict)


def edits_from_editor(
    loaded: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    edited: pd.DataFrame | None = None,
    versions: Mapping[int, int] | None = None,
    decode: Mapping[str, Mapping[Any, Any]] | None = None,
) -> list[ItemEdit]:
    """Turn a table editor's edit state into ItemEdits: only cells whose value differs from
    what was loaded, with the version loaded (or the one in `versions`, e.g. after the user
    chose to overwrite a conflicting save) and what the user saw.

    `loaded` holds the item rows as shown (ITEM_COLUMNS, positional order), `edited_rows` maps
    a row position to {column: value}, `edited` is the editor's returned frame (its values
    are typed: dates as dates), used where given. `decode` maps a column's shown values back
    to stored ones (e.g. status labels to codes)."""
    versions = versions or {}
    decode = decode or {}
    out = []
    for position, cells in sorted(edited_rows.items(), key=lambda kv: int(kv[0])):
        index = int(position)
        row = loaded.iloc[index]
        item_id = int(row["id"])
        allowed = OWN_ITEM_FIELDS if bool(row["own"]) else EDITABLE_FIELDS
        changes = {}
        for name, raw in cells.items():
            if name not in allowed:
                continue
            value = edited.iloc[index][name] if edited is not None else raw
            value = decode.get(name, {}).get(value, value)
            if _as_text(_stored(value)) != _as_text(_stored(row[name])):
                changes[name] = None if _missing(value) else value
        if changes:
            seen = {name: _stored(row[name]) for name in allowed}
            out.append(ItemEdit(item_id, versions.get(item_id, int(row["version"])), changes, seen))
    return out


def _item_rows(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    it, tp = _item.c, _template.c
    rows = conn.execute(
        select(_item, tp.name_fi.label("template_name_fi"), tp.name_en.label("template_name_en"))
        .outerjoin(_template, tp.id == it.template_item_id)
        .where(it.id.in_(ids))
    ).mappings()
    out = {}
    for row in rows:
        record = dict(row)
        own = record["template_item_id"] is None
        record["name_fi"] = record["title"] if own else record["template_name_fi"]
        record["name_en"] = (
            record["title"] if own else (record["template_name_en"] or record["title"])
        )
        out[int(record["id"])] = record
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def save_items(
    engine: Engine,
    actor: Actor | None,
    edits: Sequence[ItemEdit],
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> SaveResult:
    """Save changes to several items at once: all of them or none.

    Refuses with AccessDenied (an item the actor may not edit), ChecklistError (invalid input,
    every problem named) or StaleEdit (an item changed since the user read it: the current
    values, who and when). Versions go up by one per changed item; each changed field gets an
    audit row in the same transaction."""
    edits = [e for e in edits if e.changes]
    if not edits:
        return SaveResult()
    ids = [e.item_id for e in edits]
    with session_scope(engine) as session:
        conn = session.connection()
        rows = _item_rows(conn, ids)
        unknown = [e.item_id for e in edits if e.item_id not in rows]
        if unknown:
            raise ChecklistError(
                [Problem("checklists.error.unknown_item", {"item": f"#{i}"}, i) for i in unknown]
            )
        for e in edits:
            check(actor, Permission.EDIT, rows[e.item_id]["municipality_code"])
        assert actor is not None
        problems: list[Problem] = []
        warnings: list[Problem] = []
        cleaned = {
            e.item_id: _validate_item(
                e.changes,
                own=rows[e.item_id]["template_item_id"] is None,
                item=_name(rows[e.item_id], lang),
                item_id=e.item_id,
                lang=lang,
                problems=problems,
                warnings=warnings,
            )
            for e in edits
        }
        if problems:
            raise ChecklistError(problems)
        stale = [e for e in edits if rows[e.item_id]["version"] != e.version]
        if stale:
            raise StaleEdit([_item_conflict(conn, rows[e.item_id], e) for e in stale])
        result = SaveResult()
        for e in edits:
            row = rows[e.item_id]
            values = {
                name: value
                for name, value in cleaned[e.item_id].items()
                if _as_text(value) != _as_text(row[name])
            }
            if not values:
                continue
            done = conn.execute(
                update(_item)
                .where(_item.c.id == e.item_id, _item.c.version == e.version)
                .values(**values, version=e.version + 1, updated_by=actor.email, updated_at=_now())
            )
            if done.rowcount != 1:  # saved by someone else between our read and this write
                fresh = _item_rows(conn, [e.item_id])[e.item_id]
                raise StaleEdit([_item_conflict(conn, fresh, e)])
            audit.record_changes(
                session,
                user_email=actor.email,
                entity=ITEM_ENTITY,
                entity_id=e.item_id,
                before={**{n: row[n] for n in values}, VERSION_FIELD: e.version},
                after={**values, VERSION_FIELD: e.version + 1},
                municipality=row["municipality_code"],
            )
            result.changed[e.item_id] = list(values)
        result.warnings.extend(warnings)
        return result


def _item_conflict(conn: Connection, row: Mapping[str, Any], edit: ItemEdit) -> Conflict:
    return _conflict(
        conn,
        entity=ITEM_ENTITY,
        entity_id=str(row["id"]),
        names=(row["name_fi"], row["name_en"]),
        read_version=edit.version,
        current={name: row[name] for name in OWN_ITEM_FIELDS},
        version=int(row["version"]),
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
        seen=edit.seen,
        yours=edit.changes,
    )


def add_item(
    engine: Engine,
    actor: Actor | None,
    municipality: str | None,
    phase_id: int,
    title: str,
    *,
    required: bool = False,
    owner: str | None = None,
    due_date: Any = None,
    note: str | None = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> SaveResult:
    """Add an own item to a phase of the municipality's checklist (None: the region's);
    SaveResult.item_id is the new item's id."""
    check(actor, Permission.EDIT, municipality)
    assert actor is not None
    problems: list[Problem] = []
    warnings: list[Problem] = []
    # Messages name the item by its title, unless the title itself holds an identity code
    label = _clean_text(title) or i18n.t("checklists.own.new", lang)
    if privacy.has_hetu(label):
        label = i18n.t("checklists.own.new", lang)
    values = _validate_item(
        {"title": title, "required": required, "owner": owner, "due_date": due_date, "note": note},
        own=True,
        item=label,
        item_id=None,
        lang=lang,
        problems=problems,
        warnings=warnings,
    )
    ph, wp = _phase.c, _work_package.c
    with session_scope(engine) as session:
        conn = session.connection()
        phase = conn.execute(
            select(ph.id)
            .join(_work_package, wp.code == ph.work_package_code)
            .where(ph.id == phase_id, wp.scope == _scope_of(municipality))
        ).one_or_none()
        if phase is None:
            problems.append(Problem("checklists.error.phase", {"item": label}, None, "phase"))
        if problems:
            raise ChecklistError(problems)
        position = conn.execute(
            select(func.coalesce(func.max(_item.c.position), 0)).where(
                _item.c.phase_id == phase_id, _in_scope(municipality)
            )
        ).scalar_one()
        new_id = conn.execute(
            insert(_item)
            .values(
                phase_id=phase_id,
                municipality_code=municipality,
                template_item_id=None,
                position=int(position) + 1,
                status="not_started",
                version=1,
                created_by=actor.email,
                updated_by=actor.email,
                updated_at=_now(),
                **values,
            )
            .returning(_item.c.id)
        ).scalar_one()
        audit.record_changes(
            session,
            user_email=actor.email,
            entity=ITEM_ENTITY,
            entity_id=new_id,
            before={},
            after={"phase_id": phase_id, **values, "status": "not_started", VERSION_FIELD: 1},
            municipality=municipality,
            action="create",
        )
    filled = [name for name, value in values.items() if value is not None]
    return SaveResult(changed={int(new_id): filled}, warnings=warnings, item_id=int(new_id))


def remove_item(
    engine: Engine,
    actor: Actor | None,
    item_id: int,
    version: int,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> None:
    """Remove an own item: only items added by a user (never the plan's), by the user who
    added it or an admin, and only the version the user read."""
    with session_scope(engine) as session:
        conn = session.connection()
        rows = _item_rows(conn, [item_id])
        if item_id not in rows:
            raise ChecklistError(
                [Problem("checklists.error.unknown_item", {"item": f"#{item_id}"}, item_id)]
            )
        row = rows[item_id]
        check(actor, Permission.EDIT, row["municipality_code"])
        assert actor is not None
        params = {"item": _name(row, lang)}
        if row["template_item_id"] is not None:
            raise ChecklistError([Problem("checklists.error.template_item", params, item_id)])
        if actor.role != ADMIN and (row["created_by"] or "").lower() != actor.email.lower():
            raise ChecklistError([Problem("checklists.error.not_creator", params, item_id)])
        edit = ItemEdit(item_id, version, {})
        if row["version"] != version:
            raise StaleEdit([_item_conflict(conn, row, edit)])
        gone = conn.execute(delete(_item).where(_item.c.id == item_id, _item.c.version == version))
        if gone.rowcount != 1:
            raise StaleEdit([_item_conflict(conn, _item_rows(conn, [item_id])[item_id], edit)])
        before = {name: row[name] for name in ("phase_id", *OWN_ITEM_FIELDS)}
        audit.record_changes(
            session,
            user_email=actor.email,
            entity=ITEM_ENTITY,
            entity_id=item_id,
            before={**before, VERSION_FIELD: version},
            after={**dict.fromkeys(before), VERSION_FIELD: None},
            municipality=row["municipality_code"],
            action="delete",
        )


# ---------------------------------------------------------------------------------------------
# The municipality's setup: local operating model and services


@dataclass(frozen=True)
class Setup:
    """A municipality's coaching environment: operating model, its name, services offered."""

    municipality: str
    operating_model: str | None
    coaching_environment: str | None
    services: tuple[str, ...]
    version: int
    updated_by: str | None
    updated_at: datetime | None

    def values(self) -> dict[str, Any]:
        return {
            "operating_model_code": self.operating_model,
            "coaching_environment": self.coaching_environment,
            "services": ",".join(self.services),
        }


def setup_choices(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The operating models and the services of the project definition (code, names)."""
    om, sv = _operating_model.c, _service.c
    with engine.connect() as conn:
        models = conn.execute(select(om.code, om.name_fi, om.name_en).order_by(om.position)).all()
        services = conn.execute(select(sv.code, sv.name_fi, sv.name_en).order_by(sv.position)).all()
    columns = ["code", "name_fi", "name_en"]
    return (
        pd.DataFrame([tuple(r) for r in models], columns=columns),
        pd.DataFrame([tuple(r) for r in services], columns=columns),
    )


def _read_setup(conn: Connection, municipality: str) -> Setup:
    s = _setup.c
    row = conn.execute(select(_setup).where(s.municipality_code == municipality)).mappings().first()
    services = conn.execute(
        select(_municipality_service.c.service_code)
        .where(_municipality_service.c.municipality_code == municipality)
        .order_by(_municipality_service.c.service_code)
    ).scalars()
    if row is None:
        return Setup(municipality, None, None, tuple(services), 0, None, None)
    return Setup(
        municipality=municipality,
        operating_model=row["operating_model_code"],
        coaching_environment=row["coaching_environment"],
        services=tuple(services),
        version=int(row["version"]),
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def read_setup(engine: Engine, actor: Actor | None, municipality: str) -> Setup:
    check(actor, Permission.READ_AGGREGATES, municipality)
    with engine.connect() as conn:
        return _read_setup(conn, municipality)


def save_setup(
    engine: Engine,
    actor: Actor | None,
    municipality: str,
    *,
    version: int,
    operating_model: str | None,
    services: Iterable[str],
    coaching_environment: str | None = None,
    seen: Setup | None = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> SaveResult:
    """Save the municipality's operating model, coaching environment and services, checking
    the version read (StaleEdit when someone saved in between)."""
    check(actor, Permission.EDIT, municipality)
    assert actor is not None
    models, known_services = setup_choices(engine)
    wanted = tuple(sorted(set(services)))
    problems: list[Problem] = []
    warnings: list[Problem] = []
    label = i18n.t("checklists.setup.entity", lang)
    if operating_model is not None and operating_model not in set(models["code"]):
        problems.append(
            Problem("checklists.error.operating_model", {"value": str(operating_model)})
        )
    unknown = [code for code in wanted if code not in set(known_services["code"])]
    if unknown:
        problems.append(Problem("checklists.error.service", {"value": ", ".join(unknown)}))
    environment = _check_text(
        coaching_environment,
        name="coaching_environment",
        item=label,
        item_id=None,
        max_length=_max_length("coaching_environment", _setup),
        lang=lang,
        problems=problems,
        warnings=warnings,
    )
    if problems:
        raise ChecklistError(problems)
    after = {
        "operating_model_code": operating_model,
        "coaching_environment": environment,
        "services": ",".join(wanted),
    }
    with session_scope(engine) as session:
        conn = session.connection()
        current = _read_setup(conn, municipality)
        names = (i18n.t("checklists.setup.entity", "fi"), i18n.t("checklists.setup.entity", "en"))
        conflict_args = {
            "entity": SETUP_ENTITY,
            "entity_id": municipality,
            "names": names,
            "read_version": version,
            "seen": seen.values() if seen else {},
            "yours": after,
        }
        if current.version != version:
            raise StaleEdit([_setup_conflict(conn, municipality, conflict_args)])
        before = current.values()
        if all(_as_text(before[k]) == _as_text(after[k]) for k in after):
            return SaveResult()
        row_values = {
            "operating_model_code": operating_model,
            "coaching_environment": environment,
            "version": version + 1,
            "updated_by": actor.email,
            "updated_at": _now(),
        }
        if version == 0:  # no row yet (the project loader makes one per municipality)
            conn.execute(insert(_setup).values(municipality_code=municipality, **row_values))
        else:
            done = conn.execute(
                update(_setup)
                .where(_setup.c.municipality_code == municipality, _setup.c.version == version)
                .values(**row_values)
            )
            if done.rowcount != 1:
                raise StaleEdit([_setup_conflict(conn, municipality, conflict_args)])
        ms = _municipality_service.c
        dropped = [code for code in current.services if code not in wanted]
        if dropped:
            conn.execute(
                delete(_municipality_service).where(
                    ms.municipality_code == municipality, ms.service_code.in_(dropped)
                )
            )
        added = [code for code in wanted if code not in current.services]
        if added:
            conn.execute(
                insert(_municipality_service),
                [
                    {
                        "municipality_code": municipality,
                        "service_code": code,
                        "started_on": metrics.today(),
                    }
                    for code in added
                ],
            )
        changed = audit.record_changes(
            session,
            user_email=actor.email,
            entity=SETUP_ENTITY,
            entity_id=municipality,
            before={**before, VERSION_FIELD: version},
            after={**after, VERSION_FIELD: version + 1},
            municipality=municipality,
        )
    return SaveResult(warnings=warnings, setup_changed=[c for c in changed if c != VERSION_FIELD])


def _setup_conflict(conn: Connection, municipality: str, args: dict[str, Any]) -> Conflict:
    current = _read_setup(conn, municipality)
    return _conflict(
        conn,
        current=current.values(),
        version=current.version,
        updated_by=current.updated_by,
        updated_at=current.updated_at,
        **args,
    )


# ---------------------------------------------------------------------------------------------
# Phase state labels, shared by the page and the Excel file


def phase_state(row: Any) -> str:
    """complete / current / upcoming: a phase's state for its badge."""
    if row["complete"]:
        return "complete"
    return "current" if row["current"] else "upcoming"


# ---------------------------------------------------------------------------------------------
# Excel for the steering group

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_DATE_FORMAT = "d.m.yyyy"
_MOMENT_FORMAT = "d.m.yyyy h:mm"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a cell; text stays text as typed (never a formula), even if edited in Excel."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = _put(sheet, row, column, label)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def checklist_workbook(
    engine: Engine,
    actor: Actor | None,
    municipality: str | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
    today: date | None = None,
) -> bytes:
    """The municipality's checklist (None: the region's) as an .xlsx for its steering group:
    a sheet of items by phase (status in words, real Excel dates) and one of progress."""
    check(actor, Permission.EXPORT, municipality)
    today = today or metrics.today()
    checklist = read_checklist(engine, actor, municipality)
    with engine.connect() as conn:
        place = (
            conn.execute(
                select(_municipality.c.name).where(_municipality.c.code == municipality)
            ).scalar()
            if municipality
            else i18n.t("app.region", lang)
        )

    def t(key: str, **values: Any) -> str:
        return i18n.t(key, lang, **values)

    book = Workbook()
    items_sheet = book.active
    assert items_sheet is not None
    items_sheet.title = t("checklists.xlsx.sheet.items")
    _put(items_sheet, 1, 1, t("checklists.xlsx.title", place=place)).font = _TITLE
    phases = checklist.phases
    current = phases[phases["current"]]
    as_of = t(
        "checklists.xlsx.as_of",
        date=i18n.fmt_date(today, lang),
        phase=_name(current.iloc[0], lang) if not current.empty else t("checklists.all_complete"),
    )
    _put(items_sheet, 2, 1, as_of)
    header_row = 4
    _header(
        items_sheet,
        header_row,
        [
            t("checklists.col.phase"),
            t("checklists.col.item"),
            t("checklists.field.required"),
            t("checklists.field.status"),
            t("checklists.field.owner"),
            t("checklists.field.due_date"),
            t("checklists.field.note"),
            t("checklists.field.evidence_url"),
            t("checklists.col.updated_at"),
            t("checklists.col.updated_by"),
        ],
    )
    row_number = header_row
    for item in checklist.items.to_dict("records"):
        row_number += 1
        phase_name = i18n.localized_name(
            {"name_fi": item["phase_name_fi"], "name_en": item["phase_name_en"]}, lang
        )
        updated = local_time(item["updated_at"])
        values = [
            f"{item['phase_position']}. {phase_name}",
            _name(item, lang),
            t("checklists.yes" if item["required"] else "checklists.no"),
            i18n.code_label("checklist_status", item["status"], lang),
            item["owner"],
            item["due_date"],
            item["note"],
            item["evidence_url"],
            updated.replace(tzinfo=None) if updated else None,
            item["updated_by"],
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(items_sheet, row_number, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        items_sheet.cell(row=row_number, column=6).number_format = _DATE_FORMAT
        items_sheet.cell(row=row_number, column=9).number_format = _MOMENT_FORMAT
        if item["evidence_url"]:
            link = items_sheet.cell(row=row_number, column=8)
            link.hyperlink = item["evidence_url"]
            link.style = "Hyperlink"
    items_sheet.freeze_panes = items_sheet.cell(row=header_row + 1, column=1)
    items_sheet.auto_filter.ref = f"A{header_row}:J{max(row_number, header_row)}"
    _widths(items_sheet, [24, 36, 11, 14, 26, 12, 44, 30, 17, 28])

    progress_sheet = book.create_sheet(t("checklists.xlsx.sheet.progress"))
    _put(progress_sheet, 1, 1, t("checklists.xlsx.progress_title", place=place)).font = _TITLE
    _header(
        progress_sheet,
        3,
        [
            t("checklists.col.phase"),
            t("checklists.col.done"),
            t("checklists.col.total"),
            t("checklists.col.share"),
            t("checklists.col.required_open"),
            t("checklists.col.state"),
            t("checklists.col.flag"),
        ],
    )
    for offset, phase in enumerate(phases.to_dict("records"), start=4):
        share = phase["done"] / phase["total"] if phase["total"] else 0.0
        values = [
            f"{phase['position']}. {_name(phase, lang)}",
            int(phase["done"]),
            int(phase["total"]),
            share,
            int(phase["required"] - phase["required_done"]),
            t(f"checklists.phase.{phase_state(phase)}"),
            t("checklists.phase.flagged") if phase["flagged"] else None,
        ]
        for column, value in enumerate(values, start=1):
            _put(progress_sheet, offset, column, value)
        progress_sheet.cell(row=offset, column=4).number_format = "0 %"
    _widths(progress_sheet, [30, 11, 11, 9, 18, 16, 50])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
