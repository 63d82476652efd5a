"""The Asiakkaat page through AppTest, on real databases (SQLite and PostgreSQL): the user stays
on the tab they work in and sees every result there (issue 13.3), and numbers are typed in
Finnish, checked against the project file's limits and a bonus's total is confirmed before it
is saved (issue 13.4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models import Client, Employer
from polku import db, forms, i18n, metrics
from polku.access import Actor
from polku.ui.text import plain
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)

COORDINATOR = "koordinaattori@joensuu.example"
PAGE = "app_pages/clients.py"
TAB_KEY = "asiakkaat_tab"
NBSP = "\u00a0"


def _fi(name: str, **values: str) -> str:
    return i18n.t(name, "fi", **values)


@pytest.fixture
def joensuu(app_db: str) -> str:  # noqa: F811
    """A coordinator of Joensuu, one active client and one employer."""
    add_user(app_db, COORDINATOR, "coordinator", "167")
    today = metrics.today()
    engine = db.make_engine(app_db)
    with Session(engine) as s:
        s.add(
            Client(
                code="T-1", municipality_code="167", birth_year=1990,
                entry_date=today - timedelta(days=60),
            )
        )  # fmt: skip
        s.add(
            Employer(
                name="Kumppani Oy", business_id="1234567-1", employer_type="company",
                municipality_code="167",
            )
        )  # fmt: skip
        s.commit()
    engine.dispose()
    return app_db


def _open() -> AppTest:
    at = signed_in_app(COORDINATOR)
    at.query_params["kunta"] = "Joensuu"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _open_tab(at: AppTest) -> int:
    """The tab the browser shows: the tab container's selected index."""
    (container,) = at.get("tab_container")
    return int(container.proto.tab_container.default_tab_index)


def _pick_tab(at: AppTest, form: str) -> None:
    """The user clicks a tab (stateful tabs send its label)."""
    at.session_state[TAB_KEY] = _fi(f"forms.tab.{form}")
    at.run()


def _query(url: str, sql: str) -> list[tuple]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql)).all()]
    engine.dispose()
    return rows


def test_the_user_stays_on_their_tab_and_sees_each_result_there(joensuu: str) -> None:
    at = _open()
    assert _open_tab(at) == 0
    _pick_tab(at, "status")
    assert _open_tab(at) == 1
    at.selectbox(key="status_client_code_0").select("T-1")
    at.selectbox(key="status_status_0").select("career_coaching")
    at.date_input(key="status_start_date_0").set_value(metrics.today() - timedelta(days=5))
    at.button(key=f"FormSubmitter:status_form_0-{_fi('forms.save')}").click().run()
    assert not at.exception
    # Saved: still on the status tab, and the note is on that tab
    assert _open_tab(at) == 1
    day = i18n.fmt_date(metrics.today() - timedelta(5), "fi")
    [(status,)] = _query(
        joensuu, "SELECT name_fi FROM client_status WHERE code = 'career_coaching'"
    )
    key = f"T-1, {status}, {day}"
    assert [s.value for s in at.tabs[1].success] == [plain(_fi("forms.saved.status", key=key))]
    assert len(at.success) == 1

    # The next submit, from the bonus tab, is refused: its messages are on the bonus tab
    _pick_tab(at, "grant")
    at.text_input(key="grant_monthly_amount_0").input("kahdeksansataa")
    at.button(key=f"FormSubmitter:grant_form_0-{_fi('forms.grant.review')}").click().run()
    assert not at.exception
    assert _open_tab(at) == 5
    errors = [e.value for e in at.tabs[5].error]
    assert plain(_fi("forms.error.number").capitalize()) in errors
    assert len(at.error) == len(errors)
    # A refused form keeps what was typed
    assert at.text_input(key="grant_monthly_amount_0").value == "kahdeksansataa"


def _fill_grant(at: AppTest, monthly: str, months: str = "6", hours: str = "37,5") -> None:
    at.selectbox(key="grant_business_id_0").select("1234567-1")
    at.selectbox(key="grant_client_code_0").select("T-1")
    start = metrics.today() - timedelta(days=20)
    at.date_input(key="grant_employment_start_0").set_value(start)
    at.selectbox(key="grant_contract_type_0").select("fixed_term")
    at.text_input(key="grant_weekly_hours_0").input(hours)
    at.text_input(key="grant_monthly_amount_0").input(monthly)
    at.text_input(key="grant_months_0").input(months)
    at.date_input(key="grant_application_date_0").set_value(start - timedelta(days=10))
    at.button(key=f"FormSubmitter:grant_form_0-{_fi('forms.grant.review')}").click().run()
    assert not at.exception, at.exception


def test_a_bonus_in_finnish_numbers_shows_its_total_and_saves_on_confirmation(
    joensuu: str,
) -> None:
    at = _open()
    _pick_tab(at, "grant")
    _fill_grant(at, "800,50", months="6", hours="37,5")
    # Reviewed, not saved: the total in Finnish, and a button to confirm it
    assert _query(joensuu, "SELECT COUNT(*) FROM bonus_grant") == [(0,)]
    (note,) = at.tabs[5].info
    assert note.value == _fi(
        "forms.grant.confirm", monthly=f"800,50{NBSP}€", months="6", amount=f"4{NBSP}803,00{NBSP}€"
    )
    at.button(key="asiakkaat_grant_confirm").click().run()
    assert not at.exception and not at.error
    [(monthly, months, hours, amount)] = _query(
        joensuu, "SELECT monthly_amount, months, weekly_hours, amount FROM bonus_grant"
    )
    assert (Decimal(str(monthly)), months, Decimal(str(hours)), Decimal(str(amount))) == (
        Decimal("800.50"),
        6,
        Decimal("37.5"),
        Decimal("4803.00"),
    )
    assert _open_tab(at) == 5 and len(at.tabs[5].success) == 1


