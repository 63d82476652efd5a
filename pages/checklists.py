"""Vaihelistat: the phase checklists. A municipality picked: its work-package-1 phases with
gates, edited in tables and saved explicitly, its operating model and services, its history and
an Excel file for its steering group. The whole region: the municipalities × phases matrix,
the region's own checklist (work package 2) and the deadlines across the municipalities.

Edits are diffed against the items as loaded (their versions kept aside) and saved through
polku.checklists, which refuses a stale save; the user's edits then stay in the tables."""

from typing import Any

import pandas as pd
import streamlit as st

from polku import charts, checklists, i18n, metrics
from polku.access import AccessDenied, Permission
from polku.ui import auth, data, resources
from polku.ui.state import actor, lang, municipality, t
from polku.ui.text import plain

viewer = actor()
code = municipality()
engine = resources.engine()
language = lang()
names = data.municipality_names()
today = metrics.today()
# Session keys of this checklist: the municipality's, or the region's ("alue")
scope = code or "alue"
GEN_KEY = f"vaihelista_gen_{scope}"
SNAPSHOT_KEY = f"vaihelista_snapshot_{scope}"
CONFLICT_KEY = f"vaihelista_conflict_{scope}"
FLASH_KEY = "vaihelista_flash"
SETUP_GEN_KEY = f"vaihelista_setup_gen_{scope}"
SETUP_SNAPSHOT_KEY = f"vaihelista_setup_snapshot_{scope}"
SETUP_CONFLICT_KEY = f"vaihelista_setup_conflict_{scope}"
EDITOR_COLUMNS = ["item", "required", "status", "owner", "due_date", "note", "evidence_url"]
EDITOR_COLUMNS += ["updated"]
# The status column shows labels; a save maps them back to codes
STATUS_LABELS = {
    status: i18n.code_label("checklist_status", status, language)
    for status in checklists.CHECKLIST_STATUSES
}
STATUS_CODES = {label: status for status, label in STATUS_LABELS.items()}


def localized(row: Any, prefix: str = "name") -> str:
    return i18n.localized_name(
        {"name_fi": row[f"{prefix}_fi"], "name_en": row[f"{prefix}_en"]}, language
    )


def editor_key(phase: str, generation: int) -> str:
    return f"vaihelista_{scope}_{phase}_{generation}"


def edit_state(key: str) -> dict:
    state = st.session_state.get(key)
    return state if isinstance(state, dict) else {}


def show_flash() -> None:
    """Messages of the save that ran before the last rerun (they name items: plain text)."""
    for kind, text in st.session_state.pop(FLASH_KEY, []):
        if kind == "success":
            st.success(plain(text), icon=":material/check_circle:")
        else:
            st.warning(plain(text), icon=":material/warning:")


def saved(messages: list[tuple[str, str]], generation_key: str, *drop: str) -> None:
    """After a save: fresh aggregates, fresh tables (a new editor generation), a rerun."""
    data.clear()
    st.session_state[generation_key] = st.session_state.get(generation_key, 0) + 1
    for key in drop:
        st.session_state.pop(key, None)
    st.session_state[FLASH_KEY] = messages
    st.rerun()


def show_problems(problems: list[checklists.Problem]) -> None:
    lines = "\n".join(f"- {plain(p.message(language))}" for p in problems)
    st.error(f"{t('checklists.errors')}\n\n{lines}", icon=":material/error:")


def show_conflicts(conflicts: list[checklists.Conflict]) -> None:
    lines = []
    for conflict in conflicts:
        lines.append(f"- {plain(conflict.message(language))}")
        yours = [
            checklists.describe_change(
                checklists.FieldChange(name, conflict.current.get(name), v), language
            )
            for name, v in conflict.yours.items()
        ]
        if yours:
            lines.append(f"  - {plain(t('checklists.conflict.yours', changes='; '.join(yours)))}")
    st.error(
        f"{t('checklists.conflict.title')}\n\n" + "\n".join(lines), icon=":material/sync_problem:"
    )


