"""CSV and Excel import: parse office files, validate every row, upsert in one transaction.

Seven kinds of data come in (KINDS): clients, status episodes, outcomes, employers,
partnership agreements, employment-bonus grants and cost entries. Each kind has a template
with Finnish column headers (English names and common variants accepted, see `Column`);
`data/sample/<kind>.csv` is a valid example of each.

The flow is `import_file(...)`: read the bytes (UTF-8 with or without BOM, or Windows-1252;
comma, semicolon or tab; or an .xlsx workbook) → scan every cell for personal identity codes
→ map the headers → parse the values (decimal commas, dates as 1.3.2026 or 2026-03-01) →
check the rules (polku/forms.py checks the same rules for a form) → match each row to the
database by its natural key → write the new and changed rows, with audit rows, in ONE
transaction. Any problem and nothing is written: the preview (`dry_run=True`) is the same
run, rolled back. Importing the same file twice changes nothing.

Problems name the row as the user sees it in the file (the header is row 1, the first data
row 2), the column by its header in the file, and the reason by a key of the string catalog.
A cell's value is never echoed when it looks like a personal identity code.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

import models
from models import metadata
from polku import audit, db, i18n, metrics, privacy
from polku.access import AccessDenied, Actor, Permission, row_scope
from polku.config import ROOT, get_settings
from polku.validation import is_valid_business_id, normalise_business_id

ERROR, WARNING = "error", "warning"
SAMPLE_DIR = ROOT / "data" / "sample"
# The order in which kinds depend on each other (a grant names a client and an employer)
IMPORT_ORDER = ("employers", "clients", "episodes", "outcomes", "partnerships", "grants", "costs")
# As the CHECK constraints of models.Client and models.BonusGrant
BIRTH_YEARS = (1940, 2015)
MAX_WEEKLY_HOURS = Decimal(60)
# EU de minimis regulation 2023/2831: at most 300 000 € to one undertaking over three years
DE_MINIMIS_CEILING = Decimal(300_000)
DE_MINIMIS_YEARS = 3
# A warning (not a refusal) once an employer's de minimis aid passes this share of the ceiling
DE_MINIMIS_WARNING_SHARE = Decimal("0.8")
CLIENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CENT = Decimal("0.01")
# Rows written per statement between progress reports
CHUNK = 5000
# How long an import waits for another import of the same kind to finish
LOCK_TIMEOUT_SECONDS = 30.0
# The namespace of the imports' advisory locks on PostgreSQL ("PKIM"), the kind the second key
_LOCK_NAMESPACE = 0x504B494D

Progress = Callable[[float], None]


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: `row` as the user sees it in the file (None: the whole file or a
    form), `column` the header as in the file, `field` the canonical column name (forms show
    the message next to that field), `key` and `params` the reason in the string catalog."""

    row: int | None
    column: str | None
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = ERROR
    field: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def reason(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.key, lang, **{k: format_param(v, lang) for k, v in self.params.items()})

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """ "rivi 7, sarake Aloituspäivä: <reason>" (the CLI's line)."""
        reason = self.reason(lang)
        if self.row is not None and self.column:
            return i18n.t("ingest.at.cell", lang, row=self.row, column=self.column, reason=reason)
        if self.row is not None:
            return i18n.t("ingest.at.row", lang, row=self.row, reason=reason)
        if self.column:
            return i18n.t("ingest.at.column", lang, column=self.column, reason=reason)
        return reason


@dataclass(frozen=True)
class Localized:
    """A text in Finnish and in English: the names of codes, for messages shown later in
    either language."""

    fi: str
    en: str

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return self.en if i18n.language(lang) == "en" else self.fi


def format_param(value: Any, lang: str) -> str:
    """A value for people in `lang`: names, dates, euros, whole numbers; text as it is."""
    if isinstance(value, Localized):
        return value.text(lang)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], date):
        return i18n.fmt_period(value[0], value[1], lang)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, Decimal):
        return i18n.fmt_euro(value, 2, lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return i18n.fmt_int(value, lang)
    return str(value)


def problems_frame(problems: Sequence[Problem], lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The problems as a table: row, column, severity, reason (in `lang`)."""
    return pd.DataFrame(
        [
            {
                "row": p.row,
                "column": p.column or "",
                "severity": p.severity,
                "reason": p.reason(lang),
            }
            for p in problems
        ],
        columns=["row", "column", "severity", "reason"],
    ).astype({"row": "Int64"})


# ---------------------------------------------------------------------------------------------
# The kinds of data and their columns


@dataclass(frozen=True)
class Column:
    """A column of an import file. `name` is the canonical (English) name, `header` the
    Finnish header of the template; `aliases` are other headers accepted (compared without
    case, accents, spaces or punctuation). `db` names the column of the kind's table it
    fills directly, if any."""

    name: str
    header: str
    type: str  # text | client_code | date | decimal | int | bool | choice | choices | business_id
    aliases: tuple[str, ...] = ()
    required: bool = False  # a value on every row
    choices: str | None = None  # the code set of a choice: municipality, client_status, ...
    in_period: bool = False
    not_future: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: bool = False
    default: Any = None
    db: str | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of data: its table, columns and natural key (canonical column names)."""

    name: str
    table: str
    sheet: str  # the Finnish sheet name in workbooks (exports, templates)
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Columns of which at least one must be in the file (the employer: Y-tunnus or name)
    one_of: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _col(name: str, header: str, type_: str, aliases: str = "", **options: Any) -> Column:
    """A column; `aliases` are other accepted headers separated by "|"."""
    options.setdefault("db", name)
    return Column(name, header, type_, tuple(a for a in aliases.split("|") if a), **options)


_CLIENT = "asiakas|asiakaskoodi|asiakasnumero|client|client_code"
_BUSINESS_ID = "ytunnus|y_tunnus|business_id|employer_business_id"
_EMPLOYER = "työnantajan nimi|employer|employer_name"
_MUNICIPALITY = "kuntakoodi|kuntanumero|kotikunta|municipality_code"
_NOTE = "lisätiedot|huomautus|note"
_PAST = {"in_period": True, "not_future": True}

# Table-like declarations: one column per line or two, not one argument per line
# fmt: off
KINDS: dict[str, Kind] = {
    "employers": Kind(
        "employers",
        "employer",
        "Työnantajat",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID),
            _col("name", "Nimi", "text", "työnantaja|" + _EMPLOYER, required=True),
            _col(
                "employer_type", "Tyyppi", "choice", "työnantajatyyppi|type",
                required=True, choices="employer_type",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                choices="municipality", db="municipality_code",
            ),
        ),
        key=("business_id", "name", "municipality"),
        one_of=("business_id",),
    ),
    "clients": Kind(
        "clients",
        "client",
        "Asiakkaat",
        (
            _col(
                "client_code", "Asiakastunnus", "client_code", _CLIENT + "|code",
                required=True, db="code",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                required=True, choices="municipality", db="municipality_code",
            ),
            _col(
                "birth_year", "Syntymävuosi", "int", "born", required=True,
                minimum=Decimal(BIRTH_YEARS[0]), maximum=Decimal(BIRTH_YEARS[1]),
            ),
            _col("gender", "Sukupuoli", "choice", choices="gender"),
            _col(
                "education_level", "Koulutustaso", "choice", "koulutus|education",
                choices="education_level",
            ),
            _col(
                "labour_status_at_entry", "Työmarkkina-asema", "choice",
                "työmarkkina-asema alussa|labour_status", choices="labour_status",
            ),
            _col(
                "unemployment_months", "Työttömyyskuukaudet", "int",
                "työttömyys kk|työttömyyden kesto kk", minimum=Decimal(0),
            ),
            _col(
                "target_groups", "Kohderyhmät", "choices", "kohderyhmä|target_group",
                choices="target_group", db=None,
            ),
            _col(
                "entry_date", "Aloituspäivä", "date", "aloituspvm|aloitus|entry",
                required=True, **_PAST,
            ),
            _col(
                "exit_date", "Päättymispäivä", "date",
                "päättymispvm|lopetuspäivä|lopetuspvm|exit", **_PAST,
            ),
            _col(
                "plan_goal", "Suunnitelman tavoite", "text",
                "tavoite|työllistymissuunnitelman tavoite|goal",
            ),
            _col("plan_goal_reached", "Tavoite saavutettu", "bool", "goal_reached"),
        ),
        key=("client_code",),
    ),
    "episodes": Kind(
        "episodes",
        "status_episode",
        "Tilajaksot",
        (
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            _col(
                "status", "Tila", "choice", "tilakoodi|status_code",
                required=True, choices="client_status", db="status_code",
            ),
            _col(
                "start_date", "Alkupäivä", "date", "alkupvm|alkaen|alku|start",
                required=True, **_PAST,
            ),
            _col("end_date", "Loppupäivä", "date", "loppupvm|päättyen|loppu|end", **_PAST),
        ),
        key=("client_code", "status", "start_date"),
    ),
    "outcomes": Kind(
        "outcomes",
        "outcome",
        "Tulokset",
        (
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            _col(
                "outcome_type", "Tulos", "choice", "tulostyyppi|tuloslaji|outcome",
                required=True, choices="outcome_type", db="outcome_type_code",
            ),
            _col(
                "outcome_date", "Päivämäärä", "date", "pvm|päivä|tulospäivä|date",
                required=True, **_PAST,
            ),
            _col(
                "business_id", "Työnantajan Y-tunnus", "business_id", "y-tunnus|" + _BUSINESS_ID,
                db=None,
            ),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("note", "Lisätieto", "text", _NOTE),
        ),
        key=("client_code", "outcome_type", "outcome_date"),
    ),
    "partnerships": Kind(
        "partnerships",
        "partnership_agreement",
        "Kumppanuussopimukset",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID, db=None),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("signed_on", "Allekirjoituspäivä", "date", "allekirjoitettu|signed", **_PAST),
            _col(
                "start_date", "Alkupäivä", "date", "alkupvm|voimassa alkaen|start",
                required=True, **_PAST,
            ),
            # A planned end may lie ahead and past the project: only its order is checked
            _col("end_date", "Loppupäivä", "date", "loppupvm|voimassa asti|end"),
            _col("note", "Lisätieto", "text", _NOTE),
        ),
        key=("business_id", "employer_name", "start_date"),
        one_of=("business_id", "employer_name"),
    ),
    "grants": Kind(
        "grants",
        "bonus_grant",
        "Työllistämislisät",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID, db=None),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            # Employment may start after the application: in the project, possibly ahead
            _col(
                "employment_start", "Työsuhde alkaa", "date", "työsuhteen alku",
                required=True, in_period=True,
            ),
            _col("employment_end", "Työsuhde päättyy", "date", "työsuhteen loppu"),
            _col(
                "contract_type", "Sopimustyyppi", "choice", "työsopimus|sopimus|contract",
                required=True, choices="contract_type",
            ),
            _col(
                "weekly_hours", "Viikkotunnit", "decimal", "tuntia viikossa|h/vko|hours",
                required=True, minimum=Decimal(0), exclusive_minimum=True,
                maximum=MAX_WEEKLY_HOURS,
            ),
            _col(
                "monthly_amount", "Euroa kuukaudessa", "decimal", "€/kk|eur/kk|kuukausisumma",
                required=True, minimum=Decimal(0),
            ),
            _col("months", "Kuukaudet", "int", "kk|kuukausia", required=True, minimum=Decimal(1)),
            _col("amount", "Summa", "decimal", "yhteensä|total", minimum=Decimal(0)),
            _col(
                "application_date", "Hakemuspäivä", "date", "hakemuspvm|haettu",
                required=True, **_PAST,
            ),
            _col("decision_date", "Päätöspäivä", "date", "päätöspvm", **_PAST),
            _col("decision", "Päätös", "choice", choices="decision", default="pending"),
            _col(
                "de_minimis_amount", "De minimis -tuki", "decimal", "de minimis",
                minimum=Decimal(0),
            ),
            _col(
                "employed_after_6_months", "Työssä 6 kk jälkeen", "bool",
                "työssä 6 kk|employed_6_months",
            ),
            _col(
                "employed_after_12_months", "Työssä 12 kk jälkeen", "bool",
                "työssä 12 kk|employed_12_months",
            ),
        ),
        key=("business_id", "employer_name", "client_code", "employment_start"),
        one_of=("business_id", "employer_name"),
    ),
    "costs": Kind(
        "costs",
        "cost_entry",
        "Kustannukset",
        (
            _col(
                "budget_line", "Budjettirivi", "choice", "budjetti|kustannuslaji|budget_line_code",
                required=True, choices="budget_line", db="budget_line_code",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                choices="municipality", db="municipality_code",
            ),
            _col(
                "booked_on", "Kirjauspäivä", "date", "kirjauspvm|päivämäärä|pvm|date",
                required=True, **_PAST,
            ),
            _col("amount", "Summa", "decimal", "euroa|määrä", required=True),
            _col("description", "Kuvaus", "text", "selite", required=True),
        ),
        key=("budget_line", "municipality", "booked_on", "description"),
    ),
}
# fmt: on

