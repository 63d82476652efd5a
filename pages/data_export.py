"""Vienti: the data out of Polku as a zip, holding only what the viewer may see: an Excel
workbook (a sheet per table), CSV files (a file per table, formulas neutralised) or a Parquet
snapshot with its data dictionary for notebooks (polku.exports.open_snapshot)."""

import streamlit as st

from polku import exports, i18n, metrics
from polku.ui import data, resources
from polku.ui.state import actor, lang, t

viewer = actor()
engine = resources.engine()
language = lang()
READY_KEY = "vienti_valmis"

st.title(t("page.export"))
scope = exports.export_scope(viewer)  # directors export no rows: refused here
names = data.municipality_names()
if scope is None:
    st.caption(t("export.scope.caption", scope=t("export.scope.all")))
else:
    places = ", ".join(names.get(code, code) for code in sorted(scope))
    st.caption(t("export.scope.caption", scope=places))

fmt = st.radio(
    t("export.format"),
    exports.FORMATS,
    format_func=lambda f: t(f"export.format.{f}"),
    horizontal=True,
    key="vienti_muoto",
)
st.caption(t(f"export.format.{fmt}.help"))

if st.button(t("export.prepare"), type="primary", icon=":material/inventory_2:"):
    with st.spinner(t("export.preparing")):
        st.session_state[READY_KEY] = (fmt, exports.export_zip(engine, viewer, fmt))

ready = st.session_state.get(READY_KEY)
if ready is not None and ready[0] == fmt:
    day = metrics.today().isoformat()
    st.download_button(
        t("export.download"),
        ready[1],
        file_name=f"polku-{fmt}-{day}.zip",
        mime="application/zip",
        icon=":material/download:",
    )
    st.caption(t("export.size", size=i18n.fmt_decimal(len(ready[1]) / 1e6, 1, language)))