def phase_badges(phase: Any) -> None:
    state = checklists.phase_state(phase)
    colour = {"complete": "green", "current": "blue", "upcoming": "gray"}[state]
    icon = {"complete": ":material/check:", "current": ":material/play_arrow:", "upcoming": None}
    st.badge(t(f"checklists.phase.{state}"), icon=icon[state], color=colour)
    if phase["flagged"]:
        st.badge(t("checklists.phase.flagged"), icon=":material/warning:", color="orange")


def editor_frame(items: pd.DataFrame) -> pd.DataFrame:
    """The rows of one phase as the table shows them (the item id as index); positions match
    `items`, whose row positions the editor's edit state refers to."""
    suffix = t("checklists.own_suffix")
    frame = pd.DataFrame(
        {
            "id": items["id"].astype(int).tolist(),
            "item": [
                f"{localized(row)} {suffix}" if row["own"] else localized(row)
                for _, row in items.iterrows()
            ],
            "required": items["required"].astype(bool).tolist(),
            **{name: items[name].tolist() for name in checklists.EDITABLE_FIELDS},
            # Labels, not codes: what the cell, its screen-reader text and a CSV copy say
            "status": [STATUS_LABELS[code] for code in items["status"]],
            "updated": [
                " · ".join(p for p in (checklists.fmt_moment(at, language), by or "") if p)
                for at, by in zip(items["updated_at"], items["updated_by"], strict=True)
            ],
        }
    )
    return frame.set_index("id")[EDITOR_COLUMNS]


def column_config() -> dict:
    return {
        "item": st.column_config.TextColumn(t("checklists.col.item"), width=260, pinned=True),
        "required": st.column_config.CheckboxColumn(
            t("checklists.field.required"), help=t("checklists.help.required"), width="small"
        ),
        "status": st.column_config.SelectboxColumn(
            t("checklists.field.status"),
            options=list(STATUS_LABELS.values()),
            required=True,
            help=t("checklists.help.status"),
        ),
        "owner": st.column_config.TextColumn(t("checklists.field.owner"), max_chars=200),
        "due_date": st.column_config.DateColumn(
            t("checklists.field.due_date"),
            format=i18n.date_format("moment", language),
        ),
        "note": st.column_config.TextColumn(
            t("checklists.field.note"), max_chars=2000, width="medium"
        ),
        "evidence_url": st.column_config.LinkColumn(
            t("checklists.field.evidence_url"),
            help=t("checklists.help.evidence_url"),
            validate=r"^https?://.+",
            max_chars=500,
        ),
        "updated": st.column_config.TextColumn(t("checklists.col.updated_at")),
    }


# =============================================================================================
# The checklist: phases with gates, tables, save


def checklist_section(editable: bool) -> tuple[checklists.Checklist, list[dict]]:
    """The checklist of this scope, phase by phase; returns it and each table as shown."""
    fresh = checklists.read_checklist(engine, viewer, code)
    generation = st.session_state.setdefault(GEN_KEY, 0)
    phases = fresh.phases
    keys = {phase: editor_key(phase, generation) for phase in phases["phase"]}
    pending = any(edit_state(key).get("edited_rows") for key in keys.values())
    snapshot = st.session_state.get(SNAPSHOT_KEY)
    # Unsaved edits apply to the rows (and versions) the user saw; otherwise show the latest
    if not (pending and isinstance(snapshot, pd.DataFrame)):
        snapshot = fresh.items
        st.session_state[SNAPSHOT_KEY] = snapshot

    current = phases[phases["current"]]
    if current.empty:
        st.success(t("checklists.all_complete"), icon=":material/task_alt:")
    else:
        st.markdown(f"**{t('checklists.current_phase', phase=localized(current.iloc[0]))}**")
    flagged = phases[phases["flagged"]]
    if not flagged.empty:
        st.warning(
            t(
                "checklists.flags.warning",
                phases=", ".join(localized(r) for _, r in flagged.iterrows()),
            ),
            icon=":material/warning:",
        )
    if not editable:
        st.info(
            t("checklists.read_only" if code else "checklists.read_only.region"),
            icon=":material/visibility:",
        )

    shown = []
    config = column_config()
    for _, phase in phases.iterrows():
        items = snapshot[snapshot["phase"] == phase["phase"]].reset_index(drop=True)
        with st.container(border=True):
            st.subheader(f"{int(phase['position'])}. {localized(phase)}")
            badges = st.container(horizontal=True)
            with badges:
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
                st.caption(
                    t("checklists.phase.required_open", count=i18n.fmt_int(open_required, language))
                )
            if items.empty:
                st.caption(t("checklists.phase.empty"))
                continue
            frame = editor_frame(items)
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
                edited = None
            shown.append({"items": items, "key": keys[phase["phase"]], "edited": edited})
    return fresh, shown


