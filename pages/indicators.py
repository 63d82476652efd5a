"""Mittarit: every indicator over time against its target trajectory, clients by status and
target group, outcomes, employers, and in the region view the municipalities side by side.
Follows the sidebar's municipality and this page's period and target group."""

import pandas as pd
import streamlit as st

from polku import charts, i18n, metrics, privacy
from polku.ui import data, tables
from polku.ui.dashboard import code_names, comparison, kpi_cards, read, show_chart
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
code = municipality()
project = data.project_info()
names = data.municipality_names()
today = metrics.today()
L = lang()

st.title(t("page.indicators"))
if project is None:
    st.stop()

# Filters: the period and the target group (the municipality is the sidebar's)
left, right = st.columns(2)
period = left.date_input(
    t("dash.period"),
    value=(project.start_date, min(today, project.end_date)),
    min_value=project.start_date,
    max_value=project.end_date,
    format=i18n.date_format("input", L),
    key="jakso",
    help=t("dash.period.help"),
)
group_names = code_names("target_group", L)
target_group = right.selectbox(
    t("dash.target_group"),
    ["", *group_names],
    format_func=lambda g: group_names.get(g, t("dash.all_groups")),
    key="kohderyhma",
)
target_group = target_group or None
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (
    project.start_date,
    today,
)  # fmt: skip
end = min(end, today)
scope = names.get(code or "", t("app.region"))
st.caption(
    t(
        "dash.scope",
        scope=scope,
        period=i18n.fmt_period(start, end, L),
        group=group_names.get(target_group or "", t("dash.all_groups")),
    )
)

kpis = read(viewer, "kpis", code, end, target_group)
st.caption(t("dash.cards_cumulative", period=i18n.fmt_period(project.start_date, end, L)))
kpi_cards(kpis, viewer)
if target_group:
    st.caption(t("dash.target_group_note"))
if viewer.suppresses_small_counts:
    st.caption(t("privacy.note"))

LABELS = {
    "actual": t("chart.actual"),
    "expected": t("chart.expected"),
    "target": t("chart.target"),
    "today": t("chart.today"),
    "month": t("chart.month"),
    "clients": t("chart.clients"),
    "status": t("chart.status"),
    "target_group": t("chart.target_group"),
    "stage": t("chart.stage"),
    "municipality": t("chart.municipality"),
    "employers": t("chart.employers"),
    "partnerships": t("chart.partnerships"),
    "bonus_employers": t("chart.bonus_employers"),
    "euros_granted": t("chart.euros_granted"),
    "month_end": t("chart.month"),
}


def shown_values(frame: pd.DataFrame, indicator: str, kind: str, shape: str) -> pd.DataFrame:
    """One indicator's `actual` as the viewer may see it, with `actual_label`."""
    if kind == "rate":
        rate_shape = "rates" if shape == "counts" else shape
        return privacy.protect(frame, viewer, L, shape=rate_shape, value="actual", rate=True)
    if indicator in metrics.PEOPLE_INDICATORS:
        total = None
        if shape == "counts":  # the region's card shows the whole the municipalities add up to
            total = float(kpis[kpis["indicator"] == indicator]["actual"].iloc[0])
        return privacy.protect(frame, viewer, L, shape=shape, value="actual", total=total)  # type: ignore[arg-type]
    out = frame.drop(columns=["numerator", "denominator"], errors="ignore")
    return out.assign(actual_label=[i18n.fmt_int(int(a), L) for a in out["actual"]])


# ---- Each indicator over time -----------------------------------------------------------------
st.header(t("dash.trajectories"))
series = read(viewer, "indicator_series", code, start, end, target_group)
tabs = st.tabs([i18n.localized_name(row, L) for row in kpis.to_dict("records")])
protected: dict[str, pd.DataFrame] = {}
for tab, row in zip(tabs, kpis.to_dict("records"), strict=True):
    indicator, kind = str(row["indicator"]), str(row["kind"])
    one = series[series["indicator"] == indicator].reset_index(drop=True)
    shown = shown_values(one, indicator, kind, "cumulative")
    protected[indicator] = shown
    name = i18n.localized_name(row, L)
    with tab:
        show_chart(
            charts.indicator_trajectory,
            shown[["month_end", "actual", "actual_label", "expected"]],
            tables.shown_table(
                shown,
                {
                    "month_end": LABELS["month"],
                    "actual_label": LABELS["actual"],
                    "expected": LABELS["expected"],
                },
                kind,
            ),
            name=f"{indicator}_{code or 'alue'}",
            key=f"trajectory_{indicator}",
            title=t("chart.trajectory.title", indicator=name, scope=scope),
            kind=kind,
            today=end,
            labels=LABELS,
            lang=L,
        )