KIND_NAMES = tuple(KINDS)


def normalise_header(text: str) -> str:
    """A header compared without case, accents, spaces or punctuation: "Y-tunnus" → "ytunnus"."""
    text = str(text).casefold().replace("€", "eur")
    text = text.translate(str.maketrans("äöåéü", "aoaeu"))
    return re.sub(r"[^a-z0-9]", "", text)


def _header_names(kind: Kind) -> dict[str, str]:
    """Normalised header → canonical column name, for every accepted header of the kind."""
    names: dict[str, str] = {}
    for column in kind.columns:
        for text in (column.header, column.name, *column.aliases):
            names.setdefault(normalise_header(text), column.name)
    return names


def max_length(kind: Kind, column: Column) -> int | None:
    """The column's maximum length in the database, where it has one."""
    table = metadata.tables[kind.table]
    if column.db is None or column.db not in table.c:
        if column.type == "client_code":
            return getattr(metadata.tables["client"].c.code.type, "length", None)
        if column.name == "employer_name":
            return getattr(metadata.tables["employer"].c.name.type, "length", None)
        return None
    return getattr(table.c[column.db].type, "length", None)


# ---------------------------------------------------------------------------------------------
# Reading files: bytes → cells as text


@dataclass(frozen=True)
class Limits:
    """What an imported file may hold (polku/config.py, POLKU_IMPORT_MAX_*): checked before a
    file is parsed where its size tells, else while it is read, so a huge file costs little."""

    max_bytes: int
    max_unpacked_bytes: int
    max_rows: int
    max_cell_chars: int
    # No template has more than 16 columns; a wider sheet is a mistake or an attack
    max_columns: int = 1000

    @classmethod
    def from_settings(cls) -> Limits:
        s = get_settings()
        return cls(
            s.import_max_bytes, s.import_max_unpacked_bytes, s.import_max_rows,
            s.import_max_cell_chars,
        )  # fmt: skip


@dataclass
class RawTable:
    """The cells of a file as text (None for empty), its headers as written, and each data
    row's number as the user sees it (the header is row 1)."""

    headers: list[str]
    columns: list[list[str | None]]  # column by column, aligned with `rows`
    rows: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[Problem] = field(default_factory=list)
    # Cells of rows left out for their shape (row, column index, text): still scanned for codes
    stray: list[tuple[int, int, str]] = field(default_factory=list)

    def copy(self) -> RawTable:
        """A copy whose cells an import may empty without touching this one."""
        return replace(
            self,
            headers=list(self.headers),
            columns=[list(c) for c in self.columns],
            notes=list(self.notes),
        )


class FileUnreadable(ValueError):
    """The file cannot be read at all; `problem` says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.key)


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else
    Windows-1252 (what Excel on Finnish Windows saves as "CSV")."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """`;`, `,` or tab: whichever separates the header line into the most fields."""
    first = next((line for line in text[:100_000].splitlines() if line.strip()), "")
    counts: dict[str, int] = {}
    for candidate in (";", ",", "\t"):
        try:
            counts[candidate] = len(next(csv.reader([first], delimiter=candidate)))
        except (csv.Error, StopIteration):
            counts[candidate] = 1
    best = max(counts.values())
    # Ties (a one-column file) go to the semicolon, Finnish Excel's own separator
    return next(c for c in (";", ",", "\t") if counts[c] == best)


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))


def _megabytes(size: int, *, up: bool = False) -> int:
    return -(-size // 1_000_000) if up else size // 1_000_000


def read_table(
    data: bytes, filename: str = "", kind: str | None = None, limits: Limits | None = None
) -> RawTable:
    """The cells of a CSV or .xlsx file; FileUnreadable when there are none to read or the
    file is beyond the limits (the settings' unless `limits` are given)."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        params = {"size": _megabytes(len(data), up=True), "max": _megabytes(limits.max_bytes)}
        raise FileUnreadable(Problem(None, None, "ingest.error.too_large", params))
    if not data.strip():
        raise FileUnreadable(Problem(None, None, "ingest.error.empty"))
    if filename.lower().endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileUnreadable(Problem(None, None, "ingest.error.xls"))
    if _is_xlsx(data, filename):
        return _read_xlsx(data, kind, limits)
    return _read_csv(data, limits)


def _too_many_rows(limits: Limits) -> FileUnreadable:
    return FileUnreadable(
        Problem(None, None, "ingest.error.too_many_rows", {"max": limits.max_rows})
    )


def _too_many_columns(limits: Limits) -> FileUnreadable:
    params = {"max": limits.max_columns}
    return FileUnreadable(Problem(None, None, "ingest.error.too_many_columns", params))


def _split_header(
    header: list[Any],
    body: list[list[Any]],
    numbers: list[int],
    limits: Limits,
    *,
    text: bool = False,
    **info: Any,
) -> RawTable:
    """Headers and data columns from the header row and the data rows (numbered as in the
    file); `text`: every cell is already a str (CSV), a faster path. Cells longer than the
    limit are problems of their own and empty; blank rows are dropped but keep their number."""
    width = max([len(header), *(len(r) for r in body)])
    if width > limits.max_columns:
        raise _too_many_columns(limits)
    pad: list[Any] = [None] * width
    rows = [r if len(r) == width else [*r, *pad[len(r) :]] for r in body]
    raw_columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in pad]
    if text:
        cleaned = [[_clean_text(v.strip()) if v else None for v in c] for c in raw_columns]
    else:
        cleaned = [[_clean_cell(v) for v in c] for c in raw_columns]
    headers = [_clean_cell(h) or "" for h in [*header, *pad[len(header) :]]]
    if not any(headers):
        raise FileUnreadable(Problem(1, None, "ingest.error.no_header"))
    notes: list[Problem] = info.pop("notes", [])
    for index, column in enumerate(cleaned):
        # One pass in C per column; the cells are looked at only when one is too long
        if column and max(len(v) if v else 0 for v in column) > limits.max_cell_chars:
            for position, value in enumerate(column):
                if value and len(value) > limits.max_cell_chars:
                    label = _column_label(headers, index)
                    params = {"max": limits.max_cell_chars}
                    notes.append(
                        Problem(numbers[position], label, "ingest.error.cell_too_long", params)
                    )
                    column[position] = None
    keep = [i for i, cells in enumerate(zip(*cleaned, strict=True)) if any(cells)]
    if len(keep) != len(numbers):
        cleaned = [[column[i] for i in keep] for column in cleaned]
    return RawTable(headers, cleaned, [numbers[i] for i in keep], notes=notes, **info)