def pending_edits(
    shown: list[dict], versions: dict[int, int] | None = None
) -> list[checklists.ItemEdit]:
    edits: list[checklists.ItemEdit] = []
    for part in shown:
        rows = edit_state(part["key"]).get("edited_rows") or {}
        if rows:
            edits += checklists.edits_from_editor(
                part["items"], rows, part["edited"], versions, decode={"status": STATUS_CODES}
            )
    return edits


def save(edits: list[checklists.ItemEdit]) -> None:
    """Save the edits; on success fresh tables, on a refusal the edits stay on screen (a stale
    save's conflicts are kept for the conflict panel below the buttons)."""
    try:
        result = checklists.save_items(engine, viewer, edits, language)
    except AccessDenied as refused:
        auth.record_refusal(engine, refused)
    except checklists.ChecklistError as problem:
        show_problems(problem.problems)
    except checklists.StaleEdit as stale:
        st.session_state[CONFLICT_KEY] = stale.conflicts
    else:
        count = i18n.fmt_int(len(result.changed), language)
        messages = [("success", t("checklists.saved", count=count))]
        messages += [("warning", w.message(language)) for w in result.warnings]
        saved(messages, GEN_KEY, SNAPSHOT_KEY, CONFLICT_KEY)


def save_area(shown: list[dict]) -> None:
    """Save and discard; a refused save's message right here, next to the buttons."""
    edits = pending_edits(shown)
    with st.container(horizontal=True):
        save_clicked = st.button(
            t("checklists.save"),
            type="primary",
            icon=":material/save:",
            key=f"vaihelista_save_{scope}",
        )
        discard_clicked = st.button(
            t("checklists.discard"),
            icon=":material/undo:",
            key=f"vaihelista_discard_{scope}",
            disabled=not edits,
        )
    if discard_clicked:
        saved([], GEN_KEY, SNAPSHOT_KEY, CONFLICT_KEY)
    if save_clicked:
        st.session_state.pop(CONFLICT_KEY, None)
        if edits:
            save(edits)
        else:
            st.info(t("checklists.nothing_to_save"), icon=":material/info:")
    elif edits:
        st.caption(t("checklists.pending", count=i18n.fmt_int(len(edits), language)))
    conflicts = st.session_state.get(CONFLICT_KEY) or []
    if not (conflicts and edits):
        return
    show_conflicts(conflicts)
    with st.container(horizontal=True):
        # The user has seen the other change: saving now overwrites only the fields they edited
        overwrite = st.button(
            t("checklists.conflict.overwrite"),
            icon=":material/save_as:",
            key=f"vaihelista_overwrite_{scope}",
        )
        reload = st.button(
            t("checklists.conflict.discard"),
            icon=":material/refresh:",
            key=f"vaihelista_reload_{scope}",
        )
    if reload:
        saved([], GEN_KEY, SNAPSHOT_KEY, CONFLICT_KEY)
    if overwrite:
        st.session_state.pop(CONFLICT_KEY, None)
        save(pending_edits(shown, {int(c.entity_id): c.version for c in conflicts}))
        if CONFLICT_KEY in st.session_state:  # changed yet again meanwhile
            show_conflicts(st.session_state[CONFLICT_KEY])


