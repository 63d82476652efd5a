"""polku/i18n.py: strings by key, every fixed code labelled, Finnish and English formats by Babel.

That the catalogs hold exactly the keys the code uses: tests/test_catalogs.py.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel import dates, numbers

import models
from polku import i18n, ingest

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"

# The fixed code sets of models.py whose labels must be in the catalog (models' own docstring)
FIXED_CODE_SETS = {
    "role": models.ROLES,
    "checklist_status": models.CHECKLIST_STATUSES,
    "gender": models.GENDERS,
    "education_level": models.EDUCATION_LEVELS,
    "labour_status": models.LABOUR_STATUSES,
    "employer_type": models.EMPLOYER_TYPES,
    "contract_type": models.CONTRACT_TYPES,
    "decision": models.DECISIONS,
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("code_set", sorted(FIXED_CODE_SETS))
def test_every_fixed_code_has_a_label_in_both_languages(code_set: str) -> None:
    assert i18n.CODE_SETS[code_set] == FIXED_CODE_SETS[code_set]
    for code in FIXED_CODE_SETS[code_set]:
        fi = i18n.code_label(code_set, code, "fi")
        en = i18n.code_label(code_set, code, "en")
        assert fi and en, (code_set, code)
    labels_fi = [i18n.code_label(code_set, c, "fi") for c in FIXED_CODE_SETS[code_set]]
    assert len(set(labels_fi)) == len(labels_fi), "two codes share a label"


def _app_sources() -> list[Path]:
    return [
        ROOT / "streamlit_app.py",
        *sorted((ROOT / "app_pages").glob("*.py")),
        *sorted((ROOT / "polku" / "ui").glob("*.py")),
    ]


def test_t_picks_the_language_fills_placeholders_and_refuses_unknown_keys() -> None:
    assert i18n.t("app.region") == "Koko alue"
    assert i18n.t("app.region", "en") == "Whole region"
    assert i18n.t("app.region", "sv") == "Koko alue"  # unsupported language: Finnish
    assert i18n.t("project.phase.items", "fi", count="3") == "3 tehtävää"
    with pytest.raises(KeyError):
        i18n.t("no.such.key")


def test_language_accepts_only_supported_codes() -> None:
    assert i18n.language("en") == "en"
    assert i18n.language("fi") == "fi"
    assert i18n.language(None) == "fi"
    assert i18n.language("English") == "fi"


def test_localized_name_prefers_the_language_and_falls_back_to_finnish() -> None:
    row = {"name_fi": "Työkokeilu", "name_en": "Work trial"}
    assert i18n.localized_name(row, "fi") == "Työkokeilu"
    assert i18n.localized_name(row, "en") == "Work trial"
    assert i18n.localized_name({"name_fi": "Tilat", "name_en": ""}, "en") == "Tilat"
    obj = SimpleNamespace(name_fi="Nuoret", name_en="Young people")
    assert i18n.localized_name(obj, "en") == "Young people"


def test_finnish_numbers_group_thousands_with_a_no_break_space() -> None:
    assert i18n.fmt_int(1234) == f"1{NBSP}234"
    assert i18n.fmt_int(0) == "0"
    assert i18n.fmt_int(999) == "999"
    assert i18n.fmt_int(8731852) == f"8{NBSP}731{NBSP}852"
    assert i18n.fmt_int(-1234) == f"-1{NBSP}234"
    assert i18n.fmt_decimal(1234.5, 1) == f"1{NBSP}234,5"
    assert i18n.fmt_decimal(Decimal("30.50"), 1) == "30,5"
    assert i18n.fmt_decimal(2.675, 2) == "2,68"  # half up, as written
    assert i18n.fmt_decimal(-0.04, 1) == "0,0"  # never "-0,0"


def test_english_numbers_use_commas_and_points() -> None:
    assert i18n.fmt_int(1234, "en") == "1,234"
    assert i18n.fmt_decimal(1234.5, 1, "en") == "1,234.5"


def test_percentages_and_euros() -> None:
    assert i18n.fmt_percent(0.7) == f"70{NBSP}%"
    assert i18n.fmt_percent(Decimal("0.70"), 0, "en") == "70%"
    assert i18n.fmt_percent(78741 / 162091, 1) == f"48,6{NBSP}%"
    assert i18n.fmt_euro(6237037) == f"6{NBSP}237{NBSP}037{NBSP}€"
    assert i18n.fmt_euro(6237037, 0, "en") == "€6,237,037"
    assert i18n.fmt_euro(-5, 0, "en") == "-€5"


@pytest.mark.parametrize(
    ("value", "digits", "fi", "en"),
    [
        (0.5, 0, "1", "1"),
        (2.5, 0, "3", "3"),  # half to even would give 2
        (-2.5, 0, "-3", "-3"),
        (1234.5, 0, f"1{NBSP}235", "1,235"),
        (0.125, 2, "0,13", "0.13"),  # half to even would give 0.12
        (Decimal("0.45"), 1, "0,5", "0.5"),
    ],
)
def test_every_shown_number_rounds_half_up(value: float, digits: int, fi: str, en: str) -> None:
    assert i18n.ROUNDING == ROUND_HALF_UP
    assert i18n.fmt_decimal(value, digits, "fi") == fi
    assert i18n.fmt_decimal(value, digits, "en") == en
    assert i18n.fmt_euro(value, digits, "fi") == f"{fi}{NBSP}€"
    assert i18n.fmt_percent(Decimal(str(value)) / 100, digits, "en") == f"{en}%"
    if digits == 0:
        assert i18n.fmt_int(value, "fi") == fi


def test_numbers_and_dates_follow_cldr_s_finnish() -> None:
    # Finnish is Babel's fi_FI as it stands; only the rounding and the decimals are Polku's
    assert i18n.fmt_decimal(1234.5, 1) == numbers.format_decimal(1234.5, locale="fi_FI")
    assert i18n.fmt_percent(0.7) == numbers.format_percent(0.7, locale="fi_FI")
    assert i18n.fmt_euro(1234, 2) == numbers.format_currency(1234, "EUR", locale="fi_FI")
    day = date(2026, 11, 29)
    assert i18n.fmt_date(day) == dates.format_date(day, "medium", locale="fi_FI")
    assert i18n.fmt_euro(1234) == f"1{NBSP}234{NBSP}€"
    assert i18n.fmt_euro(1234.5, 2, "en") == "€1,234.50"


def test_dates_and_periods() -> None:
    assert i18n.fmt_date(date(2026, 11, 29)) == "29.11.2026"
    assert i18n.fmt_date(date(2026, 3, 1)) == "1.3.2026"
    assert i18n.fmt_date(date(2026, 11, 29), "en") == "29 Nov 2026"
    assert i18n.fmt_period(date(2026, 3, 1), date(2029, 9, 30)) == "1.3.2026\u201330.9.2029"


# ---------------------------------------------------------------------------------------------
# Plural forms


@pytest.mark.parametrize(
    ("key", "values", "one_fi", "one_en"),
    [
        ("forms.list.caption", {"today": "1.12.2026"}, "1 asiakas ·", "1 client ·"),
        ("project.municipalities.total", {"population": "5"}, "1 kunta,", "1 municipality,"),
        ("project.phase.items", {}, "1 tehtävä", "1 item"),
        ("import.has_errors", {}, "on 1 virhe.", "has 1 error."),
        ("forms.field.client_pick.help", {}, "1 uusin asiakas.", "1 newest client."),
        ("checklists.pending", {}, "1 tehtävässä.", "in 1 item."),
    ],
)
def test_a_count_of_one_takes_the_singular_in_both_languages(
    key: str, values: dict[str, str], one_fi: str, one_en: str
) -> None:
    for one in (1, "1", Decimal(1)):
        assert one_fi in i18n.t(key, "fi", count=one, **values), one
        assert one_en in i18n.t(key, "en", count=one, **values), one
    for other in (0, 2, 21, "1\u00a0234", "1,5"):
        assert i18n.t(key, "fi", count=other, **values) == i18n.CATALOGS["fi"][key].format(
            count=other, **values
        )


def test_counts_named_otherwise_decide_their_message_s_number() -> None:
    assert ingest.count_text("clients", 1, "fi") == "1 asiakas"
    assert ingest.count_text("clients", 1200, "fi") == "1\u00a0200 asiakasta"
    assert ingest.count_text("errors", 1, "en") == "1 error"
    assert i18n.t("project.staff.total", "fi", fte="1") == "Yhteensä 1 henkilötyövuosi."
    assert i18n.t("project.staff.total", "fi", fte="1,5") == "Yhteensä 1,5 henkilötyövuotta."
    assert "next 1 day:" in i18n.t("checklists.region.deadlines.caption", "en", days=1)


def test_every_singular_form_belongs_to_a_message_and_has_its_placeholders() -> None:
    for lang in i18n.LANGUAGES:
        catalog = i18n.CATALOGS[lang]
        for key in (k for k in catalog if k.endswith(".one")):
            base = key.removesuffix(".one")
            assert base in catalog, key
            assert _fields(catalog[key]) == _fields(catalog[base]), key
            counted = {"project.staff.total": "fte", "checklists.region.deadlines.caption": "days"}
            assert counted.get(base, "rows" if base.endswith(".summary") else "count") in _fields(
                catalog[key]
            ), key


def test_plural_form_follows_the_cldr_rules_of_finnish_and_english() -> None:
    for lang in i18n.LANGUAGES:
        assert i18n.plural_form(1, lang) == "one"
        assert i18n.plural_form("1", lang) == "one"
        for other in (0, 2, 11, 21, 101, Decimal("1.5"), "1,0", "ei luku", None):
            assert i18n.plural_form(other, lang) == "other", (lang, other)


# ---------------------------------------------------------------------------------------------
# One date format per language


def _as_strftime(pattern: str) -> str:
    """A moment.js, d3 or Excel date pattern in strftime's notation (C locale month names)."""
    tokens = [
        ("YYYY", "%Y"), ("yyyy", "%Y"), ("MMM", "%b"), ("mmm", "%b"), ("DD", "%d"),
        ("MM", "%m"), ("D", "%-d"), ("d", "%-d"), ("M", "%-m"), ("m", "%-m"),
    ]  # fmt: skip
    if "%" in pattern:
        return pattern
    out, i = "", 0
    while i < len(pattern):
        for token, code in tokens:
            if pattern.startswith(token, i):
                out += code
                i += len(token)
                break
        else:
            out += pattern[i]
            i += 1
    return out


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_date_notation_draws_fmt_date_s_format(lang: str) -> None:
    for day in (date(2026, 11, 29), date(2026, 3, 1)):
        for notation in ("moment", "d3", "excel"):
            pattern = _as_strftime(i18n.date_format(notation, lang))
            assert day.strftime(pattern) == i18n.fmt_date(day, lang), (notation, lang)
        # Streamlit's date input takes numbers only: the same order of day, month and year
        numeric = day.strftime(_as_strftime(i18n.date_format("input", lang)))
        assert numeric.replace("/", ".").lstrip("0") == f"{day:%d.%m.%Y}".lstrip("0"), lang
    moment = datetime(2026, 11, 29, 14, 5)
    assert i18n.fmt_datetime(moment, lang).startswith(i18n.fmt_date(moment.date(), lang))
    excel = i18n.date_format("excel_datetime", lang)
    assert excel.startswith(i18n.date_format("excel", lang))


def test_dates_and_times_in_both_languages() -> None:
    moment = datetime(2026, 11, 29, 14, 5)
    assert i18n.fmt_datetime(moment) == "29.11.2026 klo 14.05"
    assert i18n.fmt_datetime(moment, "en") == "29 Nov 2026 14:05"
    # Finnish hours have no leading zero (CLDR's fi: H.mm), English ones do
    morning = datetime(2026, 9, 3, 9, 5)
    assert i18n.fmt_datetime(morning) == "3.9.2026 klo 9.05"
    assert i18n.fmt_datetime(morning, "en") == "3 Sep 2026 09:05"


def test_pages_take_their_date_formats_from_i18n() -> None:
    # A date pattern written into a page drifts from the language's one format (DATE_FORMATS)
    pattern = re.compile(r"[\"'](?:D{1,2}[./ -]M{1,3}[./ -]Y{4}|Y{4}[/-]M{2}[/-]D{2})[\"']")
    written = {
        (path.name, found) for path in _app_sources() for found in pattern.findall(path.read_text())
    }
    assert written == set()
