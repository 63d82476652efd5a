"""Access control in the app (AppTest, real databases): for every role, which pages it gets,
what it sees, what it may edit and what is refused; sign-in states and demo mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models import ROLES, AuditLog, User, UserMunicipality, metadata
from polku import db, i18n, metrics
from tests.test_app import (
    ADMIN_EMAIL,
    ENTRYPOINT,
    PAGES,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    _use_database,
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)

COORDINATOR = "koordinaattori@example.fi"
DIRECTOR = "johtaja@example.fi"
ANALYST = "analyytikko@example.fi"
JOENSUU, LIEKSA = "167", "422"

# The pages each role gets in its navigation; every other page is not even routable
ROLE_PAGES = {
    ADMIN_EMAIL: set(PAGES),
    COORDINATOR: set(PAGES) - {"app_pages/users.py", "app_pages/reports.py"},
    DIRECTOR: {
        "app_pages/overview.py",
        "app_pages/indicators.py",
        "app_pages/checklists.py",
        "app_pages/finance.py",  # their municipalities' share of the money, no persons' pay
        "app_pages/project.py",
        "app_pages/accessibility.py",  # the accessibility statement: everyone's
    },
    ANALYST: set(PAGES)
    - {
        "app_pages/users.py",
        "app_pages/clients.py",
        "app_pages/data_import.py",
        "app_pages/tasks.py",  # no work queue: analysts fix nothing
    },
}


@pytest.fixture
def people(app_db: str) -> str:  # noqa: F811
    """Users of every role, and three active clients in Lieksa (a small count)."""
    add_user(app_db, COORDINATOR, "coordinator", JOENSUU)
    add_user(app_db, DIRECTOR, "director", LIEKSA)
    add_user(app_db, ANALYST, "analyst")
    engine = db.make_engine(app_db)
    entry = metrics.today() - timedelta(days=30)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]),
            [
                {
                    "code": f"L{i}",
                    "municipality_code": LIEKSA,
                    "birth_year": 1990,
                    "entry_date": entry,
                }
                for i in range(3)
            ],
        )
    engine.dispose()
    return app_db


def _fi(key: str, **values: str) -> str:
    return i18n.t(key, "fi", **values)


def _routable(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(page).run()
    except ValueError:
        return False
    return True


def _audit(url: str, action: str) -> list[AuditLog]:
    engine = db.make_engine(url)
    with Session(engine) as s:
        rows = list(s.exec(select(AuditLog).where(col(AuditLog.action) == action)))
    engine.dispose()
    return rows


@pytest.mark.parametrize(
    "email", list(ROLE_PAGES), ids=["admin", "coordinator", "director", "analyst"]
)
def test_each_role_gets_only_its_pages_and_they_open(people: str, email: str) -> None:
    at = signed_in_app(email).run()
    assert not at.exception
    assert at.title[0].value == _fi("page.overview")
    for page in PAGES:
        allowed = page in ROLE_PAGES[email]
        assert _routable(at, page) is allowed, page
        if allowed:
            assert not at.exception, page
            assert not at.error, page


def test_the_picker_offers_only_the_municipalities_a_role_may_see(people: str) -> None:
    options = {
        email: signed_in_app(email).run().selectbox(key="kunta").options
        for email in (ADMIN_EMAIL, COORDINATOR, DIRECTOR)
    }
    assert len(options[ADMIN_EMAIL]) == 14  # the region and the 13 municipalities
    assert options[COORDINATOR] == [_fi("app.region"), "Joensuu"]
    assert options[DIRECTOR] == [_fi("app.region"), "Lieksa"]


def test_a_director_sees_small_counts_as_less_than_five(people: str) -> None:
    for email, expected in ((DIRECTOR, _fi("privacy.small_count", limit="5")), (ANALYST, "3")):
        at = signed_in_app(email)
        at.query_params["kunta"] = "Lieksa"
        at.run()
        assert not at.exception
        shown = {m.label: m.value for m in at.metric}
        assert shown[_fi("overview.clients.entered")] == expected, email
        assert shown[_fi("overview.clients.active")] == expected, email
        assert shown[_fi("overview.clients.exited")] == "0", email


def test_a_director_link_to_another_municipality_shows_no_figures_of_it(people: str) -> None:
    at = signed_in_app(DIRECTOR)
    at.query_params["kunta"] = "Joensuu"
    at.run()
    assert not at.exception
    assert at.session_state["kunta"] in ("", LIEKSA)
    assert "Joensuu" not in at.caption[0].value


def test_a_stale_choice_after_a_role_change_falls_back_to_the_region(people: str) -> None:
    """An admin looks at Lieksa; then the admin's role becomes director of Joensuu."""
    at = signed_in_app(ADMIN_EMAIL)
    at.query_params["kunta"] = "Lieksa"
    at.run()
    assert at.session_state["kunta"] == LIEKSA
    engine = db.make_engine(people)
    with Session(engine) as s:
        admin = s.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
        admin.role = "director"
        s.add(UserMunicipality(user_id=admin.id, municipality_code=JOENSUU))
        s.commit()
    engine.dispose()
    at.run()
    assert not at.exception
    assert at.session_state["kunta"] == ""
    assert at.selectbox(key="kunta").options == [_fi("app.region"), "Joensuu"]


