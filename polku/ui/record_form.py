"""A form drawn from record declarations (polku/records.py): a widget per field by its type
(text, a number typed as text, a date, a code picked from its set, several codes, yes / no),
a message slot under each field, and the result of a save shown on the form's own tab.

A field the declaration keeps off forms still gets its slot, so a rule that names it (a
grant's amount, an employer's name) is said in the right place. Declarations after the first
are optional sections: a heading and a box to tick to fill them in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import streamlit as st

from models import metadata
from polku import forms, i18n, records
from polku.ingest import FormInvalid, Problem
from polku.ui.state import lang, t
from polku.ui.text import plain

FLASH_KEY = "asiakkaat_flash"
# A bonus reviewed and waiting for the user's confirmation
GRANT_PENDING_KEY = "asiakkaat_grant_pending"
# A picker of clients lists the newest; any other code can be typed into it
PICKER_LIMIT = 200
# Pickers that list the newest PICKER_LIMIT and take any other code typed in
PICKED_BY_CODE = {
    "client_code": "forms.field.client_pick.help",
    "business_id": "forms.field.business_id_pick.help",
}
Widget = Callable[[str, str], Any]  # (label, key) → the value


def generation(form: str) -> int:
    return int(st.session_state.get(f"asiakkaat_gen_{form}", 0))


def key(form: str, name: str, gen: int | None = None) -> str:
    """A widget's key: a new generation empties the form after a save. `gen`: the form's
    generation read once per draw (each read of the session state costs on a big page)."""
    return f"{form}_{name}_{generation(form) if gen is None else gen}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Slots:
    """A placeholder under each field of a form for its messages, and one for the rest."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.general: Any = None

    def under(self, name: str) -> None:
        self.fields[name] = st.empty()

    def show(self, problems: list[Problem]) -> None:
        by_field: dict[str | None, list[str]] = {}
        for problem in problems:
            where = problem.field if problem.field in self.fields else None
            by_field.setdefault(where, []).append(plain(_capital(problem.reason(lang()))))
        for name, reasons in by_field.items():
            slot = self.fields[name] if name is not None else self.general
            if slot is not None:
                slot.error("\n\n".join(reasons), icon=":material/error:")


@dataclass
class Drawn:
    """A drawn form: its values when it was submitted (None otherwise) and its slots."""

    values: dict[str, Any] | None
    slots: Slots


def fields_of(form: str) -> list[list[records.FieldDef]]:
    """The fields of each declaration the form draws (slot-only fields among them)."""
    return [records.fields(record) for record in forms.FORMS[form]]


def _max_chars(record: type[records.Record], field: records.FieldDef) -> int | None:
    table = metadata.tables[record.table]
    if field.type == "client_code":
        table, column = metadata.tables["client"], "code"
    else:
        column = field.db or ""
    return getattr(table.c[column].type, "length", None) if column in table.c else None


def _hint(field: records.FieldDef, form: str, *, picker: bool = False) -> str | None:
    """The help of a field: the form's own words where it has them; a text field's
    description otherwise."""
    names = [f"forms.field.{form}.{field.name}.help", f"forms.field.{field.name}.help"]
    if picker and field.type in PICKED_BY_CODE:
        names = [PICKED_BY_CODE[field.type]]
    for name in names:
        if name in i18n.CATALOGS["fi"]:
            return t(name, count=PICKER_LIMIT)
    return None if picker else field.description(lang())


def _example(field: records.FieldDef) -> str:
    value = field.spec.example
    if isinstance(value, Decimal):
        digits = max(0, -int(value.as_tuple().exponent))
        return i18n.fmt_decimal(value, digits, lang())
    return "" if value is None else str(value)


def _widget(
    record: type[records.Record],
    field: records.FieldDef,
    form: str,
    options: Mapping[str, Mapping[str, str]],
    labels: Mapping[str, str],
    widget_key: str,
) -> Any:
    name = field.name
    label = t(labels[name]) if name in labels else field.label(lang())
    choices = options.get(name) or options.get(field.spec.choices or "")
    if choices is None and field.spec.choices in i18n.CODE_SETS:
        codes = i18n.CODE_SETS[field.spec.choices or ""]
        choices = {c: i18n.code_label(field.spec.choices or "", c, lang()) for c in codes}
    if field.type == "bool":
        choices = {"yes": t("ingest.yes").capitalize(), "no": t("ingest.no").capitalize()}
        picked = _pick(label, choices, widget_key, field.default)
        return None if picked is None else picked == "yes"
    if field.type == "choices":
        choices = choices or {}
        return st.multiselect(
            label, list(choices), format_func=lambda c: choices.get(c, c), key=widget_key,
            placeholder=t("forms.choose"),
        )  # fmt: skip
    if choices is not None:
        # A client or employer is picked from the newest, or any code typed in (checked on save)
        typed = {"accept_new_options": True} if field.type in PICKED_BY_CODE else {}
        help_ = _hint(field, form, picker=True)
        return _pick(label, choices, widget_key, field.default, help=help_, **typed)
    if field.type == "date":
        value = st.date_input(
            label, value=None, format=i18n.date_format("input", lang()), key=widget_key
        )
        return value if isinstance(value, date) else None
    if field.type in ("int", "decimal"):
        # Typed as text and read by forms.read_numbers: 1 234,50, a comma is a decimal
        return st.text_input(
            label, key=widget_key, placeholder=_example(field), help=t("forms.number.help")
        )
    return st.text_input(
        label, key=widget_key, help=_hint(field, form), max_chars=_max_chars(record, field)
    )


