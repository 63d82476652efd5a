"""The Vaihelistat page's checklist: phases with their gates, a table per phase edited in place,
and the save area. Edits are diffed against the items as loaded (their versions kept aside) and
saved through polku.checklists, which refuses a stale save; the user's edits then stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from polku import checklists, i18n, present, project
from polku.access import AccessDenied, Actor
from polku.ui import auth, data, feedback
from polku.ui.state import t

EDITOR_COLUMNS = ["item", "required", "status", "owner", "due_date", "note", "evidence_url"]
EDITOR_COLUMNS += ["updated"]
FLASH_KEY = "vaihelista_flash"


@dataclass(frozen=True)
class Place:
    """The checklist shown: the viewer's, of a municipality or (code None) the region's."""

    viewer: Actor
    code: str | None
    engine: Engine
    language: str
    names: dict[str, str]
    today: date

    def key(self, name: str) -> str:
        """A session key of this checklist: the municipality's, or the region's ("alue")."""
        return f"vaihelista_{name}_{self.code or 'alue'}"

    def editor_key(self, phase: str, generation: int) -> str:
        """A phase's table: a new generation after a save starts it afresh."""
        return f"vaihelista_{self.code or 'alue'}_{phase}_{generation}"

    def label(self, name: str) -> str:
        """A field's label, from the item's declaration."""
        return checklists.field_label(name, self.language)

    def help(self, name: str) -> str:
        """A field's description, from the item's declaration."""
        return _help(name, self.language)

    def localized(self, row: Any, prefix: str = "name") -> str:
        return present.localized(row, self.language, prefix)

    def saved(self, messages: list[feedback.Message], generation: str, *drop: str) -> None:
        """After a save: fresh tables of `generation`, `drop` keys forgotten, a rerun."""
        feedback.saved(FLASH_KEY, messages, self.key(generation), *map(self.key, drop))

    def refused(self, refusal: AccessDenied) -> None:
        auth.record_refusal(self.engine, refusal)


def status_labels(language: str) -> dict[str, str]:
    """Status code -> label: the status column shows labels; a save maps them back to codes."""
    return {
        status: i18n.code_label("checklist_status", status, language)
        for status in checklists.declared_statuses()
    }


def edit_state(key: str) -> dict:
    state = st.session_state.get(key)
    return state if isinstance(state, dict) else {}


def phase_badges(phase: Any) -> None:
    state = checklists.phase_state(phase)
    colours: dict[str, Literal["green", "blue", "gray"]] = {
        "complete": "green",
        "current": "blue",
        "upcoming": "gray",
    }
    colour = colours[state]
    icon = {"complete": ":material/check:", "current": ":material/play_arrow:", "upcoming": None}
    st.badge(t(f"checklists.phase.{state}"), icon=icon[state], color=colour)
    if phase["flagged"]:
        st.badge(t("checklists.phase.flagged"), icon=":material/warning:", color="orange")


def editor_frame(place: Place, items: pd.DataFrame) -> pd.DataFrame:
    """The rows of one phase as the table shows them (the item id as index); positions match
    `items`, whose row positions the editor's edit state refers to."""
    suffix, language = t("checklists.own_suffix"), place.language
    labels = status_labels(language)
    frame = pd.DataFrame(
        {
            "id": items["id"].astype(int).tolist(),
            "item": [
                f"{place.localized(row)} {suffix}" if row["own"] else place.localized(row)
                for _, row in items.iterrows()
            ],
            "required": items["required"].astype(bool).tolist(),
            **{name: items[name].tolist() for name in checklists.EDITABLE_FIELDS},
            # Labels, not codes: what the cell, its screen-reader text and a CSV copy say
            "status": [labels[code] for code in items["status"]],
            "updated": [
                " · ".join(p for p in (checklists.fmt_moment(at, language), by or "") if p)
                for at, by in zip(items["updated_at"], items["updated_by"], strict=True)
            ],
        }
    )
    return frame.set_index("id")[EDITOR_COLUMNS]


def _help(name: str, language: str) -> str:
    return checklists.declared_field(name).description(language)


