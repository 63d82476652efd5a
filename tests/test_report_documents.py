"""The report's documents (issue 16 point 5): the workbook read back with openpyxl and the
PDF's text extracted with pypdf, from figures written here and from the sample database's
real numbers (both backends); the `report followup` and `report final` commands."""

from __future__ import annotations

import io
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session

from models import FINAL_REPORT, Report, ReportEvent, ReportSnapshot
from polku import i18n, metrics, money, report_documents, sample
from polku.payment_application import UnknownPeriod
from polku.report_figures import (
    COMMON_CODES,
    FINAL_SECTIONS,
    PERIOD_SECTIONS,
    CommonFigure,
    IndicatorFigure,
    MoneyFigures,
    ParticipantCount,
    ReportFigures,
    common_name,
    section_name,
)
from polku.users import SYSTEM
from tests.test_cli import polku

NBSP = "\u00a0"
# A narrative text full of typst's special characters: it must print as written
TYPST_TEXT = r"Kohta #1: $5 *tähti* [x] \ <nimi> _alle_ @viite"
FORMULA_TEXT = "=SUM(A1:A9) ei ole kaava"
DEVIATION = "=HYPERLINK(1) selitys: asiakkaita tuli hitaammin"
CONTEXT = report_documents.DocumentContext(
    report="MK1",
    project_names={"fi": "Toimivat välityömarkkinat", "en": "Working labour markets"},
    indicator_names={
        "clients": {"fi": "Asiakkaat", "en": "Clients"},
        "plan_goal_reached": {"fi": "Tavoitteen saavuttaneet", "en": "Goal reached"},
    },
    state="approved",
    approved_on=date(2026, 10, 15),
    as_of=date(2026, 10, 15),
)


def _figures(report: str = "MK1") -> ReportFigures:
    return ReportFigures(
        report=report,
        start=date(2026, 3, 1),
        end=date(2026, 8, 31),
        indicators=(
            # behind: 1 234,5 expected, 1 001 reached
            IndicatorFigure(
                code="clients", kind="count", target=4000, expected=1234.5, value=1001, change=340
            ),
            IndicatorFigure(
                code="plan_goal_reached",
                kind="rate",
                target=0.7,
                expected=0.7,
                value=0.755,
                change=-0.031,
            ),
        ),
        common=tuple(
            CommonFigure(code=code, female=10 + i, male=20 + i, other=i % 2, total=1000 + i)
            for i, code in enumerate(COMMON_CODES)
        ),
        common_incomplete=7,
        money=MoneyFigures(
            eligible_salaries=Decimal("12345.67"),
            flat_rate=Decimal("4938.27"),
            total=Decimal("17283.94"),
            esf=Decimal("13827.15"),
            municipal=Decimal("3456.79"),
            cumulative_total=Decimal("17283.94"),
            planned_total=Decimal("250000.01"),
        ),
        participants=(
            ParticipantCount(gender="female", started=12, left=3),
            ParticipantCount(gender="male", started=15, left=4),
            ParticipantCount(gender=None, started=1, left=0),
        ),
        texts={
            "activities": TYPST_TEXT,
            "results": FORMULA_TEXT,
            "deviation:clients": DEVIATION,
            **({"continuation": "Toiminta jatkuu kunnissa."} if report == FINAL_REPORT else {}),
        },
    )


