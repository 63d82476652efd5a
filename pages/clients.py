"""Asiakkaat ja tietojen syöttö: coordinators record a client's entry, status changes, exit and
outcomes, employers with their partnership agreements, employment bonuses and costs.

Each form is checked by polku.forms (the import's rules, access checked there); a wrong value
gets its Finnish message right under its field, and the form keeps what was typed. After a
save the cached numbers are cleared and the form starts empty (its widgets get a new
generation of keys). The tabs keep their state, so the user stays on the tab they work in and
sees every result there. Numbers are typed as text and read in Finnish (1 234,50); a bonus
shows its total (€/month × months) for confirmation before it is saved."""

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from polku import forms, i18n, metrics
from polku.access import Permission
from polku.ingest import FormInvalid, Problem
from polku.ui import data, resources
from polku.ui.dashboard import code_names
from polku.ui.state import actor, lang, municipality, t
from polku.ui.text import plain

viewer = actor()
engine = resources.engine()
language = lang()
picked = municipality()
names = data.municipality_names()
editable = [code for code in names if viewer.may(Permission.EDIT, code)]
FLASH_KEY = "asiakkaat_flash"
TAB_KEY = "asiakkaat_tab"
# A bonus reviewed and waiting for the user's confirmation
GRANT_PENDING_KEY = "asiakkaat_grant_pending"
# A client picker lists the newest clients; any other code can be typed into it
PICKER_LIMIT = 200
# The list under the forms shows the newest clients that match the search
LIST_LIMIT = 1000
DATE_FORMAT = i18n.date_format("input", language)
NONE = ""


def generation(form: str) -> int:
    return int(st.session_state.get(f"asiakkaat_gen_{form}", 0))


def key(form: str, name: str) -> str:
    """A widget's key: a new generation empties the form after a save."""
    return f"{form}_{name}_{generation(form)}"


class Slots:
    """A placeholder under each field of a form for its messages, and one for the rest."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.general: Any = None

    def under(self, name: str) -> None:
        self.fields[name] = st.empty()

    def show(self, problems: list[Problem]) -> None:
        leftover = []
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            if problem.field in self.fields:
                by_field.setdefault(problem.field or "", []).append(problem.reason(language))
            else:
                leftover.append(problem.reason(language))
        for name, reasons in by_field.items():
            self.fields[name].error(
                "\n\n".join(plain(_capital(r)) for r in reasons), icon=":material/error:"
            )
        if leftover and self.general is not None:
            self.general.error(
                "\n\n".join(plain(_capital(r)) for r in leftover), icon=":material/error:"
            )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def save(form: str, slots: Slots, action: Callable[[], forms.Saved], done_key: str) -> None:
    """Run the form's save; messages under the fields (what was typed stays), or a fresh form
    and a success note on the same tab."""
    try:
        saved = action()
    except FormInvalid as invalid:
        slots.show(invalid.problems)
        return
    messages = [("success", t(done_key, key=saved.text(language)))]
    messages += [("warning", _capital(w.reason(language))) for w in saved.warnings]
    st.session_state[FLASH_KEY] = (form, messages)
    st.session_state[f"asiakkaat_gen_{form}"] = generation(form) + 1
    data.clear()
    st.rerun()


def show_flash(form: str) -> None:
    """The messages of this form's save that ran before the last rerun."""
    flash = st.session_state.get(FLASH_KEY)
    if not flash or flash[0] != form:
        return
    del st.session_state[FLASH_KEY]
    for kind, text in flash[1]:
        if kind == "success":
            st.success(plain(text), icon=":material/check_circle:")
        else:
            st.warning(plain(text), icon=":material/warning:")


def pick(
    label: str,
    options: dict[str, str],
    form: str,
    name: str,
    slots: Slots,
    default: str | None = None,
    **kw: Any,
) -> Any:
    """A selectbox of codes shown by their labels (empty until chosen, unless a default is
    given), with its error slot."""
    value = st.selectbox(
        label,
        list(options),
        index=list(options).index(default) if default in options else None,
        format_func=lambda code: options.get(code, str(code)),
        key=key(form, name),
        placeholder=t("forms.choose"),
        **kw,
    )
    slots.under(name)
    return value


