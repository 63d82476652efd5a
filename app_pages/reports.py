"""Raportit: the follow-up report of a payment period, or the final report, to the funder:
its state and moves, the indicators against their targets, the ESF+ common indicators, the
money, the narrative and deviation texts, the reconciliation with the funder's system and
what changed since approval; figures, texts and reconciliation each a tab. Admins write and
move reports; analysts read them."""

import streamlit as st

from polku import i18n, reporting
from polku.ui import data, reports
from polku.ui.state import actor, lang, t

viewer = actor()

st.title(t("page.reports"))
if data.project_info() is None:
    st.stop()

code = reports.pick(viewer)
report = reports.state_and_history(viewer, code)
stated = data.read(reporting.stated, viewer, code)
figures = stated.figures
names = {
    str(row["code"]): i18n.localized_name(row, lang())
    for row in data.indicators().to_dict("records")
}
st.caption(t("reports.scope", period=i18n.fmt_period(figures.start, figures.end, lang())))

reports.sections(viewer, report, figures, names)
reports.changes(viewer, code, names)
reports.downloads(viewer, stated)