def _pdf_text(content: bytes) -> str:
    """The PDF's text with every run of white space one space (no-break spaces too)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _plain(text: str) -> str:
    return " ".join(text.split())


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def _t(key: str, lang: str, **values) -> str:
    return i18n.t(f"report_document.{key}", lang, **values)


# ---------------------------------------------------------------------------------------------
# The workbook


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_workbook_has_a_sheet_per_part_and_every_figure_in_a_cell(lang: str) -> None:
    figures = _figures()
    book = load_workbook(io.BytesIO(report_documents.workbook(figures, CONTEXT, lang)))
    sheets = ("cover", "indicators", "common", "money", "texts", "participants")
    assert book.sheetnames == [_t(f"sheet.{s}", lang) for s in sheets]
    cover, indicators, common, euros, texts, participants = (book[n] for n in book.sheetnames)

    items = dict(_rows(cover)[1:])
    assert items[_t("project", lang)] == CONTEXT.project_names[lang]
    assert items[_t("report", lang)] == CONTEXT.label(lang)
    assert items[_t("start", lang)].date() == figures.start
    assert items[_t("end", lang)].date() == figures.end
    assert items[_t("state", lang)] == i18n.t("report_state.approved", lang)
    assert items[_t("approved_on", lang)].date() == date(2026, 10, 15)

    # One indicator per row: code, name, target, expected, value, change, status, explanation
    rows = _rows(indicators)
    assert rows[0][0] == _t("indicator.code", lang)
    by_code = {row[0]: row for row in rows[1:]}
    for ind in figures.indicators:
        row = by_code[ind.code]
        assert row[1] == CONTEXT.indicator_names[ind.code][lang]
        assert row[2:6] == pytest.approx((ind.target, ind.expected, ind.value, ind.change))
        status = "indicator.behind" if ind.behind else "indicator.on_track"
        assert row[6] == _t(status, lang)
    assert by_code["clients"][7] == DEVIATION
    assert by_code["plan_goal_reached"][7] is None
    # Rates show as percentages, counts as numbers (Excel groups thousands as the reader does)
    formats = {row[0].value: [c.number_format for c in row[2:6]] for row in indicators.iter_rows()}
    assert formats["clients"] == ["#,##0", "#,##0.0", "#,##0", "#,##0"]
    assert formats["plan_goal_reached"][:3] == ["0 %"] * 3

    # Every common indicator in the funder's order, by gender, and the incomplete ones
    rows = _rows(common)
    assert [r[0] for r in rows[1 : 1 + len(COMMON_CODES)]] == list(COMMON_CODES)
    for row, fig in zip(rows[1:], figures.common, strict=False):
        assert row == (
            fig.code,
            common_name(fig.code, lang),
            fig.female,
            fig.male,
            fig.other,
            fig.total,
        )
    assert rows[-1][1] == _t("common.incomplete", lang) and rows[-1][5] == 7

    amounts = dict(_rows(euros)[1:])
    assert Decimal(str(amounts[_t("money.total", lang)])) == Decimal("17283.94")
    assert Decimal(str(amounts[_t("money.planned_total", lang)])) == Decimal("250000.01")

    # A section per row; text that looks like a formula stays text
    rows = _rows(texts)
    assert [r[0] for r in rows[1:]] == [section_name(s, lang) for s in PERIOD_SECTIONS]
    assert rows[1][1] == TYPST_TEXT and rows[2][1] == FORMULA_TEXT
    for sheet, text in ((texts, FORMULA_TEXT), (indicators, DEVIATION)):
        cell = next(c for row in sheet.iter_rows() for c in row if c.value == text)
        assert cell.data_type == "s"

    rows = _rows(participants)
    gender = lambda key: _t(f"participants.{key}" if key == "unknown" else f"common.{key}", lang)  # noqa: E731
    assert rows[1:] == [
        (gender("female"), 12, 3),
        (gender("male"), 15, 4),
        (gender("unknown"), 1, 0),
        (_t("participants.total", lang), 28, 7),
    ]


def test_the_final_reports_workbook_has_the_final_sections() -> None:
    figures = _figures(FINAL_REPORT)
    context = report_documents.DocumentContext(
        report=FINAL_REPORT, project_names=CONTEXT.project_names, indicator_names={}
    )
    book = load_workbook(io.BytesIO(report_documents.workbook(figures, context, "fi")))
    rows = _rows(book[_t("sheet.texts", "fi")])
    assert [r[0] for r in rows[1:]] == [section_name(s, "fi") for s in FINAL_SECTIONS]
    assert dict(rows[1:])[section_name("continuation", "fi")] == "Toiminta jatkuu kunnissa."
    assert dict(_rows(book[_t("sheet.cover", "fi")])[1:])[_t("report", "fi")] == "Loppuraportti"


# ---------------------------------------------------------------------------------------------
# The PDF


def test_the_pdf_states_the_figures_in_finnish_and_prints_user_text_as_written() -> None:
    figures = _figures()
    content = report_documents.pdf(figures, CONTEXT, "fi")
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "Toimivat välityömarkkinat" in text
    assert "Seurantaraportti MK1" in text
    assert "1.3.2026–31.8.2026" in text and "15.10.2026" in text  # period, approval day
    # Finnish numbers: a space between thousands, a decimal comma, a space before %
    for shown in ("4 000", "1 234,5", "1 001", "+340", "76 %", "70 %", "17 283,94 €"):
        assert shown in text, shown
    assert "1,234.5" not in text and "76%" not in text
    # The indicator behind its expected value is marked in words, with its explanation
    assert _t("indicator.behind", "fi") in text
    assert _t("indicator.on_track", "fi") in text
    assert DEVIATION in text
    # Every common indicator's total, and the participants missing a mandatory value
    for fig in figures.common:
        assert f"{fig.code} {_plain(common_name(fig.code, 'fi'))}" in text
        assert i18n.fmt_int(fig.total, "fi").replace(NBSP, " ") in text
    assert f"{_plain(_t('common.incomplete', 'fi'))}: 7" in text
    # User text is text, never typst markup
    assert TYPST_TEXT in text
    assert FORMULA_TEXT in text
    for section in PERIOD_SECTIONS:
        assert _plain(section_name(section, "fi")) in text
    assert _plain(section_name("continuation", "fi")) not in text


def test_the_pdf_in_english_uses_english_formats() -> None:
    text = _pdf_text(report_documents.pdf(_figures(), CONTEXT, "en"))
    assert "Working labour markets" in text and "Follow-up report MK1" in text
    for shown in ("4,000", "1,234.5", "76%", "15 Oct 2026", "€17,283.94"):
        assert shown in text, shown
    assert TYPST_TEXT in text


def test_the_final_reports_pdf_has_the_final_sections() -> None:
    context = report_documents.DocumentContext(
        report=FINAL_REPORT,
        project_names=CONTEXT.project_names,
        indicator_names=CONTEXT.indicator_names,
    )
    text = _pdf_text(report_documents.pdf(_figures(FINAL_REPORT), context, "fi"))
    assert "Loppuraportti" in text
    for section in FINAL_SECTIONS:
        assert _plain(section_name(section, "fi")) in text
    assert "Toiminta jatkuu kunnissa." in text


def test_the_pdf_is_the_same_bytes_each_time_and_quick() -> None:
    figures = _figures()
    first = report_documents.pdf(figures, CONTEXT, "fi")
    started = time.perf_counter()
    again = report_documents.pdf(figures, CONTEXT, "fi")
    assert time.perf_counter() - started < 2
    assert again == first


# ---------------------------------------------------------------------------------------------
# From the sample database's numbers, and the command line


def _sample_figures(engine: Engine, code: str) -> ReportFigures:
    """The report's figures from polku/metrics.py and polku/money.py, as reporting does."""
    chosen = money.payment_periods(engine).set_index("code").loc[code]
    start, end = chosen["start"], chosen["end"]
    at_end = metrics.kpis(engine, SYSTEM, None, end)
    before = metrics.kpis(engine, SYSTEM, None, start - timedelta(days=1)).set_index("indicator")
    period = money.costs_by_period(engine, SYSTEM, end).set_index("code").loc[code]
    euro = lambda key: Decimal(str(period[key])).quantize(Decimal("0.01"))  # noqa: E731
    return ReportFigures(
        report=code,
        start=start,
        end=end,
        indicators=tuple(
            IndicatorFigure(
                code=row["indicator"],
                kind=row["kind"],
                target=row["target"],
                expected=row["expected"],
                value=row["actual"],
                change=row["actual"] - before.at[row["indicator"], "actual"],
            )
            for row in at_end.to_dict("records")
        ),
        common=(CommonFigure(code="EECO01", female=3, male=4, other=0, total=1234),),
        common_incomplete=0,
        money=MoneyFigures(
            **{key: euro(key) for key in (*money.AMOUNTS, "cumulative_total", "planned_total")}
        ),
        participants=(),
        texts={"activities": TYPST_TEXT},
    )


