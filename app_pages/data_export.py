"""Vienti: the data out of Polku as a zip, holding only what the viewer may see: an Excel
workbook (a sheet per table) or CSV files (a file per table, formulas neutralised), both with
names in the viewer's language and Finnish formats, or a Parquet snapshot with codes and its
data dictionary for notebooks (polku.exports.open_snapshot)."""

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
    st.caption(t("export.scope.caption", scope=exports.scope_text(scope, language, names)))

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
        zipped = exports.export_zip(engine, viewer, fmt, language)
        st.session_state[READY_KEY] = (fmt, zipped, language)

ready = st.session_state.get(READY_KEY)
# A zip made in the other language shows the other language's names: prepare it again
if ready is not None and ready[0] == fmt and ready[2] == language:
    day = metrics.today().isoformat()
    st.download_button(
        t("export.download"),
        ready[1],
        file_name=f"polku-{fmt}-{day}.zip",
        mime="application/zip",
        icon=":material/download:",
    )
    st.caption(t("export.size", size=i18n.fmt_decimal(len(ready[1]) / 1e6, 1, language)))
