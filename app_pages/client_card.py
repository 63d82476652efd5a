"""Asiakaskortti: one client's records on one card. The client is found by typing its code
(never a list of every client); the entry data, the status episodes, the exit, the outcomes and
the employment bonuses follow, each record with its own Save and Delete. Rules, access and
versions live in polku/client_card.py; drawing helpers in polku/ui/client_card.py."""

import pandas as pd
import streamlit as st

from polku import client_card
from polku.access import AccessDenied
from polku.ingest import FormInvalid
from polku.ui import auth, resources
from polku.ui import client_card as ui
from polku.ui.state import actor, lang, t
from polku.ui.text import plain

viewer = actor()
engine = resources.engine()
language = lang()
CODE_KEY = "asiakaskortti_code"
# A link from the client list opens the card of its client: ?asiakas=CODE
if "asiakas" in st.query_params and CODE_KEY not in st.session_state:
    st.session_state[CODE_KEY] = st.query_params["asiakas"]

st.title(t("page.client_card"))
st.caption(t("client_card.caption"))

typed = st.text_input(t("client_card.search"), key=CODE_KEY, help=t("client_card.search.help"))
if not typed.strip():
    st.stop()

try:
    found = client_card.search(engine, viewer, typed)
except AccessDenied as refused:
    auth.record_refusal(engine, refused)
    st.stop()
exact = next((c for c in found if c.casefold() == typed.strip().casefold()), None)
if exact is None and found:
    code = st.selectbox(t("client_card.matches"), found, key="asiakaskortti_match")
elif exact is None:
    st.info(t("client_card.no_matches"), icon=":material/search_off:")
    st.stop()
else:
    code = exact

try:
    card = ui.card_of(engine, viewer, code)
except AccessDenied as refused:
    auth.record_refusal(engine, refused)
    st.stop()
except FormInvalid as invalid:
    ui.show_problems(invalid.problems)
    st.stop()

st.subheader(plain(card.code))
if not card.editable:
    st.info(t("client_card.read_only"), icon=":material/visibility:")


def value(kind: str, name: str, raw: object) -> str:
    return client_card.format_value(kind, name, raw, card.choices, language)


# Entry data: read here, recorded on the Asiakkaat page and by the import
with st.container(border=True):
    st.markdown(f"**{t('client_card.entry')}**")
    entry = [
        {
            "field": client_card.label(c.name, language),
            "value": value("entry", c.name, card.entry.get(c.name)),
        }
        for c in client_card.entry_fields()
    ]
    st.dataframe(pd.DataFrame(entry), hide_index=True, width="stretch")


def section(kind: str) -> None:
    """A kind of record: its rows in a table, one expander per row to correct it."""
    rows = card.rows(kind)
    with st.container(border=True):
        st.markdown(f"**{t(f'client_card.section.{kind}')}**")
        ui.show_flash(kind)
        ui.show_conflicts(kind)
        if not rows:
            st.caption(t("client_card.empty"))
            return
        columns = client_card.fields(kind)
        table = [{c.name: value(kind, c.name, r.values.get(c.name)) for c in columns} for r in rows]
        labels = {c.name: client_card.label(c.name, language) for c in columns}
        st.dataframe(pd.DataFrame(table).rename(columns=labels), hide_index=True, width="stretch")
        for row in rows:
            title = client_card.row_label(kind, row.values, card.choices).text(language)
            with st.expander(plain(title), icon=":material/edit:"):
                ui.record_panel(engine, viewer, card, kind, row)


section("episodes")

# The exit: the client's own fields, cleared by Delete
with st.container(border=True):
    st.markdown(f"**{t('client_card.section.exit')}**")
    ui.show_flash("exit")
    if card.exit.values["exit_date"] is None:
        st.caption(t("client_card.no_exit"))
    ui.record_panel(engine, viewer, card, "exit", card.exit)

section("outcomes")
section("grants")