@pytest.fixture
def sampled(engine: Engine) -> Engine:
    with Session(engine) as session:
        sample.load_sample(session, scale=0.2)
        session.commit()
    return engine


def test_the_documents_of_the_sample_databases_period(sampled: Engine, tmp_path: Path) -> None:
    figures = _sample_figures(sampled, "MK1")
    assert any(ind.value > 0 for ind in figures.indicators)
    context = report_documents.document_context(sampled, "MK1", "draft", None, "fi")
    project = metrics.project_info(sampled)
    assert project is not None and context.project_name("fi") == project.name_fi
    names = metrics.indicators(sampled).set_index("code")

    book = load_workbook(io.BytesIO(report_documents.workbook(figures, context)))
    rows = {r[0]: r for r in _rows(book[_t("sheet.indicators", "fi")])[1:]}
    assert list(rows) == list(names.index)
    for ind in figures.indicators:
        assert rows[ind.code][1] == names.at[ind.code, "name_fi"]
        assert rows[ind.code][2:6] == pytest.approx(
            (ind.target, ind.expected, ind.value, ind.change), abs=0.05
        )

    text = _pdf_text(report_documents.pdf(figures, context))
    assert _plain(project.name_fi) in text
    for ind in figures.indicators:
        assert _plain(names.at[ind.code, "name_fi"]) in text
        shown = (
            i18n.fmt_percent(ind.value, 0, "fi")
            if ind.kind == "rate"
            else i18n.fmt_int(ind.value, "fi")
        )
        assert shown.replace(NBSP, " ") in text
    assert "1 234" in text  # EECO01's total
    assert i18n.fmt_euro(figures.money.total, 2, "fi").replace(NBSP, " ") in text
    assert TYPST_TEXT in text

    with pytest.raises(UnknownPeriod):
        report_documents.document_context(sampled, "MK99", None, None, "fi")