@pytest.mark.parametrize(
    ("monthly", "hours", "field", "message"),
    [
        ("80 050", "37,5", "monthly_amount", f"80{NBSP}050,00{NBSP}€"),
        (f"80{NBSP}050,00", "37,5", "monthly_amount", f"1{NBSP}500,00{NBSP}€"),
        ("800,50", "375", "weekly_hours", _fi("forms.error.limit.hours", limit="40")),
    ],
    ids=["spaces", "nbsp", "hours"],
)
def test_an_implausible_number_is_refused_under_its_field_and_nothing_is_saved(
    joensuu: str, monthly: str, hours: str, field: str, message: str
) -> None:
    at = _open()
    _pick_tab(at, "grant")
    _fill_grant(at, monthly, hours=hours)
    shown = "\n".join(e.value for e in at.tabs[5].error)
    assert message.capitalize() in shown or message in shown
    assert not at.tabs[5].info  # no total to confirm
    assert "asiakkaat_grant_confirm" not in [b.key for b in at.button]
    assert _query(joensuu, "SELECT COUNT(*) FROM bonus_grant") == [(0,)]


def test_the_client_list_shows_finnish_dates_and_no_none(joensuu: str) -> None:
    at = _open()
    [listing] = [d.value for d in at.dataframe if "exit_date" in d.value.columns]
    row = listing.set_index("code").loc["T-1"]
    assert row["entry_date"] == i18n.fmt_date(metrics.today() - timedelta(days=60), "fi")
    assert row["exit_date"] == ""  # still in: an empty cell, not "None"
    assert not listing.isna().any().any()


def test_the_pickers_are_read_once_and_again_after_a_save(joensuu: str) -> None:
    """A rerun reads no client rows (the pickers' lists are cached); a save shows its change
    at once (the caches are cleared)."""
    at = _open()
    _pick_tab(at, "status")
    assert at.selectbox(key="status_client_code_0").options == ["T-1"]
    engine = db.make_engine(joensuu)
    with Session(engine) as s:  # another session adds a client: this one's rerun reads nothing
        s.add(Client(code="T-2", municipality_code="167", birth_year=1991,
                     entry_date=metrics.today() - timedelta(days=1)))  # fmt: skip
        s.commit()
    engine.dispose()
    at.run()
    assert at.selectbox(key="status_client_code_0").options == ["T-1"]
    at.selectbox(key="status_client_code_0").select("T-1")
    at.selectbox(key="status_status_0").select("career_coaching")
    at.date_input(key="status_start_date_0").set_value(metrics.today() - timedelta(days=5))
    at.button(key=f"FormSubmitter:status_form_0-{_fi('forms.save')}").click().run()
    assert not at.exception and len(at.success) == 1
    # The newest first, both now listed
    assert at.selectbox(key="status_client_code_1").options == ["T-2", "T-1"]


def test_a_client_saved_through_another_replica_shows_at_the_next_rerun(joensuu: str) -> None:
    """The pickers are cached by the data version, which any process's save changes: a
    client recorded by another app process (its own engine, as another replica) is listed at
    this session's next rerun, without any cache being cleared here."""
    at = _open()
    _pick_tab(at, "status")
    assert at.selectbox(key="status_client_code_0").options == ["T-1"]
    other = db.make_engine(joensuu)
    values = {
        "client_code": "T-3",
        "municipality": "167",
        "birth_year": "1992",
        "entry_date": metrics.today() - timedelta(days=2),
        "status": "career_coaching",
    }
    forms.submit("client", other, Actor(COORDINATOR, "coordinator", frozenset({"167"})), values)
    other.dispose()
    at.run()
    assert at.selectbox(key="status_client_code_0").options == ["T-3", "T-1"]


def test_the_employer_picker_lists_the_newest_of_the_municipality_and_takes_a_typed_id(
    joensuu: str,
) -> None:
    engine = db.make_engine(joensuu)
    with Session(engine) as s:
        for n, town in enumerate(("167", "167", "260", None)):
            s.add(Employer(name=f"Yritys {n}", business_id=f"765432{n}-{n}",
                           employer_type="company", municipality_code=town))  # fmt: skip
        s.commit()
    actor = Actor(COORDINATOR, "coordinator", frozenset({"167"}))
    newest = forms.employers(engine, actor, "167", limit=3)
    # the newest three of Joensuu's and those of no municipality, by name; Lieksa's left out
    assert sorted(newest["name"]) == ["Yritys 0", "Yritys 1", "Yritys 3"]
    assert list(newest["name"]) == sorted(newest["name"])
    assert len(forms.employers(engine, actor, "167")) == 4  # no limit: every one of them
    engine.dispose()
    at = _open()
    _pick_tab(at, "outcome")
    picker = at.selectbox(key="outcome_business_id_0")
    assert len(picker.options) == 4  # Joensuu's three and the one of no municipality
    assert not any("Yritys 2" in option for option in picker.options)  # Lieksa's
    assert picker.proto.accept_new_options  # another employer's business ID can be typed
