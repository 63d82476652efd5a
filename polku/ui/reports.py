"""The Raportit page's parts: a report's state and moves, its figures, texts, the
reconciliation with the funder's system and what changed since approval. Every figure and
rule comes from polku/reporting.py; here they only meet their viewer as text."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from polku import checklists, i18n, money, report_documents, reporting
from polku.access import Actor, Permission
from polku.report_figures import (
    DEVIATION_PREFIX,
    IndicatorFigure,
    ReportFigures,
    common_name,
    section_name,
)
from polku.ui import data, feedback
from polku.ui.resources import engine
from polku.ui.state import lang, t
from polku.ui.tables import text_table
from polku.ui.tabs import lazy_tabs
from polku.ui.text import plain

FLASH = "raportit_viesti"
GENDER_COLUMNS = ("female", "male", "other", "total")
BEHIND_ICON, ON_TRACK_ICON = "⚠", "✓"
FUNDER_INPUTS = {"started": "reports.funder_started", "left": "reports.funder_left"}
POLKU_COLUMNS = {"started": "reports.col.polku_started", "left": "reports.col.polku_left"}


def manages(viewer: Actor) -> bool:
    return viewer.may(Permission.MANAGE_REPORTS)


def pick(viewer: Actor) -> str:
    """The report: a payment period's (with its days) or the final report."""
    language = lang()
    periods = data.read(money.payment_periods, None)
    labels = {
        str(r["code"]): f"{r['code']} · {i18n.fmt_period(r['start'], r['end'], language)}"
        for r in periods.to_dict("records")
    }
    labels[reporting.FINAL_REPORT] = t("reports.final")
    code = st.selectbox(
        t("reports.pick"), list(labels), format_func=lambda c: labels[c], key="raportti"
    )
    return str(code)


def _done(text: str) -> None:
    st.session_state[FLASH] = [("success", text)]
    st.rerun()


def _attempt(action: Callable[[], Any], success: str) -> None:
    """Run a write; its refusal is shown in the user's language, its success after a rerun."""
    try:
        action()
    except reporting.ReportProblem as problem:
        st.error(plain(problem.message(lang())), icon=":material/error:")
        return
    _done(success)


def state_and_history(viewer: Actor, code: str) -> reporting.ReportState:
    """The state, who moved it last, and every move with its reason."""
    feedback.show_flash(FLASH)
    rep = data.read(reporting.status, viewer, code)
    st.subheader(t("reports.state", state=i18n.code_label("report_state", rep.state, lang())))
    if rep.state == reporting.APPROVED:
        st.info(t("reports.locked"), icon=":material/lock:")
    moves = data.read(reporting.history, viewer, code)
    if moves.empty:
        st.caption(t("reports.history.none"))
        return rep
    with st.expander(t("reports.history")):
        state = {s: i18n.code_label("report_state", s, lang()) for s in reporting.STATES}
        shown = pd.DataFrame(
            {
                "at": [checklists.fmt_moment(a, lang()) for a in moves["at"]],
                "move": [f"{state[a]} → {state[b]}" for a, b in zip(*_pair(moves), strict=True)],
                "user": moves["user_email"],
                "reason": [r or "" for r in moves["reason"]],
            }
        )
        text_table(shown, {c: t(f"reports.col.{c}") for c in shown.columns})
    return rep


def _pair(moves: pd.DataFrame) -> tuple[list[str], list[str]]:
    return list(moves["from_state"]), list(moves["to_state"])


