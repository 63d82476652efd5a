"""Checking values: text cells → typed values, and the rules of single values."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, select

import models
from models import metadata
from polku import i18n, privacy
from polku.access import Actor
from polku.ingest.kinds import (
    CLIENT_CODE,
    Column,
    Kind,
    header_names,
    max_length,
    normalise_header,
)
from polku.ingest.problems import ERROR, WARNING, Localized, Problem
from polku.ingest.reading import RawTable, column_label
from polku.validation import is_valid_business_id, normalise_business_id


@dataclass
class Lookups:
    """The code sets of a database: codes, and label → code for what people write."""

    codes: dict[str, list[str]]
    labels: dict[str, dict[str, str]]
    names: dict[str, dict[str, str]]  # code → Finnish name, for messages
    period: tuple[date, date]
    english: dict[str, dict[str, str]] = field(default_factory=dict)  # code → English name

    def localized(self, set_name: str, code: str) -> Localized:
        """A code's name in both languages (the code itself when it has none)."""
        fi = self.names.get(set_name, {}).get(code, code)
        return Localized(fi, self.english.get(set_name, {}).get(code) or fi)


def norm_label(text: str) -> str:
    return " ".join(str(text).casefold().split())


def load_lookups(conn: Connection) -> Lookups:
    """Every code set a kind refers to, read once per import."""
    codes: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    names: dict[str, dict[str, str]] = {}
    english: dict[str, dict[str, str]] = {}
    m = metadata.tables["municipality"].c
    rows = conn.execute(select(m.code, m.name).order_by(m.code)).all()
    codes["municipality"] = [r.code for r in rows]
    names["municipality"] = english["municipality"] = {r.code: r.name for r in rows}
    labels["municipality"] = {norm_label(r.name): r.code for r in rows}
    tables = {
        "client_status": "client_status",
        "target_group": "target_group",
        "outcome_type": "outcome_type",
        "budget_line": "budget_line",
        "staff_role": "staff_role",
    }
    for set_name, table_name in tables.items():
        t = metadata.tables[table_name]
        stmt = select(t.c.code, t.c.name_fi, t.c.name_en).order_by(t.c.position)
        if table_name == "budget_line":
            stmt = stmt.where(t.c.kind == "cost")
        found = conn.execute(stmt).all()
        codes[set_name] = [r.code for r in found]
        names[set_name] = {r.code: r.name_fi for r in found}
        english[set_name] = {r.code: r.name_en or r.name_fi for r in found}
        labels[set_name] = {
            norm_label(label): r.code for r in found for label in (r.name_en, r.name_fi) if label
        }
    for set_name in _FIXED_SETS:
        _fixed(set_name, i18n.CODE_SETS[set_name], codes, labels, names)
    _fixed("contract_type", models.CONTRACT_TYPES, codes, labels, names)
    _fixed("decision", models.DECISIONS, codes, labels, names)
    for set_name in _FIXED_SETS:
        english[set_name] = {c: i18n.code_label(set_name, c, "en") for c in codes[set_name]}
    for set_name in ("contract_type", "decision"):
        english[set_name] = {c: i18n.code_label(set_name, c, "en") for c in codes[set_name]}
    p = metadata.tables["project"].c
    period = conn.execute(select(p.start_date, p.end_date).where(p.id == 1)).first()
    if period is None:
        raise LookupError("the project definition is not loaded: run `python -m polku init`")
    return Lookups(codes, labels, names, (period[0], period[1]), english)


# The fixed code sets of models.py that the import reads by code or name (i18n.CODE_SETS)
_FIXED_SETS = ("gender", "education_level", "labour_status", "leaving_situation", "employer_type")


def _fixed(
    set_name: str,
    values: Iterable[str],
    codes: dict[str, list[str]],
    labels: dict[str, dict[str, str]],
    names: dict[str, dict[str, str]],
) -> None:
    codes[set_name] = list(values)
    names[set_name] = {c: i18n.code_label(set_name, c, "fi") for c in values}
    labels[set_name] = {
        norm_label(i18n.code_label(set_name, c, lang)): c for c in values for lang in ("en", "fi")
    }


def _to_code(value: str, set_name: str, lookups: Lookups) -> str:
    """The code a cell means: the code itself (any case), a label in Finnish or English, or
    for a municipality a number whose leading zero a spreadsheet dropped ("90" → "090")."""
    known = lookups.codes[set_name]
    if value in known:
        return value
    if set_name == "municipality" and value.isdigit() and value.zfill(3) in known:
        return value.zfill(3)
    folded = norm_label(value)
    for code in known:
        if code.casefold() == folded:
            return code
    return lookups.labels[set_name].get(folded, value)


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TRUE = {"kyllä", "kylla", "k", "joo", "on", "yes", "y", "true", "tosi", "1", "x"}
_FALSE = {"ei", "e", "no", "n", "false", "epätosi", "0"}
_INT = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class Unparsed:
    """A cell that did not parse; the problem is recorded, the value is left out."""


