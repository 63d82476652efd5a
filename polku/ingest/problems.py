"""What is wrong, where: the problems an import or a form reports, in both languages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from polku import i18n

ERROR, WARNING = "error", "warning"

Progress = Callable[[float], None]


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