# =============================================================================================
# Own items


def own_items_section(items: pd.DataFrame, phases: pd.DataFrame, locked: bool) -> None:
    with st.expander(t("checklists.own.title"), icon=":material/playlist_add:"):
        st.caption(t("checklists.own.help"))
        if locked:
            st.info(t("checklists.own.locked"), icon=":material/lock:")
            return
        phase_names = {
            int(r["phase_id"]): f"{int(r['position'])}. {localized(r)}"
            for _, r in phases.iterrows()
        }
        # Keys of this generation: a refused item keeps what was typed, a saved one starts afresh
        gen = st.session_state.get(GEN_KEY, 0)
        with st.form(f"vaihelista_add_{scope}"):
            st.markdown(f"**{t('checklists.own.add')}**")
            phase_id = st.selectbox(
                t("checklists.own.phase"),
                list(phase_names),
                format_func=phase_names.get,
                key=f"vaihelista_add_phase_{scope}_{gen}",
            )
            title = st.text_input(
                t("checklists.own.name"), max_chars=300, key=f"vaihelista_add_title_{scope}_{gen}"
            )
            required = st.checkbox(
                t("checklists.field.required"),
                help=t("checklists.help.required"),
                key=f"vaihelista_add_required_{scope}_{gen}",
            )
            owner = st.text_input(
                t("checklists.field.owner"),
                max_chars=200,
                key=f"vaihelista_add_owner_{scope}_{gen}",
            )
            due = st.date_input(
                t("checklists.field.due_date"),
                value=None,
                format=i18n.date_format("input", language),
                key=f"vaihelista_add_due_{scope}_{gen}",
            )
            note = st.text_area(
                t("checklists.field.note"), max_chars=2000, key=f"vaihelista_add_note_{scope}_{gen}"
            )
            if st.form_submit_button(t("checklists.own.add"), icon=":material/add:"):
                try:
                    result = checklists.add_item(
                        engine, viewer, code, int(phase_id or 0), title,
                        required=required, owner=owner, due_date=due, note=note, lang=language,
                    )  # fmt: skip
                except AccessDenied as refused:
                    auth.record_refusal(engine, refused)
                except checklists.ChecklistError as problem:
                    show_problems(problem.problems)
                else:
                    messages = [("success", t("checklists.own.added", item=title.strip()))]
                    messages += [("warning", w.message(language)) for w in result.warnings]
                    saved(messages, GEN_KEY, SNAPSHOT_KEY, CONFLICT_KEY)

        own = items[items["own"]]
        st.markdown(f"**{t('checklists.own.remove')}**")
        if own.empty:
            st.caption(t("checklists.own.none"))
            return
        labels = {
            int(r["id"]): f"{localized(r)} · {phase_names.get(int(r['phase_id']), '')}"
            for _, r in own.iterrows()
        }
        pick = st.selectbox(
            t("checklists.own.pick"),
            list(labels),
            format_func=labels.get,
            key=f"vaihelista_remove_pick_{scope}",
        )
        row = own[own["id"] == pick].iloc[0]
        confirm = st.checkbox(
            t("checklists.own.remove.confirm", item=plain(localized(row))),
            key=f"vaihelista_remove_confirm_{scope}_{pick}",
        )
        if st.button(
            t("checklists.own.remove.button"),
            disabled=not confirm,
            icon=":material/delete:",
            key=f"vaihelista_remove_{scope}",
        ):
            try:
                checklists.remove_item(
                    engine, viewer, int(pick or 0), int(row["version"]), language
                )
            except AccessDenied as refused:
                auth.record_refusal(engine, refused)
            except checklists.ChecklistError as problem:
                show_problems(problem.problems)
            except checklists.StaleEdit as stale:
                show_conflicts(stale.conflicts)
            else:
                saved(
                    [("success", t("checklists.own.removed", item=localized(row)))],
                    GEN_KEY,
                    SNAPSHOT_KEY,
                    CONFLICT_KEY,
                )


