"""The Tehtävät page's parts: the counts per kind, each kind's list with links to where an item
is fixed, and the digest opt-in in the sidebar ("Omat asetukset")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from polku import db, i18n, metrics, project, users, work_queue
from polku.access import ADMIN, COORDINATOR, Actor, Permission
from polku.ui import data
from polku.ui.state import LANGUAGE_KEY, lang, t
from polku.ui.tabs import lazy_expander

# The language switch's URL value for English (polku/ui/sidebar.py: the label as shown)
_ENGLISH = "en"


def link(item: work_queue.WorkItem, language: str) -> str:
    """The item's page link, keeping the session's language."""
    if language != _ENGLISH:
        return item.link
    extra = urlencode({LANGUAGE_KEY: i18n.t(f"lang.{_ENGLISH}", language)})
    return f"{item.link}{'&' if '?' in item.link else '?'}{extra}"


def deadline(item: work_queue.WorkItem, language: str) -> str:
    """An overdue item's deadline with an icon and text (never colour alone)."""
    text = item.deadline(language)
    return i18n.t("tasks.flag.overdue", language, deadline=text) if item.overdue else text


@dataclass(frozen=True)
class Queue:
    """The work queue as the page draws it: per kind (every kind, in order) its items and how
    many are overdue, and its table in the viewer's language."""

    counts: dict[str, tuple[int, int]]
    tables: dict[str, pd.DataFrame]


def queue(
    engine: Engine,
    viewer: Actor,
    as_of: date,
    municipality: str | None,
    rules: project.WorkQueueRules,
    language: str,
) -> Queue:
    """polku.work_queue.work_queue and its tables: thousands of rows for the whole region, so
    the page reads this through polku.ui.data.read (cached until the data changes)."""
    items = work_queue.work_queue(engine, viewer, as_of, municipality, rules)
    towns = metrics.municipalities(engine)
    names = dict(zip(towns["code"], towns["name"], strict=True))
    return Queue(
        work_queue.counts(items),
        {
            kind: _frame([i for i in items if i.kind == kind], names, viewer, language)
            for kind in work_queue.KINDS
        },
    )


def _frame(
    items: Sequence[work_queue.WorkItem], names: dict[str, str], viewer: Actor, language: str
) -> pd.DataFrame:
    """A kind's items: deadline, municipality, label, client (to whoever may open the card),
    due date, and the link to where it is fixed; columns nobody fills are left out."""
    frame = pd.DataFrame(
        {
            "deadline": [deadline(i, language) for i in items],
            "municipality": [
                names.get(i.municipality or "", i18n.t("app.region", language)) for i in items
            ],
            "item": [i.label(language) for i in items],
            "client": [
                i.client_code if viewer.may(Permission.READ_ROWS, i.municipality) else None
                for i in items
            ],
            "due": [i.due for i in items],
            "link": [link(i, language) for i in items],
        }
    )
    if frame["client"].isna().all():
        frame = frame.drop(columns=["client"])
    if frame["due"].isna().all():
        frame = frame.drop(columns=["due", "deadline"])
    return frame


def counts(per_kind: dict[str, tuple[int, int]]) -> None:
    """One metric per kind: its items, and how many of them are overdue."""
    language = lang()
    columns = st.columns(len(work_queue.KINDS))
    for column, kind in zip(columns, work_queue.KINDS, strict=True):
        total, late = per_kind[kind]
        column.metric(
            t(f"tasks.kind.{kind}"),
            i18n.fmt_int(total, language),
            delta=t("tasks.metric.overdue", count=i18n.fmt_int(late, language)) if late else None,
            delta_color="inverse",
            delta_arrow="off",
            border=True,
        )


def item_table(frame: pd.DataFrame, key: str) -> None:
    """A kind's table (see _frame) with its column names and formats."""
    if frame.empty:
        st.caption(t("tasks.empty"))
        return
    text = {
        "deadline": "tasks.col.deadline",
        "municipality": "tasks.col.municipality",
        "item": "tasks.col.item",
        "client": "tasks.col.client",
    }
    config: dict = {c: st.column_config.TextColumn(t(k)) for c, k in text.items()}
    config["due"] = st.column_config.DateColumn(
        t("tasks.col.due"), format=i18n.date_format("moment", lang())
    )
    config["link"] = st.column_config.LinkColumn(t("tasks.col.link"), display_text=t("tasks.open"))
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key)


def kind_section(kind: str, late: int, frame: pd.DataFrame, about: str) -> None:
    title = t(f"tasks.kind.{kind}")
    if late:
        title += " · " + t("tasks.flag.overdue", deadline=t("tasks.metric.overdue", count=late))
    st.subheader(title)
    st.caption(about)
    item_table(frame, key=f"tehtavat_{kind}")


def my_settings(engine: Engine, viewer: Actor) -> None:
    """The sidebar's "My settings": the weekly digest on or off, for users with a queue."""
    if viewer.role not in (ADMIN, COORDINATOR):
        return
    box = lazy_expander(t("settings.title"), "omat_asetukset", icon=":material/settings:")
    if box is None:
        return
    with box:
        on = data.read(users.own_digest, viewer, personal=True)
        wanted = st.toggle(
            t("settings.digest"), value=on, help=t("settings.digest.help"), key="oma_viikkokooste"
        )
        if wanted != on:
            with db.session_scope(engine) as session:
                users.set_own_digest(session, viewer, wanted)
            st.toast(t("settings.saved"), icon=":material/check:")


def today_caption(as_of: date, place: str) -> None:
    st.caption(t("tasks.caption", date=i18n.fmt_date(as_of, lang()), place=place))
