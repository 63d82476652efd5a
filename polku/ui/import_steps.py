"""The Tuonti page's steps: pick the kind and get its template, check the uploaded file (in the
session, or in the worker process of polku.ui.imports for a large file, polling its progress),
read the preview with every problem by row and column, and save.

The preview is the import run without writing, kept for the uploaded file until it changes;
saving runs the import again inside its transaction on the table the preview read (the file is
parsed once), so what is saved is checked against the database as it is then."""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.uploaded_file_manager import UploadedFile

from polku import i18n, ingest
from polku.access import Actor
from polku.ui import imports
from polku.ui.state import lang, t
from polku.ui.text import plain

PREVIEW_KEY = "tuonti_preview"
RESULT_KEY = "tuonti_result"
JOB_KEY = "tuonti_job"  # an import running in the worker process (polku.ui.imports)
TABLE_KEY = "tuonti_table"  # the file as read, for its commit and its preview after it
# From this many rows a save in the session shows a progress bar
LARGE_FILE_ROWS = 2000
POLL_SECONDS = 1.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def show_result() -> None:
    """The outcome of the save before the last rerun (it quotes the file: plain text)."""
    for kind_done, text in st.session_state.pop(RESULT_KEY, []):
        if kind_done == "success":
            st.success(plain(text), icon=":material/check_circle:")
        else:
            st.error(plain(text), icon=":material/error:")


def choose_kind(viewer: Actor | None = None) -> str:
    """The kind of data to import (staff and salaries: admins only), with its template,
    example and columns."""
    language = lang()
    kind = str(
        st.selectbox(
            t("import.kind"),
            ingest.import_kinds(viewer),
            format_func=lambda k: t(f"kind.{k}"),
            key="tuonti_kind",
            help=t("import.kind.help"),
        )
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
        headers = ("header", "name", "required", "content")
        st.dataframe(
            ingest.columns_frame(kind, language),
            hide_index=True,
            column_config={
                h: st.column_config.TextColumn(t(f"ingest.template.col.{h}")) for h in headers
            },
        )
        st.caption(t("import.formats"))
    return kind


class Upload:
    """The uploaded file of a kind, and where its import runs."""

    def __init__(self, engine: Engine, viewer: Actor, kind: str, upload: UploadedFile) -> None:
        self.engine, self.viewer, self.kind, self.name = engine, viewer, kind, upload.name
        self.content = upload.getvalue()
        self.stamp = (kind, upload.name, hashlib.sha256(self.content).hexdigest())
        self.background = imports.in_background(self.content)

    def start(self, *, dry_run: bool, table: ingest.RawTable | None) -> None:
        """The import in the worker process; the page polls it from the next run."""
        st.session_state[JOB_KEY] = imports.start(
            self.engine, self.viewer, self.kind, self.content, self.name, dry_run=dry_run,
            stamp=self.stamp, table=table,
        )  # fmt: skip
        st.rerun()

    def run_here(
        self, *, dry_run: bool, table: ingest.RawTable | None, progress: Any = None
    ) -> ingest.ImportReport:
        return imports.run_here(
            self.engine, self.viewer, self.kind, self.content, self.name, dry_run=dry_run,
            table=table, progress=progress,
        )  # fmt: skip


def finish(result: ingest.ImportReport) -> None:
    """A commit's outcome, shown after a rerun; the preview of the file is gone."""
    st.session_state.pop(PREVIEW_KEY, None)
    if result.committed:
        st.session_state[RESULT_KEY] = [("success", result.summary(lang()))]
    else:
        st.session_state[RESULT_KEY] = [("error", result.summary(lang()))]
    st.rerun()


def _keep(file: Any, checked: ingest.ImportReport) -> None:
    """A check's report for the page, and the table it read for the file's commit."""
    st.session_state[PREVIEW_KEY] = (file, checked)
    if checked.table is not None:
        st.session_state[TABLE_KEY] = (file, checked.table)


@st.fragment(run_every=POLL_SECONDS)
def _wait_for(job: imports.Job) -> None:
    """The worker's progress, polled; the whole page reruns once the job is done."""
    if job.done():
        st.rerun()
    label = t("import.checking") if job.dry_run else t("import.saving")
    st.progress(min(1.0, job.share() * (2 if job.dry_run else 1)), text=label)


def check(file: Upload) -> ingest.ImportReport:
    """The file's check: kept from an earlier run, finished in the worker, or run now. While
    the worker is busy the page shows its progress and stops here."""
    job: imports.Job | None = st.session_state.get(JOB_KEY)
    if job is not None and job.done():
        del st.session_state[JOB_KEY]
        done = job.result()
        if not job.dry_run:
            finish(done)
        _keep(job.stamp, done)
        job = None
    if job is not None:
        st.info(t("import.in_background"), icon=":material/hourglass_top:")
        _wait_for(job)
        st.stop()
    cached = st.session_state.get(PREVIEW_KEY)
    tables = st.session_state.get(TABLE_KEY)
    read = tables[1] if tables is not None and tables[0] == file.stamp else None
    if cached is not None and cached[0] == file.stamp:
        return cached[1]
    if file.background:
        file.start(dry_run=True, table=read)
    with st.spinner(t("import.checking")):
        report = file.run_here(dry_run=True, table=read)
    _keep(file.stamp, report)
    return report


def commit(file: Upload, report: ingest.ImportReport) -> None:
    """Save every row in one transaction, or none; a large file with a progress bar."""
    if file.background:
        file.start(dry_run=False, table=report.table)
    progress = None
    if report.rows >= LARGE_FILE_ROWS:
        bar = st.progress(0.0, text=t("import.saving"))

        def progress(share: float) -> None:
            bar.progress(min(1.0, share), text=t("import.saving"))

    finish(file.run_here(dry_run=False, table=report.table, progress=progress))


def preview(kind: str, report: ingest.ImportReport) -> None:
    """How the file was read, its counts, its problems by row and column, and its rows."""
    language = lang()
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
        _problems(report, language)
    headers = {c.name: c.header for c in ingest.KINDS[kind].columns}
    rows = report.preview_table(language).rename(columns=headers)
    if "_action" in rows:
        rows["_action"] = [t(f"import.action.{a}") if a else "" for a in rows["_action"]]
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            "_row": st.column_config.NumberColumn(t("import.col.row"), format="%d"),
            "_action": st.column_config.TextColumn(t("import.col.action")),
        },
    )


def _problems(report: ingest.ImportReport, language: str) -> None:
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
