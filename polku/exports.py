"""Data out of Polku: an Excel workbook, CSV files and a Parquet snapshot with a data dictionary,
each holding only what the viewer may see; and `open_snapshot` for analysts' notebooks.

- The workbook has a sheet per table and the CSV files a file per table: the kinds of the
  import (polku/ingest/; staff and salaries for admins only) with the import templates'
  Finnish headers and natural keys (client code, Y-tunnus), plus the bonus payments. They
  are for people: names instead of codes (Finnish or English, the viewer's language),
  Finnish dates and numbers (real date and number cells in the workbook; d.m.yyyy and
  decimal commas in the CSV files), empty cells for no value; the import reads all of these,
  so a file exported here imports back as it is. CSV cells a spreadsheet would run as a
  formula (=, +, -, @, tab, CR first) get a leading apostrophe (OWASP "CSV injection"); the
  import takes it off again. In the workbook such text is stored as text, never as a formula.
- The Parquet snapshot is for machines: every table (except users and the audit log) with
  its own ids, codes and types, `data_dictionary.csv` (table, column, type, the code list a
  column's codes come from, description in Finnish and English) and `manifest.json`.
  `open_snapshot(dir)` loads it into a fresh SQLite database migrated by Alembic, so
  polku/metrics.py computes on it exactly as on the live database.

Who sees what (polku/access.py, EXPORT): a coordinator the client rows of their
municipalities (and the employers those rows name); analysts and admins everything;
directors no row-level export at all. Every export is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    Numeric,
    Select,
    Table,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from models import metadata
from polku import audit, db, i18n, ingest, metrics, records
from polku.access import Actor, Permission, check, row_scope
from polku.ingest import KINDS
from polku.rules import grants

FORMATS = ("xlsx", "csv", "parquet")
# Tables left out of every snapshot: who may sign in, the log of what they did, and the
# staff's salaries (admins only: polku/access.py, READ_STAFF)
PRIVATE_TABLES = ("app_user", "user_municipality", "audit_log", "staff_member", "salary_record")
# Exported besides the kinds of the import (not importable)
PAYMENTS = "payments"
PAYMENT_COLUMNS = (
    ("business_id", "Y-tunnus"),
    ("employer_name", "Työnantaja"),
    ("client_code", "Asiakastunnus"),
    ("employment_start", "Työsuhde alkaa"),
    ("paid_on", "Maksupäivä"),
    ("amount", "Summa"),
)
PAYMENTS_SHEET = "Maksut"
INFO_SHEET = "Tietoja"
# Cells a spreadsheet would run as a formula when they start with one of these
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Number formats of the workbook's cells; Excel shows them with the reader's separators
# (1 234,50 in Finnish). Dates are d.m.yyyy in every language, as in the CSV files.
XLSX_DATE = i18n.date_format("excel", "fi")
XLSX_DATETIME = i18n.date_format("excel_datetime", "fi")
XLSX_INTEGER = "0"  # birth years, months: no thousands separator
# Separators of a list of codes in one cell (target groups), as the import splits them
LIST_SEPARATORS = (",", ";", "|")
DICTIONARY_FILE = "data_dictionary.csv"
MANIFEST_FILE = "manifest.json"
SNAPSHOT_FORMAT = "polku-snapshot"

Scope = frozenset[str] | None

_t = metadata.tables


def export_scope(actor: Actor | None) -> Scope:
    """The municipalities whose rows the actor may export (None: all); AccessDenied for a
    role that exports no rows (directors)."""
    return row_scope(actor, Permission.EXPORT)


# ---------------------------------------------------------------------------------------------
# Which rows a viewer sees


def _in_scope(column: ColumnElement[Any], scope: Scope) -> ColumnElement[bool]:
    return true() if scope is None else column.in_(sorted(scope))


def _visible_clients(scope: Scope) -> Select:
    c = _t["client"].c
    return select(c.id).where(_in_scope(c.municipality_code, scope))


def _visible_employers(scope: Scope) -> ColumnElement[bool]:
    """Employers of the scope's municipalities or of none, and those its client rows name."""
    e = _t["employer"].c
    if scope is None:
        return true()
    clients = _visible_clients(scope)
    o, g = _t["outcome"].c, _t["bonus_grant"].c
    named = (
        select(o.employer_id)
        .where(o.client_id.in_(clients))
        .union(select(g.employer_id).where(g.client_id.in_(clients)))
    )
    return or_(
        e.municipality_code.is_(None), e.municipality_code.in_(sorted(scope)), e.id.in_(named)
    )


