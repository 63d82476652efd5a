"""Talous: eligible costs and financing by month, payment period and cumulatively against the
budget and the time plan, the forecast, staff time by role, each municipality's own financing
and cost per result, each a tab of its own; persons' pay for admins only. Follows the
sidebar's municipality."""

import streamlit as st

from polku import i18n
from polku.access import visible_municipalities
from polku.ui import data, finance
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
names = data.municipality_names()

st.title(t("page.finance"))
if data.project_info() is None:
    st.stop()

code = finance.scope_of(viewer, municipality(), names)
view = finance.view(viewer, code, names)
if view is None:
    st.stop()

role_names = {r["code"]: i18n.localized_name(r, lang()) for r in data.staff().to_dict("records")}
indicator_names = {
    r["code"]: i18n.localized_name(r, lang()) for r in data.indicators().to_dict("records")
}
# Coordinators and directors meet only their own municipalities here
visible = (
    visible_municipalities(viewer, list(names))
    if viewer.sees_every_municipality
    else [c for c in names if c in viewer.municipalities]
)

shown = finance.summary(view)
finance.sections(view, visible, indicator_names, role_names, costs_shown=shown)
finance.admin_files(viewer)
