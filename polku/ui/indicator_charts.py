"""The Mittarit page's parts: its filters and its sections of charts. Values come from the
typed reads of polku.ui.dashboard and meet their viewer in polku.present."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from polku import charts, i18n, metrics, present
from polku.access import Actor
from polku.ui import dashboard, tables
from polku.ui.dashboard import show_chart
from polku.ui.state import lang, t
from polku.ui.tabs import lazy_tabs


def labels() -> dict[str, str]:
    """The charts' axis and legend titles in the session's language."""
    return charts.dashboard_labels(lang())


@dataclass(frozen=True)
class View:
    """What the page shows: the viewer, the municipality (None: the region), the period and
    the target group (None: all), with the names the charts need."""

    viewer: Actor
    code: str | None
    start: date
    end: date
    target_group: str | None
    group_names: dict[str, str]
    scope: str
    labels: dict[str, str]

    def file(self, stem: str) -> str:
        return f"{stem}_{self.code or 'alue'}"


def filters(viewer: Actor, code: str | None, project: metrics.ProjectInfo, scope: str) -> View:
    """The period and target-group pickers (the municipality is the sidebar's) and the caption
    saying what is shown."""
    today = metrics.today()
    language = lang()
    left, right = st.columns(2)
    period = left.date_input(
        t("dash.period"),
        value=(project.start_date, min(today, project.end_date)),
        min_value=project.start_date,
        max_value=project.end_date,
        format=i18n.date_format("input", language),
        key="jakso",
        help=t("dash.period.help"),
    )
    group_names = dashboard.code_names("target_group", language)
    picked = right.selectbox(
        t("dash.target_group"),
        ["", *group_names],
        format_func=lambda g: group_names.get(g, t("dash.all_groups")),
        key="kohderyhma",
    )
    start, end = project.start_date, today
    if isinstance(period, tuple) and period:
        start, end = period[0], period[-1]
    end = min(end, today)
    st.caption(
        t(
            "dash.scope",
            scope=scope,
            period=i18n.fmt_period(start, end, language),
            group=group_names.get(picked or "", t("dash.all_groups")),
        )
    )
    return View(viewer, code, start, end, picked or None, group_names, scope, labels())


SECTION_TAB_KEY = "osio"
TRAJECTORY_TAB_KEY = "mittari"


def sections(view: View, kpis: pd.DataFrame) -> None:
    """The page's sections as tabs; only the open one is read and drawn (opening another
    reruns the page), so the first view costs one section, not five."""
    parts: dict[str, Callable[[View, pd.DataFrame], None]] = {
        "dash.trajectories": trajectories,
        "dash.clients": clients,
        "dash.municipalities": municipalities,
        "dash.outcomes": outcomes,
        "dash.employers": employers,
    }
    if view.code is not None:  # the municipalities side by side: the region view only
        del parts["dash.municipalities"]
    lazy_tabs({k: partial(draw, view, kpis) for k, draw in parts.items()}, SECTION_TAB_KEY)


def shown_indicator(view: View, row: dict) -> pd.DataFrame:
    """One indicator's course (a row of the kpis) as its viewer may see it."""
    series = dashboard.indicator_series(
        view.viewer, view.code, view.start, view.end, view.target_group
    )
    indicator = str(row["indicator"])
    return present.indicator_values(
        series[series["indicator"] == indicator].reset_index(drop=True),
        view.viewer,
        lang(),
        indicator=indicator,
        kind=str(row["kind"]),
    )


def trajectories(view: View, kpis: pd.DataFrame) -> None:
    """A tab per indicator: its course against the target trajectory, drawn only in the open
    tab (opening another reruns the page)."""
    st.header(t("dash.trajectories"))
    language, L = lang(), view.labels

    def draw(row: dict) -> None:
        indicator, kind = str(row["indicator"]), str(row["kind"])
        shown = shown_indicator(view, row)
        columns = {"month_end": L["month"], "actual_label": L["actual"], "expected": L["expected"]}
        name = i18n.localized_name(row, language)
        show_chart(
            charts.indicator_trajectory,
            shown[["month_end", "actual", "actual_label", "expected"]],
            tables.shown_table(shown, columns, kind),
            name=view.file(indicator),
            key=f"trajectory_{indicator}",
            title=t("chart.trajectory.title", indicator=name, scope=view.scope),
            kind=kind,
            today=view.end,
            labels=L,
            lang=language,
        )

    rows = kpis.to_dict("records")
    parts = {i18n.localized_name(row, language): partial(draw, row) for row in rows}
    lazy_tabs(parts, TRAJECTORY_TAB_KEY, translate=False)