def _column_label(headers: Sequence[str], index: int) -> str:
    """A column as messages name it: its header, or "#3" when it has none or the header
    itself looks like an identity code (never echoed)."""
    header = headers[index] if index < len(headers) else ""
    return header if header and privacy.hetu_verdict(header) is None else f"#{index + 1}"


def _clean_text(text: str) -> str | None:
    if not text:
        return None
    # Undo the formula neutralisation of our own CSV exports: '=... was =...
    return text[1:] if text[0] == "'" and text[1:2] in _FORMULA else text


def _clean_cell(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    text = str(value).strip()
    if not text:
        return None
    # Undo the formula neutralisation of our own CSV exports: '=... was =...
    if text[0] == "'" and text[1:2] in _FORMULA:
        return text[1:]
    return text


_FORMULA = {"=", "+", "-", "@", "\t", "\r"}


def _read_csv(data: bytes, limits: Limits) -> RawTable:
    """Every record of the file with Python's csv reader: a row of more fields than the
    header is a problem of its own (every such row is listed) and the reading goes on."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    body: list[list[str]] = []
    numbers: list[int] = []
    notes: list[Problem] = []
    stray: list[tuple[int, int, str]] = []
    number = 0
    try:
        for number, fields in enumerate(reader, start=1):
            if number == 1:
                header = fields
                if len(header) > limits.max_columns:
                    raise _too_many_columns(limits)
                continue
            if not any(fields):
                continue  # a blank line keeps its number and nothing else
            if len(fields) > len(header):
                # Empty cells after the last column are what spreadsheets leave; others are not
                if any(f.strip() for f in fields[len(header) :]):
                    notes.append(Problem(number, None, "ingest.error.bad_line"))
                    stray += [(number, i, f) for i, f in enumerate(fields) if f.strip()]
                    continue
                fields = fields[: len(header)]
            if len(body) == limits.max_rows:
                raise _too_many_rows(limits)
            body.append(fields)
            numbers.append(number)
    except csv.Error as exc:  # a cell beyond the csv module's own limit (131 072 characters)
        params = {"max": limits.max_cell_chars}
        raise FileUnreadable(
            Problem(number + 1, None, "ingest.error.cell_too_long", params)
        ) from exc
    if not header and not body:
        raise FileUnreadable(Problem(None, None, "ingest.error.empty"))
    table = _split_header(
        header, body, numbers, limits, text=True, encoding=encoding, delimiter=delimiter,
        notes=notes,
    )  # fmt: skip
    table.stray = stray
    return table


def _xlsx_text(value: Any) -> str | None:
    """An Excel cell as the text a CSV would hold: dates ISO, whole numbers without ".0"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def pick_sheet(names: Sequence[str], kind: str | None) -> str:
    """The sheet named after the kind (its code or Finnish name), else the first."""
    if kind in KINDS:
        wanted = {normalise_header(kind), normalise_header(KINDS[kind].sheet)}
        for name in names:
            if normalise_header(name) in wanted:
                return name
    return names[0]


# What openpyxl and the XML parser under it raise on a damaged or hostile workbook
_XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, KeyError, ValueError, TypeError, IndexError,
    AttributeError, OSError, EOFError, SyntaxError,  # xml.etree's ParseError is a SyntaxError
)  # fmt: skip


