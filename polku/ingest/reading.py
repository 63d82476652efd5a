"""Reading files: bytes → cells as text (encoding, delimiter, Excel, limits)."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from polku import privacy
from polku.config import get_settings
from polku.ingest.kinds import KINDS, normalise_header
from polku.ingest.problems import Problem


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
                    label = column_label(headers, index)
                    params = {"max": limits.max_cell_chars}
                    notes.append(
                        Problem(numbers[position], label, "ingest.error.cell_too_long", params)
                    )
                    column[position] = None
    keep = [i for i, cells in enumerate(zip(*cleaned, strict=True)) if any(cells)]
    if len(keep) != len(numbers):
        cleaned = [[column[i] for i in keep] for column in cleaned]
    return RawTable(headers, cleaned, [numbers[i] for i in keep], notes=notes, **info)


def column_label(headers: Sequence[str], index: int) -> str:
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
