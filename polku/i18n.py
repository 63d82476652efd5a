"""Finnish and English strings of the app, and Finnish / English number and date formats.

Every user-visible string goes through `t(key, lang)`; the strings live in one TOML file per
language, polku/catalogs/fi.toml and en.toml. Labels of the fixed code sets of
models.py (roles, checklist statuses, genders, ...) live here as `<code set>.<code>` keys;
labels of the code lists stored in tables come from their name_fi / name_en columns
(`localized_name`). Finnish is the default and the fallback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from copy import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale, dates, numbers

import models

Language = Literal["fi", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "en")
DEFAULT_LANGUAGE: Language = "fi"

# Finnish groups thousands with a no-break space (CLDR), so "1 234" never breaks across lines
NBSP = "\u00a0"
# The en dash of ranges: 1.3.2026–30.9.2029
EN_DASH = "\u2013"

# The fixed code sets of models.py whose codes need a label: key prefix -> codes
CODE_SETS: dict[str, tuple[str, ...]] = {
    "role": models.ROLES,
    "checklist_status": models.CHECKLIST_STATUSES,
    "gender": models.GENDERS,
    "education_level": models.EDUCATION_LEVELS,
    "labour_status": models.LABOUR_STATUSES,
    "leaving_situation": models.LEAVING_SITUATIONS,
    "report_state": models.REPORT_STATES,
    "employer_type": models.EMPLOYER_TYPES,
    "contract_type": models.CONTRACT_TYPES,
    "decision": models.DECISIONS,
    "work_package_scope": models.WORK_PACKAGE_SCOPES,
    "indicator_kind": models.INDICATOR_KINDS,
    "budget_kind": models.BUDGET_KINDS,
}

# The catalogs: one TOML file per language (polku/catalogs/), keys in the code's order
_CATALOG_DIR = Path(__file__).parent / "catalogs"


def _catalog(lang: Language) -> dict[str, str]:
    return tomllib.loads((_CATALOG_DIR / f"{lang}.toml").read_text(encoding="utf-8"))


_FI: dict[str, str] = _catalog("fi")
_EN: dict[str, str] = _catalog("en")

CATALOGS: dict[Language, dict[str, str]] = {"fi": _FI, "en": _EN}


def language(value: object) -> Language:
    """`value` if it names a supported language, else the default (Finnish)."""
    return "en" if value == "en" else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled from `values`.

    An unknown key raises KeyError: a typo should fail a test, not show a raw key to a user.
    A key with a form for one ("<key>.one") takes it when its number is one (`plural_form`).
    """
    catalog = CATALOGS[language(lang)]
    if key in _PLURAL_KEYS and plural_form(values.get(_counted(key)), lang) == "one":
        key = f"{key}{_ONE}"
    text = catalog[key] if key in catalog else _FI[key]
    return text.format(**values) if values else text


