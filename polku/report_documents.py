"""A report to the funder as documents: an Excel workbook laid out for typing into the funder's
system (EURA 2021) and a PDF, both from the report's figures (polku/report_figures.py), so an
approved report's snapshot gives the same documents later.

- `document_context` reads what the figures do not hold (the project's and the indicators'
  names, the report's label); the report's state and approval day come from the caller.
- `workbook`: one sheet per part in the order the funder's system asks them (the report, the
  indicators, the common indicators, money, the narrative sections, participants), one value
  per cell; text stays text (a text starting with "=" is never a formula).
- `pdf`: typst (the compiler bundled by the `typst` package, no browser) renders
  polku/templates/report.typ, which reads every value as JSON from `sys.inputs`: user text is
  data, never typst markup. Numbers and dates are formatted here (polku/i18n.py); the charts
  are Altair specs rendered to SVG by vl-convert. Only typst's embedded fonts are used, so the
  same figures give the same bytes on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import altair as alt
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from models import FINAL_REPORT
from polku import charts, i18n, metrics
from polku import pdf as documents
from polku.exports import header_sheet
from polku.metrics import Database
from polku.payment_application import EURO, SHARE, UnknownPeriod, _bold, _cell, period
from polku.report_figures import (
    COMMON_CODES,
    DEVIATION_PREFIX,
    FINAL_SECTIONS,
    PERIOD_SECTIONS,
    CommonFigure,
    IndicatorFigure,
    ReportFigures,
    common_name,
    section_name,
)

FORMATS = ("xlsx", "pdf")
TEMPLATE = documents.TEMPLATES / "report.typ"
# Workbook number formats: whole counts, a count's fractional expected value, a rate's change
COUNT = "#,##0"
COUNT_DECIMAL = "#,##0.0"
SHARE_CHANGE = "0.0 %"
MONEY_KEYS = (
    "eligible_salaries",
    "flat_rate",
    "total",
    "esf",
    "municipal",
    "cumulative_total",
    "planned_total",
)
GENDER_KEYS = ("female", "male", "other")
# A chart's width in pixels: the PDF scales it to the text width
CHART_WIDTH = 420
PERCENT_SIGN = {"fi": "\u00a0%", "en": "%"}


@dataclass(frozen=True)
class DocumentContext:
    """What the documents state besides the figures: names per language, the report's state."""

    report: str  # a payment period's code, or models.FINAL_REPORT
    project_names: Mapping[str, str]  # language → the project's name
    indicator_names: Mapping[str, Mapping[str, str]]  # indicator code → language → name
    state: str | None = None  # models.REPORT_STATES; None: not started
    approved_on: date | None = None
    as_of: date | None = None  # the day the documents were made (the figures' day)
    lang: str = i18n.DEFAULT_LANGUAGE  # the documents' language unless they are given one

    def project_name(self, lang: str) -> str:
        return _in_language(self.project_names, lang)

    def indicator_name(self, code: str, lang: str) -> str:
        return _in_language(self.indicator_names.get(code, {}), lang) or code

    def label(self, lang: str) -> str:
        """Seurantaraportti MK1 / Follow-up report MK1, or Loppuraportti / Final report."""
        if self.report == FINAL_REPORT:
            return i18n.t("report_document.final", lang)
        return i18n.t("report_document.followup", lang, period=self.report)


def _in_language(names: Mapping[str, str], lang: str) -> str:
    """The name in `lang`, Finnish where there is none."""
    return names.get(i18n.language(lang)) or names.get(i18n.DEFAULT_LANGUAGE) or ""


def document_context(
    db: Database,
    code: str,
    state: str | None,
    approved_on: date | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
    as_of: date | None = None,
) -> DocumentContext:
    """The context of report `code` (a payment period's code or models.FINAL_REPORT);
    UnknownPeriod for another code. `as_of` defaults to the approval day, else today."""
    project = metrics.project_info(db)
    if project is None:
        raise UnknownPeriod("the project definition has not been loaded")
    if code != FINAL_REPORT:
        period(db, code)
    names = {
        str(row["code"]): {"fi": str(row["name_fi"] or ""), "en": str(row["name_en"] or "")}
        for row in metrics.indicators(db).to_dict("records")
    }
    return DocumentContext(
        report=code,
        project_names={"fi": project.name_fi, "en": project.name_en},
        indicator_names=names,
        state=state,
        approved_on=approved_on,
        as_of=as_of or approved_on or metrics.today(),
        lang=i18n.language(lang),
    )


def sections(figures: ReportFigures) -> tuple[str, ...]:
    """The narrative sections of the report: the final report's, or a period's."""
    return FINAL_SECTIONS if figures.report == FINAL_REPORT else PERIOD_SECTIONS


