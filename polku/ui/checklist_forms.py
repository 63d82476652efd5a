"""The Vaihelistat page's forms: the municipality's own checklist items (add, remove) and its
operating model and services, saved at the version the user opened (a stale save is refused
and shown in the shared conflict panel)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from polku import checklists, i18n
from polku.access import AccessDenied
from polku.ui import data, feedback
from polku.ui.checklist_editor import Place
from polku.ui.state import t
from polku.ui.tabs import lazy_expander
from polku.ui.text import plain


def _add_form(place: Place, phase_names: dict[int, str]) -> None:
    # Keys of this generation: a refused item keeps what was typed, a saved one starts afresh
    scope, gen = place.code or "alue", st.session_state.get(place.key("gen"), 0)
    with st.form(f"vaihelista_add_{scope}"):
        st.markdown(f"**{t('checklists.own.add')}**")
        phase_id = st.selectbox(
            t("checklists.own.phase"),
            list(phase_names),
            format_func=lambda i: phase_names[i],
            key=f"vaihelista_add_phase_{scope}_{gen}",
        )
        # Labels, descriptions and lengths: the item's declaration (checklists.ITEM)
        label, length = place.label, checklists.declared_length
        title = st.text_input(
            t("checklists.own.name"),
            max_chars=length("title"),
            help=place.help("title"),
            key=f"vaihelista_add_title_{scope}_{gen}",
        )
        required = st.checkbox(
            label("required"),
            help=place.help("required"),
            key=f"vaihelista_add_required_{scope}_{gen}",
        )
        owner = st.text_input(
            label("owner"),
            max_chars=length("owner"),
            help=place.help("owner"),
            key=f"vaihelista_add_owner_{scope}_{gen}",
        )
        due = st.date_input(
            label("due_date"),
            value=None,
            format=i18n.date_format("input", place.language),
            help=place.help("due_date"),
            key=f"vaihelista_add_due_{scope}_{gen}",
        )
        note = st.text_area(
            label("note"),
            max_chars=length("note"),
            help=place.help("note"),
            key=f"vaihelista_add_note_{scope}_{gen}",
        )
        if st.form_submit_button(t("checklists.own.add"), icon=":material/add:"):
            _add(place, int(phase_id or 0), title, required, owner, due, note)


def _add(
    place: Place,
    phase_id: int,
    title: str,
    required: bool,
    owner: str,
    due: date | None,
    note: str,
) -> None:
    """Add the item; a refusal is shown in the form, which keeps what was typed."""
    try:
        result = checklists.add_item(
            place.engine, place.viewer, place.code, phase_id, title,
            required=required, owner=owner, due_date=due, note=note, lang=place.language,
        )  # fmt: skip
    except AccessDenied as refused:
        place.refused(refused)
    except checklists.ChecklistError as problem:
        feedback.show_problems(problem.problems)
    else:
        added = t("checklists.own.added", item=title.strip())
        place.saved(feedback.outcome(added, result.warnings), "gen", "snapshot", "conflict")


def _remove_form(place: Place, own: pd.DataFrame, phase_names: dict[int, str]) -> None:
    scope = place.code or "alue"
    labels = {
        int(r["id"]): f"{place.localized(r)} · {phase_names.get(int(r['phase_id']), '')}"
        for _, r in own.iterrows()
    }
    pick = st.selectbox(
        t("checklists.own.pick"),
        list(labels),
        format_func=lambda i: labels[i],
        key=f"vaihelista_remove_pick_{scope}",
    )
    row = own[own["id"] == pick].iloc[0]
    confirm = st.checkbox(
        t("checklists.own.remove.confirm", item=plain(place.localized(row))),
        key=f"vaihelista_remove_confirm_{scope}_{pick}",
    )
    if not st.button(
        t("checklists.own.remove.button"),
        disabled=not confirm,
        icon=":material/delete:",
        key=f"vaihelista_remove_{scope}",
    ):
        return
    try:
        checklists.remove_item(
            place.engine, place.viewer, int(pick or 0), int(row["version"]), place.language
        )
    except AccessDenied as refused:
        place.refused(refused)
    except checklists.ChecklistError as problem:
        feedback.show_problems(problem.problems)
    except checklists.StaleEdit as stale:
        data.forget_checklists()
        feedback.show_conflicts(stale.conflicts)
    else:
        removed = t("checklists.own.removed", item=place.localized(row))
        place.saved([("success", removed)], "gen", "snapshot", "conflict")


def own_items_section(
    place: Place, items: pd.DataFrame, phases: pd.DataFrame, locked: bool
) -> None:
    """Items the municipality adds to its own checklist, and their removal; `locked` while the
    tables hold unsaved edits (a save would redraw them)."""
    box = lazy_expander(t("checklists.own.title"), place.key("own"), icon=":material/playlist_add:")
    if box is None:  # closed: its forms are drawn when it is opened
        return
    with box:
        st.caption(t("checklists.own.help"))
        if locked:
            st.info(t("checklists.own.locked"), icon=":material/lock:")
            return
        phase_names = {
            int(r["phase_id"]): f"{int(r['position'])}. {place.localized(r)}"
            for _, r in phases.iterrows()
        }
        _add_form(place, phase_names)
        own = items[items["own"]]
        st.markdown(f"**{t('checklists.own.remove')}**")
        if own.empty:
            st.caption(t("checklists.own.none"))
            return
        _remove_form(place, own, phase_names)


def _changed_since_opened(place: Place, fresh: checklists.Setup) -> None:
    """Someone saved since the form was opened (and no conflict says so already)."""
    if place.key("setup_conflict") in st.session_state:
        return
    when = checklists.fmt_moment(fresh.updated_at, place.language)
    who = plain(fresh.updated_by or "?")
    st.info(t("checklists.setup.changed", who=who, when=when), icon=":material/sync:")
    if st.button(t("checklists.setup.refresh"), key=place.key("setup_refresh")):
        place.saved([], "setup_gen", "setup_snapshot")


def setup_section(place: Place, editable: bool) -> None:
    """The municipality's operating model, coaching environment and services."""
    code, language = place.code, place.language
    assert code is not None
    st.header(t("checklists.setup.title"))
    fresh = data.read(checklists.read_setup, place.viewer, code)
    models, services = data.read(checklists.setup_choices, None)
    generation = st.session_state.setdefault(place.key("setup_gen"), 0)
    snapshot = st.session_state.get(place.key("setup_snapshot"))
    # The form keeps the values (and version) the user opened until they save or reload
    if snapshot is None or not editable:
        snapshot = st.session_state[place.key("setup_snapshot")] = fresh
    elif snapshot.version != fresh.version:
        _changed_since_opened(place, fresh)
    if fresh.updated_by:
        moment = checklists.fmt_moment(fresh.updated_at, language)
        st.caption(t("checklists.setup.updated", when=moment, who=plain(fresh.updated_by)))
    model_names = {r["code"]: place.localized(r) for _, r in models.iterrows()}
    service_names = {r["code"]: place.localized(r) for _, r in services.iterrows()}
    with st.form(f"vaihelista_setup_{code}_{generation}"):
        model = st.radio(
            t("checklists.setup.operating_model"),
            list(model_names),
            index=list(model_names).index(snapshot.operating_model)
            if snapshot.operating_model in model_names
            else None,
            format_func=lambda c: model_names.get(c, c),
            key=f"vaihelista_setup_model_{code}_{generation}",
            disabled=not editable,
        )
        environment = st.text_input(
            t("checklists.setup.environment"),
            value=snapshot.coaching_environment or "",
            max_chars=200,
            key=f"vaihelista_setup_env_{code}_{generation}",
            disabled=not editable,
        )
        offered = st.multiselect(
            t("checklists.setup.services"),
            list(service_names),
            default=[c for c in snapshot.services if c in service_names],
            format_func=lambda c: service_names.get(c, c),
            key=f"vaihelista_setup_services_{code}_{generation}",
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
                place.engine, place.viewer, code, version=version, operating_model=model,
                services=offered, coaching_environment=environment, seen=snapshot, lang=language,
            )  # fmt: skip
        except AccessDenied as refused:
            place.refused(refused)
        except checklists.ChecklistError as problem:
            feedback.show_problems(problem.problems)
        except checklists.StaleEdit as stale:
            data.forget_checklists()
            st.session_state[place.key("setup_conflict")] = stale.conflicts
        else:
            messages = feedback.outcome(t("checklists.setup.saved"), result.warnings)
            place.saved(messages, "setup_gen", "setup_snapshot", "setup_conflict")

    if submitted:
        st.session_state.pop(place.key("setup_conflict"), None)
        attempt(snapshot.version)
    feedback.conflict_panel(
        place.key("setup_conflict"),
        (place.key("setup_overwrite"), place.key("setup_reload")),
        overwrite=lambda conflicts: attempt(conflicts[0].version),
        reload=lambda: place.saved([], "setup_gen", "setup_snapshot", "setup_conflict"),
    )
