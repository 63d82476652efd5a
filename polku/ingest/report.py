"""What an import found and did, for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from models import metadata
from polku import i18n
from polku.ingest.checking import Lookups
from polku.ingest.kinds import KINDS, Column
from polku.ingest.problems import Problem
from polku.ingest.reading import RawTable


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
    lookups: Lookups | None = field(default=None, repr=False)
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
    column: Column, value: Any, lookups: Lookups | None, lang: str, digits: int | None = None
) -> str:
    """A parsed cell as people read it in `lang`: a code's name, 1.3.2026, 1 234,50, kyllä;
    a number with `digits` decimals (default: as written, at most two)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    set_name = column.choices or ""
    if column.type == "choices":
        codes = value.split(",") if isinstance(value, str) else list(value)
        return ", ".join(code_name(lookups, set_name, c, lang) for c in codes)
    if column.type == "choice":
        return code_name(lookups, set_name, str(value), lang)
    if isinstance(value, date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, bool):
        return i18n.t("ingest.yes" if value else "ingest.no", lang)
    if isinstance(value, Decimal):
        if digits is None:
            digits = min(2, max(0, -int(value.normalize().as_tuple().exponent)))
        return i18n.fmt_decimal(value, digits, lang)
    return str(value)  # whole numbers (a birth year is 1980, not 1 980) and text


def code_name(lookups: Lookups | None, set_name: str, code: str, lang: str) -> str:
    return code if lookups is None else lookups.localized(set_name, code).text(lang)