def _row_filter(table: Table, scope: Scope) -> ColumnElement[bool]:
    """The rows of `table` the scope may see (every table of the snapshot)."""
    if scope is None:
        return true()
    name, c = table.name, table.c
    clients = _visible_clients(scope)
    if name == "client":
        return _in_scope(c.municipality_code, scope)
    if name in ("client_target_group", "status_episode", "outcome", "bonus_grant"):
        return c.client_id.in_(clients)
    if name == "bonus_payment":
        grants = select(_t["bonus_grant"].c.id).where(_t["bonus_grant"].c.client_id.in_(clients))
        return c.grant_id.in_(grants)
    if name == "employer":
        return _visible_employers(scope)
    if name in ("partnership_agreement", "declared_aid"):
        employers = select(_t["employer"].c.id).where(_visible_employers(scope))
        return c.employer_id.in_(employers)
    if name == "cost_entry":
        return _in_scope(c.municipality_code, scope)
    if name == "checklist_item":
        return or_(c.municipality_code.is_(None), c.municipality_code.in_(sorted(scope)))
    return true()  # the project definition and the coaching environments: no personal data


# ---------------------------------------------------------------------------------------------
# The kinds as the import reads them


def _kind_columns(kind: str) -> list[Any]:
    """The kind's columns as its declaration lists them (polku/records.py), each labelled with
    its canonical name: from the kind's table, or the client and employer it names."""
    spec = KINDS[kind]
    table = _t[spec.table]
    c, e = _t["client"].c, _t["employer"].c
    named = {"client_code": c.code, "business_id": e.business_id, "employer_name": e.name}
    out: list[Any] = []
    for column in spec.columns:
        if (
            column.db
            and column.db in table.c
            and not (kind != "employers" and column.name in named)
        ):
            out.append(table.c[column.db].label(column.name))
        elif column.name in named:
            out.append(named[column.name].label(column.name))
        else:  # the client's target groups: read separately
            out.append(literal(None).label(column.name))
    return out


def _kind_select(kind: str, scope: Scope) -> Select:
    c, e, g = _t["client"].c, _t["employer"].c, _t["bonus_grant"].c
    columns = _kind_columns(kind) if kind != PAYMENTS else []
    if kind == "employers":
        return select(*columns).where(_visible_employers(scope))
    if kind == "clients":
        return select(c.id.label("_id"), *columns).where(_in_scope(c.municipality_code, scope))
    if kind == "episodes":
        s = _t["status_episode"].c
        return (
            select(*columns)
            .join_from(_t["status_episode"], _t["client"], c.id == s.client_id)
            .where(_in_scope(c.municipality_code, scope))
        )
    if kind == "outcomes":
        o = _t["outcome"].c
        return (
            select(*columns)
            .select_from(_t["outcome"])
            .join(_t["client"], c.id == o.client_id)
            .outerjoin(_t["employer"], e.id == o.employer_id)
            .where(_in_scope(c.municipality_code, scope))
        )
    if kind == "partnerships":
        p = _t["partnership_agreement"].c
        return (
            select(*columns)
            .join_from(_t["partnership_agreement"], _t["employer"], e.id == p.employer_id)
            .where(_visible_employers(scope))
        )
    if kind == "grants":
        return (
            select(*columns)
            .select_from(_t["bonus_grant"])
            .join(_t["employer"], e.id == g.employer_id)
            .join(_t["client"], c.id == g.client_id)
            .where(_in_scope(c.municipality_code, scope))
        )
    if kind == "declared_aid":
        d = _t["declared_aid"].c
        return (
            select(*columns)
            .join_from(_t["declared_aid"], _t["employer"], e.id == d.employer_id)
            .where(_visible_employers(scope))
        )
    if kind == "costs":
        return select(*columns).where(_in_scope(_t["cost_entry"].c.municipality_code, scope))
    if kind == "salaries":  # the person named by name and role (admins only: export())
        m, s = _t["staff_member"].c, _t["salary_record"].c
        named = {"name": m.name, "role": m.role_code}
        return select(
            *(named[c.name].label(c.name) if c.name in named else c for c in columns)
        ).join_from(_t["salary_record"], _t["staff_member"], m.id == s.staff_member_id)
    if kind == "staff":
        return select(*columns)
    if kind == PAYMENTS:
        pay = _t["bonus_payment"].c
        return (
            select(
                e.business_id,
                e.name.label("employer_name"),
                c.code.label("client_code"),
                g.employment_start,
                pay.paid_on,
                pay.amount,
            )
            .select_from(_t["bonus_payment"])
            .join(_t["bonus_grant"], g.id == pay.grant_id)
            .join(_t["employer"], e.id == g.employer_id)
            .join(_t["client"], c.id == g.client_id)
            .where(_in_scope(c.municipality_code, scope))
        )
    raise ValueError(f"unknown kind {kind!r}")


