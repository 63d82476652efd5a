"""The sidebar's shared widgets: the municipality picker and the language switch.

Both are bound to the URL, so a link opens the same view and the choice survives page
switches and reloads. Streamlit puts the option as shown into the URL, so links read
`?kunta=<name>&kieli=English`; the whole region and Finnish, the defaults, leave the URL clean.
"""

from __future__ import annotations

import streamlit as st

from polku import i18n
from polku.ui.state import LANGUAGE_KEY, MUNICIPALITY_KEY, REGION, t


def language_switch() -> i18n.Language:
    """Suomi / English, Finnish by default."""
    # Language names are the same in both catalogs, so the URL value never changes
    labels = {code: t(f"lang.{code}") for code in i18n.LANGUAGES}
    picked = st.segmented_control(
        t("app.language"),
        i18n.LANGUAGES,
        default=i18n.DEFAULT_LANGUAGE,
        required=True,
        format_func=lambda code: labels.get(code, str(code)),
        key=LANGUAGE_KEY,
        help=t("app.language.help"),
        bind="query-params",
    )
    return i18n.language(picked)


def municipality_picker(names: dict[str, str]) -> str | None:
    """The whole region (default) or one municipality by name; returns its code or None."""
    # Labels are fixed now: Streamlit may call format_func outside this run
    labels = {REGION: t("app.region"), **names}
    picked = st.selectbox(
        t("app.municipality"),
        list(labels),
        format_func=lambda code: labels.get(code, str(code)),
        key=MUNICIPALITY_KEY,
        help=t("app.municipality.help"),
        placeholder=t("forms.choose"),  # else Streamlit's English "Choose an option"
        bind="query-params",
    )
    return picked or None