def _value(indicator: IndicatorFigure, value: float | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else ""
    if indicator.kind == "rate":
        return sign + i18n.fmt_percent(value, 0, lang())
    return sign + i18n.fmt_int(round(value), lang())


def indicators(figures: ReportFigures, names: dict[str, str]) -> None:
    """Each indicator at the end against its target and expected value, its change in the
    period, and whether it is behind (a symbol and words, not colour alone)."""
    st.header(t("reports.indicators"))
    shown = pd.DataFrame(
        {
            "indicator": [names.get(i.code, i.code) for i in figures.indicators],
            "value": [_value(i, i.value) for i in figures.indicators],
            "target": [_value(i, i.target) for i in figures.indicators],
            "expected": [_value(i, i.expected) for i in figures.indicators],
            "change": [_value(i, i.change, signed=True) for i in figures.indicators],
            "progress": [
                f"{BEHIND_ICON} {t('reports.behind')}"
                if i.behind
                else f"{ON_TRACK_ICON} {t('reports.on_track')}"
                for i in figures.indicators
            ],
        }
    )
    numeric = ("value", "target", "expected", "change")
    text_table(shown, {c: t(f"reports.col.{c}") for c in shown.columns}, numeric)
    st.caption(t("reports.indicators.note", end=i18n.fmt_date(figures.end, lang())))


def common(figures: ReportFigures) -> None:
    """The ESF+ common indicators by gender, and how many participants count only in EECO01."""
    st.header(t("reports.common"))
    shown = pd.DataFrame(
        {
            "indicator": [f"{c.code} {common_name(c.code, lang())}" for c in figures.common],
            **{
                g: [i18n.fmt_int(getattr(c, g), lang()) for c in figures.common]
                for g in GENDER_COLUMNS
            },
        }
    )
    text_table(shown, {c: t(f"reports.col.{c}") for c in shown.columns}, GENDER_COLUMNS)
    st.caption(t("reports.incomplete", count=i18n.fmt_int(figures.common_incomplete, lang())))


def euros(value: Decimal) -> str:
    return i18n.fmt_euro(value, 2, lang())


def money_table(viewer: Actor, figures: ReportFigures) -> None:
    """The report's eligible costs and financing, to the cent (to others than admins only
    when they do not stand for one or two persons' pay)."""
    st.header(t("reports.money"))
    if not data.read(reporting.money_shown, viewer, figures.report):
        st.caption(t("reports.money.hidden"))
        return
    shown = pd.DataFrame(
        {
            "amount": [t(f"reports.money.{n}") for n in type(figures.money).model_fields],
            "euros": [euros(v) for v in figures.money.model_dump().values()],
        }
    )
    text_table(shown, {c: t(f"reports.col.{c}") for c in shown.columns}, ("euros",))


def _behind(figures: ReportFigures) -> list[IndicatorFigure]:
    return [i for i in figures.indicators if i.behind]


def texts(viewer: Actor, rep: reporting.ReportState, figures: ReportFigures, names: dict) -> None:
    """The narrative sections and a deviation per indicator behind: a form for admins while
    the report is a draft, the texts as written otherwise."""
    st.header(t("reports.texts"))
    parts = [(s, section_name(s, lang())) for s in reporting.sections(rep.code)]
    parts += [
        (f"{DEVIATION_PREFIX}{i.code}", t("reports.deviation", indicator=names.get(i.code, i.code)))
        for i in _behind(figures)
    ]
    if not (manages(viewer) and rep.state == reporting.DRAFT):
        for section, title in parts:
            st.subheader(title)
            st.text(figures.texts.get(section) or t("reports.text.empty"))
        return
    with st.form(f"raportti_tekstit_{rep.code}_{rep.version}"):
        bodies = {
            section: st.text_area(
                title, value=figures.texts.get(section, ""), key=f"teksti_{section}_{rep.version}"
            )
            for section, title in parts
        }
        if st.form_submit_button(t("reports.save_texts"), key="raportti_tallenna"):
            _attempt(
                lambda: reporting.save_texts(engine(), viewer, rep.code, rep.version, bodies),
                t("reports.texts_saved"),
            )


def _move(viewer: Actor, rep: reporting.ReportState, name: str, reason: str | None = None) -> None:
    target = i18n.code_label("report_state", reporting.MOVES[name][1], lang())
    _attempt(
        lambda: reporting.move(engine(), viewer, rep.code, name, rep.version, reason),
        t("reports.moved", state=target),
    )


def moves(
    viewer: Actor, rep: reporting.ReportState, figures: ReportFigures, names: dict[str, str]
) -> None:
    """The state moves the user may make; submitting names what is still missing, reopening
    asks for a reason."""
    allowed = reporting.allowed_moves(viewer, rep.state)
    if not allowed:
        return
    st.header(t("reports.moves"))
    if "submit" in allowed:
        for code in reporting.missing_deviations(figures):
            indicator = names.get(code, code)
            st.warning(t("reports.needs_deviation", indicator=indicator), icon=":material/warning:")
        for section in reporting.missing_sections(figures):
            st.warning(t("reports.needs_section", section=section_name(section, lang())))
    for name in allowed:
        if name != "reopen":
            if st.button(t(f"reports.move.{name}"), key=f"raportti_{name}"):
                _move(viewer, rep, name)
            continue
        with st.form(f"raportti_avaa_{rep.code}_{rep.version}"):
            reason = st.text_area(t("reports.reason"), key=f"syy_{rep.version}")
            if st.form_submit_button(t("reports.move.reopen"), key="raportti_reopen"):
                _move(viewer, rep, name, reason)


def _count(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else i18n.fmt_int(int(value), lang())


def _gender(code: Any) -> str:
    if code is None or pd.isna(code):
        return t("reports.gender_missing")
    return i18n.code_label("gender", str(code), lang())


def reconciliation(viewer: Actor, code: str) -> None:
    """The funder's participant counts (admins enter them) beside Polku's, and the difference;
    a missing funder number shows as "–"."""
    st.header(t("reports.reconciliation"))
    st.caption(t("reports.reconciliation.note"))
    frame = data.read(reporting.reconciliation, viewer, code)
    if manages(viewer):
        with st.form(f"raportti_eura_{code}"):
            counts: dict[str, tuple[int | None, int | None]] = {}
            for row in frame.dropna(subset=["gender"]).to_dict("records"):
                left, right = st.columns(2)
                gender = str(row["gender"])
                counts[gender] = tuple(  # type: ignore[assignment]
                    column.number_input(
                        t(FUNDER_INPUTS[part], gender=_gender(gender)),
                        min_value=0,
                        step=1,
                        value=None
                        if pd.isna(row[f"funder_{part}"])
                        else int(row[f"funder_{part}"]),
                        key=f"eura_{code}_{gender}_{part}",
                    )
                    for column, part in ((left, "started"), (right, "left"))
                )
            if st.form_submit_button(t("reports.save_reconciliation"), key="raportti_eura"):
                _attempt(
                    lambda: reporting.save_reconciliation(engine(), viewer, code, counts),
                    t("reports.reconciliation_saved"),
                )
    shown = pd.DataFrame(
        {
            "gender": [_gender(g) for g in frame["gender"]],
            **{c: [_count(v) for v in frame[c]] for c in reporting.RECONCILIATION_COLUMNS[1:]},
        }
    )
    text_table(
        shown,
        {c: t(f"reports.col.{c}") for c in shown.columns},
        tuple(reporting.RECONCILIATION_COLUMNS[1:]),
    )


def _figure_name(kind: str, code: str, names: dict[str, str]) -> str:
    if kind == "indicator":
        return names.get(code, code)
    if kind == "money":
        return t(f"reports.money.{code}")
    if kind == "common":
        indicator, _, gender = code.partition("/")
        if indicator == "incomplete":
            return t("reports.col.incomplete")
        return f"{indicator} {common_name(indicator, lang())} · {t(f'reports.col.{gender}')}"
    gender, _, part = code.partition("/")
    return f"{_gender(None if gender == '-' else gender)} · {t(POLKU_COLUMNS[part])}"


def _number(kind: str, value: Decimal) -> str:
    if kind == "money":
        return euros(value)
    return i18n.fmt_decimal(value, 0 if value == value.to_integral() else 2, lang())


def changes(viewer: Actor, code: str, names: dict[str, str]) -> None:
    """After a reopening or when today's figures differ: the approved figures beside today's
    (those that changed) and each audited change of the period's data since approval."""
    found = data.read(reporting.changes_since_approval, viewer, code)
    if found is None or not found.shown:
        return
    st.header(t("reports.changes"))
    when = checklists.fmt_moment(found.taken_at, lang()) or "–"
    st.warning(
        t("reports.changes.reopened" if found.reopened else "reports.changes.differ", at=when),
        icon=":material/history:",
    )
    differ = found.figures[found.figures["difference"] != 0]
    if differ.empty:
        st.caption(t("reports.changes.same"))
    else:
        shown = pd.DataFrame(
            {
                "figure": [
                    _figure_name(k, c, names)
                    for k, c in zip(differ["kind"], differ["code"], strict=True)
                ],
                **{
                    col: [_number(k, v) for k, v in zip(differ["kind"], differ[col], strict=True)]
                    for col in ("snapshot", "now", "difference")
                },
            }
        )
        text_table(
            shown,
            {c: t(f"reports.col.{c}") for c in shown.columns},
            ("snapshot", "now", "difference"),
        )
    st.subheader(t("reports.changes.list"))
    listed = found.changes
    if listed.empty:
        st.caption(t("reports.changes.none"))
        return
    shown = pd.DataFrame(
        {
            "at": [checklists.fmt_moment(a, lang()) for a in listed["at"]],
            "user": listed["user_email"],
            "entity": [t(f"reports.entity.{e}") for e in listed["entity"]],
            "entity_id": [v or "" for v in listed["entity_id"]],
            "field": [v or "" for v in listed["field"]],
            "old": [v or "–" for v in listed["old"]],
            "new": [v or "–" for v in listed["new"]],
        }
    )
    text_table(shown, {c: t(f"reports.col.{c}") for c in shown.columns})


SECTION_TAB_KEY = "raportti_osio"


def sections(
    viewer: Actor, rep: reporting.ReportState, figures: ReportFigures, names: dict[str, str]
) -> None:
    """The report's figures, its texts with the state moves, and the reconciliation with the
    funder's system, each a tab; only the open one is read and drawn."""

    def numbers() -> None:
        indicators(figures, names)
        common(figures)
        money_table(viewer, figures)

    def writing() -> None:
        texts(viewer, rep, figures, names)
        moves(viewer, rep, figures, names)

    lazy_tabs(
        {
            "reports.tab.figures": numbers,
            "reports.tab.texts": writing,
            "reports.tab.reconciliation": lambda: reconciliation(viewer, rep.code),
        },
        SECTION_TAB_KEY,
    )


def downloads(viewer: Actor, stated: reporting.Stated) -> None:
    """The report as the funder's workbook and as a PDF, made when the button is pressed: for
    admins, who file it (the documents hold the period's money to the cent)."""
    if not manages(viewer):
        return
    figures = stated.figures

    def document(write: Callable[..., bytes]) -> Callable[[], bytes]:
        def made() -> bytes:
            context = report_documents.document_context(
                engine(), figures.report, stated.state, stated.approved_on, lang()
            )
            return write(figures, context, lang())

        return made

    name = f"{t('reports.file_name')}-{figures.report}"
    left, right = st.columns(2)
    left.download_button(
        t("reports.download.xlsx"),
        document(report_documents.workbook),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        on_click="ignore",
    )
    right.download_button(
        t("reports.download.pdf"),
        document(report_documents.pdf),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