def columns_of(kind: str) -> list[str]:
    if kind == PAYMENTS:
        return [name for name, _ in PAYMENT_COLUMNS]
    return [c.name for c in KINDS[kind].columns]


def headers_of(kind: str) -> list[str]:
    if kind == PAYMENTS:
        return [header for _, header in PAYMENT_COLUMNS]
    return KINDS[kind].headers


def kind_frame(database: Engine | Connection, actor: Actor | None, kind: str) -> pd.DataFrame:
    """The rows of `kind` the actor may export, with the import's canonical column names and
    Python values (dates, Decimals, booleans, None), sorted by every column."""
    scope = export_scope(actor)
    return _kind_frame(database, kind, scope)


def _kind_frame(database: Engine | Connection, kind: str, scope: Scope) -> pd.DataFrame:
    columns = columns_of(kind)
    with _connect(database) as conn:
        rows = [dict(r._mapping) for r in conn.execute(_kind_select(kind, scope))]
        if kind == "clients":
            ctg = _t["client_target_group"].c
            groups: dict[int, list[str]] = {}
            for r in conn.execute(
                select(ctg.client_id, ctg.target_group_code).where(
                    ctg.client_id.in_(_visible_clients(scope))
                )
            ):
                groups.setdefault(r.client_id, []).append(r.target_group_code)
            for row in rows:
                row["target_groups"] = ",".join(sorted(groups.get(row.pop("_id"), []))) or None
    rows.sort(key=lambda r: tuple(_sort_key(r.get(c)) for c in columns))
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _sort_key(value: Any) -> tuple[int, str]:
    if value is None:
        return (0, "")
    return (1, value.isoformat() if isinstance(value, date) else str(value))


class _connect:
    """A connection: the caller's own, or a short-lived one from the engine."""

    def __init__(self, database: Engine | Connection) -> None:
        self.database = database
        self.own: Connection | None = None

    def __enter__(self) -> Connection:
        if isinstance(self.database, Connection):
            return self.database
        self.own = self.database.connect()
        return self.own

    def __exit__(self, *exc: object) -> None:
        if self.own is not None:
            self.own.close()


# ---------------------------------------------------------------------------------------------
# Names instead of codes, for the files people read


def code_names(conn: Connection, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, dict[str, str]]:
    """code → name in `lang` of every code list the kinds' columns hold (ingest's `choices`):
    the municipalities and the project definition's lists from the database, the fixed code
    sets from i18n. A name the import could not read back to its code (two codes sharing it,
    or it naming another code) is left out, so that code stays a code."""
    lists: dict[str, dict[str, str]] = {}
    m = _t["municipality"].c
    lists["municipality"] = {r.code: r.name for r in conn.execute(select(m.code, m.name))}
    for name in ("client_status", "target_group", "outcome_type", "budget_line", "staff_role"):
        c = _t[name].c
        rows = conn.execute(select(c.code, c.name_fi, c.name_en))
        lists[name] = {r.code: i18n.localized_name(r._mapping, lang) for r in rows}
    fixed = ("gender", "education_level", "labour_status", "leaving_situation", "employer_type")
    for name in (*fixed, "contract_type", "decision"):
        lists[name] = {code: i18n.code_label(name, code, lang) for code in i18n.CODE_SETS[name]}
    return {name: _readable_back(names) for name, names in lists.items()}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())  # as ingest compares labels