UNPARSED = Unparsed()


def parse_date(text: str) -> date | Unparsed:
    """A date written 1.3.2026, 01.03.2026 or 2026-03-01 (Excel's "2026-03-01 00:00:00" too);
    impossible dates such as 31.2.2026 do not parse."""
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match[1], match[2], match[3]
    elif match := _FI_DATE.match(text):
        day, month, year = match[1], match[2], match[3]
    else:
        return UNPARSED
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return UNPARSED


def parse_decimal(text: str) -> Decimal | None:
    """A number as offices write it: 1 234,50 · 1234.5 · 1.234,50 · 1 234,50 €."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]|eur$", "", text.casefold())
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not _DECIMAL.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_bool(text: str) -> bool | None:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


@dataclass
class Context:
    conn: Connection
    actor: Actor
    scope: frozenset[str] | None  # municipalities the actor may edit; None: all
    lookups: Lookups
    today: date
    kind: Kind
    headers: dict[str, str]  # canonical column → header as in the file
    present: set[str]
    problems: list[Problem] = field(default_factory=list)
    scan_hetu: bool = False  # forms: check text values here (files are scanned cell by cell)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)
    refused: set[str | None] = field(default_factory=set)  # municipalities not the actor's
    # Refuse changes dated in approved periods (polku/period_lock.py); the client card checks
    # the lock itself, against the stored row its check removes
    period_lock: bool = True

    def header(self, name: str) -> str:
        return self.headers.get(name) or self.kind.column(name).header

    def add(
        self, row: int | None, column: str | None, key: str, severity: str = ERROR, **params: Any
    ) -> None:
        if row is not None and column is not None and (row, column) in self.bad_cells:
            return  # one problem per cell: the first says what is wrong
        self.problems.append(
            Problem(
                row,
                self.header(column) if column else None,
                key,
                params,
                severity,
                column,
            )
        )
        if severity == ERROR and row is not None and column is not None:
            self.bad_cells.add((row, column))

    @property
    def errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def may_edit(self, municipality: str | None, *, region_ok: bool = False) -> bool:
        """Whether the actor may edit rows of `municipality`; `region_ok`: rows of no
        municipality are open to every editor (employers)."""
        if self.scope is None:
            return True
        if municipality is None:
            return region_ok
        return municipality in self.scope

    def municipality_name(self, code: str | None) -> str:
        if code is None:
            return i18n.t("app.region")
        return self.lookups.names["municipality"].get(code, code)


Record = dict[str, Any]


Columns = dict[str, list[Any]]
_NOT_YET = object()


def _each_unique(values: Iterable[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """`convert` of every value, computed once per distinct value (files repeat themselves)."""
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        result = cache.get(value, _NOT_YET)
        if result is _NOT_YET:
            result = cache[value] = convert(value)
        out.append(result)
    return out


def _converter(ctx: Context, column: Column) -> Callable[[str], Any] | None:
    """Text → value for a column's type; UNPARSED when the text is no such value."""
    set_name = column.choices or ""
    if column.type == "date":
        return parse_date
    if column.type in ("decimal", "int"):
        return lambda text: _parse_number(text, column.type)
    if column.type == "bool":
        return lambda text: _or_unparsed(parse_bool(text))
    if column.type == "choice":
        return lambda text: _to_code(text, set_name, ctx.lookups)
    if column.type == "choices":
        return lambda text: (
            tuple(
                _to_code(part.strip(), set_name, ctx.lookups)
                for part in re.split(r"[,;|]", text)
                if part.strip()
            )
            or None
        )
    if column.type == "business_id":
        return normalise_business_id
    return None


def _or_unparsed(value: Any) -> Any:
    return UNPARSED if value is None else value


_PARSE_ERRORS = {
    "date": "ingest.error.date",
    "decimal": "ingest.error.number",
    "int": "ingest.error.integer",
    "bool": "ingest.error.bool",
}