def column_config(language: str) -> dict:
    """The table's columns: labels, descriptions, codes, lengths and the address's form come
    from the item's declaration (checklists.ITEM)."""
    length = checklists.declared_length
    return {
        "item": st.column_config.TextColumn(t("checklists.col.item"), width=260, pinned=True),
        "required": st.column_config.CheckboxColumn(
            checklists.field_label("required", language),
            help=_help("required", language),
            width="small",
        ),
        "status": st.column_config.SelectboxColumn(
            checklists.field_label("status", language),
            options=list(status_labels(language).values()),
            required=True,
            help=_help("status", language),
        ),
        "owner": st.column_config.TextColumn(
            checklists.field_label("owner", language),
            max_chars=length("owner"),
            help=_help("owner", language),
        ),
        "due_date": st.column_config.DateColumn(
            checklists.field_label("due_date", language),
            format=i18n.date_format("moment", language),
            help=_help("due_date", language),
        ),
        "note": st.column_config.TextColumn(
            checklists.field_label("note", language),
            max_chars=length("note"),
            width="medium",
            help=_help("note", language),
        ),
        "evidence_url": st.column_config.LinkColumn(
            checklists.field_label("evidence_url", language),
            help=_help("evidence_url", language),
            validate=checklists.declared_pattern("evidence_url"),
            max_chars=length("evidence_url"),
        ),
        "updated": st.column_config.TextColumn(t("checklists.col.updated_at")),
    }


def _deadline_summary(place: Place, flags: dict[int, int]) -> None:
    """How many of the municipality's open items are overdue or due soon (the work queue's)."""
    if not flags:
        return
    late = sum(days < 0 for days in flags.values())
    st.warning(
        t(
            "checklists.flags.deadlines",
            overdue=i18n.fmt_int(late, place.language),
            soon=i18n.fmt_int(len(flags) - late, place.language),
            days=i18n.fmt_int(project.work_queue_rules().due_soon_days, place.language),
        ),
        icon=":material/schedule:",
    )


def _deadline_captions(place: Place, items: pd.DataFrame, flags: dict[int, int]) -> None:
    """A phase's overdue and soon-due items, each with its deadline in words."""
    for _, row in items[items["id"].isin(list(flags))].iterrows():
        deadline = present.deadline_label(flags[int(row["id"])], place.language)
        st.caption(t("checklists.flags.item", item=place.localized(row), deadline=deadline))


def _summary(place: Place, phases: pd.DataFrame, editable: bool) -> None:
    """The current phase, flagged phases, and whether the viewer may edit."""
    current = phases[phases["current"]]
    if current.empty:
        st.success(t("checklists.all_complete"), icon=":material/task_alt:")
    else:
        phase = place.localized(current.iloc[0])
        st.markdown(f"**{t('checklists.current_phase', phase=phase)}**")
    flagged = phases[phases["flagged"]]
    if not flagged.empty:
        st.warning(
            t(
                "checklists.flags.warning",
                phases=", ".join(place.localized(r) for _, r in flagged.iterrows()),
            ),
            icon=":material/warning:",
        )
    if not editable:
        st.info(
            t("checklists.read_only" if place.code else "checklists.read_only.region"),
            icon=":material/visibility:",
        )


def _phase_header(place: Place, phase: Any) -> None:
    language = place.language
    st.subheader(f"{int(phase['position'])}. {place.localized(phase)}")
    with st.container(horizontal=True):
        phase_badges(phase)
    total, done = int(phase["total"]), int(phase["done"])
    st.progress(
        done / total if total else 0.0,
        text=t(
            "checklists.phase.progress",
            done=i18n.fmt_int(done, language),
            total=i18n.fmt_int(total, language),
        ),
    )
    open_required = int(phase["required"] - phase["required_done"])
    if open_required:
        count = i18n.fmt_int(open_required, language)
        st.caption(t("checklists.phase.required_open", count=count))


