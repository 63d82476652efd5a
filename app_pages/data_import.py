"""Tuonti: bulk data from the employment area's client system and from Excel. Pick the kind,
download its template, upload a CSV or .xlsx file, read the preview with every problem by row
and column, then save: every row in one transaction, or none.

The steps are drawn by polku.ui.import_steps; a large file is checked and saved in a worker
process (polku.ui.imports) whose progress the page polls, so other users' pages are not slowed."""

import streamlit as st

from polku import ingest
from polku.ui import import_steps, resources
from polku.ui.state import actor, t

viewer = actor()
engine = resources.engine()

st.title(t("page.import"))
ingest.import_scope(viewer)  # refuses roles that edit nothing before anything is shown
import_steps.show_result()

kind = import_steps.choose_kind(viewer)
upload = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx"], key=f"tuonti_file_{kind}")
if upload is None:
    st.info(t("import.upload_hint"), icon=":material/upload_file:")
    st.stop()

file = import_steps.Upload(engine, viewer, kind, upload)
report = import_steps.check(file)
import_steps.preview(kind, report)

if st.button(
    t("import.commit"),
    type="primary",
    disabled=not report.ok or report.rows == 0,
    icon=":material/save:",
    help=t("import.commit.help"),
):
    import_steps.commit(file, report)