# =============================================================================================
# The municipality's operating model and services


def setup_section(editable: bool) -> None:
    assert code is not None
    st.header(t("checklists.setup.title"))
    fresh = checklists.read_setup(engine, viewer, code)
    models, services = checklists.setup_choices(engine)
    generation = st.session_state.setdefault(SETUP_GEN_KEY, 0)
    snapshot = st.session_state.get(SETUP_SNAPSHOT_KEY)
    # The form keeps the values (and version) the user opened until they save or reload
    if snapshot is None or not editable:
        snapshot = st.session_state[SETUP_SNAPSHOT_KEY] = fresh
    elif snapshot.version != fresh.version and SETUP_CONFLICT_KEY not in st.session_state:
        st.info(
            t(
                "checklists.setup.changed",
                who=plain(fresh.updated_by or "?"),
                when=checklists.fmt_moment(fresh.updated_at, language),
            ),
            icon=":material/sync:",
        )
        if st.button(t("checklists.setup.refresh"), key=f"vaihelista_setup_refresh_{scope}"):
            saved([], SETUP_GEN_KEY, SETUP_SNAPSHOT_KEY)
    if fresh.updated_by:
        st.caption(
            t(
                "checklists.setup.updated",
                when=checklists.fmt_moment(fresh.updated_at, language),
                who=plain(fresh.updated_by),
            )
        )
    model_names = {r["code"]: localized(r) for _, r in models.iterrows()}
    service_names = {r["code"]: localized(r) for _, r in services.iterrows()}
    with st.form(f"vaihelista_setup_{scope}_{generation}"):
        model = st.radio(
            t("checklists.setup.operating_model"),
            list(model_names),
            index=list(model_names).index(snapshot.operating_model)
            if snapshot.operating_model in model_names
            else None,
            format_func=lambda c: model_names.get(c, c),
            key=f"vaihelista_setup_model_{scope}_{generation}",
            disabled=not editable,
        )
        environment = st.text_input(
            t("checklists.setup.environment"),
            value=snapshot.coaching_environment or "",
            max_chars=200,
            key=f"vaihelista_setup_env_{scope}_{generation}",
            disabled=not editable,
        )
        offered = st.multiselect(
            t("checklists.setup.services"),
            list(service_names),
            default=[c for c in snapshot.services if c in service_names],
            format_func=lambda c: service_names.get(c, c),
            key=f"vaihelista_setup_services_{scope}_{generation}",
            disabled=not editable,
            placeholder=t("forms.choose"),
        )
        submitted = st.form_submit_button(
            t("checklists.setup.save"),
            type="primary",
            icon=":material/save:",
            disabled=not editable,
        )

    def attempt(version: int) -> None:
        try:
            result = checklists.save_setup(
                engine, viewer, code, version=version, operating_model=model, services=offered,
                coaching_environment=environment, seen=snapshot, lang=language,
            )  # fmt: skip
        except AccessDenied as refused:
            auth.record_refusal(engine, refused)
        except checklists.ChecklistError as problem:
            show_problems(problem.problems)
        except checklists.StaleEdit as stale:
            st.session_state[SETUP_CONFLICT_KEY] = stale.conflicts
        else:
            messages = [("success", t("checklists.setup.saved"))]
            messages += [("warning", w.message(language)) for w in result.warnings]
            saved(messages, SETUP_GEN_KEY, SETUP_SNAPSHOT_KEY, SETUP_CONFLICT_KEY)

    if submitted:
        st.session_state.pop(SETUP_CONFLICT_KEY, None)
        attempt(snapshot.version)
    conflicts = st.session_state.get(SETUP_CONFLICT_KEY) or []
    if not conflicts:
        return
    show_conflicts(conflicts)
    with st.container(horizontal=True):
        overwrite = st.button(
            t("checklists.conflict.overwrite"),
            icon=":material/save_as:",
            key=f"vaihelista_setup_overwrite_{scope}",
        )
        reload = st.button(
            t("checklists.conflict.discard"),
            icon=":material/refresh:",
            key=f"vaihelista_setup_reload_{scope}",
        )
    if reload:
        saved([], SETUP_GEN_KEY, SETUP_SNAPSHOT_KEY, SETUP_CONFLICT_KEY)
    if overwrite:
        st.session_state.pop(SETUP_CONFLICT_KEY, None)
        attempt(conflicts[0].version)
        if SETUP_CONFLICT_KEY in st.session_state:  # changed yet again meanwhile
            show_conflicts(st.session_state[SETUP_CONFLICT_KEY])