def parse_columns(ctx: Context, raw: RawTable, mapping: dict[str, int]) -> Columns:
    """Typed values of the mapped columns (lists aligned with raw.rows); cells that do not
    parse are problems and None."""
    columns: Columns = {}
    for name, index in mapping.items():
        column = ctx.kind.column(name)
        text = raw.columns[index]
        convert = _converter(ctx, column)
        values = text if convert is None else _each_unique(text, convert)
        for i, value in enumerate(values):
            if value is UNPARSED:
                ctx.add(raw.rows[i], name, _PARSE_ERRORS[column.type], value=text[i])
                values[i] = None
        columns[name] = values
    return columns


def to_records(columns: Columns, rows: list[int]) -> list[Record]:
    keys = ["_row", *columns]
    rows_of_values = zip(rows, *columns.values(), strict=True)
    return [dict(zip(keys, values, strict=True)) for values in rows_of_values]


def _parse_number(text: str | None, kind: str) -> Any:
    if text is None:
        return None
    if kind == "int":
        if not _INT.match(text.replace(" ", "")):
            return UNPARSED
        return int(re.split(r"[.,]", text.replace(" ", ""))[0])
    value = parse_decimal(text)
    return UNPARSED if value is None else value


Found = list[tuple[str, str, dict[str, Any]]]


def field_rules(ctx: Context, columns: Columns, rows: list[int]) -> None:
    """The rules of single values: required, code sets, dates, ranges, lengths, formats;
    each distinct value is judged once."""
    for column in ctx.kind.columns:
        name = column.name
        if name not in columns:
            continue
        limit = max_length(ctx.kind, column)
        allowed = set(ctx.lookups.codes.get(column.choices or "", []))
        verdicts: dict[Any, Found] = {}
        for row, value in zip(rows, columns[name], strict=True):
            if value is None:
                if column.required and (row, name) not in ctx.bad_cells:
                    ctx.add(row, name, "ingest.error.required")
                continue
            found = verdicts.get(value)
            if found is None:
                found = verdicts[value] = _value_problems(ctx, column, value, limit, allowed)
            for key, severity, params in found:
                ctx.add(row, name, key, severity, **params)


def _value_problems(
    ctx: Context, column: Column, value: Any, limit: int | None, allowed: set[str]
) -> Found:
    found: Found = []
    if isinstance(value, str):
        # A code's length is no news: the code set says whether it is known
        if limit is not None and len(value) > limit and column.type != "choice":
            found.append(("ingest.error.too_long", ERROR, {"max": limit, "length": len(value)}))
        if ctx.scan_hetu:
            verdict = privacy.hetu_verdict(value)
            if verdict == "refuse":
                found.append(("forms.error.hetu", ERROR, {}))
            elif verdict == "warn":
                found.append(("ingest.warning.hetu", WARNING, {}))
    kind = column.type
    if kind == "choice" and value not in allowed:
        found.append(_unknown_code(ctx, column, value))
    elif kind == "choices":
        found.extend(_unknown_code(ctx, column, part) for part in value if part not in allowed)
    elif kind == "date":
        start, end = ctx.lookups.period
        if column.in_period and not start <= value <= end:
            found.append(("ingest.error.outside_period", ERROR, {"period": (start, end)}))
        elif column.not_future and value > ctx.today:
            found.append(("ingest.error.future", ERROR, {"value": value}))
    elif kind in ("decimal", "int"):
        found.extend(_range_problems(column, value))
    elif kind == "business_id" and not is_valid_business_id(value):
        found.append(("ingest.error.business_id", ERROR, {"value": value}))
    elif kind == "client_code" and not CLIENT_CODE.match(value):
        found.append(("ingest.error.client_code", ERROR, {}))
    return found


def _unknown_code(ctx: Context, column: Column, value: str) -> tuple[str, str, dict[str, Any]]:
    set_name = column.choices or ""
    known = ctx.lookups.codes.get(set_name, [])
    # The names people read (and may write: names are accepted as well as codes)
    if len(known) <= 10:
        names = [ctx.lookups.localized(set_name, code) for code in known]
        allowed = Localized(", ".join(n.fi for n in names), ", ".join(n.en for n in names))
    else:
        allowed = Localized(
            i18n.t("ingest.see_template", "fi"), i18n.t("ingest.see_template", "en")
        )
    return (f"ingest.error.unknown.{set_name}", ERROR, {"value": value, "allowed": allowed})


def _range_problems(column: Column, value: Decimal | int) -> Found:
    low, high = column.minimum, column.maximum
    too_low = low is not None and (value <= low if column.exclusive_minimum else value < low)
    too_high = high is not None and value > high
    if not (too_low or too_high):
        return []
    if column.exclusive_minimum and high is not None:
        return [("ingest.error.range_open", ERROR, {"low": _num(low), "high": _num(high)})]
    if low is not None and high is not None:
        return [("ingest.error.range", ERROR, {"low": _num(low), "high": _num(high)})]
    if low is not None:
        return [("ingest.error.minimum", ERROR, {"low": _num(low)})]
    return [("ingest.error.maximum", ERROR, {"high": _num(high)})]