def _unpacked_size(data: bytes) -> int:
    """The workbook's parts' sizes as its zip's central directory states them. Python's
    zipfile, which openpyxl reads with, stops every part at its stated size, so a part cannot
    expand beyond what this sums."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except _XLSX_ERRORS as exc:
        raise FileUnreadable(Problem(None, None, "ingest.error.bad_xlsx")) from exc


def _read_xlsx(data: bytes, kind: str | None, limits: Limits) -> RawTable:
    unpacked = _unpacked_size(data)
    if unpacked > limits.max_unpacked_bytes:
        params = {
            "size": _megabytes(unpacked, up=True),
            "max": _megabytes(limits.max_unpacked_bytes),
        }
        raise FileUnreadable(Problem(None, None, "ingest.error.too_large_unpacked", params))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = pick_sheet(book.sheetnames, kind)
            worksheet = book[sheet]
            # Rows as long as their cells, not as wide as the dimension the file claims
            worksheet.reset_dimensions()
            header: list[Any] = []
            body: list[list[Any]] = []
            numbers: list[int] = []
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if len(values) > limits.max_columns:
                    raise _too_many_columns(limits)
                if number == 1:
                    header = [_xlsx_text(v) for v in values]
                    continue
                if all(v is None for v in values):
                    continue  # a blank row keeps its number and nothing else
                if len(body) == limits.max_rows:
                    raise _too_many_rows(limits)
                body.append([_xlsx_text(v) for v in values])
                numbers.append(number)
        finally:
            book.close()
    except FileUnreadable:
        raise
    except _XLSX_ERRORS as exc:
        raise FileUnreadable(Problem(None, None, "ingest.error.bad_xlsx")) from exc
    if not header and not body:
        raise FileUnreadable(Problem(None, None, "ingest.error.empty"))
    return _split_header(header, body, numbers, limits, sheet=sheet)


# ---------------------------------------------------------------------------------------------
# Parsing text cells into values


@dataclass
class _Lookups:
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


def _norm_label(text: str) -> str:
    return " ".join(str(text).casefold().split())


def load_lookups(conn: Connection) -> _Lookups:
    """Every code set a kind refers to, read once per import."""
    codes: dict[str, list[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    names: dict[str, dict[str, str]] = {}
    english: dict[str, dict[str, str]] = {}
    m = metadata.tables["municipality"].c
    rows = conn.execute(select(m.code, m.name).order_by(m.code)).all()
    codes["municipality"] = [r.code for r in rows]
    names["municipality"] = english["municipality"] = {r.code: r.name for r in rows}
    labels["municipality"] = {_norm_label(r.name): r.code for r in rows}
    tables = {
        "client_status": "client_status",
        "target_group": "target_group",
        "outcome_type": "outcome_type",
        "budget_line": "budget_line",
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
            _norm_label(label): r.code for r in found for label in (r.name_en, r.name_fi) if label
        }
    for set_name in ("gender", "education_level", "labour_status", "employer_type"):
        _fixed(set_name, i18n.CODE_SETS[set_name], codes, labels, names)
    _fixed("contract_type", models.CONTRACT_TYPES, codes, labels, names)
    _fixed("decision", models.DECISIONS, codes, labels, names)
    for set_name in ("gender", "education_level", "labour_status", "employer_type"):
        english[set_name] = {c: i18n.code_label(set_name, c, "en") for c in codes[set_name]}
    for set_name in ("contract_type", "decision"):
        english[set_name] = {c: i18n.code_label(set_name, c, "en") for c in codes[set_name]}
    p = metadata.tables["project"].c
    period = conn.execute(select(p.start_date, p.end_date).where(p.id == 1)).first()
    if period is None:
        raise LookupError("the project definition is not loaded: run `python -m polku init`")
    return _Lookups(codes, labels, names, (period[0], period[1]), english)


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
        _norm_label(i18n.code_label(set_name, c, lang)): c for c in values for lang in ("en", "fi")
    }


def _to_code(value: str, set_name: str, lookups: _Lookups) -> str:
    """The code a cell means: the code itself (any case), a label in Finnish or English, or
    for a municipality a number whose leading zero a spreadsheet dropped ("90" → "090")."""
    known = lookups.codes[set_name]
    if value in known:
        return value
    if set_name == "municipality" and value.isdigit() and value.zfill(3) in known:
        return value.zfill(3)
    folded = _norm_label(value)
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


class _Unparsed:
    """A cell that did not parse; the problem is recorded, the value is left out."""


UNPARSED = _Unparsed()


def parse_date(text: str) -> date | _Unparsed:
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


# ---------------------------------------------------------------------------------------------
# Validation and matching


@dataclass
class _Context:
    conn: Connection
    actor: Actor
    scope: frozenset[str] | None  # municipalities the actor may edit; None: all
    lookups: _Lookups
    today: date
    kind: Kind
    headers: dict[str, str]  # canonical column → header as in the file
    present: set[str]
    problems: list[Problem] = field(default_factory=list)
    scan_hetu: bool = False  # forms: check text values here (files are scanned cell by cell)
    bad_cells: set[tuple[int, str]] = field(default_factory=set)
    refused: set[str | None] = field(default_factory=set)  # municipalities not the actor's

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


def _converter(ctx: _Context, column: Column) -> Callable[[str], Any] | None:
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


def _parse(ctx: _Context, raw: RawTable, mapping: dict[str, int]) -> Columns:
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


def _records(columns: Columns, rows: list[int]) -> list[Record]:
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


def _field_rules(ctx: _Context, columns: Columns, rows: list[int]) -> None:
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
    ctx: _Context, column: Column, value: Any, limit: int | None, allowed: set[str]
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


def _unknown_code(ctx: _Context, column: Column, value: str) -> tuple[str, str, dict[str, Any]]:
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


def _scan_cells(raw: RawTable, ctx: _Context) -> list[tuple[int, int]]:
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
                Problem(raw.rows[position], _column_label(raw.headers, index), _HETU_KEYS[verdict])
            )
            column[position] = None
            found.append((raw.rows[position], index))
    for row, index, value in raw.stray:
        verdict = privacy.hetu_verdict(value)
        if verdict is not None:
            ctx.problems.append(
                Problem(row, _column_label(raw.headers, index), _HETU_KEYS[verdict])
            )
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


def _map_headers(raw: RawTable, ctx: _Context) -> dict[str, int]:
    """Canonical column → index in the file; problems for missing, doubled and unknown ones."""
    accepted = _header_names(ctx.kind)
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


# ---------------------------------------------------------------------------------------------
# The plan: rows to insert and to update, matched by natural key


@dataclass
class Plan:
    """What a commit writes: rows to insert, rows to update (id, new values, old values of
    the changed fields) and the count of rows already as in the file."""

    kind: Kind
    inserts: list[Record] = field(default_factory=list)
    updates: list[tuple[int, Record, Record]] = field(default_factory=list)
    unchanged: int = 0
    actions: dict[int, str] = field(default_factory=dict)  # row → added / changed / unchanged
    # Clients: target groups to add and remove, by client code
    groups_add: dict[str, set[str]] = field(default_factory=dict)
    groups_remove: dict[str, set[str]] = field(default_factory=dict)
    groups_changed: set[str] = field(default_factory=set)  # stored clients only
    audit_ids: dict[int, str] = field(default_factory=dict)  # row → entity id for the audit
    municipalities: dict[int, str | None] = field(default_factory=dict)


def _same(a: Any, b: Any) -> bool:
    """Whether a stored value and a new one are the same (Decimal("1.50") is 1.5)."""
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    if isinstance(a, datetime) or isinstance(b, datetime):
        return _as_date(a) == _as_date(b)
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, TypeError, ValueError):
        return False


def _as_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def _effective(values: Record, old: Record | None, absent: list[str], defaults: Record) -> Record:
    """The row as it would be stored: the file's values where the file has the column, the
    stored row's values elsewhere (a new row: the defaults)."""
    for column in absent:
        values[column] = old.get(column) if old is not None else defaults[column]
    return values


def _plan_rows(
    ctx: _Context,
    plan: Plan,
    records: list[Record],
    key_of: Callable[[Record], tuple | None],
    existing: Mapping[tuple, Record],
    values: Callable[[Record], Record],
    present_db: set[str],
    defaults: Record,
    check: Callable[[Record, Record, Record | None], None] | None = None,
) -> list[tuple[Record, Record, Record | None]]:
    """Split the valid records into inserts, updates and unchanged rows; `check` sees each
    record with its effective values and the stored row. Duplicate keys are problems."""
    seen: dict[tuple, int] = {}
    matched = []
    absent = [column for column in defaults if column not in present_db]
    for record in records:
        key = key_of(record)
        if key is None:
            continue
        row = record["_row"]
        if key in seen:
            ctx.add(
                row,
                _key_column(ctx),
                "ingest.error.duplicate_key",
                first=seen[key],
            )
            continue
        seen[key] = row
        old = existing.get(key)
        new = _effective(values(record), old, absent, defaults)
        if check is not None:
            check(record, new, old)
        matched.append((record, new, old))
    if ctx.errors:
        return matched
    for record, new, old in matched:
        row = record["_row"]
        if old is None:
            new["_row"] = row
            plan.inserts.append(new)
            plan.actions[row] = "added"
            continue
        changed = {c: old.get(c) for c, v in new.items() if not _same(v, old.get(c))}
        if changed:
            plan.updates.append((int(old["id"]), {**new, "_row": row}, changed))
            plan.actions[row] = "changed"
        else:
            plan.unchanged += 1
            plan.actions[row] = "unchanged"
    return matched


def _key_column(ctx: _Context) -> str:
    return next((n for n in ctx.kind.key if n in ctx.present), ctx.kind.key[0])


def _scope_problem(ctx: _Context, row: int, column: str, municipality: str | None) -> None:
    ctx.refused.add(municipality)
    ctx.add(row, column, "ingest.error.not_yours", municipality=ctx.municipality_name(municipality))


def _rows(conn: Connection, table: Table, *columns: str) -> list[Record]:
    cols = [table.c[c] for c in columns] if columns else list(table.c)
    keys = [c.name for c in cols]
    return [dict(zip(keys, r, strict=True)) for r in conn.execute(select(*cols)).all()]


@dataclass(frozen=True)
class _ClientRef:
    id: int
    municipality: str
    entry_date: date
    exit_date: date | None


def _client_refs(conn: Connection) -> dict[str, _ClientRef]:
    c = metadata.tables["client"].c
    stmt = select(c.id, c.code, c.municipality_code, c.entry_date, c.exit_date)
    return {
        r.code: _ClientRef(r.id, r.municipality_code, r.entry_date, r.exit_date)
        for r in conn.execute(stmt).all()
    }


def _resolve_client(
    ctx: _Context, record: Record, clients: Mapping[str, _ClientRef]
) -> _ClientRef | None:
    """The client a row names, if it exists and the actor may edit its municipality."""
    code = record.get("client_code")
    if code is None:
        return None
    client = clients.get(code)
    if client is None or not ctx.may_edit(client.municipality):
        _unusable_client(ctx, record["_row"], code)
        return None
    return client


def _unusable_client(ctx: _Context, row: int, code: str) -> None:
    """A code the actor may not use: to one who sees only some municipalities, a code of
    another municipality and an unknown one get the same words (no name, no existence)."""
    key = "ingest.error.unknown_client" if ctx.scope is None else "ingest.error.client_unusable"
    ctx.add(row, "client_code", key, value=code)


@dataclass
class _Employers:
    by_id: dict[int, Record]
    by_business_id: dict[str, Record]
    by_name: dict[str, list[Record]]


def _employers(conn: Connection) -> _Employers:
    rows = _rows(conn, metadata.tables["employer"])
    by_name: dict[str, list[Record]] = defaultdict(list)
    for r in rows:
        by_name[_norm_label(r["name"])].append(r)
    return _Employers(
        {r["id"]: r for r in rows},
        {r["business_id"]: r for r in rows if r["business_id"]},
        dict(by_name),
    )


def _resolve_employer(
    ctx: _Context, record: Record, employers: _Employers, *, required: bool
) -> Record | None:
    """The employer a row names by Y-tunnus, or by name when it has none (private persons)."""
    row = record["_row"]
    business_id, name = record.get("business_id"), record.get("employer_name")
    if business_id is not None:
        if (row, "business_id") in ctx.bad_cells:
            return None
        found = employers.by_business_id.get(business_id)
        if found is None:
            ctx.add(row, "business_id", "ingest.error.unknown_employer", value=business_id)
        return found
    if name is not None:
        if (row, "employer_name") in ctx.bad_cells:
            return None
        candidates = employers.by_name.get(_norm_label(name), [])
        if len(candidates) == 1:
            return candidates[0]
        key = "ingest.error.ambiguous_employer" if candidates else "ingest.error.unknown_employer"
        ctx.add(row, "employer_name", key, value=name)
        return None
    if required:
        column = "business_id" if "business_id" in ctx.present else "employer_name"
        ctx.add(row, column, "ingest.error.employer_required")
    return None