def client_pick(options: dict[str, str], form: str, slots: Slots) -> str | None:
    """The client code: one of the newest clients, or any code typed in (checked on save)."""
    return pick(
        t("forms.field.client_code"),
        options,
        form,
        "client_code",
        slots,
        accept_new_options=True,
        help=t("forms.field.client_pick.help", count=PICKER_LIMIT),
    )


def day(label: str, form: str, name: str, slots: Slots, **kw: Any) -> date | None:
    value = st.date_input(label, value=None, format=DATE_FORMAT, key=key(form, name), **kw)
    slots.under(name)
    return value if isinstance(value, date) else None


def text(label: str, form: str, name: str, slots: Slots, **kw: Any) -> str:
    value = st.text_input(label, key=key(form, name), **kw)
    slots.under(name)
    return value


def number(label: str, form: str, name: str, slots: Slots, *, example: str = "") -> str:
    """A number typed as text, read by forms.read_numbers (1 234,50; a comma is a decimal)."""
    return text(label, form, name, slots, placeholder=example, help=t("forms.number.help"))


def labels(code_set: str, codes: tuple[str, ...]) -> dict[str, str]:
    return {c: i18n.code_label(code_set, c, language) for c in codes}


def yes_no(label: str, form: str, name: str, slots: Slots) -> bool | None:
    options = {"yes": t("ingest.yes").capitalize(), "no": t("ingest.no").capitalize()}
    value = pick(label, options, form, name, slots)
    return None if value is None else value == "yes"


st.title(t("page.clients"))
if not editable:
    st.info(t("forms.read_only"), icon=":material/info:")
    st.stop()

home = picked if picked in editable else editable[0]
municipality_labels = {code: names[code] for code in editable}
statuses = code_names("client_status", language)
groups = code_names("target_group", language)
outcome_types = code_names("outcome_type", language)
client_codes = {c: c for c in forms.clients(engine, viewer, picked, limit=PICKER_LIMIT)["code"]}
active_codes = {
    c: c for c in forms.clients(engine, viewer, picked, active=True, limit=PICKER_LIMIT)["code"]
}
employer_rows = forms.employers(engine, viewer)
employer_labels = {
    (row["business_id"] or row["name"]): (
        f"{row['name']} ({row['business_id']})" if row["business_id"] else row["name"]
    )
    for row in employer_rows.to_dict("records")
}
today = metrics.today()

FORMS = ("client", "status", "exit", "outcome", "employer", "grant", "cost")
# Stateful tabs: a rerun (a save, a message) keeps the tab the user works in
tabs = st.tabs([t(f"forms.tab.{form}") for form in FORMS], key=TAB_KEY, on_change="rerun")

