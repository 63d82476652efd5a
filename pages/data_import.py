"""Tuonti: bulk data from the employment area's client system and from Excel. Pick the kind,
download its template, upload a CSV or .xlsx file, read the preview with every problem by row
and column, then save: every row in one transaction, or none.

The preview is the import run without writing (polku.ingest, dry run), kept for the uploaded
file until it changes; saving runs the import again inside its transaction on the table the
preview read (the file is parsed once), so what is saved is checked against the database as it
is then. A large file is checked and saved in a worker process (polku.ui.imports) whose
progress the page polls, so other users' pages are not slowed."""

import hashlib

import streamlit as st

from polku import i18n, ingest
from polku.ui import data, imports, resources
from polku.ui.state import actor, lang, t
from polku.ui.text import plain

viewer = actor()
engine = resources.engine()
language = lang()
PREVIEW_KEY = "tuonti_preview"
RESULT_KEY = "tuonti_result"
JOB_KEY = "tuonti_job"  # an import running in the worker process (polku.ui.imports)
TABLE_KEY = "tuonti_table"  # the file as read, for its commit and its preview after it
# From this many rows a save in the session shows a progress bar
LARGE_FILE_ROWS = 2000
POLL_SECONDS = 1.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(t("page.import"))
ingest.import_scope(viewer)  # refuses roles that edit nothing before anything is shown

for kind_done, text in st.session_state.pop(RESULT_KEY, []):
    if kind_done == "success":
        st.success(plain(text), icon=":material/check_circle:")
    else:
        st.error(plain(text), icon=":material/error:")

kind = st.selectbox(
    t("import.kind"),
    ingest.KIND_NAMES,
    format_func=lambda k: t(f"kind.{k}"),
    key="tuonti_kind",
    help=t("import.kind.help"),
)
st.caption(t(f"import.about.{kind}"))

downloads = st.columns(3)
downloads[0].download_button(
    t("import.template_csv"),
    ingest.template_csv(kind),
    file_name=f"{kind}-pohja.csv",
    mime="text/csv",
    icon=":material/download:",
)
downloads[1].download_button(
    t("import.template_xlsx"),
    ingest.template_xlsx(kind, language),
    file_name=f"{kind}-pohja.xlsx",
    mime=XLSX,
    icon=":material/download:",
)
downloads[2].download_button(
    t("import.example"),
    ingest.sample_path(kind).read_bytes(),
    file_name=f"{kind}.csv",
    mime="text/csv",
    icon=":material/description:",
)
with st.expander(t("import.columns")):
    st.dataframe(
        ingest.columns_frame(kind, language),
        hide_index=True,
        column_config={
            "header": st.column_config.TextColumn(t("ingest.template.col.header")),
            "name": st.column_config.TextColumn(t("ingest.template.col.name")),
            "required": st.column_config.TextColumn(t("ingest.template.col.required")),
            "content": st.column_config.TextColumn(t("ingest.template.col.content")),
        },
    )
    st.caption(t("import.formats"))

upload = st.file_uploader(t("import.file"), type=["csv", "txt", "xlsx"], key=f"tuonti_file_{kind}")
if upload is None:
    st.info(t("import.upload_hint"), icon=":material/upload_file:")
    st.stop()

content = upload.getvalue()
stamp = (kind, upload.name, hashlib.sha256(content).hexdigest())
background = imports.in_background(content)


def finish(result: ingest.ImportReport) -> None:
    """A commit's outcome, shown after a rerun; the preview of the file is gone."""
    st.session_state.pop(PREVIEW_KEY, None)
    if result.committed:
        data.clear()
        st.session_state[RESULT_KEY] = [("success", result.summary(language))]
    else:
        st.session_state[RESULT_KEY] = [("error", result.summary(language))]
    st.rerun()


def keep(file: tuple[str, str, str], checked: ingest.ImportReport) -> None:
    """A check's report for the page, and the table it read for the file's commit."""
    st.session_state[PREVIEW_KEY] = (file, checked)
    if checked.table is not None:
        st.session_state[TABLE_KEY] = (file, checked.table)


@st.fragment(run_every=POLL_SECONDS)
def wait_for(job: imports.Job) -> None:
    """The worker's progress, polled; the whole page reruns once the job is done."""
    if job.done():
        st.rerun()
    label = t("import.checking") if job.dry_run else t("import.saving")
    st.progress(min(1.0, job.share() * (2 if job.dry_run else 1)), text=label)