def _refusing_page(url: str) -> None:
    """A page that forgets to check: polku refuses, the router's handler reports it."""
    from polku import db, metrics
    from polku.access import AccessDenied, Actor
    from polku.ui import auth

    engine = db.make_engine(url)
    director = Actor(email="johtaja@example.fi", role="director", municipalities=frozenset({"422"}))
    try:
        metrics.overview(engine, director, "167", metrics.today())
    except AccessDenied as refused:
        auth.record_refusal(engine, refused)


def test_a_refused_read_is_a_finnish_message_and_is_audited(people: str) -> None:
    at = AppTest.from_function(_refusing_page, args=(people,), default_timeout=30).run()
    assert not at.exception
    assert at.error[0].value == _fi("access.denied.read_aggregates")
    refused = _audit(people, "refused")
    assert [(r.user_email, r.municipality_code, r.detail) for r in refused] == [
        ("johtaja@example.fi", JOENSUU, "read_aggregates")
    ]


def test_an_unknown_user_sees_no_access_and_nothing_else(people: str) -> None:
    at = signed_in_app("vieras@example.fi").run()
    assert not at.exception
    assert at.title[0].value == _fi("auth.no_access.title")
    assert not at.metric and not at.dataframe
    assert [b.label for b in at.button] == [_fi("auth.sign_out")]
    with pytest.raises(ValueError):
        at.switch_page("app_pages/overview.py")
    refused = _audit(people, "sign_in_refused")
    assert [r.user_email for r in refused] == ["vieras@example.fi"]


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_page(people: str) -> None:
    at = signed_in_app(None)
    at.query_params["kunta"] = "Lieksa"
    at.run()
    assert not at.exception
    assert at.title[0].value == _fi("auth.sign_in.title")
    assert [b.label for b in at.button] == [_fi("auth.sign_in")]
    assert not at.metric and not at.dataframe
    with pytest.raises(ValueError):
        at.switch_page("app_pages/project.py")


def test_without_sign_in_or_demo_mode_the_app_shows_a_configuration_error(people: str) -> None:
    at = AppTest.from_file(ENTRYPOINT, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == _fi("auth.not_configured.title")
    assert not at.metric and not at.dataframe


def test_sign_in_is_audited_once_per_session(people: str) -> None:
    at = signed_in_app(COORDINATOR).run()
    at.switch_page("app_pages/project.py").run()
    at.run()
    assert [r.user_email for r in _audit(people, "sign_in")] == [COORDINATOR]


def test_sign_out_logs_out(people: str) -> None:
    at = signed_in_app(ANALYST).run()
    sign_out = [b for b in at.button if b.label == _fi("auth.sign_out")]
    assert sign_out
    sign_out[0].click().run()
    assert at.user.get("is_logged_in") is False
    at.run()
    assert at.title[0].value == _fi("auth.sign_in.title")


def test_demo_mode_acts_as_the_admin_until_another_user_is_picked(
    people: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_DEMO", "1")
    _use_database(monkeypatch, people)
    at = AppTest.from_file(ENTRYPOINT, default_timeout=30).run()
    assert not at.exception
    assert at.warning[0].value == _fi("auth.demo.banner")
    assert at.selectbox(key="demo_user").value == ADMIN_EMAIL
    assert _routable(at, "app_pages/users.py")
    at.selectbox(key="demo_user").select(DIRECTOR).run()
    assert not at.exception
    assert not _routable(at, "app_pages/users.py")
    assert at.selectbox(key="kunta").options == [_fi("app.region"), "Lieksa"]


def test_the_admin_adds_a_user_on_the_users_page(people: str) -> None:
    at = signed_in_app().run()
    at.switch_page("app_pages/users.py").run()
    assert not at.exception
    listed = at.dataframe[0].value
    assert COORDINATOR in set(listed.iloc[:, 0])
    at.text_input[0].input("uusi@example.fi")
    at.text_input[1].input("Uusi Koordinaattori")
    role = next(box for box in at.selectbox if box.label == _fi("users.col.role"))
    role.select_index(ROLES.index("coordinator"))
    at.multiselect[0].select("Lieksa")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error
    engine = db.make_engine(people)
    with Session(engine) as s:
        added = s.exec(select(User).where(User.email == "uusi@example.fi")).one()
        assert added.role == "coordinator"
        links = s.exec(select(UserMunicipality).where(UserMunicipality.user_id == added.id))
        assert [link.municipality_code for link in links] == [LIEKSA]
    engine.dispose()
    assert any(r.user_email == ADMIN_EMAIL for r in _audit(people, "user_add"))


def test_a_bad_e_mail_on_the_users_page_is_a_finnish_message_and_nothing_is_saved(
    people: str,
) -> None:
    at = signed_in_app().run()
    at.switch_page("app_pages/users.py").run()
    at.text_input[0].input("ei-osoite")
    at.button[0].click().run()
    assert at.error[0].value == _fi("users.error.email", value="ei-osoite")
    assert not _audit(people, "user_add")