def _readable_back(names: dict[str, str]) -> dict[str, str]:
    counts: dict[str, int] = {}
    for name in names.values():
        counts[_fold(name)] = counts.get(_fold(name), 0) + 1
    codes = {_fold(code): code for code in names}
    return {
        code: name
        for code, name in names.items()
        if name.strip() and counts[_fold(name)] == 1 and codes.get(_fold(name), code) == code
    }


def _decimal_places(kind: str) -> dict[str, int]:
    """The decimals of each decimal column of a kind: its database column's scale (cents)."""
    if kind == PAYMENTS:
        return {"amount": _scale(_t["bonus_payment"].c.amount)}
    table = _t[KINDS[kind].table]
    return {
        c.name: _scale(table.c[c.db]) for c in KINDS[kind].columns if c.type == "decimal" and c.db
    }


def _scale(column: Any) -> int:
    kind = column.type
    return int(kind.scale or 0) if isinstance(kind, Numeric) else 2


def people_frame(
    frame: pd.DataFrame, kind: str, names: Mapping[str, dict[str, str]]
) -> pd.DataFrame:
    """A kind's frame (kind_frame) as people read it: names for codes (`code_names`), decimals
    rounded to their column's places (euros to cents). Dates, numbers and booleans stay typed
    for the writers of each format."""
    out = frame.copy()
    columns = () if kind == PAYMENTS else KINDS[kind].columns
    for column in columns:
        if column.choices is None:
            continue
        known = names.get(column.choices, {})
        if column.type == "choices":  # a list in one cell: a name with a separator stays a code
            listed = {c: n for c, n in known.items() if not any(s in n for s in LIST_SEPARATORS)}
            out[column.name] = [
                None if _missing(v) else ", ".join(listed.get(c, c) for c in str(v).split(","))
                for v in out[column.name]
            ]
        else:
            out[column.name] = [None if _missing(v) else known.get(v, v) for v in out[column.name]]
    for name, places in _decimal_places(kind).items():
        out[name] = pd.Series(
            [None if _missing(v) else _rounded(v, places) for v in out[name]],
            index=out.index,
            dtype=object,
        )
    return out


# ---------------------------------------------------------------------------------------------
# Cells


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value  # NaN


def _rounded(value: Any, places: int = 2) -> Decimal:
    """A number rounded half up (from its written form, so 2.675 gives 2.68)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _local(moment: datetime) -> datetime:
    """A timestamp (UTC when naive, as SQLite keeps them) in Finnish time, without its zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        return aware.astimezone(ZoneInfo(metrics.TIMEZONE)).replace(tzinfo=None)
    except ZoneInfoNotFoundError:  # a system without time-zone data
        return aware.replace(tzinfo=None)


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A value as the CSV export writes it for Finnish Excel, which the import reads back:
    dates d.m.yyyy, decimal commas without thousands separators, floats to cents, yes / no in
    the language, nothing for no value."""
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return i18n.t("export.yes" if value else "export.no", lang)
    if isinstance(value, datetime):
        local = _local(value)
        return f"{i18n.fmt_date(local.date(), 'fi')} {local:%H:%M}"
    if isinstance(value, date):
        return i18n.fmt_date(value, "fi")
    if isinstance(value, float):
        value = _rounded(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def write_csv(
    frame: pd.DataFrame, headers: list[str], path: Path, lang: str = i18n.DEFAULT_LANGUAGE
) -> None:
    """Semicolon-separated, UTF-8 with BOM, CRLF: what Excel in Finland opens as it is."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for row in frame.itertuples(index=False):
            writer.writerow([csv_cell(v, lang) for v in row])


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def _xlsx_value(sheet: WriteOnlyWorksheet, value: Any, lang: str = i18n.DEFAULT_LANGUAGE) -> Any:
    """A workbook cell: real dates and numbers with Finnish-looking formats, text as text
    (never a formula), yes / no in the language, an empty cell for no value."""
    if _missing(value):
        return None
    if isinstance(value, bool):
        return i18n.t("export.yes" if value else "export.no", lang)
    if isinstance(value, str):
        if not value.startswith(FORMULA_STARTS):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True  # and none when someone edits the cell in Excel
        return cell
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = XLSX_DATETIME
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE
    elif isinstance(value, Decimal | float):
        number = value if isinstance(value, Decimal) else _rounded(value)
        cell = WriteOnlyCell(sheet, value=float(number))
        exponent = number.as_tuple().exponent
        cell.number_format = _number_format(-exponent if isinstance(exponent, int) else 2)
    else:
        return _xlsx_value(sheet, str(value), lang)
    return cell


