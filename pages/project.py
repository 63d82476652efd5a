"""Hanke: the project definition as loaded from data/project.toml — municipalities with their
populations, work packages and phases, targets, budget and staff."""

import pandas as pd
import streamlit as st

from polku import i18n
from polku.ui import data
from polku.ui.state import lang, t
from polku.ui.tables import names

L = lang()
project = data.project_info()
municipalities = data.municipalities()

st.title(t("page.project"))
if project is not None:
    st.subheader(project.name_en if L == "en" and project.name_en else project.name_fi)
    lead = dict(zip(municipalities["code"], municipalities["name"], strict=True))
    st.caption(
        " · ".join(
            [
                project.code,
                t(
                    "project.period",
                    period=i18n.fmt_period(project.start_date, project.end_date, L),
                ),
                t("project.lead", name=lead.get(project.lead_municipality_code, "")),
            ]
        )
    )


def show(frame: pd.DataFrame, labels: dict[str, str], numeric: tuple[str, ...] = ()) -> None:
    """A read-only table; numbers arrive formatted as text, right-aligned."""
    st.dataframe(
        frame,
        hide_index=True,
        height="content",
        column_config={
            column: st.column_config.TextColumn(
                label, alignment="right" if column in numeric else None
            )
            for column, label in labels.items()
        },
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
    st.caption(
        t(
            "project.municipalities.total",
            count=i18n.fmt_int(len(municipalities), L),
            population=i18n.fmt_int(int(municipalities["population"].sum()), L),
        )
    )
    show(
        pd.DataFrame(
            {
                "name": municipalities["name"],
                "code": municipalities["code"],
                "population": [i18n.fmt_int(n, L) for n in municipalities["population"]],
                "share": [i18n.fmt_percent(s, 1, L) for s in municipalities["population_share"]],
            }
        ),
        {
            "name": t("project.col.municipality"),
            "code": t("project.col.code"),
            "population": t("project.col.population"),
            "share": t("project.col.population_share"),
        },
        numeric=("population", "share"),
    )

with tab_plan:
    plan = data.work_plan()
    for _, package in plan.groupby("work_package", sort=False):
        first = package.iloc[0]
        st.subheader(names(package.head(1), "work_package_name")[0])
        st.caption(
            t(
                "project.work_package.scope",
                scope=i18n.code_label("work_package_scope", first["scope"], L),
            )
        )
        for _, phase in package.groupby("phase", sort=False):
            items = phase.dropna(subset=["item"])
            label = f"{phase.iloc[0]['phase_position']}. {names(phase.head(1), 'phase_name')[0]}"
            count = t("project.phase.items", count=i18n.fmt_int(len(items), L))
            with st.expander(f"{label} · {count}"):
                st.dataframe(
                    pd.DataFrame(
                        {
                            "position": items["item_position"].astype("int64"),
                            "item": names(items, "item_name"),
                            "required": items["required"].astype(bool),
                        }
                    ),
                    hide_index=True,
                    height="content",
                    column_config={
                        "position": st.column_config.NumberColumn(t("project.col.position")),
                        "item": st.column_config.TextColumn(t("project.col.item")),
                        "required": st.column_config.CheckboxColumn(t("project.col.required")),
                    },
                )

with tab_targets:
    targets = data.indicators()
    show(
        pd.DataFrame(
            {
                "indicator": names(targets),
                "kind": [i18n.code_label("indicator_kind", k, L) for k in targets["kind"]],
                "target": [
                    i18n.fmt_percent(v, 0, L) if kind == "rate" else i18n.fmt_int(v, L)
                    for kind, v in zip(targets["kind"], targets["target"], strict=True)
                ],
                "note": ["" if pd.isna(n) else str(n) for n in targets["note"]],
            }
        ),
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
    st.caption(
        t(
            "project.budget.totals",
            cost=i18n.fmt_euro(totals.get("cost", 0), 0, L),
            financing=i18n.fmt_euro(totals.get("financing", 0), 0, L),
        )
    )
    show(
        pd.DataFrame(
            {
                "line": names(budget),
                "kind": [i18n.code_label("budget_kind", k, L) for k in budget["kind"]],
                "amount": [i18n.fmt_euro(a, 0, L) for a in budget["amount"]],
                "share": ["" if pd.isna(s) else i18n.fmt_percent(s, 0, L) for s in budget["share"]],
            }
        ),
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
    show(
        pd.DataFrame(
            {
                "role": names(staff),
                "fte": [i18n.fmt_decimal(v, 1, L) for v in staff["fte"]],
            }
        ),
        {"role": t("project.col.role"), "fte": t("project.col.fte")},
        numeric=("fte",),
    )