def checklist_section(place: Place, editable: bool) -> tuple[checklists.Checklist, list[dict]]:
    """The checklist of this place, phase by phase; returns it and each table as shown."""
    fresh = data.checklist(place.viewer, place.code)
    generation = st.session_state.setdefault(place.key("gen"), 0)
    phases = fresh.phases
    keys = {phase: place.editor_key(phase, generation) for phase in phases["phase"]}
    pending = any(edit_state(key).get("edited_rows") for key in keys.values())
    snapshot = st.session_state.get(place.key("snapshot"))
    # Unsaved edits apply to the rows (and versions) the user saw; otherwise show the latest
    if not (pending and isinstance(snapshot, pd.DataFrame)):
        snapshot = fresh.items
        st.session_state[place.key("snapshot")] = snapshot
    _summary(place, phases, editable)
    flags = {}
    if place.code is not None:
        flags = data.checklist_flags(place.viewer, place.code, place.today)
        _deadline_summary(place, flags)

    shown = []
    config = column_config(place.language)
    for _, phase in phases.iterrows():
        items = snapshot[snapshot["phase"] == phase["phase"]].reset_index(drop=True)
        with st.container(border=True):
            _phase_header(place, phase)
            _deadline_captions(place, items, flags)
            if items.empty:
                st.caption(t("checklists.phase.empty"))
                continue
            frame = editor_frame(place, items)
            edited = None
            if editable:
                edited = st.data_editor(
                    frame,
                    key=keys[phase["phase"]],
                    column_config=config,
                    disabled=["item", "required", "updated"],
                    hide_index=True,
                    num_rows="fixed",
                    width="stretch",
                    placeholder="",
                )
            else:
                st.dataframe(
                    frame, column_config=config, hide_index=True, width="stretch", placeholder=""
                )
            shown.append({"items": items, "key": keys[phase["phase"]], "edited": edited})
    return fresh, shown


def pending_edits(
    place: Place, shown: list[dict], versions: dict[int, int] | None = None
) -> list[checklists.ItemEdit]:
    """The edits in the tables; `versions` overrides the versions they were made at."""
    codes = {label: status for status, label in status_labels(place.language).items()}
    edits: list[checklists.ItemEdit] = []
    for part in shown:
        rows = edit_state(part["key"]).get("edited_rows") or {}
        if rows:
            edits += checklists.edits_from_editor(
                part["items"], rows, part["edited"], versions, decode={"status": codes}
            )
    return edits


def save(place: Place, edits: list[checklists.ItemEdit]) -> None:
    """Save the edits; on success fresh tables, on a refusal the edits stay on screen (a stale
    save's conflicts are kept for the conflict panel below the buttons)."""
    try:
        result = checklists.save_items(place.engine, place.viewer, edits, place.language)
    except AccessDenied as refused:
        place.refused(refused)
    except checklists.ChecklistError as problem:
        feedback.show_problems(problem.problems)
    except checklists.StaleEdit as stale:
        data.forget_checklists()
        st.session_state[place.key("conflict")] = stale.conflicts
    else:
        count = i18n.fmt_int(len(result.changed), place.language)
        messages = feedback.outcome(t("checklists.saved", count=count), result.warnings)
        place.saved(messages, "gen", "snapshot", "conflict")


def save_area(place: Place, shown: list[dict]) -> None:
    """Save and discard; a refused save's message right here, next to the buttons."""
    edits = pending_edits(place, shown)
    with st.container(horizontal=True):
        save_clicked = st.button(
            t("checklists.save"), type="primary", icon=":material/save:", key=place.key("save")
        )
        discard_clicked = st.button(
            t("checklists.discard"),
            icon=":material/undo:",
            key=place.key("discard"),
            disabled=not edits,
        )
    if discard_clicked:
        place.saved([], "gen", "snapshot", "conflict")
    if save_clicked:
        st.session_state.pop(place.key("conflict"), None)
        if edits:
            save(place, edits)
        else:
            st.info(t("checklists.nothing_to_save"), icon=":material/info:")
    elif edits:
        st.caption(t("checklists.pending", count=i18n.fmt_int(len(edits), place.language)))
    if not edits:
        return
    feedback.conflict_panel(
        place.key("conflict"),
        (place.key("overwrite"), place.key("reload")),
        overwrite=lambda conflicts: save(
            place, pending_edits(place, shown, {int(c.entity_id): c.version for c in conflicts})
        ),
        reload=lambda: place.saved([], "gen", "snapshot", "conflict"),
    )