def _append_frame(
    book: Workbook,
    title: str,
    headers: list[str],
    frame: pd.DataFrame,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> None:
    widths = [max(12, min(40, len(header) + 4)) for header in headers]
    sheet = header_sheet(book, title, headers, widths)
    sheet.freeze_panes = "A2"
    for row in frame.itertuples(index=False):
        sheet.append([_xlsx_value(sheet, v, lang) for v in row])


def header_sheet(
    book: Workbook, title: str, headers: list[str], widths: list[int]
) -> WriteOnlyWorksheet:
    """A new write-only sheet whose first row is `headers` in bold, columns `widths` wide."""
    sheet = book.create_sheet(title)
    assert isinstance(sheet, WriteOnlyWorksheet)
    for index, width in enumerate(widths):
        sheet.column_dimensions[_column_letter(index)].width = width
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Exports


@dataclass
class ExportResult:
    """The files written and the rows in each table."""

    format: str
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


EXPORT_KINDS = (*ingest.IMPORT_ORDER, PAYMENTS)


def export_kinds(actor: Actor) -> tuple[str, ...]:
    """The kinds in the actor's workbook and CSV files: staff and salaries for admins only."""
    staff = actor.may(Permission.READ_STAFF)
    return tuple(k for k in EXPORT_KINDS if staff or k not in records.STAFF_KINDS)


def export(
    engine: Engine,
    actor: Actor | None,
    fmt: str,
    directory: Path | str,
    *,
    now: datetime | None = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> ExportResult:
    """Write the export of `fmt` (xlsx, csv, parquet) into `directory`, holding only what the
    actor may see; the workbook and the CSV files show names in `lang`. The export is
    audited."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    scope = export_scope(actor)
    assert actor is not None
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    moment = now or datetime.now(UTC)
    with engine.connect() as conn:
        if fmt == "parquet":
            result = _export_parquet(conn, actor, scope, target, moment)
        else:
            names = code_names(conn, lang)
            frames = {
                kind: people_frame(_kind_frame(conn, kind, scope), kind, names)
                for kind in export_kinds(actor)
            }
            result = ExportResult(fmt, rows={kind: len(f) for kind, f in frames.items()})
            if fmt == "csv":
                for kind, frame in frames.items():
                    path = target / f"{kind}.csv"
                    write_csv(frame, headers_of(kind), path, lang)
                    result.files.append(path)
            else:
                path = target / f"polku-{moment.date().isoformat()}.xlsx"
                places = names["municipality"]
                _write_workbook(frames, actor, scope, moment, path, lang, places)
                result.files.append(path)
    _audit_export(engine, actor, scope, result)
    return result


def _write_workbook(
    frames: Mapping[str, pd.DataFrame],
    actor: Actor,
    scope: Scope,
    moment: datetime,
    path: Path,
    lang: str = i18n.DEFAULT_LANGUAGE,
    places: Mapping[str, str] | None = None,
) -> None:
    book = Workbook(write_only=True)
    for kind, frame in frames.items():
        title = PAYMENTS_SHEET if kind == PAYMENTS else KINDS[kind].sheet
        _append_frame(book, title, headers_of(kind), frame, lang)
    info = pd.DataFrame(
        [
            (i18n.t("export.info.created", lang), moment),
            (i18n.t("export.info.role", lang), i18n.t(f"role.{actor.role}", lang)),
            (i18n.t("export.info.scope", lang), scope_text(scope, lang, places)),
            *(
                (PAYMENTS_SHEET if k == PAYMENTS else KINDS[k].sheet, len(f))
                for k, f in frames.items()
            ),
        ],
        dtype=object,
    )
    _append_frame(book, INFO_SHEET, ["Polku", i18n.t("export.info.title", lang)], info, lang)
    book.save(path)


def scope_text(
    scope: Scope, lang: str = i18n.DEFAULT_LANGUAGE, places: Mapping[str, str] | None = None
) -> str:
    """The municipalities of an export by name (`places`: code → name), or "all"."""
    if scope is None:
        return i18n.t("export.scope.all", lang)
    return ", ".join(sorted((places or {}).get(code, code) for code in scope))


def _audit_export(engine: Engine, actor: Actor, scope: Scope, result: ExportResult) -> None:
    total = sum(result.rows.values())
    with db.session_scope(engine) as session:
        audit.record(
            session,
            user_email=actor.email,
            action="export",
            entity=result.format,
            detail=(
                f"format={result.format} tables={len(result.rows)} rows={total} "
                f"scope={'all' if scope is None else ','.join(sorted(scope))}"
            ),
        )


def export_zip(
    engine: Engine, actor: Actor | None, fmt: str, lang: str = i18n.DEFAULT_LANGUAGE
) -> bytes:
    """The export of `fmt` as one zip file, for a download."""
    with tempfile.TemporaryDirectory(prefix="polku-export-") as tmp:
        result = export(engine, actor, fmt, tmp, lang=lang)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
        del result
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The Parquet snapshot and its data dictionary


def snapshot_tables() -> list[Table]:
    """The tables of a snapshot, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in PRIVATE_TABLES]


def _arrow_type(column: Any) -> pa.DataType:
    kind = column.type
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, Numeric):
        return pa.decimal128(kind.precision or 18, kind.scale or 0)
    return pa.string()


