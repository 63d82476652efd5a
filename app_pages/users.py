"""Käyttäjät: the admin adds, changes and removes the users who may sign in."""

import streamlit as st

from polku import users
from polku.ui import data, resources, user_admin
from polku.ui.state import actor, t
from polku.ui.text import plain
from polku.ui.user_admin import ROLES

viewer = actor()
engine = resources.engine()
names = data.municipality_names()
NEW = ""

st.title(t("page.users"))
listing = users.list_users(engine, viewer)
shown = listing.assign(
    role=[t(f"role.{role}") for role in listing["role"]],
    municipalities=[
        ", ".join(names.get(code, code) for code in codes.split(",") if code)
        for codes in listing["municipalities"]
    ],
)
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "email": st.column_config.TextColumn(t("users.col.email")),
        "name": st.column_config.TextColumn(t("users.col.name")),
        "role": st.column_config.TextColumn(t("users.col.role")),
        "municipalities": st.column_config.TextColumn(t("users.col.municipalities")),
        "active": st.column_config.CheckboxColumn(t("users.col.active")),
        "weekly_digest": st.column_config.CheckboxColumn(t("users.col.weekly_digest")),
    },
)

st.subheader(t("users.edit"))
pick = st.selectbox(
    t("users.pick"),
    [NEW, *listing["email"]],
    format_func=lambda email: email or t("users.new"),
    key="users_pick",
)
current = listing[listing["email"] == pick].to_dict("records")
row = current[0] if current else {"email": "", "name": "", "role": "coordinator"}
row_codes = [code for code in str(row.get("municipalities", "")).split(",") if code]

# Widget keys carry the picked user, so the form refills when another user is picked
with st.form(f"user_form_{pick}"):
    email = st.text_input(t("users.col.email"), value=row["email"], disabled=bool(pick))
    name = st.text_input(t("users.col.name"), value=row["name"])
    role = st.selectbox(
        t("users.col.role"),
        list(ROLES),
        index=list(ROLES).index(row["role"]),
        format_func=lambda r: t(f"role.{r}"),
    )
    codes = st.multiselect(
        t("users.col.municipalities"),
        list(names),
        default=row_codes,
        format_func=lambda code: names.get(code, code),
        help=t("users.municipalities.help"),
        placeholder=t("forms.choose"),
    )
    active = st.checkbox(t("users.col.active"), value=bool(row.get("active", True)))
    digest = st.checkbox(
        t("users.col.weekly_digest"),
        value=bool(row.get("weekly_digest", False)),
        help=t("settings.digest.help"),
    )
    submitted = st.form_submit_button(t("users.save"), type="primary")

if submitted:
    user = users.UserInput(pick or email, name, role, tuple(codes), active, digest)
    if refused := user_admin.save(engine, viewer, user):
        st.error(refused, icon=":material/error:")
    else:
        st.toast(t("users.saved", email=plain(pick or email)), icon=":material/check:")
        st.rerun()

if pick:
    st.subheader(t("users.remove"))
    confirm = st.checkbox(t("users.remove.confirm", email=plain(pick)), key=f"users_remove_{pick}")
    if st.button(t("users.remove.button"), disabled=not confirm, icon=":material/person_remove:"):
        if refused := user_admin.remove(engine, viewer, pick):
            st.error(refused, icon=":material/error:")
        else:
            st.toast(t("users.removed", email=plain(pick)), icon=":material/check:")
            del st.session_state["users_pick"]
            st.rerun()