with tabs[0]:
    show_flash("client")
    st.caption(t("forms.client.caption"))
    slots = Slots()
    with st.form(key("client", "form"), enter_to_submit=False):
        code = text(
            t("forms.field.client_code"),
            "client",
            "client_code",
            slots,
            help=t("forms.field.client_code.help"),
            max_chars=20,
        )
        home_pick = pick(
            t("forms.field.municipality"),
            municipality_labels,
            "client",
            "municipality",
            slots,
            default=home,
        )
        birth_year = number(
            t("forms.field.birth_year"), "client", "birth_year", slots, example="1985"
        )
        entry_date = day(t("forms.field.entry_date"), "client", "entry_date", slots)
        status = pick(t("forms.field.first_status"), statuses, "client", "status", slots)
        chosen_groups = st.multiselect(
            t("forms.field.target_groups"),
            list(groups),
            format_func=lambda c: groups.get(c, c),
            key=key("client", "target_groups"),
            placeholder=t("forms.choose"),
        )
        slots.under("target_groups")
        gender = pick(
            t("forms.field.gender"),
            labels("gender", i18n.CODE_SETS["gender"]),
            "client",
            "gender",
            slots,
        )
        education = pick(
            t("forms.field.education_level"),
            labels("education_level", ("isced_0_2", "isced_3_4", "isced_5_8")),
            "client",
            "education_level",
            slots,
        )
        labour = pick(
            t("forms.field.labour_status"),
            labels("labour_status", i18n.CODE_SETS["labour_status"]),
            "client",
            "labour_status_at_entry",
            slots,
        )
        months = number(
            t("forms.field.unemployment_months"), "client", "unemployment_months", slots
        )
        goal = text(
            t("forms.field.plan_goal"),
            "client",
            "plan_goal",
            slots,
            help=t("forms.field.plan_goal.help"),
        )
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:

        def add_client() -> forms.Saved:
            whole = ("birth_year", "unemployment_months")
            numbers = forms.read_numbers(
                {"birth_year": birth_year, "unemployment_months": months}, whole, language
            )
            entry = forms.ClientEntry(
                code=code,
                municipality=home_pick,
                birth_year=numbers["birth_year"],
                entry_date=entry_date,
                status=status,
                gender=gender,
                education_level=education,
                labour_status=labour,
                unemployment_months=numbers["unemployment_months"],
                target_groups=tuple(chosen_groups),
                plan_goal=goal,
            )
            return forms.record_client(engine, viewer, entry)

        save("client", slots, add_client, "forms.saved.client")

