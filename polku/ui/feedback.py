"""Messages after a save, written once for every page: a save's outcome carried over its rerun,
refused input listed, and the save-conflict panel (someone else saved first)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import streamlit as st

from polku import checklists
from polku.ui.state import lang, t
from polku.ui.text import plain

# (kind, text): kind "success" or anything else (a warning)
Message = tuple[str, str]


class Explained(Protocol):
    """A refusal that says itself in a language (checklists.Problem, a warning)."""

    def message(self, lang: str) -> str: ...


def outcome(success: str, warnings: Iterable[Explained] = ()) -> list[Message]:
    """A saved change's messages: the success, then each warning about what was saved."""
    return [("success", success)] + [("warning", w.message(lang())) for w in warnings]


def show_flash(key: str) -> None:
    """Messages of the save that ran before the last rerun (they name items: plain text)."""
    for kind, text in st.session_state.pop(key, []):
        if kind == "success":
            st.success(plain(text), icon=":material/check_circle:")
        else:
            st.warning(plain(text), icon=":material/warning:")


def saved(flash_key: str, messages: list[Message], generation_key: str, *drop: str) -> None:
    """After a save: fresh widgets (a new generation in their keys), the `drop` session keys
    forgotten, the messages shown after a rerun (the save changed the data version, so every
    cached read is fresh: polku.ui.data)."""
    st.session_state[generation_key] = st.session_state.get(generation_key, 0) + 1
    for key in drop:
        st.session_state.pop(key, None)
    st.session_state[flash_key] = messages
    st.rerun()


def show_problems(problems: Sequence[Explained]) -> None:
    """Refused input, one line per problem (they quote what was typed: plain text)."""
    lines = "\n".join(f"- {plain(p.message(lang()))}" for p in problems)
    st.error(f"{t('checklists.errors')}\n\n{lines}", icon=":material/error:")


def show_conflicts(conflicts: Sequence[checklists.Conflict]) -> None:
    """What someone else changed since the user opened the form, and what the user changed."""
    language = lang()
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


def conflict_panel(
    conflict_key: str,
    keys: tuple[str, str],
    *,
    overwrite: Callable[[list[checklists.Conflict]], None],
    reload: Callable[[], None],
) -> None:
    """The conflicts a refused save kept in `conflict_key`, with "save mine over theirs" and
    "discard mine" (widget `keys`). Overwriting saves again at the versions now seen
    (`overwrite(conflicts)`); if they changed yet again meanwhile, the new conflicts show."""
    conflicts = st.session_state.get(conflict_key) or []
    if not conflicts:
        return
    show_conflicts(conflicts)
    with st.container(horizontal=True):
        # The user has seen the other change: saving now overwrites only the fields they edited
        overwrite_clicked = st.button(
            t("checklists.conflict.overwrite"),
            icon=":material/save_as:",
            key=keys[0],
        )
        reload_clicked = st.button(
            t("checklists.conflict.discard"),
            icon=":material/refresh:",
            key=keys[1],
        )
    if reload_clicked:
        reload()
    if overwrite_clicked:
        st.session_state.pop(conflict_key, None)
        overwrite(conflicts)
        if conflict_key in st.session_state:  # changed yet again meanwhile
            show_conflicts(st.session_state[conflict_key])