# =============================================================================================
# History


def history_value(field: str | None, value: Any, names_of: dict[str, dict[str, str]]) -> str:
    """An audit value as a person reads it: phases, operating models and services by name."""
    if field in names_of and isinstance(value, str) and value:
        return ", ".join(names_of[field].get(part, part) for part in value.split(","))
    return checklists.fmt_value(field or "", value, language)


def history_table(
    frame: pd.DataFrame, with_item: bool, names_of: dict[str, dict[str, str]]
) -> None:
    if frame.empty:
        st.caption(t("checklists.history.empty"))
        return
    table = pd.DataFrame(
        {
            "at": [checklists.fmt_moment(at, language) for at in frame["at"]],
            "user": frame["user_email"],
            "item": [localized(r) for _, r in frame.iterrows()],
            "action": [
                t(f"checklists.action.{a}") if a in ("create", "update", "delete") else a
                for a in frame["action"]
            ],
            "field": [checklists.field_label(f, language) if f else "" for f in frame["field"]],
            "old": [
                history_value(f, v, names_of)
                for f, v in zip(frame["field"], frame["old_value"], strict=True)
            ],
            "new": [
                history_value(f, v, names_of)
                for f, v in zip(frame["field"], frame["new_value"], strict=True)
            ],
        }
    )
    if not with_item:
        table = table.drop(columns=["item"])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "at": st.column_config.TextColumn(t("checklists.col.at")),
            "user": st.column_config.TextColumn(t("checklists.col.user")),
            "item": st.column_config.TextColumn(t("checklists.col.item")),
            "action": st.column_config.TextColumn(t("checklists.col.action")),
            "field": st.column_config.TextColumn(t("checklists.col.field")),
            "old": st.column_config.TextColumn(t("checklists.col.old")),
            "new": st.column_config.TextColumn(t("checklists.col.new")),
        },
    )


def history_section(items: pd.DataFrame, phases: pd.DataFrame) -> None:
    st.header(t("checklists.history.title"))
    models, services = checklists.setup_choices(engine)
    names_of = {
        "phase_id": {str(r["phase_id"]): localized(r) for _, r in phases.iterrows()},
        "operating_model_code": {r["code"]: localized(r) for _, r in models.iterrows()},
        "services": {r["code"]: localized(r) for _, r in services.iterrows()},
    }
    if code is not None:
        st.subheader(t("checklists.history.recent"))
        history_table(checklists.recent_changes(engine, viewer, code), True, names_of)
    st.subheader(t("checklists.history.item"))
    labels = {
        int(r["id"]): f"{int(r['phase_position'])}. {localized(r, 'phase_name')} · {localized(r)}"
        for _, r in items.iterrows()
    }
    pick = st.selectbox(
        t("checklists.history.pick"),
        list(labels),
        format_func=labels.get,
        key=f"vaihelista_history_{scope}",
    )
    if pick is not None:
        history_table(checklists.item_history(engine, viewer, int(pick)), False, names_of)