def _common(figures: ReportFigures) -> list[tuple[str, CommonFigure | None]]:
    """Every common indicator in the funder's order, None where the figures have none."""
    found = {c.code: c for c in figures.common}
    return [(code, found.get(code)) for code in COMMON_CODES]


def _deviation(figures: ReportFigures, indicator: IndicatorFigure) -> str:
    return figures.texts.get(f"{DEVIATION_PREFIX}{indicator.code}", "")


# ---------------------------------------------------------------------------------------------
# The workbook


def _half_up(value: float, step: str) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP)


def _count(value: float) -> int | float:
    """A count to one decimal (half up), as a whole number where it is one."""
    number = _half_up(value, "0.1")
    return int(number) if number == number.to_integral_value() else float(number)


def _figure_cell(sheet: WriteOnlyWorksheet, value: float | None, kind: str, change: bool = False):
    """An indicator's number: a rate as a share in percent, a count as a number."""
    if value is None:
        return None
    if kind == "rate":
        # To a hundredth of a percentage point (the exports' cells keep only two decimals)
        cell = WriteOnlyCell(sheet, value=float(_half_up(value, "0.0001")))
        cell.number_format = SHARE_CHANGE if change else SHARE
        return cell
    number = _count(value)
    return _cell(sheet, float(number), COUNT if isinstance(number, int) else COUNT_DECIMAL)


