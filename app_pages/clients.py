"""Asiakkaat ja tietojen syöttö: coordinators record a client's entry, status changes, exit and
outcomes, employers with their partnership agreements, employment bonuses and costs; admins
also the staff and their monthly salaries.

Each form is drawn from its record declarations (polku/ui/record_form.py) and saved by
polku.forms (the import's rules, access checked there); a wrong value gets its message right
under its field and the form keeps what was typed. The tabs keep their state, so the user
stays on the tab they work in and sees every result there; only the open tab's form is
drawn. A bonus shows its total
(€/month × months) for confirmation before it is saved."""

import pandas as pd
import streamlit as st

from polku import forms, i18n, metrics
from polku.access import Permission
from polku.ui import data, record_form, resources
from polku.ui.dashboard import code_names
from polku.ui.state import actor, lang, municipality, t

viewer = actor()
engine = resources.engine()
language = lang()
picked = municipality()
names = data.municipality_names()
editable = [code for code in names if viewer.may(Permission.EDIT, code)]
TAB_KEY = "asiakkaat_tab"
# The list under the forms shows the newest clients that match the search
LIST_LIMIT = 1000

st.title(t("page.clients"))
if not editable:
    st.info(t("forms.read_only"), icon=":material/info:")
    st.stop()

home = picked if picked in editable else editable[0]
places = {code: names[code] for code in editable}
statuses = code_names("client_status", language)
limit = record_form.PICKER_LIMIT
# The newest clients and employers (cached until the data changes): a picker also takes any
# code typed into it
clients = {c: c for c in data.clients(viewer, picked, limit=limit)[0]["code"]}
active = {c: c for c in data.clients(viewer, picked, active=True, limit=limit)[0]["code"]}
employers = data.employers(viewer, picked, limit=limit)
lines = {
    row["code"]: i18n.localized_name(row, language)
    for row in data.read(forms.cost_lines, None).to_dict("records")
}
cost_places = {"": t("forms.field.project_wide")} if viewer.may(Permission.EDIT) else {}
codes = {
    "client_status": statuses,
    "target_group": code_names("target_group", language),
    "outcome_type": code_names("outcome_type", language),
    "budget_line": lines,
}
staff = viewer.may(Permission.READ_STAFF)  # the staff's forms: admins only
codes["staff_role"] = data.read(forms.staff_roles, None, language) if staff else {}
shown = [form for form in forms.FORMS if staff or form not in forms.STAFF_FORMS]
by_form = {
    "client": {"municipality": places},
    "status": {"client_code": active},
    "exit": {"client_code": active},
    "outcome": {"client_code": clients, "business_id": employers},
    "employer": {"municipality": {"": t("forms.field.no_municipality"), **places}},
    "grant": {"client_code": clients, "business_id": employers},
    "declared_aid": {"business_id": employers},
    "cost": {"municipality": {**cost_places, **places}},
    "staff": {"municipality": {"": t("forms.field.no_municipality"), **places}},
    "salary": {"name": {n: n for n in data.read(forms.staff_names, viewer)} if staff else {}},
}
picker_labels = {
    "outcome": "forms.field.employer_optional",
    "grant": "forms.field.employer",
    "declared_aid": "forms.field.employer",
}

# Stateful tabs: a rerun (a save, a message) keeps the tab the user works in
tabs = st.tabs([t(f"forms.tab.{form}") for form in shown], key=TAB_KEY, on_change="rerun")
for tab, form in zip(tabs, shown, strict=True):
    if tab.open is False:
        continue  # only the open tab's form is drawn: a tab opened reruns the page
    with tab:
        # The bonus is saved once the user has seen its total and confirms it
        draw = record_form.draw_and_confirm if form == "grant" else record_form.draw_and_save
        draw(
            form,
            engine,
            viewer,
            options={**codes, **by_form[form]},
            defaults={"municipality": home} if form == "client" else {},
            labels={"business_id": picker_labels[form]} if form in picker_labels else {},
        )

st.subheader(t("forms.list.title"))
search = st.text_input(
    t("forms.list.search"), key="asiakkaat_haku", icon=":material/search:", max_chars=40
)
listing, total = data.clients(viewer, picked, search=search, limit=LIST_LIMIT)
# Each date formatted once: a thousand rows share a few hundred days
days = {*listing["entry_date"], *listing["exit_date"].dropna()}
dates = {d: i18n.fmt_date(d, language) for d in days}
st.dataframe(
    listing.assign(  # dates as people write them; no exit yet is an empty cell, not "None"
        municipality=[names.get(c, c) for c in listing["municipality"]],
        entry_date=[dates[d] for d in listing["entry_date"]],
        exit_date=[dates[d] if pd.notna(d) else "" for d in listing["exit_date"]],
        status=[statuses.get(s, "") if s else "" for s in listing["status"]],
    ),
    hide_index=True,
    column_config={
        "code": st.column_config.TextColumn(t("record.clients.client_code")),
        "municipality": st.column_config.TextColumn(t("record.clients.municipality")),
        "entry_date": st.column_config.TextColumn(t("record.clients.entry_date")),
        "exit_date": st.column_config.TextColumn(t("record.clients.exit_date")),
        "status": st.column_config.TextColumn(t("forms.list.status")),
    },
)
st.caption(
    t(
        "forms.list.caption" if total <= len(listing) else "forms.list.caption_limited",
        shown=i18n.fmt_int(len(listing), language),
        count=i18n.fmt_int(total, language),
        today=i18n.fmt_date(metrics.today(), language),
    )
)
st.page_link("app_pages/client_card.py", label=t("client_card.open"), icon=":material/badge:")