def _arrow_value(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_timestamp(kind) and isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # SQLite keeps UTC timestamps without their zone
    if pa.types.is_decimal(kind):
        return Decimal(value).quantize(Decimal(1).scaleb(-kind.scale))
    return value


def _export_parquet(
    conn: Connection, actor: Actor, scope: Scope, target: Path, moment: datetime
) -> ExportResult:
    result = ExportResult("parquet")
    tables: dict[str, Any] = {}
    for table in snapshot_tables():
        order = list(table.primary_key.columns) or list(table.c)
        stmt = select(table).where(_row_filter(table, scope)).order_by(*order)
        rows = conn.execute(stmt).all()
        schema = pa.schema(
            [pa.field(c.name, _arrow_type(c), nullable=bool(c.nullable)) for c in table.c]
        )
        arrays = [
            pa.array([_arrow_value(r[i], f.type) for r in rows], type=f.type)
            for i, f in enumerate(schema)
        ]
        path = target / f"{table.name}.parquet"
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)
        result.files.append(path)
        result.rows[table.name] = len(rows)
        fi, en = table_description(table.name)
        tables[table.name] = {"rows": len(rows), "description_fi": fi, "description_en": en}
    dictionary = target / DICTIONARY_FILE
    data_dictionary().to_csv(dictionary, index=False, encoding="utf-8")
    result.files.append(dictionary)
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "version": 1,
        "created_at": moment.isoformat(timespec="seconds"),
        "exported_by_role": actor.role,
        "scope": "all" if scope is None else sorted(scope),
        "schema_revision": db.current_revision(conn.engine),
        "values": {lang: i18n.t("dictionary.values_note", lang) for lang in ("fi", "en")},
        "tables": tables,
    }
    path = target / MANIFEST_FILE
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    result.files.append(path)
    return result


def open_snapshot(directory: Path | str, database: Path | str | None = None) -> Engine:
    """A fresh SQLite database, migrated by Alembic, holding the Parquet snapshot in
    `directory`; `database` is its file (default: a new temporary file). polku.metrics works
    on the engine returned exactly as on the live database."""
    source = Path(directory)
    if not (source / MANIFEST_FILE).exists():
        raise FileNotFoundError(f"{source}: no {MANIFEST_FILE}; not a Polku snapshot")
    if database is None:
        database = Path(tempfile.mkdtemp(prefix="polku-snapshot-")) / "snapshot.db"
    engine = db.make_engine(f"sqlite:///{Path(database)}")
    db.upgrade(engine)
    with engine.begin() as conn:
        for table in snapshot_tables():
            path = source / f"{table.name}.parquet"
            if not path.exists():
                continue
            rows = pq.read_table(path).to_pylist()
            known = set(table.c.keys())
            rows = [{k: v for k, v in row.items() if k in known} for row in rows]
            for start in range(0, len(rows), ingest.CHUNK):
                conn.execute(insert(table), rows[start : start + ingest.CHUNK])
    return engine