def _num(value: Decimal | None) -> Localized:
    """A limit in each language's number format (0,5 · 0.5), years without grouping."""
    if value is None:
        return Localized("", "")
    number = value.normalize()
    digits = max(0, -int(number.as_tuple().exponent))
    plain = format(number, "f")
    if digits == 0:
        return Localized(plain, plain)
    return Localized(i18n.fmt_decimal(number, digits, "fi"), i18n.fmt_decimal(number, digits, "en"))


def scan_cells(raw: RawTable, ctx: Context) -> list[tuple[int, int]]:
    """Every cell of the file looked at for a personal identity code: the headers, the sheet's
    name, every data cell (mapped or not) and the cells of rows left out for their shape. Found
    cells are emptied so their value never reaches a message or the preview; returns the data
    cells found (row, column index). Uses polku.privacy's own search, whatever it finds."""
    found: list[tuple[int, int]] = []
    if raw.sheet and privacy.hetu_verdict(raw.sheet):
        ctx.problems.append(Problem(None, None, "ingest.error.hetu_sheet"))
        raw.sheet = None
    for index, header in enumerate(raw.headers):
        verdict = privacy.hetu_verdict(header)
        if verdict is not None:
            ctx.problems.append(Problem(1, f"#{index + 1}", _HETU_KEYS[verdict]))
            raw.headers[index] = ""
    for index, column in enumerate(raw.columns):
        for position, verdict in _hetu_cells(column):
            ctx.problems.append(
                Problem(raw.rows[position], column_label(raw.headers, index), _HETU_KEYS[verdict])
            )
            column[position] = None
            found.append((raw.rows[position], index))
    for row, index, value in raw.stray:
        verdict = privacy.hetu_verdict(value)
        if verdict is not None:
            ctx.problems.append(Problem(row, column_label(raw.headers, index), _HETU_KEYS[verdict]))
    raw.stray = []
    return found


_HETU_KEYS = {"refuse": "ingest.error.hetu", "warn": "ingest.error.hetu_like"}


def _hetu_cells(column: list[str | None]) -> list[tuple[int, str]]:
    """(position, verdict) of the column's cells that look like an identity code: one search
    of the cells joined by NUL (never part of a code, and a boundary like the text's ends),
    then a verdict on each cell the search pointed at."""
    joined = "\0".join(v or "" for v in column)
    matches = privacy.find_hetus(joined)
    if not matches:
        return []
    starts, at = [], 0
    for value in column:
        starts.append(at)
        at += len(value or "") + 1
    out: dict[int, str] = {}
    for match in matches:
        position = bisect_right(starts, match.start) - 1
        verdict = privacy.hetu_verdict(column[position])
        if verdict is not None and position not in out:
            out[position] = verdict
    return sorted(out.items())


def map_headers(raw: RawTable, ctx: Context) -> dict[str, int]:
    """Canonical column → index in the file; problems for missing, doubled and unknown ones."""
    accepted = header_names(ctx.kind)
    mapping: dict[str, int] = {}
    for index, header in enumerate(raw.headers):
        if not header:
            if any(v is not None for v in raw.columns[index]):
                ctx.problems.append(
                    Problem(None, f"#{index + 1}", "ingest.warning.no_header", {}, WARNING)
                )
            continue
        name = accepted.get(normalise_header(header))
        if name is None:
            ctx.problems.append(Problem(None, header, "ingest.warning.unknown_column", {}, WARNING))
        elif name in mapping:
            first = raw.headers[mapping[name]]
            ctx.problems.append(
                Problem(None, header, "ingest.error.duplicate_column", {"first": first}, ERROR)
            )
        else:
            mapping[name] = index
            ctx.headers[name] = header
    for column in ctx.kind.columns:
        if column.required and column.name not in mapping:
            ctx.problems.append(
                Problem(None, column.header, "ingest.error.missing_column", {}, ERROR, column.name)
            )
    if ctx.kind.one_of and not any(name in mapping for name in ctx.kind.one_of):
        headers = " / ".join(ctx.kind.column(n).header for n in ctx.kind.one_of)
        ctx.problems.append(
            Problem(None, headers, "ingest.error.missing_column", {}, ERROR, ctx.kind.one_of[0])
        )
    ctx.present = set(mapping)
    return mapping
