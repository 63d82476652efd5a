"""The Vaihelistat page's read-only parts: the history of changes, the region's municipalities ×
phases matrix and deadlines, and the Excel file for a steering group."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from polku import charts, checklists, i18n, present
from polku.access import Permission
from polku.ui import dashboard, data
from polku.ui.checklist_editor import Place
from polku.ui.state import t
from polku.ui.tables import plain_table

_HISTORY_ACTIONS = ("create", "update", "delete")


def _history_value(place: Place, field: str | None, value: Any, names_of: dict) -> str:
    """An audit value as a person reads it: phases, operating models and services by name."""
    if field in names_of and isinstance(value, str) and value:
        return ", ".join(names_of[field].get(part, part) for part in value.split(","))
    return checklists.fmt_value(field or "", value, place.language)


def history_table(place: Place, frame: pd.DataFrame, with_item: bool, names_of: dict) -> None:
    if frame.empty:
        st.caption(t("checklists.history.empty"))
        return
    language = place.language
    fields = list(frame["field"])
    table = pd.DataFrame(
        {
            "at": [checklists.fmt_moment(at, language) for at in frame["at"]],
            "user": frame["user_email"],
            "item": [place.localized(r) for _, r in frame.iterrows()],
            "action": [
                t(f"checklists.action.{a}") if a in _HISTORY_ACTIONS else a for a in frame["action"]
            ],
            "field": [checklists.field_label(f, language) if f else "" for f in fields],
            "old": [
                _history_value(place, f, v, names_of)
                for f, v in zip(fields, frame["old_value"], strict=True)
            ],
            "new": [
                _history_value(place, f, v, names_of)
                for f, v in zip(fields, frame["new_value"], strict=True)
            ],
        }
    )
    if not with_item:
        table = table.drop(columns=["item"])
    headers = {
        "at": "checklists.col.at",
        "user": "checklists.col.user",
        "item": "checklists.col.item",
        "action": "checklists.col.action",
        "field": "checklists.col.field",
        "old": "checklists.col.old",
        "new": "checklists.col.new",
    }
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.TextColumn(t(key)) for c, key in headers.items()},
    )


def history_section(place: Place, items: pd.DataFrame, phases: pd.DataFrame) -> None:
    st.header(t("checklists.history.title"))
    models, services = data.read(checklists.setup_choices, None)
    names_of = {
        "phase_id": {str(r["phase_id"]): place.localized(r) for _, r in phases.iterrows()},
        "operating_model_code": {r["code"]: place.localized(r) for _, r in models.iterrows()},
        "services": {r["code"]: place.localized(r) for _, r in services.iterrows()},
    }
    if place.code is not None:
        st.subheader(t("checklists.history.recent"))
        recent = data.checklist_changes(place.viewer, place.code)
        history_table(place, recent, True, names_of)
    st.subheader(t("checklists.history.item"))
    labels = {
        int(r["id"]): (
            f"{int(r['phase_position'])}. {place.localized(r, 'phase_name')} · {place.localized(r)}"
        )
        for _, r in items.iterrows()
    }
    pick = st.selectbox(
        t("checklists.history.pick"),
        list(labels),
        format_func=lambda i: labels[i],
        key=place.key("history"),
    )
    if pick is not None:
        one = data.read(checklists.item_history, place.viewer, int(pick))
        history_table(place, one, False, names_of)


def matrix_section(place: Place) -> None:
    st.header(t("checklists.region.matrix"))
    matrix = data.checklist_matrix(place.viewer)
    st.caption(t("checklists.region.matrix.caption"))
    dashboard.chart(
        charts.phase_heatmap, matrix, t("checklists.region.matrix.caption"), lang=place.language
    )
    cells = charts.phase_matrix_frame(matrix, place.language)
    table = cells.pivot(index="municipality", columns="phase", values="label")
    table = table.reindex(index=list(dict.fromkeys(cells["municipality"])))
    table.index.name = t("checklists.col.municipality")
    table.columns.name = None
    st.markdown(f"**{t('checklists.region.matrix.table')}**")
    plain_table(table.reset_index())


def deadlines_section(place: Place) -> None:
    st.header(t("checklists.region.deadlines"))
    st.caption(t("checklists.region.deadlines.caption", days=checklists.UPCOMING_DAYS))
    due = data.checklist_deadlines(place.viewer, place.today)
    if due.empty:
        st.info(t("checklists.region.deadlines.empty"), icon=":material/event_available:")
        return
    language = place.language
    table = pd.DataFrame(
        {
            "deadline": [present.deadline_label(int(d), language) for d in due["days_left"]],
            "due_date": due["due_date"],
            "municipality": [n or t("app.region") for n in due["municipality_name"]],
            "phase": present.names(due, language, "phase_name"),
            "item": present.names(due, language),
            "status": [i18n.code_label("checklist_status", s, language) for s in due["status"]],
            "owner": due["owner"].fillna(""),  # an empty cell, not "None"
        }
    )
    text = {
        "deadline": "checklists.col.deadline",
        "municipality": "checklists.col.municipality",
        "phase": "checklists.col.phase",
        "item": "checklists.col.item",
        "status": "checklists.field.status",
        "owner": "checklists.field.owner",
    }
    config: dict[str, Any] = {c: st.column_config.TextColumn(t(key)) for c, key in text.items()}
    config["due_date"] = st.column_config.DateColumn(
        t("checklists.field.due_date"), format=i18n.date_format("moment", language)
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)


def export_button(place: Place) -> None:
    """The checklist as an Excel file for the steering group, for those who may export."""
    code = place.code
    if not place.viewer.may(Permission.EXPORT, code):
        return
    name = place.names.get(code or "", t("app.region"))
    st.download_button(
        t("checklists.export"),
        data=lambda: checklists.checklist_workbook(
            place.engine, place.viewer, code, place.language, place.today
        ),
        file_name=t("checklists.export.file", place=name.lower(), date=place.today.isoformat()),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        help=t("checklists.export.help"),
        key=place.key("export"),
    )