# Snapshot columns holding codes of a fixed code set of models.py (i18n.CODE_SETS)
FIXED_CODE_COLUMNS: dict[str, str] = {
    "client.gender": "gender",
    "client.education_level": "education_level",
    "client.labour_status_at_entry": "labour_status",
    "client.situation_on_leaving": "leaving_situation",
    "employer.employer_type": "employer_type",
    "bonus_grant.contract_type": "contract_type",
    "bonus_grant.decision": "decision",
    "checklist_item.status": "checklist_status",
    "work_package.scope": "work_package_scope",
    "indicator.kind": "indicator_kind",
    "budget_line.kind": "budget_kind",
}


def _named_in_exports() -> set[str]:
    """table.column of the snapshot whose codes the workbook and the CSV files show as names."""
    named = {"client_target_group.target_group_code"}
    for kind in KINDS.values():
        named |= {f"{kind.table}.{c.db}" for c in kind.columns if c.choices and c.db}
    return named


def code_list(table: Table, column: Any) -> str:
    """Where the names of a column's codes are: a fixed code set spelled out, or the code-list
    table it refers to; empty for a column without codes."""
    fixed = FIXED_CODE_COLUMNS.get(f"{table.name}.{column.name}")
    if fixed:
        return "; ".join(
            f"{code} = {i18n.code_label(fixed, code, 'fi')} / {i18n.code_label(fixed, code, 'en')}"
            for code in i18n.CODE_SETS[fixed]
        )
    for fk in column.foreign_keys:
        target = fk.column.table
        if fk.column.name == "code":
            names = "name_fi, name_en" if "name_fi" in target.c else "name"
            return f"{target.name}.code → {names}"
    if column.name == "municipality_code":  # kept without a foreign key where it may be empty
        return "municipality.code → name"
    return ""


def _both(key: str, **values: Any) -> tuple[str, str]:
    return i18n.t(key, "fi", **values), i18n.t(key, "en", **values)


def table_description(table: str) -> tuple[str, str]:
    """A table's description in Finnish and English (polku/catalogs: "dictionary.table.*")."""
    key = f"dictionary.table.{table}"
    return _both(key) if key in i18n.CATALOGS["fi"] else (table, table)


def declared_fields(
    declarations: Iterable[type[records.Record]] = records.ALL,
) -> dict[str, records.FieldDef]:
    """ "table.column" → the declared field that fills it (polku/records.py), first one wins."""
    found: dict[str, records.FieldDef] = {}
    for record in declarations:
        for f in records.fields(record):
            if f.db:
                found.setdefault(f"{record.table}.{f.db}", f)
    return found


def column_description(
    table: Table, column: Any, declared: Mapping[str, records.FieldDef] | None = None
) -> tuple[str, str]:
    """A column's description: its declaration's, its own, a reference's, or the generic one
    of its name."""
    declared = declared_fields() if declared is None else declared
    name = f"{table.name}.{column.name}"
    if name in declared:
        field = declared[name]
        return field.description("fi"), field.description("en")
    if f"dictionary.column.{name}" in i18n.CATALOGS["fi"]:
        return _both(f"dictionary.column.{name}")
    for fk in column.foreign_keys:
        target = fk.column.table.name
        fi, en = table_description(target)
        return (
            i18n.t("dictionary.reference", "fi", table=target, description=fi),
            i18n.t("dictionary.reference", "en", table=target, description=en),
        )
    key = f"dictionary.generic.{column.name}"
    return _both(key) if key in i18n.CATALOGS["fi"] else (column.name, column.name)


# A declared field's type in the dictionary while its table has no column for it yet
_DECLARED_TYPES = {
    "date": "date32[day]", "decimal": "decimal128(12, 2)", "int": "int64", "bool": "bool",
}  # fmt: skip


