"""Mittarit: every indicator over time against its target trajectory, clients by status and
target group, outcomes, employers, and in the region view the municipalities side by side,
each a tab of its own. Follows the sidebar's municipality and this page's period and target
group."""

import streamlit as st

from polku import i18n
from polku.ui import dashboard, data, indicator_charts
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
code = municipality()
project = data.project_info()

st.title(t("page.indicators"))
if project is None:
    st.stop()

scope = data.municipality_names().get(code or "", t("app.region"))
view = indicator_charts.filters(viewer, code, project, scope)

kpis = dashboard.kpis(viewer, code, view.end, view.target_group)
st.caption(t("dash.cards_cumulative", period=i18n.fmt_period(project.start_date, view.end, lang())))
dashboard.kpi_cards(kpis, viewer)
if view.target_group:
    st.caption(t("dash.target_group_note"))
if viewer.suppresses_small_counts:
    st.caption(t("privacy.note"))

indicator_charts.sections(view, kpis)