def _wrapped(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A long text cell, wrapped, as text (never a formula)."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def workbook(figures: ReportFigures, context: DocumentContext, lang: str | None = None) -> bytes:
    """The report as an .xlsx workbook: a sheet per part of the funder's form, in its order."""
    lang = i18n.language(lang or context.lang)
    book = Workbook(write_only=True)

    # 1. The report: project, report, period, state, as of
    cover = header_sheet(
        book,
        i18n.t("report_document.sheet.cover", lang),
        [i18n.t("report_document.item", lang), i18n.t("report_document.value", lang)],
        [28, 60],
    )
    state = i18n.t(f"report_state.{context.state}", lang) if context.state else None
    for label, value in (
        (i18n.t("report_document.project", lang), context.project_name(lang)),
        (i18n.t("report_document.report", lang), context.label(lang)),
        (i18n.t("report_document.start", lang), figures.start),
        (i18n.t("report_document.end", lang), figures.end),
        (i18n.t("report_document.state", lang), state),
        (i18n.t("report_document.approved_on", lang), context.approved_on),
        (i18n.t("report_document.as_of", lang), context.as_of),
    ):
        cover.append([_cell(cover, label), _cell(cover, value)])

    # 2. The project's indicators
    keys = ("code", "name", "target", "expected", "value", "change", "status", "deviation")
    indicators = header_sheet(
        book,
        i18n.t("report_document.sheet.indicators", lang),
        [i18n.t(f"report_document.indicator.{k}", lang) for k in keys],
        [22, 44, 12, 14, 14, 14, 24, 60],
    )
    for ind in figures.indicators:
        status = (
            i18n.t("report_document.indicator.behind", lang)
            if ind.behind
            else i18n.t("report_document.indicator.on_track", lang)
        )
        indicators.append(
            [
                _cell(indicators, ind.code),
                _cell(indicators, context.indicator_name(ind.code, lang)),
                _figure_cell(indicators, ind.target, ind.kind),
                _figure_cell(indicators, ind.expected, ind.kind),
                _figure_cell(indicators, ind.value, ind.kind),
                _figure_cell(indicators, ind.change, ind.kind, change=True),
                _cell(indicators, status),
                _wrapped(indicators, text) if (text := _deviation(figures, ind)) else None,
            ]
        )

    # 3. The ESF+ common indicators by gender, and the participants counted only in EECO01
    columns = ("code", "name", *GENDER_KEYS, "total")
    common = header_sheet(
        book,
        i18n.t("report_document.sheet.common", lang),
        [i18n.t(f"report_document.common.{k}", lang) for k in columns],
        [10, 60, 10, 10, 16, 10],
    )
    for code, found in _common(figures):
        counts = (
            [None] * 4 if found is None else [found.female, found.male, found.other, found.total]
        )
        common.append(
            [_cell(common, code), _cell(common, common_name(code, lang))]
            + [_cell(common, n) for n in counts]
        )
    common.append([])
    common.append(
        _bold(
            common,
            [
                (None, None),
                (i18n.t("report_document.common.incomplete", lang), None),
                *[(None, None)] * 3,
            ],
        )
        + [_cell(common, figures.common_incomplete)]
    )

    # 4. Money of the period
    money = header_sheet(
        book,
        i18n.t("report_document.sheet.money", lang),
        [i18n.t("report_document.money.item", lang), i18n.t("report_document.money.amount", lang)],
        [52, 20],
    )
    for key in MONEY_KEYS:
        amount: Decimal = getattr(figures.money, key)
        money.append(
            [_cell(money, i18n.t(f"report_document.money.{key}", lang)), _cell(money, amount, EURO)]
        )

    # 5. The narrative sections, one row each
    texts = header_sheet(
        book,
        i18n.t("report_document.sheet.texts", lang),
        [i18n.t("report_document.texts.section", lang), i18n.t("report_document.texts.text", lang)],
        [44, 100],
    )
    for section in sections(figures):
        text = figures.texts.get(section, "")
        texts.append(
            [_cell(texts, section_name(section, lang)), _wrapped(texts, text) if text else None]
        )

    # 6. Participants who started and left in the period, by gender
    participants = header_sheet(
        book,
        i18n.t("report_document.sheet.participants", lang),
        [i18n.t(f"report_document.participants.{k}", lang) for k in ("gender", "started", "left")],
        [24, 20, 20],
    )
    for count in figures.participants:
        participants.append(
            [
                _cell(participants, _gender(count.gender, lang)),
                _cell(participants, count.started),
                _cell(participants, count.left),
            ]
        )
    participants.append(
        _bold(
            participants,
            [
                (i18n.t("report_document.participants.total", lang), None),
                (sum(r.started for r in figures.participants), None),
                (sum(r.left for r in figures.participants), None),
            ],
        )
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _gender(gender: str | None, lang: str) -> str:
    if gender is None:
        return i18n.t("report_document.participants.unknown", lang)
    return i18n.t(f"report_document.common.{gender}", lang)


# ---------------------------------------------------------------------------------------------
# The PDF


def number_text(value: float | None, kind: str, lang: str) -> str:
    """An indicator's value as the PDF prints it: 70 % (a rate), 1 234 or 1 234,5 (a count)."""
    if value is None:
        return "–"
    if kind == "rate":
        return i18n.fmt_percent(value, 0, lang)
    number = _count(value)
    return (
        i18n.fmt_int(number, lang) if isinstance(number, int) else i18n.fmt_decimal(number, 1, lang)
    )


def change_text(change: float, kind: str, lang: str) -> str:
    """A change with its sign: +12 (a count), +3,5 %-yks. (a rate, in percentage points)."""
    if kind == "rate":
        points = i18n.fmt_decimal(abs(change) * 100, 1, lang)
        text = i18n.t("report_document.indicator.points", lang, value=points)
    else:
        text = number_text(abs(change), kind, lang)
    return ("+" if change > 0 else "\u2212" if change < 0 else "") + text


def indicator_chart(
    indicator: IndicatorFigure, labels: Mapping[str, str], lang: str
) -> alt.LayerChart:
    """An indicator's value against its expected value and its target: a bar each, labelled."""
    meanings = ["actual", "expected", "target"]
    values = {"actual": indicator.value, "expected": indicator.expected, "target": indicator.target}
    frame = pd.DataFrame(
        [
            {
                "series": labels[m],
                "value": values[m],
                "label": number_text(values[m], indicator.kind, lang),
            }
            for m in meanings
            if values[m] is not None
        ]
    )
    value_format = ".0%" if indicator.kind == "rate" else ",.0f"
    base = alt.Chart(frame).encode(
        y=alt.Y("series:N", title=None, sort=None),
        x=alt.X(
            "value:Q",
            title=None,
            axis=alt.Axis(format=value_format),
            scale=alt.Scale(domainMin=0, nice=True),
        ),
    )
    bars = base.mark_bar(height=14).encode(
        color=alt.Color(
            "series:N",
            scale=charts._meaning_scale(
                dict(labels), [m for m in meanings if values[m] is not None]
            ),
            legend=None,
        )
    )
    text = base.mark_text(align="left", dx=4).encode(text="label:N")
    chart = charts._finish(alt.layer(bars, text), "", lang)
    # The axis's percentages as the labels write them (70 % in Finnish)
    locale = charts._LOCALES.get(lang, charts._LOCALES["fi"])
    chart.config.locale = {**locale, "number": {**locale["number"], "percent": PERCENT_SIGN[lang]}}
    chart.width = CHART_WIDTH
    chart.height = 22 * len(frame)
    return chart


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG, rendered by vl-convert (no browser)."""
    return documents.svg(chart.to_dict())


def _lines(text: str) -> str:
    """Text with Unix line ends, so the template finds its paragraphs (blank lines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _table(header: list[str], rows: list[list[str]], align: str) -> dict[str, Any]:
    """A table for the template: header, rows of text, and each column's alignment (l / r)."""
    return {"header": header, "rows": rows, "align": list(align)}


def pdf_data(figures: ReportFigures, context: DocumentContext, lang: str | None = None) -> dict:
    """Everything the PDF prints, as JSON-ready text: the template only lays it out."""
    lang = i18n.language(lang or context.lang)
    date_text = lambda d: i18n.fmt_date(d, lang) if d else "–"  # noqa: E731
    label = context.label(lang)
    state = i18n.t(f"report_state.{context.state}", lang) if context.state else "–"
    title = [
        [i18n.t("report_document.period", lang), i18n.fmt_period(figures.start, figures.end, lang)],
        [i18n.t("report_document.state", lang), state],
        *(
            [[i18n.t("report_document.approved_on", lang), date_text(context.approved_on)]]
            if context.approved_on
            else []
        ),
        [i18n.t("report_document.as_of", lang), date_text(context.as_of)],
    ]

    chart_labels = {
        m: i18n.t(f"report_document.chart.{m}", lang) for m in ("actual", "expected", "target")
    }
    indicator_rows, deviations, figures_charts = [], [], []
    for ind in figures.indicators:
        name = context.indicator_name(ind.code, lang)
        status = (
            i18n.t("report_document.indicator.behind", lang)
            if ind.behind
            else i18n.t("report_document.indicator.on_track", lang)
        )
        indicator_rows.append(
            [
                name,
                number_text(ind.target, ind.kind, lang),
                number_text(ind.expected, ind.kind, lang),
                number_text(ind.value, ind.kind, lang),
                change_text(ind.change, ind.kind, lang),
                status,
            ]
        )
        if ind.behind:
            deviations.append(
                {
                    "title": name,
                    "text": _lines(_deviation(figures, ind))
                    or i18n.t("report_document.no_text", lang),
                }
            )
        svg = chart_svg(indicator_chart(ind, chart_labels, lang))
        figures_charts.append({"title": name, "status": status if ind.behind else "", "svg": svg})

    keys = ("name", "target", "expected", "value", "change", "status")
    common_rows = [
        [code, common_name(code, lang)]
        + (
            ["–"] * 4
            if row is None
            else [i18n.fmt_int(n, lang) for n in (row.female, row.male, row.other, row.total)]
        )
        for code, row in _common(figures)
    ]
    participants = [
        [_gender(r.gender, lang), i18n.fmt_int(r.started, lang), i18n.fmt_int(r.left, lang)]
        for r in figures.participants
    ]
    participants.append(
        [
            i18n.t("report_document.participants.total", lang),
            i18n.fmt_int(sum(r.started for r in figures.participants), lang),
            i18n.fmt_int(sum(r.left for r in figures.participants), lang),
        ]
    )
    incomplete = i18n.fmt_int(figures.common_incomplete, lang)
    return {
        "lang": lang,
        "project": context.project_name(lang),
        "report": label,
        "title": title,
        "headings": {
            "indicators": i18n.t("report_document.sheet.indicators", lang),
            "deviations": i18n.t("report_document.deviations", lang),
            "charts": i18n.t("report_document.charts", lang),
            "common": i18n.t("report_document.sheet.common", lang),
            "money": i18n.t("report_document.sheet.money", lang),
            "texts": i18n.t("report_document.sheet.texts", lang),
            "participants": i18n.t("report_document.sheet.participants", lang),
        },
        "indicators": _table(
            [i18n.t(f"report_document.indicator.{k}", lang) for k in keys], indicator_rows, "lrrrrl"
        ),
        "deviations": deviations,
        "charts": figures_charts,
        "common": _table(
            [
                i18n.t(f"report_document.common.{k}", lang)
                for k in ("code", "name", *GENDER_KEYS, "total")
            ],
            common_rows,
            "llrrrr",
        ),
        "common_incomplete": f"{i18n.t('report_document.common.incomplete', lang)}: {incomplete}",
        "money": _table(
            [
                i18n.t("report_document.money.item", lang),
                i18n.t("report_document.money.amount", lang),
            ],
            [
                [
                    i18n.t(f"report_document.money.{k}", lang),
                    i18n.fmt_euro(getattr(figures.money, k), 2, lang),
                ]
                for k in MONEY_KEYS
            ],
            "lr",
        ),
        "sections": [
            {
                "title": section_name(s, lang),
                "text": _lines(figures.texts.get(s, "")) or i18n.t("report_document.no_text", lang),
            }
            for s in sections(figures)
        ],
        "participants": _table(
            [
                i18n.t(f"report_document.participants.{k}", lang)
                for k in ("gender", "started", "left")
            ],
            participants,
            "lrr",
        ),
    }


def pdf(figures: ReportFigures, context: DocumentContext, lang: str | None = None) -> bytes:
    """The report as a PDF, typeset by typst from polku/templates/report.typ."""
    return documents.compile_template(TEMPLATE, pdf_data(figures, context, lang))