# ---- Clients ------------------------------------------------------------------------------------
st.header(t("dash.clients"))
statuses = code_names("client_status", L)
active = read(viewer, "active_by_status", code, start, end, target_group)
active = active.assign(status=[statuses.get(s, s) for s in active["status"]])
active = privacy.protect(
    active,
    viewer,
    L,
    shape="stacked",
    value="clients",
    by="month_end",
    category="status",
    other=t("chart.other_statuses"),
)
show_chart(
    charts.stacked_by_month,
    active,
    tables.shown_table(
        active,
        {
            "month_end": LABELS["month"],
            "status": LABELS["status"],
            "clients_label": LABELS["clients"],
        },
    ),
    name=f"aktiiviset_tilan_mukaan_{code or 'alue'}",
    key="active_by_status",
    title=t("chart.active_by_status.title", scope=scope),
    category="status",
    labels=LABELS,
    lang=L,
    months=metrics.month_ends(start, end),
)
left, right = st.columns(2)
with left:
    new = privacy.protect(
        read(viewer, "new_clients_per_month", code, start, end, target_group),
        viewer,
        L,
        shape="flows",
        value="clients",
        cumulative=protected[metrics.CLIENTS].rename(columns={"actual": "clients"}),
    )
    show_chart(
        charts.bars,
        new,
        tables.shown_table(new, {"month_end": LABELS["month"], "clients_label": LABELS["clients"]}),
        name=f"uudet_asiakkaat_{code or 'alue'}",
        key="new_clients",
        title=t("chart.new_clients.title", scope=scope),
        x="month_end",
        y="clients",
        labels=LABELS,
        lang=L,
        time_axis=True,
    )
with right:
    groups = read(viewer, "clients_by_target_group", code, end)
    by_group = privacy.protect(groups, viewer, L, shape="counts", value="clients")
    by_group["target_group"] = [group_names[g] for g in by_group["target_group"]]
    by_group = by_group[["target_group", "clients", "clients_label"]]
    show_chart(
        charts.bars,
        by_group,
        tables.shown_table(
            by_group, {"target_group": LABELS["target_group"], "clients_label": LABELS["clients"]}
        ),
        name=f"kohderyhmat_{code or 'alue'}",
        key="by_target_group",
        title=t("chart.by_target_group.title", scope=scope),
        x="target_group",
        y="clients",
        labels=LABELS,
        lang=L,
        horizontal=True,
    )

# ---- Municipalities side by side (region view) -------------------------------------------------
if code is None:
    st.header(t("dash.municipalities"))
    side = comparison(viewer, end, target_group)
    pick = st.selectbox(
        t("dash.indicator"),
        list(kpis["indicator"]),
        format_func=lambda i: i18n.localized_name(
            kpis[kpis["indicator"] == i].iloc[0].to_dict(), L
        ),
        key="vertailu",
    )
    kind = str(kpis[kpis["indicator"] == pick]["kind"].iloc[0])
    one = shown_values(
        side[side["indicator"] == pick].reset_index(drop=True), str(pick), kind, "counts"
    )[["name", "actual", "actual_label", "expected", "target"]]
    show_chart(
        charts.against_target,
        one,
        tables.shown_table(
            one,
            {
                "name": LABELS["municipality"],
                "actual_label": LABELS["actual"],
                "expected": LABELS["expected"],
                "target": LABELS["target"],
            },
            kind,
        ),
        name=f"kunnat_{pick}",
        key="against_target",
        title=t("chart.against_target.title"),
        kind=kind,
        labels=LABELS,
        lang=L,
    )

# ---- Outcomes ----------------------------------------------------------------------------------
st.header(t("dash.outcomes"))
funnel = read(viewer, "outcome_funnel", code, end, target_group)
funnel = privacy.protect(funnel, viewer, L, shape="funnel", value="clients")
funnel["stage"] = [t(f"funnel.{s}") for s in funnel["stage"]]
funnel["target_group"] = [group_names.get(g, t("dash.all_groups")) for g in funnel["target_group"]]
show_chart(
    charts.bars,
    funnel,
    tables.shown_table(
        funnel,
        {
            "target_group": LABELS["target_group"],
            "stage": LABELS["stage"],
            "clients_label": LABELS["clients"],
        },
    ),
    name=f"tulokset_{code or 'alue'}",
    key="funnel",
    title=t("chart.funnel.title", scope=scope),
    x="stage",
    y="clients",
    labels=LABELS,
    lang=L,
    color="target_group",
)

# ---- Employers (counts of employers, not of people) --------------------------------------------
st.header(t("dash.employers"))
employers = read(viewer, "employer_series", code, start, end)
left, right = st.columns(2)
with left:
    show_chart(
        charts.employer_lines,
        employers[["month_end", "partnerships", "bonus_employers"]],
        tables.shown_table(
            employers,
            {
                "month_end": LABELS["month"],
                "partnerships": LABELS["partnerships"],
                "bonus_employers": LABELS["bonus_employers"],
            },
        ),
        name=f"tyonantajat_{code or 'alue'}",
        key="employers",
        title=t("chart.employers.title", scope=scope),
        labels=LABELS,
        lang=L,
    )
with right:
    euros = employers.assign(
        euros_granted_label=[i18n.fmt_euro(v, 0, L) for v in employers["euros_granted"]]
    )[["month_end", "euros_granted", "euros_granted_label"]]
    show_chart(
        charts.bars,
        euros,
        tables.shown_table(
            euros, {"month_end": LABELS["month"], "euros_granted_label": LABELS["euros_granted"]}
        ),
        name=f"myonnetyt_eurot_{code or 'alue'}",
        key="euros",
        title=t("chart.euros.title", scope=scope),
        x="month_end",
        y="euros_granted",
        labels=LABELS,
        lang=L,
        time_axis=True,
        value_format=",.0f",
    )
