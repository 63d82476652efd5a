"""Hanke: the project definition as loaded from data/project.toml — municipalities with their
populations, work packages and phases, targets, budget and staff."""

import streamlit as st

from polku import i18n, present
from polku.ui import data
from polku.ui.state import lang, t
from polku.ui.tables import text_table

L = lang()
project = data.project_info()
municipalities = data.municipalities()

st.title(t("page.project"))
if project is not None:
    st.subheader(project.name_en if L == "en" and project.name_en else project.name_fi)
    lead = dict(zip(municipalities["code"], municipalities["name"], strict=True))
    period = i18n.fmt_period(project.start_date, project.end_date, L)
    st.caption(
        " · ".join(
            [
                project.code,
                t("project.period", period=period),
                t("project.lead", name=lead.get(project.lead_municipality_code, "")),
            ]
        )
    )

tab_municipalities, tab_plan, tab_targets, tab_budget, tab_staff = st.tabs(
    [
        t("project.municipalities"),
        t("project.work_packages"),
        t("project.targets"),
        t("project.budget"),
        t("project.staff"),
    ]
)

with tab_municipalities:
    population = i18n.fmt_int(int(municipalities["population"].sum()), L)
    count = i18n.fmt_int(len(municipalities), L)
    st.caption(t("project.municipalities.total", count=count, population=population))
    text_table(
        present.municipality_table(municipalities, L),
        {
            "name": t("project.col.municipality"),
            "code": t("project.col.code"),
            "population": t("project.col.population"),
            "share": t("project.col.population_share"),
        },
        numeric=("population", "share"),
    )

with tab_plan:
    for _, package in data.work_plan().groupby("work_package", sort=False):
        st.subheader(present.localized(package.iloc[0], L, "work_package_name"))
        scope = i18n.code_label("work_package_scope", package.iloc[0]["scope"], L)
        st.caption(t("project.work_package.scope", scope=scope))
        for _, phase in package.groupby("phase", sort=False):
            items = phase.dropna(subset=["item"])
            name = present.localized(phase.iloc[0], L, "phase_name")
            count = t("project.phase.items", count=i18n.fmt_int(len(items), L))
            with st.expander(f"{phase.iloc[0]['phase_position']}. {name} · {count}"):
                st.dataframe(
                    present.plan_items(items, L),
                    hide_index=True,
                    height="content",
                    column_config={
                        "position": st.column_config.NumberColumn(t("project.col.position")),
                        "item": st.column_config.TextColumn(t("project.col.item")),
                        "required": st.column_config.CheckboxColumn(t("project.col.required")),
                    },
                )

with tab_targets:
    text_table(
        present.target_table(data.indicators(), L),
        {
            "indicator": t("project.col.indicator"),
            "kind": t("project.col.kind"),
            "target": t("project.col.target"),
            "note": t("project.col.note"),
        },
        numeric=("target",),
    )

with tab_budget:
    budget = data.budget()
    totals = budget.groupby("kind")["amount"].sum()
    cost, financing = (i18n.fmt_euro(totals.get(k, 0), 0, L) for k in ("cost", "financing"))
    st.caption(t("project.budget.totals", cost=cost, financing=financing))
    text_table(
        present.budget_table(budget, L),
        {
            "line": t("project.col.budget_line"),
            "kind": t("project.col.kind"),
            "amount": t("project.col.amount"),
            "share": t("project.col.share"),
        },
        numeric=("amount", "share"),
    )

with tab_staff:
    staff = data.staff()
    st.caption(t("project.staff.total", fte=i18n.fmt_decimal(sum(staff["fte"]), 1, L)))
    text_table(
        present.staff_table(staff, L),
        {"role": t("project.col.role"), "fte": t("project.col.fte")},
        numeric=("fte",),
    )