# =============================================================================================
# The region: matrix and deadlines


def matrix_section() -> None:
    st.header(t("checklists.region.matrix"))
    matrix = checklists.region_matrix(engine, viewer)
    st.caption(t("checklists.region.matrix.caption"))
    st.altair_chart(
        charts.phase_heatmap(matrix, language),
        width="stretch",
        alt=t("checklists.region.matrix.caption"),
    )
    cells = charts.phase_matrix_frame(matrix, language)
    table = cells.pivot(index="municipality", columns="phase", values="label")
    table = table.reindex(index=list(dict.fromkeys(cells["municipality"])))
    table.index.name = t("checklists.col.municipality")
    table.columns.name = None
    st.markdown(f"**{t('checklists.region.matrix.table')}**")
    st.table(table)


def deadline_label(days: int) -> str:
    if days < 0:
        return t("checklists.deadline.overdue", days=i18n.fmt_int(-days, language))
    if days == 0:
        return t("checklists.deadline.today")
    return t("checklists.deadline.upcoming", days=i18n.fmt_int(days, language))


def deadlines_section() -> None:
    st.header(t("checklists.region.deadlines"))
    st.caption(t("checklists.region.deadlines.caption", days=checklists.UPCOMING_DAYS))
    due = checklists.deadlines(engine, viewer, today)
    if due.empty:
        st.info(t("checklists.region.deadlines.empty"), icon=":material/event_available:")
        return
    table = pd.DataFrame(
        {
            "deadline": [deadline_label(int(d)) for d in due["days_left"]],
            "due_date": due["due_date"],
            "municipality": [n or t("app.region") for n in due["municipality_name"]],
            "phase": [localized(r, "phase_name") for _, r in due.iterrows()],
            "item": [localized(r) for _, r in due.iterrows()],
            "status": [i18n.code_label("checklist_status", s, language) for s in due["status"]],
            "owner": due["owner"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "deadline": st.column_config.TextColumn(t("checklists.col.deadline")),
            "due_date": st.column_config.DateColumn(
                t("checklists.field.due_date"),
                format=i18n.date_format("moment", language),
            ),
            "municipality": st.column_config.TextColumn(t("checklists.col.municipality")),
            "phase": st.column_config.TextColumn(t("checklists.col.phase")),
            "item": st.column_config.TextColumn(t("checklists.col.item")),
            "status": st.column_config.TextColumn(t("checklists.field.status")),
            "owner": st.column_config.TextColumn(t("checklists.field.owner")),
        },
    )


def export_button() -> None:
    if not viewer.may(Permission.EXPORT, code):
        return
    place = names.get(code or "", t("app.region"))
    st.download_button(
        t("checklists.export"),
        data=lambda: checklists.checklist_workbook(engine, viewer, code, language, today),
        file_name=t("checklists.export.file", place=place.lower(), date=today.isoformat()),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        help=t("checklists.export.help"),
        key=f"vaihelista_export_{scope}",
    )


# =============================================================================================
# The page

st.title(t("page.checklists"))
plan = data.work_plan()
package = plan[plan["scope"] == ("municipality" if code else "region")].iloc[0]
if code:
    st.caption(
        t(
            "checklists.caption.municipality",
            place=names.get(code, code),
            work_package=localized(package, "work_package_name"),
        )
    )
else:
    st.caption(t("checklists.caption.region", work_package=localized(package, "work_package_name")))
show_flash()

if code is None:
    matrix_section()
    st.header(t("checklists.region.wp2"))
editable = viewer.may(Permission.EDIT, code)
checklist, shown = checklist_section(editable)
if editable:
    save_area(shown)
    own_items_section(checklist.items, checklist.phases, locked=bool(pending_edits(shown)))
export_button()
if code is None:
    deadlines_section()
else:
    setup_section(editable)
history_section(checklist.items, checklist.phases)