def clients(view: View, kpis: pd.DataFrame) -> None:
    """Active clients by status; new clients per month (agreeing with the clients indicator as
    shown in its trajectory); clients by target group."""
    st.header(t("dash.clients"))
    language, L, viewer = lang(), view.labels, view.viewer
    active = present.status_months(
        dashboard.active_by_status(viewer, view.code, view.start, view.end, view.target_group),
        dashboard.code_names("client_status", language),
        viewer,
        language,
        t("chart.other_statuses"),
    )
    show_chart(
        charts.stacked_by_month,
        active,
        tables.shown_table(
            active,
            {"month_end": L["month"], "status": L["status"], "clients_label": L["clients"]},
        ),
        name=view.file("aktiiviset_tilan_mukaan"),
        key="active_by_status",
        title=t("chart.active_by_status.title", scope=view.scope),
        category="status",
        labels=L,
        lang=language,
        months=metrics.month_ends(view.start, view.end),
    )
    left, right = st.columns(2)
    with left:
        read = dashboard.new_clients_per_month(
            viewer, view.code, view.start, view.end, view.target_group
        )
        (clients_row,) = [r for r in kpis.to_dict("records") if r["indicator"] == metrics.CLIENTS]
        shown = shown_indicator(view, clients_row)
        new = present.new_clients(read, shown, viewer, language)
        show_chart(
            charts.bars,
            new,
            tables.shown_table(new, {"month_end": L["month"], "clients_label": L["clients"]}),
            name=view.file("uudet_asiakkaat"),
            key="new_clients",
            title=t("chart.new_clients.title", scope=view.scope),
            x="month_end",
            y="clients",
            labels=L,
            lang=language,
            time_axis=True,
        )
    with right:
        groups = dashboard.clients_by_target_group(viewer, view.code, view.end)
        by_group = present.target_groups(groups, view.group_names, viewer, language)
        show_chart(
            charts.bars,
            by_group,
            tables.shown_table(
                by_group, {"target_group": L["target_group"], "clients_label": L["clients"]}
            ),
            name=view.file("kohderyhmat"),
            key="by_target_group",
            title=t("chart.by_target_group.title", scope=view.scope),
            x="target_group",
            y="clients",
            labels=L,
            lang=language,
            horizontal=True,
        )


def municipalities(view: View, kpis: pd.DataFrame) -> None:
    """The region view: one picked indicator in every municipality against its target."""
    st.header(t("dash.municipalities"))
    language, L = lang(), view.labels
    side = dashboard.comparison(view.viewer, view.end, view.target_group)
    cards = {str(r["indicator"]): r for r in kpis.to_dict("records")}
    pick = str(
        st.selectbox(
            t("dash.indicator"),
            list(cards),
            format_func=lambda i: i18n.localized_name(cards[i], language),
            key="vertailu",
        )
    )
    kind = str(cards[pick]["kind"])
    one = present.comparison_values(side, kpis, pick, view.viewer, language)
    columns = {
        "name": L["municipality"],
        "actual_label": L["actual"],
        "expected": L["expected"],
        "target": L["target"],
    }
    show_chart(
        charts.against_target,
        one,
        tables.shown_table(one, columns, kind),
        name=f"kunnat_{pick}",
        key="against_target",
        title=t("chart.against_target.title"),
        kind=kind,
        labels=L,
        lang=language,
    )


def outcomes(view: View, kpis: pd.DataFrame) -> None:
    """The outcome funnel by target group."""
    st.header(t("dash.outcomes"))
    language, L = lang(), view.labels
    read = dashboard.outcome_funnel(view.viewer, view.code, view.end, view.target_group)
    funnel = present.funnel(read, view.group_names, view.viewer, language)
    columns = {
        "target_group": L["target_group"],
        "stage": L["stage"],
        "clients_label": L["clients"],
    }
    show_chart(
        charts.bars,
        funnel,
        tables.shown_table(funnel, columns),
        name=view.file("tulokset"),
        key="funnel",
        title=t("chart.funnel.title", scope=view.scope),
        x="stage",
        y="clients",
        labels=L,
        lang=language,
        color="target_group",
    )


def employers(view: View, kpis: pd.DataFrame) -> None:
    """Employers (counts of employers, not of people) and euros granted."""
    st.header(t("dash.employers"))
    language, L = lang(), view.labels
    series = dashboard.employer_series(view.viewer, view.code, view.start, view.end)
    left, right = st.columns(2)
    with left:
        columns = {
            "month_end": L["month"],
            "partnerships": L["partnerships"],
            "bonus_employers": L["bonus_employers"],
        }
        show_chart(
            charts.employer_lines,
            series[["month_end", "partnerships", "bonus_employers"]],
            tables.shown_table(series, columns),
            name=view.file("tyonantajat"),
            key="employers",
            title=t("chart.employers.title", scope=view.scope),
            labels=L,
            lang=language,
        )
    with right:
        euros = present.euros(series, language)
        show_chart(
            charts.bars,
            euros,
            tables.shown_table(
                euros, {"month_end": L["month"], "euros_granted_label": L["euros_granted"]}
            ),
            name=view.file("myonnetyt_eurot"),
            key="euros",
            title=t("chart.euros.title", scope=view.scope),
            x="month_end",
            y="euros_granted",
            labels=L,
            lang=language,
            time_axis=True,
            value_format=",.0f",
        )