def _pick(
    label: str, options: Mapping[str, str], widget_key: str, default: Any = None, **kw: Any
) -> Any:
    """A selectbox of codes shown by their labels, empty until chosen unless a default."""
    codes = list(options)
    return st.selectbox(
        label, codes, index=codes.index(default) if default in options else None,
        format_func=lambda code: options.get(code, str(code)), key=widget_key,
        placeholder=t("forms.choose"), **kw,
    )  # fmt: skip


def draw(
    form: str,
    *,
    options: Mapping[str, Mapping[str, str]] | None = None,
    defaults: Mapping[str, Any] | None = None,
    widgets: Mapping[str, Widget] | None = None,
    labels: Mapping[str, str] | None = None,
    submit: str = "forms.save",
) -> Drawn:
    """The form `form` of polku.forms.FORMS. `options`: the codes to pick, by field name or
    code set (municipalities, statuses, clients, employers); `defaults`: a picker's first
    choice; `widgets`: a field drawn otherwise, by name; `labels`: catalog keys of a form's
    own labels (a picker of employers is labelled by what it lists)."""
    options, widgets, defaults, labels = options or {}, widgets or {}, defaults or {}, labels or {}
    slots = Slots()
    values: dict[str, Any] = {}
    gen = generation(form)
    with st.form(key(form, "form", gen), enter_to_submit=False):
        for index, record in enumerate(forms.FORMS[form]):
            if index:
                st.markdown(f"**{t(f'forms.section.{record.kind}')}**")
                values[forms.section_key(record)] = st.checkbox(
                    t(f"forms.section.{record.kind}.add"),
                    key=key(form, f"with_{record.kind}", gen),
                )
            for field in records.fields(record):
                if field.name in slots.fields:
                    continue  # named by an earlier section already
                widget_key = key(form, field.name, gen)
                if field.name in widgets:
                    values[field.name] = widgets[field.name](field.label(lang()), widget_key)
                elif field.spec.form:
                    if field.name in defaults:
                        field = replace(field, default=defaults[field.name])
                    values[field.name] = _widget(record, field, form, options, labels, widget_key)
                slots.under(field.name)
        slots.general = st.empty()
        submitted = st.form_submit_button(t(submit), type="primary")
    return Drawn(values if submitted else None, slots)


def save(form: str, drawn: Drawn, action: Callable[[], forms.Saved]) -> None:
    """Run the form's save: messages under the fields (what was typed stays), or a fresh form
    and a note of what was saved on the same tab."""
    try:
        saved = action()
    except FormInvalid as invalid:
        drawn.slots.show(invalid.problems)
        return
    messages = [("success", t(f"forms.saved.{form}", key=saved.text(lang())))]
    messages += [("warning", _capital(w.reason(lang()))) for w in saved.warnings]
    st.session_state[FLASH_KEY] = (form, messages)
    st.session_state[f"asiakkaat_gen_{form}"] = generation(form) + 1
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


def draw_and_save(form: str, engine: Any, actor: Any, **kw: Any) -> None:
    """A form whose submit saves at once (every form but the bonus, which is confirmed)."""
    show_flash(form)
    caption = f"forms.{form}.caption"
    if caption in i18n.CATALOGS["fi"]:
        st.caption(t(caption))
    drawn = draw(form, **kw)
    if drawn.values is not None:
        values = drawn.values
        save(form, drawn, lambda: forms.submit(form, engine, actor, values, lang()))


def fields_drawn(form: str) -> list[str]:
    """The names of the fields the form draws a widget for, in order."""
    return [f.name for fs in fields_of(form) for f in fs if f.spec.form]


def draw_and_confirm(form: str, engine: Any, actor: Any, **kw: Any) -> None:
    """The bonus form: a submit shows the total (€/month × months) to confirm, and the
    confirmation saves it."""
    show_flash(form)
    st.caption(t(f"forms.{form}.caption"))

    def de_minimis(_: str, widget_key: str) -> bool:
        # A form asks whether the bonus is de minimis aid; its amount is the bonus's
        help_ = t("forms.field.de_minimis.help")
        return st.checkbox(t("forms.field.de_minimis"), key=widget_key, help=help_)

    drawn = draw(form, widgets={"de_minimis_amount": de_minimis}, submit="forms.grant.review", **kw)
    if drawn.values is not None:
        st.session_state.pop(GRANT_PENDING_KEY, None)
        try:
            st.session_state[GRANT_PENDING_KEY] = forms.grant_entry(drawn.values, lang())
        except FormInvalid as invalid:
            drawn.slots.show(invalid.problems)
    pending = st.session_state.get(GRANT_PENDING_KEY)
    if not isinstance(pending, forms.GrantEntry):
        return
    total = forms.grant_amount(pending.monthly_amount, pending.months)
    if total is not None and pending.monthly_amount is not None:
        st.info(
            t(
                "forms.grant.confirm",
                monthly=i18n.fmt_euro(pending.monthly_amount, 2, lang()),
                months=i18n.fmt_int(pending.months or 0, lang()),
                amount=i18n.fmt_euro(total, 2, lang()),
            ),
            icon=":material/calculate:",
        )
    if st.button(
        t("forms.grant.confirm.button"), type="primary", icon=":material/save:",
        key="asiakkaat_grant_confirm",
    ):  # fmt: skip
        del st.session_state[GRANT_PENDING_KEY]
        save(form, drawn, lambda: forms.record_grant(engine, actor, pending))