def test_the_report_command_writes_both_formats_and_refuses_bad_input(
    sampled: Engine, db_url: str, tmp_path: Path
) -> None:
    xlsx, pdf = tmp_path / "mk1.xlsx", tmp_path / "loppu.pdf"
    result = polku("report", "followup", "--period", "MK1", "--out", str(xlsx), database_url=db_url)
    assert result.returncode == 0, result.stderr
    book = load_workbook(xlsx)
    assert book.sheetnames[0] == _t("sheet.cover", "fi")
    cover = dict(_rows(book.worksheets[0])[1:])
    assert cover[_t("report", "fi")] == "Seurantaraportti MK1"
    assert cover[_t("end", "fi")].date() == date(2026, 8, 31)

    result = polku("report", "final", "--out", str(pdf), "--lang", "en", database_url=db_url)
    assert result.returncode == 0, result.stderr
    text = _pdf_text(pdf.read_bytes())
    assert "Final report" in text
    for section in FINAL_SECTIONS:
        assert _plain(section_name(section, "en")) in text

    # An approved report's documents state the figures frozen at its approval
    frozen = _figures()
    with Session(sampled) as session:
        session.add(Report(code="MK1", state="approved"))
        session.flush()
        event = ReportEvent(
            report_code="MK1",
            from_state="submitted",
            to_state="approved",
            user_email="admin@x.fi",
            at=datetime(2026, 10, 15, 9, 0),
        )
        session.add(event)
        session.flush()
        assert event.id is not None
        session.add(ReportSnapshot(report_code="MK1", event_id=event.id, figures=frozen.to_json()))
        session.commit()
    result = polku("report", "followup", "--period", "MK1", "--out", str(xlsx), database_url=db_url)
    assert result.returncode == 0, result.stderr
    book = load_workbook(xlsx)
    cover = dict(_rows(book.worksheets[0])[1:])
    assert cover[_t("state", "fi")] == "Hyväksytty"
    assert cover[_t("approved_on", "fi")].date() == date(2026, 10, 15)
    values = {r[0]: r[4] for r in _rows(book[_t("sheet.indicators", "fi")])[1:]}
    assert values == {ind.code: pytest.approx(ind.value, abs=0.005) for ind in frozen.indicators}
    assert _rows(book[_t("sheet.texts", "fi")])[2][1] == FORMULA_TEXT

    refused = polku(
        "report", "followup", "--period", "MK99", "--out", str(xlsx), database_url=db_url
    )
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "MK99" in refused.stderr
    wrong = polku("report", "final", "--out", str(tmp_path / "r.docx"), database_url=db_url)
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "r.docx" in wrong.stderr
    assert not (tmp_path / "r.docx").exists()