def _defaults(kind: Kind, columns: Iterable[str]) -> Record:
    by_db = {c.db: c.default for c in kind.columns if c.db}
    return {c: by_db.get(c) for c in columns}


def _present_db(ctx: _Context) -> set[str]:
    return {c.db for c in ctx.kind.columns if c.name in ctx.present and c.db}


# --- clients ---------------------------------------------------------------------------------

_CLIENT_VALUES = (
    "municipality_code",
    "birth_year",
    "gender",
    "education_level",
    "labour_status_at_entry",
    "unemployment_months",
    "entry_date",
    "exit_date",
    "plan_goal",
    "plan_goal_reached",
)


def _plan_clients(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["client"]
    existing = {(r["code"],): r for r in _rows(ctx.conn, table, "id", "code", *_CLIENT_VALUES)}
    groups: dict[int, set[str]] = defaultdict(set)
    if "target_groups" in ctx.present:
        ctg = metadata.tables["client_target_group"]
        for r in ctx.conn.execute(select(ctg.c.client_id, ctg.c.target_group_code)).all():
            groups[r.client_id].add(r.target_group_code)

    def key_of(record: Record) -> tuple | None:
        code = record.get("client_code")
        return None if code is None or (record["_row"], "client_code") in ctx.bad_cells else (code,)

    pairs = [(column, _CLIENT_FIELD.get(column, column)) for column in _CLIENT_VALUES]

    def values(record: Record) -> Record:
        new = {column: record.get(name) for column, name in pairs}
        new["code"] = record.get("client_code")
        return new

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        municipality = new["municipality_code"]
        column = "municipality" if "municipality" in ctx.present else "client_code"
        # A stored client of another municipality first: its home must not be named
        if old is not None and not ctx.may_edit(old["municipality_code"]):
            _unusable_client(ctx, row, new["code"])
        elif municipality is not None and not ctx.may_edit(municipality):
            _scope_problem(ctx, row, column, municipality)
        entry, exit_ = new["entry_date"], new["exit_date"]
        if entry is not None and exit_ is not None and exit_ < entry:
            where = "exit_date" if "exit_date" in ctx.present else "entry_date"
            ctx.add(row, where, "ingest.error.exit_before_entry", entry=entry)
        if new["plan_goal_reached"] is not None and exit_ is None:
            where = "plan_goal_reached" if "plan_goal_reached" in ctx.present else "exit_date"
            ctx.add(row, where, "ingest.error.goal_without_exit")
        plan.audit_ids[row] = new["code"]
        plan.municipalities[row] = municipality

    present = {"code"} | {c for c in _CLIENT_VALUES if _CLIENT_FIELD.get(c, c) in ctx.present}
    defaults = _defaults(ctx.kind, ("code", *_CLIENT_VALUES))
    matched = _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)
    if ctx.errors or "target_groups" not in ctx.present:
        return
    for record, new, old in matched:
        wanted = set(record.get("target_groups") or ())
        have = groups.get(int(old["id"]), set()) if old is not None else set()
        code, row = new["code"], record["_row"]
        if wanted - have:
            plan.groups_add[code] = wanted - have
        if have - wanted:
            plan.groups_remove[code] = have - wanted
        if wanted != have and old is not None:
            plan.groups_changed.add(code)
        if wanted != have and plan.actions.get(row) == "unchanged":
            plan.unchanged -= 1
            plan.actions[row] = "changed"
            assert old is not None
            plan.updates.append((int(old["id"]), {**new, "_row": row}, {}))
    # Clients whose only change is their groups are updated with their own values: harmless


_CLIENT_FIELD = {"municipality_code": "municipality"}


# --- episodes, outcomes, partnerships, grants, costs, employers ------------------------------


