"""Yleiskatsaus: clients, employers and checklist progress for the picked municipality or
the whole region, as of today."""

import streamlit as st

from polku import i18n, metrics, present
from polku.ui import dashboard, data
from polku.ui.cards import Card, metric_row, parts_of_whole
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
code = municipality()
as_of = metrics.today()
project = data.project_info()
municipality_names = data.municipality_names()

st.title(t("page.overview"))
if project is not None:
    st.caption(
        t(
            "overview.scope",
            scope=municipality_names.get(code or "", t("app.region")),
            period=i18n.fmt_period(project.start_date, project.end_date, lang()),
            as_of=i18n.fmt_date(as_of, lang()),
        )
    )

counts = data.overview(viewer, code, as_of)
if project is not None:
    dashboard.board_pack_button(viewer, code, as_of)

st.subheader(t("overview.targets"))
dashboard.kpi_cards(dashboard.kpis(viewer, code, as_of), viewer)
dashboard.changes_section(viewer, code, as_of)

st.subheader(t("overview.clients"))
# Entered = active + exited: a hidden part must not follow from the other two
active_text, exited_text = parts_of_whole(
    counts.clients.entered, [counts.clients.active, counts.clients.exited]
)
metric_row(
    [
        Card(
            t("overview.clients.entered"),
            counts.clients.entered,
            t("overview.clients.entered.help"),
            people=True,
        ),
        Card(
            t("overview.clients.active"),
            counts.clients.active,
            t("overview.clients.active.help"),
            people=True,
            text=active_text,
        ),
        Card(
            t("overview.clients.exited"),
            counts.clients.exited,
            t("overview.clients.exited.help"),
            people=True,
            text=exited_text,
        ),
    ]
)

st.subheader(t("overview.employers"))
metric_row(
    [
        Card(
            t("overview.employers.total"),
            counts.employers.total,
            t("overview.employers.total.help"),
        ),
        Card(
            t("overview.employers.partners"),
            counts.employers.with_partnership,
            t("overview.employers.partners.help"),
        ),
    ]
)

st.subheader(t("overview.checklists"))
st.caption(
    t("overview.checklists.municipality_note" if code else "overview.checklists.region_note")
)
checklists = counts.checklists
metric_row(
    [
        Card(t("overview.checklists.total"), checklists.total),
        Card(t("overview.checklists.done"), checklists.done, t("overview.checklists.done.help")),
    ]
)
metric_row(
    [
        Card(i18n.code_label("checklist_status", status, lang()), n)
        for status, n in checklists.by_status.items()
    ]
)

st.subheader(t("overview.progress"))
progress = data.phase_progress(viewer, code)
if progress.empty:
    st.info(t("overview.progress.empty"))
else:
    table = present.phase_progress_table(progress, lang())
    st.dataframe(
        table,
        hide_index=True,
        height="content",
        column_config={
            "work_package": st.column_config.TextColumn(t("overview.progress.work_package")),
            "phase": st.column_config.TextColumn(t("overview.progress.phase")),
            "done": st.column_config.NumberColumn(t("overview.progress.done")),
            "total": st.column_config.NumberColumn(t("overview.progress.total")),
            "share": st.column_config.ProgressColumn(
                t("overview.progress.share"),
                min_value=0,
                max_value=100,
                format=present.percent_format(lang()),
            ),
        },
    )
