"""Drawing the client card (app_pages/client_card.py): a record's fields as widgets chosen by the
import's column types, the diff of what the user changed, save and delete with their messages
in the record's own section, and the conflict panel of a stale save."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from polku import client_card, i18n
from polku.access import AccessDenied, Actor
from polku.ingest import Column, FormInvalid
from polku.ui import auth
from polku.ui.state import lang, t
from polku.ui.text import plain

FLASH_KEY = "asiakaskortti_flash"  # section → messages of the action before the last rerun
CONFLICT_KEY = "asiakaskortti_conflict"  # section → the conflicts of a stale save
# The card as loaded (viewer, card): edits are saved against the versions read, until the
# user's own save, a reload or another client
SNAPSHOT_KEY = "asiakaskortti_card"
DIGITS = {"weekly_hours": 1}  # decimals shown with one digit; euros with two


def _key(kind: str, row: client_card.Row, name: str) -> str:
    # The version in the key: after a save the widgets start from the stored values
    return f"asiakaskortti_{kind}_{row.id}_{row.version}_{name}"


def _number_text(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.type == "int":
        return str(int(value))
    return i18n.fmt_decimal(value, DIGITS.get(column.name, 2), lang())


def field_widget(
    card: client_card.ClientCard, kind: str, row: client_card.Row, column: Column
) -> Any:
    """The widget of one field, filled with the stored value; returns what it holds now."""
    name, value, key = column.name, row.values.get(column.name), _key(kind, row, column.name)
    label = client_card.label(name, lang())
    disabled = not card.editable
    if column.type == "date":
        return st.date_input(
            label,
            value=value,
            min_value=date(2000, 1, 1),
            max_value=date(2040, 12, 31),
            format=i18n.date_format("input", lang()),
            key=key,
            disabled=disabled,
        )
    if column.type in ("choice", "bool"):
        if column.type == "bool":
            options: list[Any] = [None, True, False]
        else:
            options = list(card.choices.get(column.choices or "", {}))
            options = options if column.required else [None, *options]
        return st.selectbox(
            label,
            options,
            index=options.index(value) if value in options else 0,
            format_func=lambda v: _option(kind, name, v, card),
            key=key,
            disabled=disabled,
        )
    if column.type in ("decimal", "int"):
        return st.text_input(label, _number_text(column, value), key=key, disabled=disabled)
    return st.text_input(label, value or "", key=key, disabled=disabled)


def _option(kind: str, name: str, value: Any, card: client_card.ClientCard) -> str:
    if value is None:
        return t("client_card.unknown")
    return client_card.format_value(kind, name, value, card.choices, lang())


def changes(kind: str, row: client_card.Row, shown: dict[str, Any]) -> dict[str, Any]:
    """What the user changed: numbers as typed (parsed on save), empty text as None."""
    out: dict[str, Any] = {}
    for column in client_card.fields(kind):
        now, was = shown[column.name], row.values.get(column.name)
        if column.type in ("decimal", "int"):
            if (now or "").strip() != _number_text(column, was):
                out[column.name] = now
        elif isinstance(now, str):
            if (now.strip() or None) != was:
                out[column.name] = now
        elif now != was:
            out[column.name] = now
    return out


def flash(section: str, kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH_KEY, {}).setdefault(section, []).append((kind, text))


def show_flash(section: str) -> None:
    for kind, text in st.session_state.get(FLASH_KEY, {}).pop(section, []):
        show = st.success if kind == "success" else st.warning
        show(plain(text), icon=":material/check_circle:" if kind == "success" else None)


def show_problems(problems: list) -> None:
    lines = "\n".join(
        f"- {plain(client_card.label(p.field, lang()) + ': ' if p.field else '')}"
        f"{plain(p.reason(lang()))}"
        for p in problems
    )
    st.error(f"{t('client_card.errors')}\n\n{lines}", icon=":material/error:")


def show_conflicts(section: str) -> None:
    """The stale save's panel: what the other person changed, what this user tried."""
    conflicts = st.session_state.get(CONFLICT_KEY, {}).get(section) or []
    if not conflicts:
        return
    lines = []
    for conflict in conflicts:
        lines.append(f"- {plain(conflict.message(lang()))}")
        if conflict.yours:
            yours = t("client_card.conflict.yours", changes=conflict.yours_text(lang()))
            lines.append(f"  - {plain(yours)}")
    st.error(
        f"{t('client_card.conflict.title')}\n\n" + "\n".join(lines), icon=":material/sync_problem:"
    )
    if st.button(t("client_card.conflict.reload"), key=f"asiakaskortti_reload_{section}"):
        st.session_state[CONFLICT_KEY].pop(section, None)
        st.session_state.pop(SNAPSHOT_KEY, None)
        st.rerun()


def act(engine: Engine, section: str, attempt: Any) -> None:
    """Run a save or delete; its result is shown in `section` (after a rerun on success)."""
    st.session_state.setdefault(CONFLICT_KEY, {}).pop(section, None)
    try:
        saved = attempt()
    except AccessDenied as refused:
        auth.record_refusal(engine, refused)
    except FormInvalid as invalid:
        show_problems(invalid.problems)
    except client_card.StaleEdit as stale:
        st.session_state[CONFLICT_KEY][section] = stale.conflicts
        show_conflicts(section)
    else:
        for kind, text in saved:
            flash(section, kind, text)
        st.session_state.pop(SNAPSHOT_KEY, None)
        st.rerun()


def record_panel(
    engine: Engine, viewer: Actor, card: client_card.ClientCard, kind: str, row: client_card.Row
) -> None:
    """One record: its fields, Save with the diff, Delete after a confirmation."""
    section = f"{kind}_{row.id}"
    shown = {c.name: field_widget(card, kind, row, c) for c in client_card.fields(kind)}
    show_flash(section)
    show_conflicts(section)
    if not card.editable:
        return
    with st.container(horizontal=True):
        save = st.button(t("client_card.save"), type="primary", key=_key(kind, row, "save"))
        remove = st.button(
            t("client_card.delete.exit" if kind == "exit" else "client_card.delete"),
            icon=":material/delete:",
            key=_key(kind, row, "delete"),
        )
        confirmed = st.checkbox(t("client_card.delete.confirm"), key=_key(kind, row, "confirm"))
    language = lang()
    if save:
        edits = changes(kind, row, shown)
        if not edits:
            st.info(t("client_card.nothing_changed"), icon=":material/info:")
            return

        def attempt_save() -> list[tuple[str, str]]:
            saved = client_card.update(
                engine, viewer, kind, row.id, row.version, edits, language, seen=row.values
            )
            messages = [("success", t("client_card.saved", changes=saved.text(language)))]
            return messages + [("warning", w.reason(language)) for w in saved.warnings]

        act(engine, section, attempt_save)
    if remove and not confirmed:
        st.warning(t("client_card.delete.unconfirmed"), icon=":material/warning:")
    elif remove:
        what = client_card.row_label(kind, row.values, card.choices).text(language)

        def attempt_delete() -> list[tuple[str, str]]:
            client_card.delete(engine, viewer, kind, row.id, row.version, seen=row.values)
            return [("success", t("client_card.deleted", what=what))]

        act(engine, kind, attempt_delete)


def card_of(engine: Engine, viewer: Actor, code: str) -> client_card.ClientCard:
    """The card as this viewer loaded it last; loaded afresh for another client or viewer."""
    held = st.session_state.get(SNAPSHOT_KEY)
    if held is not None and held[0] == viewer and held[1].code == code:
        return held[1]
    card = client_card.load(engine, viewer, code)
    st.session_state[SNAPSHOT_KEY] = (viewer, card)
    return card