def _plan_episodes(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["status_episode"]
    clients = _client_refs(ctx.conn)
    existing = {
        (r["client_id"], r["status_code"], r["start_date"]): r
        for r in _rows(ctx.conn, table, "id", "client_id", "status_code", "start_date", "end_date")
    }
    resolved = _resolve_clients(ctx, records, clients)

    def key_of(record: Record) -> tuple | None:
        client = resolved.get(record["_row"])
        if client is None or record.get("status") is None or record.get("start_date") is None:
            return None
        return (client.id, record["status"], record["start_date"])

    def values(record: Record) -> Record:
        client = resolved[record["_row"]]
        return {
            "client_id": client.id,
            "status_code": record["status"],
            "start_date": record["start_date"],
            "end_date": record.get("end_date"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if new["end_date"] is not None and new["end_date"] < new["start_date"]:
            ctx.add(row, "end_date", "ingest.error.end_before_start", start=new["start_date"])
        client = resolved[row]
        plan.audit_ids[row] = f"{record['client_code']}/{new['status_code']}/{new['start_date']}"
        plan.municipalities[row] = client.municipality

    present = {"client_id", "status_code", "start_date"} | _present_db(ctx)
    columns = ("client_id", "status_code", "start_date", "end_date")
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _resolve_clients(
    ctx: _Context, records: list[Record], clients: Mapping[str, _ClientRef]
) -> dict[int, _ClientRef]:
    resolved = {}
    for record in records:
        if (record["_row"], "client_code") in ctx.bad_cells:
            continue
        client = _resolve_client(ctx, record, clients)
        if client is not None:
            resolved[record["_row"]] = client
    return resolved


def _plan_outcomes(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["outcome"]
    clients = _client_refs(ctx.conn)
    employers = _employers(ctx.conn)
    existing = {
        (r["client_id"], r["outcome_type_code"], r["outcome_date"]): r
        for r in _rows(ctx.conn, table)
    }
    resolved = _resolve_clients(ctx, records, clients)
    employer_ids: dict[int, int | None] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=False)
        employer_ids[record["_row"]] = None if found is None else int(found["id"])

    def key_of(record: Record) -> tuple | None:
        client = resolved.get(record["_row"])
        if client is None or record.get("outcome_type") is None or not record.get("outcome_date"):
            return None
        return (client.id, record["outcome_type"], record["outcome_date"])

    def values(record: Record) -> Record:
        return {
            "client_id": resolved[record["_row"]].id,
            "outcome_type_code": record["outcome_type"],
            "outcome_date": record["outcome_date"],
            "employer_id": employer_ids.get(record["_row"]),
            "note": record.get("note"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        client = resolved[row]
        if new["outcome_date"] < client.entry_date:
            ctx.add(row, "outcome_date", "ingest.error.before_entry", entry=client.entry_date)
        parts = (record["client_code"], new["outcome_type_code"], new["outcome_date"])
        plan.audit_ids[row] = "/".join(str(p) for p in parts)
        plan.municipalities[row] = client.municipality

    present = {"client_id", "outcome_type_code", "outcome_date"} | _present_db(ctx)
    if {"business_id", "employer_name"} & ctx.present:
        present.add("employer_id")
    columns = ("client_id", "outcome_type_code", "outcome_date", "employer_id", "note")
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _plan_employers(ctx: _Context, records: list[Record], plan: Plan) -> None:
    employers = _employers(ctx.conn)
    existing: dict[tuple, Record] = {}
    for r in employers.by_id.values():
        if r["business_id"]:
            existing[("id", r["business_id"])] = r
        else:
            existing[("name", _norm_label(r["name"]), r["municipality_code"])] = r

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        if record.get("business_id") is not None:
            if (row, "business_id") in ctx.bad_cells:
                return None
            return ("id", record["business_id"])
        if record.get("name") is None or (row, "municipality") in ctx.bad_cells:
            return None
        return ("name", _norm_label(record["name"]), record.get("municipality"))

    def values(record: Record) -> Record:
        return {
            "business_id": record.get("business_id"),
            "name": record.get("name"),
            "employer_type": record.get("employer_type"),
            "municipality_code": record.get("municipality"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if new["business_id"] is None and new["employer_type"] not in (None, "private_person"):
            ctx.add(row, "business_id", "ingest.error.business_id_required")
        if not ctx.may_edit(new["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, "municipality", new["municipality_code"])
        elif old is not None and not ctx.may_edit(old["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, "name", old["municipality_code"])
        plan.audit_ids[row] = new["business_id"] or new["name"]
        plan.municipalities[row] = new["municipality_code"]

    columns = ("business_id", "name", "employer_type", "municipality_code")
    present = {"business_id", "name"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


def _plan_partnerships(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["partnership_agreement"]
    employers = _employers(ctx.conn)
    existing = {(r["employer_id"], r["start_date"]): r for r in _rows(ctx.conn, table)}
    resolved: dict[int, Record] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=True)
        if found is None:
            continue
        row = record["_row"]
        column = "business_id" if record.get("business_id") else "employer_name"
        if not ctx.may_edit(found["municipality_code"], region_ok=True):
            _scope_problem(ctx, row, column, found["municipality_code"])
        else:
            resolved[row] = found

    def key_of(record: Record) -> tuple | None:
        employer = resolved.get(record["_row"])
        if employer is None or record.get("start_date") is None:
            return None
        return (employer["id"], record["start_date"])

    def values(record: Record) -> Record:
        return {
            "employer_id": resolved[record["_row"]]["id"],
            "signed_on": record.get("signed_on"),
            "start_date": record["start_date"],
            "end_date": record.get("end_date"),
            "note": record.get("note"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if new["end_date"] is not None and new["end_date"] < new["start_date"]:
            ctx.add(row, "end_date", "ingest.error.end_before_start", start=new["start_date"])
        signed, end = new["signed_on"], new["end_date"]
        if signed is not None and end is not None and signed > end:
            where = "signed_on" if "signed_on" in ctx.present else "end_date"
            ctx.add(row, where, "ingest.error.signed_after_end", end=end)
        employer = resolved[row]
        plan.audit_ids[row] = f"{employer['business_id'] or employer['name']}/{new['start_date']}"
        plan.municipalities[row] = employer["municipality_code"]

    columns = ("employer_id", "signed_on", "start_date", "end_date", "note")
    present = {"employer_id", "start_date"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


_GRANT_VALUES = (
    "employment_end",
    "contract_type",
    "weekly_hours",
    "monthly_amount",
    "months",
    "amount",
    "application_date",
    "decision_date",
    "decision",
    "de_minimis_amount",
    "employed_after_6_months",
    "employed_after_12_months",
)


def grant_amount(monthly_amount: Decimal, months: int) -> Decimal:
    """The bonus granted: € per month × months, to the cent."""
    return (Decimal(monthly_amount) * months).quantize(CENT)


def _aid_date(grant: Mapping[str, Any]) -> date:
    return grant.get("decision_date") or grant["application_date"]


def de_minimis_total(
    grants: Iterable[Mapping[str, Any]], on: date, years: int = DE_MINIMIS_YEARS
) -> Decimal:
    """De minimis aid of not refused grants dated within `years` years up to `on`."""
    since = _years_before(on, years)
    return sum(
        (
            Decimal(g["de_minimis_amount"])
            for g in grants
            if g.get("de_minimis_amount") is not None
            and g.get("decision") != "refused"
            and since < _aid_date(g) <= on
        ),
        Decimal(0),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _de_minimis_rule(
    ctx: _Context, row: int, new: Record, employer_grants: list[Record], name: str
) -> None:
    """Refuse a grant that takes the employer's de minimis aid over the ceiling; warn near it."""
    if new.get("de_minimis_amount") is None or new.get("decision") == "refused":
        return
    total = de_minimis_total(employer_grants, _aid_date(new))
    if total > DE_MINIMIS_CEILING:
        ctx.add(
            row,
            "de_minimis_amount",
            "ingest.error.de_minimis",
            employer=name,
            total=total,
            ceiling=DE_MINIMIS_CEILING,
        )
    elif total > DE_MINIMIS_CEILING * DE_MINIMIS_WARNING_SHARE:
        ctx.add(
            row,
            "de_minimis_amount",
            "ingest.warning.de_minimis",
            WARNING,
            employer=name,
            total=total,
            ceiling=DE_MINIMIS_CEILING,
        )


def _plan_grants(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["bonus_grant"]
    clients = _client_refs(ctx.conn)
    employers = _employers(ctx.conn)
    stored = _rows(ctx.conn, table)
    existing = {(r["employer_id"], r["client_id"], r["employment_start"]): r for r in stored}
    resolved_clients = _resolve_clients(ctx, records, clients)
    resolved_employers: dict[int, Record] = {}
    for record in records:
        found = _resolve_employer(ctx, record, employers, required=True)
        if found is not None:
            resolved_employers[record["_row"]] = found

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        client, employer = resolved_clients.get(row), resolved_employers.get(row)
        if client is None or employer is None or record.get("employment_start") is None:
            return None
        return (employer["id"], client.id, record["employment_start"])

    def values(record: Record) -> Record:
        row = record["_row"]
        out = {
            "employer_id": resolved_employers[row]["id"],
            "client_id": resolved_clients[row].id,
            "employment_start": record["employment_start"],
        }
        out.update({c: record.get(c) for c in _GRANT_VALUES})
        return out

    checked: list[tuple[int, Record]] = []

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if "amount" not in ctx.present:
            new["amount"] = None  # computed from the terms, whatever was stored before
        _grant_rules(ctx, row, new)
        plan.audit_ids[row] = "/".join(
            str(v)
            for v in (
                resolved_employers[row]["business_id"] or resolved_employers[row]["name"],
                record["client_code"],
                new["employment_start"],
            )
        )
        plan.municipalities[row] = resolved_clients[row].municipality
        checked.append((row, new))

    columns = ("employer_id", "client_id", "employment_start", *_GRANT_VALUES)
    present = {"employer_id", "client_id", "employment_start"} | _present_db(ctx)
    defaults = _defaults(ctx.kind, columns)
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)
    # De minimis over the stored grants and the file's, a file row replacing its stored twin
    keys = {(n["employer_id"], n["client_id"], n["employment_start"]) for _, n in checked}
    by_employer: dict[int, list[Record]] = defaultdict(list)
    for g in stored:
        if (g["employer_id"], g["client_id"], g["employment_start"]) not in keys:
            by_employer[g["employer_id"]].append(g)
    for _, new in checked:
        by_employer[new["employer_id"]].append(new)
    for row, new in checked:
        employer = employers.by_id[new["employer_id"]]
        _de_minimis_rule(ctx, row, new, by_employer[new["employer_id"]], employer["name"])


def _grant_rules(ctx: _Context, row: int | None, new: Record) -> None:
    """The rules between a grant's values (the database's CHECK constraints, said in words)."""
    start, end = new.get("employment_start"), new.get("employment_end")
    if start is not None and end is not None and end < start:
        ctx.add(row, "employment_end", "ingest.error.end_before_start", start=start)
    if new.get("monthly_amount") is not None and new.get("months") is not None:
        expected = grant_amount(new["monthly_amount"], new["months"])
        if new.get("amount") is None:
            new["amount"] = expected
        elif not _same(new["amount"], expected):
            ctx.add(row, "amount", "ingest.error.amount", expected=expected)
    decision = new.get("decision") or "pending"
    new["decision"] = decision
    if decision != "pending" and new.get("decision_date") is None:
        ctx.add(row, "decision_date", "ingest.error.decision_date_required")
    application, decided = new.get("application_date"), new.get("decision_date")
    if application is not None and decided is not None and decided < application:
        ctx.add(row, "decision_date", "ingest.error.decision_before_application")


def _plan_costs(ctx: _Context, records: list[Record], plan: Plan) -> None:
    table = metadata.tables["cost_entry"]
    columns = ("budget_line_code", "municipality_code", "booked_on", "description")
    existing = {
        tuple(r[c] for c in columns): r for r in _rows(ctx.conn, table, "id", *columns, "amount")
    }

    def key_of(record: Record) -> tuple | None:
        row = record["_row"]
        if any((row, n) in ctx.bad_cells for n in ctx.kind.key):
            return None
        key = tuple(record.get(n) for n in ctx.kind.key)
        return None if None in (key[0], key[2], key[3]) else key

    def values(record: Record) -> Record:
        return {
            "budget_line_code": record["budget_line"],
            "municipality_code": record.get("municipality"),
            "booked_on": record["booked_on"],
            "description": record["description"],
            "amount": record.get("amount"),
        }

    def check(record: Record, new: Record, old: Record | None) -> None:
        row = record["_row"]
        if not ctx.may_edit(new["municipality_code"]):
            where = "municipality" if "municipality" in ctx.present else "budget_line"
            _scope_problem(ctx, row, where, new["municipality_code"])
        plan.audit_ids[row] = "/".join(
            str(new[c] or "-") for c in ("budget_line_code", "municipality_code", "booked_on")
        )
        plan.municipalities[row] = new["municipality_code"]

    present = {*columns, "amount"}
    defaults = _defaults(ctx.kind, (*columns, "amount"))
    _plan_rows(ctx, plan, records, key_of, existing, values, present, defaults, check)


_PLANNERS: dict[str, Callable[[_Context, list[Record], Plan], None]] = {
    "clients": _plan_clients,
    "episodes": _plan_episodes,
    "outcomes": _plan_outcomes,
    "employers": _plan_employers,
    "partnerships": _plan_partnerships,
    "grants": _plan_grants,
    "costs": _plan_costs,
}


# ---------------------------------------------------------------------------------------------
# Writing


def _write(ctx: _Context, plan: Plan, progress: Progress | None, *, action: str) -> None:
    """Insert and update the planned rows and their audit rows, in the caller's transaction."""
    conn, table = ctx.conn, metadata.tables[ctx.kind.table]
    total = max(1, len(plan.inserts) + len(plan.updates))
    done = 0
    inserts = plan.inserts
    if ctx.kind.name == "costs":
        for r in inserts:
            r["created_by"] = ctx.actor.email
    # One bulk insert: on PostgreSQL one COPY, which the server works through while the rows
    # are still being sent
    db.bulk_insert(conn, table, inserts)
    done += len(inserts)
    _report_written(progress, done / total)
    if plan.updates:
        columns = [c for c in plan.updates[0][1] if c != "_row"]
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns}
        if "updated_at" in table.c:
            values["updated_at"] = func.now()
        if "version" in table.c:  # a client card holding the old version sees its save refused
            values["version"] = table.c.version + 1
        stmt = update(table).where(table.c.id == bindparam("v__id")).values(values)
        params = [
            {"v__id": id_, **{f"v_{c}": new[c] for c in columns}} for id_, new, _ in plan.updates
        ]
        for start in range(0, len(params), CHUNK):
            conn.execute(stmt, params[start : start + CHUNK])
            done += len(params[start : start + CHUNK])
            _report_written(progress, done / total)
    if plan.groups_add or plan.groups_remove:
        _write_groups(conn, plan)
    _audit_rows(ctx, plan, action)


def _report_written(progress: Progress | None, share: float) -> None:
    # Checking fills the first half of a progress bar, writing the second
    if progress is not None:
        progress(min(1.0, 0.5 + 0.5 * share))


def _write_groups(conn: Connection, plan: Plan) -> None:
    c = metadata.tables["client"].c
    ctg = metadata.tables["client_target_group"]
    codes = set(plan.groups_add) | set(plan.groups_remove)
    ids = {r.code: r.id for r in conn.execute(select(c.code, c.id)).all() if r.code in codes}
    removed = [
        {"v_client": ids[code], "v_group": g} for code, gs in plan.groups_remove.items() for g in gs
    ]
    if removed:
        conn.execute(
            delete(ctg).where(
                ctg.c.client_id == bindparam("v_client"),
                ctg.c.target_group_code == bindparam("v_group"),
            ),
            removed,
        )
    added = [
        {"client_id": ids[code], "target_group_code": g}
        for code, gs in plan.groups_add.items()
        for g in sorted(gs)
    ]
    db.bulk_insert(conn, ctg, added)


def _audit_rows(ctx: _Context, plan: Plan, action: str) -> None:
    """One audit row per added entity and per changed field; never personal data (client
    codes are pseudonyms; free text was checked for identity codes)."""
    entity = ctx.kind.table
    rows: list[Record] = []
    base = {"user_email": ctx.actor.email, "entity": entity, "detail": None}
    # Added entities: their ids listed in a few rows per municipality, not a row each
    added: dict[str | None, list[str]] = defaultdict(list)
    for record in plan.inserts:
        row = record["_row"]
        added[plan.municipalities.get(row)].append(str(plan.audit_ids.get(row)))
    for municipality, ids in added.items():
        for listed in _batches(ids, audit.MAX_VALUE):
            rows.append(
                {
                    **base,
                    "action": f"{action}_add",
                    "entity_id": listed[0][:60] if len(listed) == 1 else None,
                    "field": None,
                    "old_value": None,
                    "new_value": None,
                    "municipality_code": municipality,
                    "detail": ", ".join(listed),
                }
            )
    for _, new, changed in plan.updates:
        row = new["_row"]
        entity_id = _text(plan.audit_ids.get(row), 60)
        for name, old in changed.items():
            rows.append(
                {
                    **base,
                    "action": f"{action}_change",
                    "entity_id": entity_id,
                    "field": name,
                    "old_value": _text(old),
                    "new_value": _text(new[name]),
                    "municipality_code": plan.municipalities.get(row),
                }
            )
    # A new client's groups are part of its addition; a stored client's change is a row
    homes = (
        {plan.audit_ids.get(row): m for row, m in plan.municipalities.items()}
        if plan.groups_changed
        else {}
    )
    for code in sorted(plan.groups_changed):
        rows.append(
            {
                **base,
                "action": f"{action}_change",
                "entity_id": code,
                "field": "target_groups",
                "old_value": _text(",".join(sorted(plan.groups_remove.get(code, ())))),
                "new_value": _text(",".join(sorted(plan.groups_add.get(code, ())))),
                "municipality_code": homes.get(code),
                "detail": "removed → added",
            }
        )
    db.bulk_insert(ctx.conn, metadata.tables["audit_log"], rows)


def _batches(ids: list[str], limit: int) -> Iterable[list[str]]:
    """The ids in lists whose ", "-joined text fits in `limit` characters."""
    batch: list[str] = []
    length = 0
    for entity_id in ids:
        if batch and length + 2 + len(entity_id) > limit:
            yield batch
            batch, length = [], 0
        batch.append(entity_id[:limit])
        length += len(entity_id) + (2 if length else 0)
    if batch:
        yield batch


def _text(value: Any, limit: int = audit.MAX_VALUE) -> str | None:
    text = audit.as_text(value)  # one text form of values for the whole audit log
    return None if text is None else text[:limit]


# ---------------------------------------------------------------------------------------------
# The import


@dataclass
class ImportReport:
    """What an import found and did. `preview` holds the parsed rows of a dry run or a refused
    file (canonical columns, "_row" the row number, "_action" added / changed / unchanged /
    error); a committed import leaves it empty."""

    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    committed: bool = False
    dry_run: bool = False
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # The code sets' names, for the preview people read
    lookups: _Lookups | None = field(default=None, repr=False)
    # A dry run without errors: the file as read, for its commit (import_file's `table`)
    table: RawTable | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fine_rows(self) -> int:
        """Data rows without an error (none when the file as a whole has one)."""
        if any(p.row is None or p.row == 1 for p in self.errors):
            return 0
        return self.rows - len({p.row for p in self.errors})

    def summary(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        key = "ingest.summary.dry_run" if self.dry_run else "ingest.summary.done"
        if not self.ok:
            key = "ingest.summary.refused"
        return i18n.t(
            key,
            lang,
            kind=i18n.t(f"kind.{self.kind}", lang),
            rows=count_text(self.kind, self.rows, lang),
            added=i18n.fmt_int(self.added, lang),
            changed=i18n.fmt_int(self.changed, lang),
            unchanged=i18n.fmt_int(self.unchanged, lang),
            errors=count_text("errors", len(self.errors), lang),
        )

    def preview_table(self, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The preview for people: codes as their names, dates, numbers and yes / no in the
        language's formats, empty cells empty; "_row" and "_action" as in `preview`."""
        frame = self.preview.copy()
        spec = KINDS[self.kind]
        table = metadata.tables[spec.table]
        for column in spec.columns:
            if column.name in frame:
                # Money with its cents, as the database keeps it: 1 234,50
                scale = getattr(table.c[column.db].type, "scale", None) if column.db else None
                frame[column.name] = [
                    shown_value(column, v, self.lookups, lang, scale) for v in frame[column.name]
                ]
        return frame


def count_text(noun: str, count: int, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A count with its noun in the right number: 1 asiakas, 2 asiakasta (a kind or "errors")."""
    return i18n.t(f"ingest.count.{noun}", lang, count=i18n.fmt_int(count, lang))


def shown_value(
    column: Column, value: Any, lookups: _Lookups | None, lang: str, digits: int | None = None
) -> str:
    """A parsed cell as people read it in `lang`: a code's name, 1.3.2026, 1 234,50, kyllä;
    a number with `digits` decimals (default: as written, at most two)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    set_name = column.choices or ""
    if column.type == "choices":
        codes = value.split(",") if isinstance(value, str) else list(value)
        return ", ".join(_code_name(lookups, set_name, c, lang) for c in codes)
    if column.type == "choice":
        return _code_name(lookups, set_name, str(value), lang)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, bool):
        return i18n.t("ingest.yes" if value else "ingest.no", lang)
    if isinstance(value, Decimal):
        if digits is None:
            digits = min(2, max(0, -int(value.normalize().as_tuple().exponent)))
        return i18n.fmt_decimal(value, digits, lang)
    return str(value)  # whole numbers (a birth year is 1980, not 1 980) and text


def _code_name(lookups: _Lookups | None, set_name: str, code: str, lang: str) -> str:
    return code if lookups is None else lookups.localized(set_name, code).text(lang)


def import_scope(actor: Actor | None) -> frozenset[str] | None:
    """The municipalities whose rows the actor may import (None: all); AccessDenied for a
    role that edits nothing (directors, analysts)."""
    return row_scope(actor, Permission.EDIT)


def import_file(
    engine: Engine,
    actor: Actor | None,
    kind: str,
    data: bytes,
    filename: str = "",
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
    table: RawTable | None = None,
) -> ImportReport:
    """Validate the file and, without problems and unless `dry_run`, write it in one
    transaction. A report with errors has written nothing. `table`: the file as a preview
    read it (`report.table`), so a commit does not parse it again."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    scope = import_scope(actor)
    assert actor is not None
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        # A table already read (the preview's) is not read again; a copy, as checks empty cells
        raw = table.copy() if table is not None else read_table(data, filename, kind)
    except FileUnreadable as unreadable:
        report.problems = [unreadable.problem]
        return report
    # Rows left out for their shape are rows of the file all the same
    shaped = {p.row for p in raw.notes if p.key == "ingest.error.bad_line"}
    report.rows = len(raw.rows) + len(shaped)
    report.encoding, report.delimiter, report.sheet = raw.encoding, raw.delimiter, raw.sheet
    _report_stage(progress, 0.05)
    with engine.connect() as conn, conn.begin() as transaction:
        if not dry_run:
            try:
                lock_kind(conn, kind)
            except OperationalError:
                transaction.rollback()
                report.problems = [Problem(None, None, "ingest.error.busy")]
                return report
        ctx = _Context(
            conn=conn,
            actor=actor,
            scope=scope,
            lookups=load_lookups(conn),
            today=today or _today(),
            kind=KINDS[kind],
            headers={},
            present=set(),
        )
        report.lookups = ctx.lookups
        ctx.problems.extend(raw.notes)
        found = _scan_cells(raw, ctx)
        report.sheet = raw.sheet  # None when its name looks like a code
        mapping = _map_headers(raw, ctx)
        by_index = {index: name for name, index in mapping.items()}
        ctx.bad_cells.update((row, by_index[i]) for row, i in found if i in by_index)
        _report_stage(progress, 0.1)
        columns = _parse(ctx, raw, mapping)
        records = _records(columns, raw.rows)
        _report_stage(progress, 0.2)
        plan = Plan(KINDS[kind])
        # Every value's own rules, whatever else is wrong with the file: all problems at once
        _field_rules(ctx, columns, raw.rows)
        _report_stage(progress, 0.3)
        if not any(p.is_error and p.row is None for p in ctx.problems):
            _PLANNERS[kind](ctx, records, plan)
        _report_stage(progress, 0.5)
        report.problems = _sorted(ctx.problems)
        if ctx.errors:
            report.preview = _preview(columns, plan, raw.rows, ctx)
            transaction.rollback()
            for municipality in sorted(ctx.refused, key=str):  # after the rollback: it stays
                audit.record_refusal(engine, AccessDenied(actor, Permission.EDIT, municipality))
            return report
        report.added, report.changed = len(plan.inserts), len(plan.updates)
        report.unchanged = plan.unchanged
        if dry_run:
            report.preview = _preview(columns, plan, raw.rows, ctx)
            report.table = table if table is not None else raw
            transaction.rollback()
            return report
        try:
            _write(ctx, plan, progress, action="import")
        except Exception as clash:  # SQLAlchemy's IntegrityError, or the driver's from a COPY
            if not is_key_conflict(clash):
                raise
            # Someone else stored the same key after this import read the table
            transaction.rollback()
            report.problems = [Problem(None, None, "ingest.error.conflict")]
            report.added = report.changed = report.unchanged = 0
            return report
        audit_table = metadata.tables["audit_log"]
        conn.execute(
            insert(audit_table),
            [
                {
                    "user_email": actor.email,
                    "action": "import",
                    "entity": kind,
                    "detail": (
                        f"kind={kind} rows={report.rows} added={report.added} "
                        f"changed={report.changed} unchanged={report.unchanged}"
                    ),
                }
            ],
        )
        transaction.commit()
    report.committed = True
    _report_stage(progress, 1.0)
    return report


def _report_stage(progress: Progress | None, share: float) -> None:
    if progress is not None:
        progress(share)


def lock_kind(conn: Connection, kind: str) -> None:
    """Make writers of one kind take turns, across processes, until the caller's transaction
    ends: on PostgreSQL an advisory lock per kind, on SQLite the database's write lock
    (BEGIN IMMEDIATE). Taken before anything is read, so the plan sees every earlier import
    and a second import of the same file finds nothing new. OperationalError when the lock
    is not had within LOCK_TIMEOUT_SECONDS."""
    wait_ms = int(LOCK_TIMEOUT_SECONDS * 1000)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
        conn.execute(select(func.pg_advisory_xact_lock(_LOCK_NAMESPACE, KIND_NAMES.index(kind))))
        conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
    elif conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        if getattr(driver, "in_transaction", False):
            return  # the transaction has written already, so it holds the write lock
        waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(waited or 0)}")


def is_key_conflict(error: BaseException) -> bool:
    """Whether the database refused a row for a unique key (another writer was first)."""
    cause = error.orig if isinstance(error, IntegrityError) else error
    if getattr(cause, "sqlstate", None) == "23505":  # PostgreSQL's unique_violation
        return True
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(cause)


def _today() -> date:
    return metrics.today()


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.severity != ERROR))


def _preview(columns: Columns, plan: Plan, rows: list[int], ctx: _Context) -> pd.DataFrame:
    names = [c.name for c in ctx.kind.columns if c.name in columns]
    data = {name: columns[name] for name in names}
    if "target_groups" in data:
        data["target_groups"] = [",".join(v) if v else None for v in data["target_groups"]]
    frame = pd.DataFrame(data, columns=names, dtype=object)
    failed = {p.row for p in ctx.problems if p.is_error and p.row is not None}
    frame.insert(0, "_row", rows)
    frame["_action"] = ["error" if row in failed else plan.actions.get(row, "") for row in rows]
    return frame


# ---------------------------------------------------------------------------------------------
# Forms: the same rules for one record (polku/forms.py)


class FormInvalid(ValueError):
    """A form's values break rules; `problems` name the fields."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.key for p in problems))


def check_record(
    conn: Connection,
    actor: Actor,
    kind: str,
    record: Record,
    *,
    today: date | None = None,
) -> tuple[Plan, list[Problem]]:
    """Check one record of `kind` (canonical names, typed values) with the import's rules and
    plan its upsert; the problems (errors and warnings) name fields, not rows."""
    spec = KINDS[kind]
    scope = import_scope(actor)
    lock_kind(conn, kind)  # a form takes its turn with the imports of the same kind
    ctx = _Context(
        conn=conn,
        actor=actor,
        scope=scope,
        lookups=load_lookups(conn),
        today=today or _today(),
        kind=spec,
        headers={},
        present={c.name for c in spec.columns if c.name in record},
        scan_hetu=True,
    )
    records = [{**record, "_row": 0}]
    _field_rules(ctx, {name: [record[name]] for name in ctx.present}, [0])
    plan = Plan(spec)
    _PLANNERS[kind](ctx, records, plan)
    problems = [_for_form(p) for p in ctx.problems]
    return plan, problems


def _for_form(problem: Problem) -> Problem:
    """A form's problem: no row, the field's own name."""
    return Problem(
        None, problem.field, problem.key, problem.params, problem.severity, problem.field
    )


def write_plan(conn: Connection, actor: Actor, plan: Plan, *, action: str) -> None:
    """Write a checked form's plan with its audit rows, in the caller's transaction."""
    ctx = _Context(
        conn=conn,
        actor=actor,
        scope=None,
        lookups=_Lookups({}, {}, {}, (date.min, date.max)),
        today=date.min,
        kind=plan.kind,
        headers={},
        present=set(),
    )
    _write(ctx, plan, None, action=action)


# ---------------------------------------------------------------------------------------------
# Templates and examples


def template_csv(kind: str) -> bytes:
    """The kind's template: the Finnish headers, semicolon-separated, UTF-8 with BOM (Excel)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(KINDS[kind].headers)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def columns_frame(kind: str, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The kind's columns for people: header, English name, required, what goes in."""
    spec = KINDS[kind]
    rows = []
    for column in spec.columns:
        required = column.required or (column.name in spec.one_of)
        content = i18n.t(f"ingest.type.{column.type}", lang)
        if column.choices:
            codes = i18n.t(f"ingest.set.{column.choices}", lang)
            content = f"{content} {i18n.t('ingest.type.codes', lang, set=codes)}"
        rows.append(
            {
                "header": column.header,
                "name": column.name,
                "required": i18n.t("ingest.yes" if required else "ingest.no", lang),
                "content": content,
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["header", "name", "required", "content"])


def template_xlsx(kind: str, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The template as a workbook: the kind's sheet with headers, and a sheet of instructions."""
    spec = KINDS[kind]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spec.sheet
    sheet.append(spec.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(spec.headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(header) + 4)
    guide = book.create_sheet(i18n.t("ingest.template.guide", lang))
    frame = columns_frame(kind, lang)
    guide.append([i18n.t(f"ingest.template.col.{c}", lang) for c in frame.columns])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        guide.append(list(values))
    for letter, width in zip("ABCD", (26, 26, 10, 70), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sample_path(kind: str) -> Path:
    """The example file of the kind (valid, synthetic)."""
    return SAMPLE_DIR / f"{kind}.csv"