def data_dictionary(
    tables: Iterable[Table] | None = None,
    declarations: Iterable[type[records.Record]] = records.ALL,
) -> pd.DataFrame:
    """One row per column of the snapshot: table, column, type, nullable, key, the code list
    its codes come from, descriptions (saying where the other exports show names instead).
    Columns of the record kinds are described by their declarations (polku/records.py); a
    declared field its table does not hold yet gets a row of its own."""
    rows = []
    named = _named_in_exports()
    declarations = tuple(declarations)
    declared = declared_fields(declarations)
    named_fi, named_en = _both("dictionary.named_in_exports")
    for table in tables or snapshot_tables():
        for column in table.c:
            fi, en = column_description(table, column, declared)
            if f"{table.name}.{column.name}" in named:
                fi, en = f"{fi}. {named_fi}", f"{en}. {named_en}"
            refs = ", ".join(
                f"{fk.column.table.name}.{fk.column.name}" for fk in column.foreign_keys
            )
            rows.append(
                {
                    "table": table.name,
                    "column": column.name,
                    "type": str(_arrow_type(column)),
                    "nullable": bool(column.nullable),
                    "primary_key": bool(column.primary_key),
                    "references": refs,
                    "code_list": code_list(table, column),
                    "description_fi": fi,
                    "description_en": en,
                }
            )
        for name, declared_field in declared.items():
            table_name, column_name = name.split(".", 1)
            if table_name == table.name and column_name not in table.c:
                rows.append(
                    {
                        "table": table.name,
                        "column": column_name,
                        "type": _DECLARED_TYPES.get(declared_field.type, "string"),
                        "nullable": not declared_field.required,
                        "primary_key": False,
                        "references": "",
                        "code_list": declared_field.spec.choices or "",
                        "description_fi": declared_field.description("fi"),
                        "description_en": declared_field.description("en"),
                    }
                )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# The de minimis register (Regulation (EU) 2023/2831): what the granting authority reports

REGISTER_COLUMNS = ("business_id", "grant_date", "amount", "legal_basis", "grantor")


def de_minimis_register(database: Engine | Connection, actor: Actor | None) -> pd.DataFrame:
    """The project's granted bonuses that are de minimis aid, as the granting authority reports
    them to the register (admins only): business_id (the employer's Y-tunnus), grant_date (the
    decision), amount, legal_basis ([de_minimis] of the project file), grantor (the client's
    municipality, which grants the bonus); by date and Y-tunnus."""
    check(actor, Permission.MANAGE, None)
    basis = grants.de_minimis_settings().legal_basis
    g, e, c, m = (_t[n].c for n in ("bonus_grant", "employer", "client", "municipality"))
    stmt = (
        select(e.business_id, g.decision_date, g.de_minimis_amount, m.name)
        .select_from(_t["bonus_grant"])
        .join(_t["employer"], e.id == g.employer_id)
        .join(_t["client"], c.id == g.client_id)
        .join(_t["municipality"], m.code == c.municipality_code)
        .where(g.decision == "granted", g.de_minimis_amount.is_not(None))
        .order_by(g.decision_date, e.business_id)
    )
    with _connect(database) as conn:
        rows = [(b, d, Decimal(str(a)), basis, name) for b, d, a, name in conn.execute(stmt)]
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS), dtype=object)


def export_de_minimis_register(
    engine: Engine, actor: Actor | None, fmt: str, path: Path, lang: str = i18n.DEFAULT_LANGUAGE
) -> Path:
    """The register's rows as a Finnish CSV (semicolons, decimal commas, d.m.yyyy) or a
    workbook (real dates and euros), audited; admins only."""
    frame = de_minimis_register(engine, actor)
    assert actor is not None
    headers = [i18n.t(f"export.de_minimis.{name}", lang) for name in REGISTER_COLUMNS]
    if fmt == "csv":
        write_csv(frame, headers, path, lang)
    elif fmt == "xlsx":
        book = Workbook(write_only=True)
        _append_frame(book, i18n.t("export.de_minimis.sheet", lang), headers, frame, lang)
        book.save(path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    with db.session_scope(engine) as session:
        audit.record(
            session,
            user_email=actor.email,
            action="export",
            entity="de_minimis_register",
            detail=f"format={fmt} rows={len(frame)}",
        )
    return path
