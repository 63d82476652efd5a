"""Who is using the app: OpenID Connect sign-in through st.login, or demo mode's sample users.

The role and municipalities are read from the users table on every run, so a change by an
admin applies at once. Without a signed-in, known user the router shows one page (sign in,
no access, or a configuration error) and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.navigation.page import StreamlitPage

from polku import audit
from polku.access import ADMIN, AccessDenied, Actor, load_actor
from polku.config import get_settings
from polku.ui.state import t
from polku.ui.text import plain
from polku.users import demo_users

DEMO_USER_KEY = "demo_user"
# The e-mail whose sign-in this browser session has already written to the audit log
_AUDITED_KEY = "_polku_signed_in"


def auth_secrets() -> Mapping | None:
    """The [auth] section of the secrets, or None when sign-in is not configured."""
    try:
        return st.secrets["auth"] if "auth" in st.secrets else None
    except FileNotFoundError:  # no secrets file at all
        return None


def providers(section: Mapping) -> list[str | None]:
    """The configured identity providers: None is the unnamed default provider."""
    if "client_id" in section:
        return [None]
    return [name for name, value in section.items() if isinstance(value, Mapping)]


def _only_page(body: Callable[[], None], title_key: str, icon: str, *also: StreamlitPage) -> None:
    """Show one page and stop: no navigation, no other page reachable, not even by URL, but
    for the pages in `also` (ones that read no data, e.g. the accessibility statement)."""
    st.navigation([st.Page(body, title=t(title_key), icon=icon), *also], position="hidden").run()
    st.stop()


def statement_page() -> StreamlitPage:
    """The accessibility statement, which the law wants public: reachable before sign-in."""
    return st.Page(
        "app_pages/accessibility.py",
        title=t("page.accessibility"),
        icon=":material/accessibility:",
        url_path="saavutettavuus",
    )


def _sign_out_button() -> None:
    if st.button(t("auth.sign_out"), icon=":material/logout:"):
        st.logout()


def _sign_in_page(names: list[str | None]) -> None:
    statement = statement_page()

    def body() -> None:
        st.title(t("auth.sign_in.title"))
        st.write(t("auth.sign_in.text"))
        for name in names:
            label = t("auth.sign_in") if name is None else t("auth.sign_in.with", name=name)
            if st.button(label, type="primary", icon=":material/login:", key=f"login_{name}"):
                st.login(name) if name else st.login()
        st.page_link(statement, label=t("a11y.sign_in_link"), icon=":material/accessibility:")

    _only_page(body, "auth.sign_in.title", ":material/login:", statement)


def _no_access_page() -> None:
    def body() -> None:
        st.title(t("auth.no_access.title"))
        st.warning(t("auth.no_access.text"), icon=":material/block:")
        _sign_out_button()

    _only_page(body, "auth.no_access.title", ":material/block:")


def _not_configured_page() -> None:
    def body() -> None:
        st.title(t("auth.not_configured.title"))
        st.error(t("auth.not_configured.text"), icon=":material/settings:")

    _only_page(body, "auth.not_configured.title", ":material/settings:")


def _audit_once(engine: Engine, email: str, action: str, detail: str | None = None) -> None:
    """Write a sign-in (or a refused one) once per browser session, not on every rerun."""
    if st.session_state.get(_AUDITED_KEY) == (email, action):
        return
    with Session(engine) as session:
        audit.record(session, user_email=email, action=action, detail=detail)
        session.commit()
    st.session_state[_AUDITED_KEY] = (email, action)


def _demo_actor(engine: Engine) -> Actor:
    """Demo mode: act as the sample admin until another sample user is picked."""
    users = demo_users(engine)
    if not users:
        _no_access_page()
    emails = [u.email for u in users]
    labels = {u.email: f"{u.name} · {t(f'role.{u.role}')}" for u in users}
    default = next((i for i, u in enumerate(users) if u.role == ADMIN), 0)
    with st.sidebar:
        email = st.selectbox(
            t("auth.demo.user"),
            emails,
            index=default,
            format_func=lambda e: labels.get(e, e),
            key=DEMO_USER_KEY,
            help=t("auth.demo.user.help"),
            placeholder=t("forms.choose"),  # else Streamlit's English "Choose an option"
        )
    with Session(engine) as session:
        actor = load_actor(session, email or emails[default])
    if actor is None:
        _no_access_page()
    assert actor is not None
    _audit_once(engine, actor.email, "sign_in", detail="demo")
    return actor


def current_actor(engine: Engine) -> Actor:
    """The signed-in, known user; otherwise show the one page that applies and stop."""
    if get_settings().demo:
        demo = _demo_actor(engine)
        st.warning(t("auth.demo.banner"), icon=":material/science:")
        return demo
    section = auth_secrets()
    if section is None:
        _not_configured_page()
    assert section is not None
    if not st.user.is_logged_in:
        _sign_in_page(providers(section))
    email = str(st.user.get("email") or "")
    # Read on every run, not cached: a role taken away, by Polku or by SQL, applies at once
    with Session(engine) as session:
        actor = load_actor(session, email) if email else None
    if actor is None:
        _audit_once(engine, email or "?", "sign_in_refused")
        _no_access_page()
    assert actor is not None
    _audit_once(engine, actor.email, "sign_in")
    with st.sidebar:
        st.caption(
            t(
                "auth.signed_in_as",
                # An invisible word joiner after @ keeps Markdown from making the e-mail a
                # link, whose colour in a caption fails the text contrast (WCAG 1.4.3)
                name=plain(actor.name or actor.email).replace("@", "@\u2060"),
                role=t(f"role.{actor.role}"),
            )
        )
        _sign_out_button()
    return actor


def record_refusal(engine: Engine, refused: AccessDenied) -> None:
    """A refused action: tell the user in their language; it is in the audit log once."""
    st.error(t(refused.key), icon=":material/block:")
    audit.record_refusal(engine, refused)