def code_label(code_set: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of `code` of a fixed code set of models.py, e.g. ("checklist_status", "done")."""
    return t(f"{code_set}.{code}", lang)


def localized_name(row: Mapping[str, Any] | Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """name_fi or name_en of a code-list row (a mapping or an object); Finnish if no English."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
    if language(lang) == "en" and get("name_en"):
        return str(get("name_en"))
    return str(get("name_fi") or "")


# ---------------------------------------------------------------------------------------------
# Plural forms: "1 asiakas" but "2 asiakasta", "1 client" but "2 clients"

_ONE = ".one"
# Keys whose wording follows a number: those with a form for one ("<key>.one") in the catalogs
_PLURAL_KEYS = frozenset(key.removesuffix(_ONE) for key in _FI if key.endswith(_ONE))
# The placeholder holding the number, where it is not {count}
_PLURAL_COUNTS: dict[str, str] = {
    "project.staff.total": "fte",
    "checklists.region.deadlines.caption": "days",
}


def _counted(key: str) -> str:
    return _PLURAL_COUNTS.get(key, "count")


def plural_form(number: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """CLDR's plural category ("one" or "other") of a number, or of a number as formatted for
    `lang` ("1" is one; "1,0", "21" and "1 234" are other), by Babel's rules."""
    if isinstance(number, bool) or number is None:
        return "other"
    if isinstance(number, str):
        text = number.replace(NBSP, "").replace(" ", "")
        text = text.replace(",", ".") if language(lang) == "fi" else text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return "other"
    if not isinstance(number, int | float | Decimal):
        return "other"
    return str(_plural_rule(language(lang))(number))


@cache
def _plural_rule(lang: Language) -> Callable[[float | Decimal], str]:
    return Locale.parse(lang).plural_form


# ---------------------------------------------------------------------------------------------
# Numbers and dates

# Babel's locale of each language. English is CLDR's "en": the same numbers as en_GB, and
# the month abbreviations ("Sep", not en_GB's "Sept") of d3, moment.js and Excel (DATE_FORMATS)
LOCALES: dict[Language, str] = {"fi": "fi_FI", "en": "en"}

# The one rounding rule of every number shown: half up (0,5 → 1; 2,675 → 2,68), as people round
# by hand. Babel itself would round half to even (0,5 → 0), so numbers are rounded here first.
ROUNDING = ROUND_HALF_UP

# The one date format of each language (fmt_date's) in each notation that draws dates: CLDR's
# (Babel, fmt_date; Finnish is fi_FI's own medium date), moment.js (Streamlit's DateColumn),
# d3 (Altair), Excel number formats, and Streamlit's date_input, which takes only numbers, so
# English there is day first like "29 Nov 2026"
DATE_FORMATS: dict[str, dict[Language, str]] = {
    "cldr": {"fi": "d.M.y", "en": "d MMM y"},
    "cldr_time": {"fi": "H.mm", "en": "HH:mm"},
    "cldr_month": {"fi": "M/y", "en": "MMM y"},
    "moment": {"fi": "D.M.YYYY", "en": "D MMM YYYY"},
    "d3": {"fi": "%-d.%-m.%Y", "en": "%-d %b %Y"},
    "excel": {"fi": "d.m.yyyy", "en": "d mmm yyyy"},
    "excel_datetime": {"fi": "d.m.yyyy h:mm", "en": "d mmm yyyy h:mm"},
    "input": {"fi": "DD.MM.YYYY", "en": "DD/MM/YYYY"},
}

NumberKind = Literal["decimal", "percent", "currency"]


def _rounded(value: int | Decimal | float, digits: int) -> Decimal:
    """`value` rounded by ROUNDING to `digits` decimals."""
    # str() first, so 2.675 rounds as written (2.68), not as its binary float (2.67)
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING)
    return abs(number) if number == 0 else number  # no "-0"


@cache
def _number_pattern(kind: NumberKind, digits: int, lang: Language) -> numbers.NumberPattern:
    """The locale's CLDR pattern of `kind` with exactly `digits` decimals."""
    locale = Locale.parse(LOCALES[lang])
    formats = {
        "decimal": locale.decimal_formats[None],
        "percent": locale.percent_formats[None],
        "currency": locale.currency_formats["standard"],
    }
    pattern = copy(formats[kind])  # Babel's own pattern objects are shared
    pattern.frac_prec = (digits, digits)
    return pattern


# Formatting through Babel costs tens of microseconds; a page formats thousands of values,
# most of them repeats (small counts, the same days), so the texts are remembered
FORMATTED_CACHE = 16_384


@lru_cache(maxsize=FORMATTED_CACHE)
def _format(value: Decimal, kind: NumberKind, digits: int, lang: str) -> str:
    lang = language(lang)
    pattern = _number_pattern(kind, digits, lang)
    return pattern.apply(value, LOCALES[lang], currency="EUR", currency_digits=False)


def fmt_int(value: int | Decimal | float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with grouped thousands: 1 234 (fi), 1,234 (en)."""
    return fmt_decimal(value, 0, lang)


def fmt_decimal(value: int | Decimal | float, digits: int = 1, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number rounded half up to `digits` decimals: 1 234,5 (fi), 1,234.5 (en)."""
    return _format(_rounded(value, digits), "decimal", digits, lang)


def fmt_percent(share: int | Decimal | float, digits: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share (0.7) as a percentage: 70 % (fi, with a no-break space), 70% (en)."""
    # Rounded as the percentage shown; Babel multiplies by 100 again (scaleb keeps the digits)
    percent = _rounded(Decimal(str(share)) * 100, digits)
    return _format(percent.scaleb(-2), "percent", digits, lang)


def fmt_euro(amount: int | Decimal | float, digits: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """A sum of money: 6 237 037 € (fi), €6,237,037 (en)."""
    return _format(_rounded(amount, digits), "currency", digits, lang)


def fmt_date(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date: 29.11.2026 (fi), 29 Nov 2026 (en)."""
    return _date_text(value, "cldr", language(lang))


@lru_cache(maxsize=FORMATTED_CACHE)
def _date_text(value: date, notation: str, lang: Language) -> str:
    return dates.format_date(value, DATE_FORMATS[notation][lang], locale=LOCALES[lang])


def fmt_month(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month as chart axes show it: 3/2026 (fi), Mar 2026 (en)."""
    return _date_text(value, "cldr_month", language(lang))


def fmt_period(start: date, end: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date range with an en dash: 1.3.2026–30.9.2029."""
    # Both dates in full (Babel's format_interval would write 1.3.–30.9.2026)
    return f"{fmt_date(start, lang)}{EN_DASH}{fmt_date(end, lang)}"


def fmt_datetime(value: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A moment as given (convert to Finnish time first): 29.11.2026 klo 14.05 (fi),
    29 Nov 2026 14:05 (en)."""
    lang = language(lang)
    time = dates.format_time(value, DATE_FORMATS["cldr_time"][lang], locale=LOCALES[lang])
    return t("app.datetime", lang, date=fmt_date(value.date(), lang), time=time)


def date_format(notation: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The language's date format in a notation of DATE_FORMATS: date_format("moment", "en")."""
    return DATE_FORMATS[notation][language(lang)]