with tabs[1]:
    show_flash("status")
    slots = Slots()
    with st.form(key("status", "form"), enter_to_submit=False):
        who = client_pick(active_codes, "status", slots)
        new_status = pick(t("forms.field.new_status"), statuses, "status", "status", slots)
        start = day(t("forms.field.status_start"), "status", "start_date", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:
        save(
            "status",
            slots,
            lambda: forms.change_status(engine, viewer, who or "", new_status, start),
            "forms.saved.status",
        )

with tabs[2]:
    show_flash("exit")
    slots = Slots()
    with st.form(key("exit", "form"), enter_to_submit=False):
        who = client_pick(active_codes, "exit", slots)
        exit_date = day(t("forms.field.exit_date"), "exit", "exit_date", slots)
        reached = yes_no(t("forms.field.plan_goal_reached"), "exit", "plan_goal_reached", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:
        save(
            "exit",
            slots,
            lambda: forms.record_exit(engine, viewer, who or "", exit_date, reached),
            "forms.saved.exit",
        )

with tabs[3]:
    show_flash("outcome")
    slots = Slots()
    with st.form(key("outcome", "form"), enter_to_submit=False):
        who = client_pick(client_codes, "outcome", slots)
        kind = pick(t("forms.field.outcome_type"), outcome_types, "outcome", "outcome_type", slots)
        when = day(t("forms.field.outcome_date"), "outcome", "outcome_date", slots)
        employer = pick(
            t("forms.field.employer_optional"), employer_labels, "outcome", "business_id", slots
        )
        slots.under("employer_name")
        note = text(t("forms.field.note"), "outcome", "note", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:
        save(
            "outcome",
            slots,
            lambda: forms.record_outcome(
                engine, viewer, who or "", kind, when, employer=employer, note=note
            ),
            "forms.saved.outcome",
        )

with tabs[4]:
    show_flash("employer")
    st.caption(t("forms.employer.caption"))
    slots = Slots()
    with st.form(key("employer", "form"), enter_to_submit=False):
        name = text(t("forms.field.employer_name"), "employer", "name", slots)
        business_id = text(
            t("forms.field.business_id"),
            "employer",
            "business_id",
            slots,
            help=t("forms.field.business_id.help"),
        )
        employer_type = pick(
            t("forms.field.employer_type"),
            labels("employer_type", i18n.CODE_SETS["employer_type"]),
            "employer",
            "employer_type",
            slots,
        )
        employer_home = pick(
            t("forms.field.employer_municipality"),
            {NONE: t("forms.field.no_municipality"), **municipality_labels},
            "employer",
            "municipality",
            slots,
            help=t("forms.field.employer_municipality.help"),
        )
        st.markdown(f"**{t('forms.partnership')}**")
        with_agreement = st.checkbox(
            t("forms.field.with_partnership"), key=key("employer", "with_partnership")
        )
        agreement_start = day(t("forms.field.agreement_start"), "employer", "start_date", slots)
        signed_on = day(t("forms.field.signed_on"), "employer", "signed_on", slots)
        agreement_end = day(t("forms.field.agreement_end"), "employer", "end_date", slots)
        agreement_note = text(t("forms.field.note"), "employer", "note", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:
        agreement = (
            forms.PartnershipEntry(agreement_start, signed_on, agreement_end, agreement_note)
            if with_agreement
            else None
        )
        employer_entry = forms.EmployerEntry(
            name, employer_type, business_id, employer_home or None
        )
        save(
            "employer",
            slots,
            lambda: forms.record_employer(engine, viewer, employer_entry, agreement),
            "forms.saved.employer",
        )

with tabs[5]:
    show_flash("grant")
    st.caption(t("forms.grant.caption"))
    slots = Slots()
    with st.form(key("grant", "form"), enter_to_submit=False):
        grant_employer = pick(
            t("forms.field.employer"), employer_labels, "grant", "business_id", slots
        )
        slots.under("employer_name")
        grant_client = client_pick(client_codes, "grant", slots)
        employment_start = day(
            t("forms.field.employment_start"), "grant", "employment_start", slots
        )
        employment_end = day(t("forms.field.employment_end"), "grant", "employment_end", slots)
        contract = pick(
            t("forms.field.contract_type"),
            labels("contract_type", ("fixed_term", "permanent")),
            "grant",
            "contract_type",
            slots,
        )
        hours = number(
            t("forms.field.weekly_hours"),
            "grant",
            "weekly_hours",
            slots,
            example=i18n.fmt_decimal(37.5, 1, language),
        )
        monthly = number(
            t("forms.field.monthly_amount"),
            "grant",
            "monthly_amount",
            slots,
            example=i18n.fmt_decimal(800.5, 2, language),
        )
        grant_months = number(t("forms.field.months"), "grant", "months", slots, example="6")
        slots.under("amount")
        applied = day(t("forms.field.application_date"), "grant", "application_date", slots)
        decision = pick(
            t("forms.field.decision"),
            labels("decision", ("pending", "granted", "refused")),
            "grant",
            "decision",
            slots,
        )
        decided = day(t("forms.field.decision_date"), "grant", "decision_date", slots)
        de_minimis = st.checkbox(
            t("forms.field.de_minimis"),
            key=key("grant", "de_minimis"),
            help=t("forms.field.de_minimis.help"),
        )
        slots.under("de_minimis_amount")
        after_6 = yes_no(t("forms.field.after_6"), "grant", "employed_after_6_months", slots)
        after_12 = yes_no(t("forms.field.after_12"), "grant", "employed_after_12_months", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.grant.review"), type="primary")
    if submitted:
        st.session_state.pop(GRANT_PENDING_KEY, None)
        try:
            numbers = forms.read_numbers(
                {"weekly_hours": hours, "monthly_amount": monthly, "months": grant_months},
                whole=("months",),
                lang=language,
            )
            grant = forms.GrantEntry(
                employer=grant_employer or "",
                client_code=grant_client or "",
                employment_start=employment_start,
                contract_type=contract,
                weekly_hours=numbers["weekly_hours"],
                monthly_amount=numbers["monthly_amount"],
                months=numbers["months"],
                application_date=applied,
                employment_end=employment_end,
                decision=decision or "pending",
                decision_date=decided,
                de_minimis=de_minimis,
                employed_after_6_months=after_6,
                employed_after_12_months=after_12,
            )
            forms.check_grant(grant)
        except FormInvalid as invalid:
            slots.show(invalid.problems)
        else:
            # Saved only once the user has seen the total and confirms it
            st.session_state[GRANT_PENDING_KEY] = grant
    pending = st.session_state.get(GRANT_PENDING_KEY)
    if isinstance(pending, forms.GrantEntry):
        total = forms.grant_amount(pending.monthly_amount, pending.months)
        if total is not None and pending.monthly_amount is not None:
            st.info(
                t(
                    "forms.grant.confirm",
                    monthly=i18n.fmt_euro(pending.monthly_amount, 2, language),
                    months=i18n.fmt_int(pending.months or 0, language),
                    amount=i18n.fmt_euro(total, 2, language),
                ),
                icon=":material/calculate:",
            )
        if st.button(
            t("forms.grant.confirm.button"),
            type="primary",
            icon=":material/save:",
            key="asiakkaat_grant_confirm",
        ):
            del st.session_state[GRANT_PENDING_KEY]
            save(
                "grant",
                slots,
                lambda: forms.record_grant(engine, viewer, pending),
                "forms.saved.grant",
            )

with tabs[6]:
    show_flash("cost")
    slots = Slots()
    lines = {
        row["code"]: i18n.localized_name(row, language)
        for row in forms.cost_lines(engine).to_dict("records")
    }
    cost_places = {NONE: t("forms.field.project_wide")} if viewer.may(Permission.EDIT) else {}
    cost_places.update(municipality_labels)
    with st.form(key("cost", "form"), enter_to_submit=False):
        line = pick(t("forms.field.budget_line"), lines, "cost", "budget_line", slots)
        place = pick(t("forms.field.cost_municipality"), cost_places, "cost", "municipality", slots)
        booked = day(t("forms.field.booked_on"), "cost", "booked_on", slots)
        cost_amount = number(
            t("forms.field.amount"),
            "cost",
            "amount",
            slots,
            example=i18n.fmt_decimal(1234.5, 2, language),
        )
        description = text(t("forms.field.description"), "cost", "description", slots)
        slots.general = st.empty()
        submitted = st.form_submit_button(t("forms.save"), type="primary")
    if submitted:

        def add_cost() -> forms.Saved:
            amount = forms.read_numbers({"amount": cost_amount}, lang=language)["amount"]
            cost = forms.CostInput(line, booked, amount, description, place or None)
            return forms.record_cost(engine, viewer, cost)

        save("cost", slots, add_cost, "forms.saved.cost")

st.subheader(t("forms.list.title"))
search = st.text_input(
    t("forms.list.search"), key="asiakkaat_haku", icon=":material/search:", max_chars=40
)
listing = forms.clients(engine, viewer, picked, search=search, limit=LIST_LIMIT)
total = forms.client_count(engine, viewer, picked, search=search)
shown = listing.assign(
    municipality=[names.get(c, c) for c in listing["municipality"]],
    status=[statuses.get(s, "") if s else "" for s in listing["status"]],
)
st.dataframe(
    shown,
    hide_index=True,
    column_config={
        "code": st.column_config.TextColumn(t("forms.field.client_code")),
        "municipality": st.column_config.TextColumn(t("forms.field.municipality")),
        "entry_date": st.column_config.DateColumn(
            t("forms.field.entry_date"), format=i18n.date_format("moment", language)
        ),
        "exit_date": st.column_config.DateColumn(
            t("forms.field.exit_date"), format=i18n.date_format("moment", language)
        ),
        "status": st.column_config.TextColumn(t("forms.list.status")),
    },
)
st.caption(
    t(
        "forms.list.caption" if total <= len(listing) else "forms.list.caption_limited",
        shown=i18n.fmt_int(len(listing), language),
        count=i18n.fmt_int(total, language),
        today=i18n.fmt_date(today, language),
    )
)
st.page_link("pages/client_card.py", label=t("client_card.open"), icon=":material/badge:")