job: imports.Job | None = st.session_state.get(JOB_KEY)
if job is not None and job.done():
    del st.session_state[JOB_KEY]
    done = job.result()
    if not job.dry_run:
        finish(done)
    keep(job.stamp, done)
    job = None
if job is not None:
    st.info(t("import.in_background"), icon=":material/hourglass_top:")
    wait_for(job)
    st.stop()

cached = st.session_state.get(PREVIEW_KEY)
tables = st.session_state.get(TABLE_KEY)
read = tables[1] if tables is not None and tables[0] == stamp else None
if cached is not None and cached[0] == stamp:
    report: ingest.ImportReport = cached[1]
elif background:
    st.session_state[JOB_KEY] = imports.start(
        engine, viewer, kind, content, upload.name, dry_run=True, stamp=stamp, table=read
    )
    st.rerun()
else:
    with st.spinner(t("import.checking")):
        report = imports.run_here(
            engine, viewer, kind, content, upload.name, dry_run=True, table=read
        )
    keep(stamp, report)

st.subheader(t("import.preview"))
if report.encoding:
    separator = {";": ";", ",": ",", "\t": "tab"}.get(report.delimiter or "", "")
    st.caption(t("import.read_csv", encoding=report.encoding, separator=separator))
elif report.sheet:
    st.caption(plain(t("import.read_sheet", sheet=report.sheet)))  # the file's own name
if report.ok:
    shown = [
        ("import.rows", report.rows),
        ("import.added", report.added),
        ("import.changed", report.changed),
        ("import.unchanged", report.unchanged),
        ("import.errors", 0),
    ]
else:
    # Nothing is planned for a refused file: how many of its rows were fine, not "0 new"
    shown = [
        ("import.rows", report.rows),
        ("import.fine_rows", report.fine_rows),
        ("import.error_rows", report.rows - report.fine_rows),
        ("import.errors", len(report.errors)),
    ]
for place, (label, number) in zip(st.columns(len(shown)), shown, strict=True):
    place.metric(t(label), i18n.fmt_int(number, language))

if report.problems:
    if report.errors:
        st.error(t("import.has_errors", count=i18n.fmt_int(len(report.errors), language)))
    else:
        st.warning(t("import.has_warnings"), icon=":material/warning:")
    problems = ingest.problems_frame(report.problems, language)
    problems["severity"] = [t(f"import.severity.{s}") for s in problems["severity"]]
    st.dataframe(
        problems,
        hide_index=True,
        column_config={
            "row": st.column_config.NumberColumn(t("import.col.row"), format="%d"),
            "column": st.column_config.TextColumn(t("import.col.column")),
            "severity": st.column_config.TextColumn(t("import.col.severity")),
            "reason": st.column_config.TextColumn(t("import.col.reason"), width="large"),
        },
    )

spec = ingest.KINDS[kind]
headers = {c.name: c.header for c in spec.columns}
preview = report.preview_table(language).rename(columns=headers)
if "_action" in preview:
    preview["_action"] = [t(f"import.action.{a}") if a else "" for a in preview["_action"]]
st.dataframe(
    preview,
    hide_index=True,
    column_config={
        "_row": st.column_config.NumberColumn(t("import.col.row"), format="%d"),
        "_action": st.column_config.TextColumn(t("import.col.action")),
    },
)

if st.button(
    t("import.commit"),
    type="primary",
    disabled=not report.ok or report.rows == 0,
    icon=":material/save:",
    help=t("import.commit.help"),
):
    if background:
        st.session_state[JOB_KEY] = imports.start(
            engine, viewer, kind, content, upload.name, dry_run=False, stamp=stamp,
            table=report.table,
        )  # fmt: skip
        st.rerun()
    progress = None
    if report.rows >= LARGE_FILE_ROWS:
        bar = st.progress(0.0, text=t("import.saving"))

        def progress(share: float) -> None:
            bar.progress(min(1.0, share), text=t("import.saving"))

    finish(
        imports.run_here(
            engine,
            viewer,
            kind,
            content,
            upload.name,
            dry_run=False,
            table=report.table,
            progress=progress,
        )  # fmt: skip
    )
