"""The Raportit page (issue 16): admins write, move and reconcile a report; analysts read it
without edit controls; coordinators and directors cannot open it; "changed since approval"
after a reopening; on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from models import metadata
from polku import audit, db, forms, i18n, reporting
from polku.access import AccessDenied, Actor
from polku.ui.reports import SECTION_TAB_KEY
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    each_tab,
    open_tab,
    signed_in_app,
)

COORDINATOR, DIRECTOR, ANALYST = (
    "raportit.koordinaattori@example.fi",
    "raportit.johtaja@example.fi",
    "raportit.analyytikko@example.fi",
)
ADMIN = Actor(email=ADMIN_EMAIL, role="admin")
MK1 = "MK1"


def _fi(key: str, **values: object) -> str:
    return i18n.t(key, "fi", **values)


@pytest.fixture
def report_db(app_db: str) -> str:  # noqa: F811
    """Two clients entering in MK1, a coordinator, a director and an analyst."""
    engine = db.make_engine(app_db)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]),
            [
                {"code": "P1", "municipality_code": "167", "birth_year": 1990,
                 "gender": "female", "entry_date": date(2026, 4, 1)},
                {"code": "P2", "municipality_code": "167", "birth_year": 1980,
                 "gender": "male", "entry_date": date(2026, 6, 1)},
            ],
        )  # fmt: skip
    engine.dispose()
    add_user(app_db, COORDINATOR, "coordinator", "167")
    add_user(app_db, DIRECTOR, "director", "422")
    add_user(app_db, ANALYST, "analyst")
    return app_db


def _reports(email: str) -> AppTest:
    at = signed_in_app(email)
    at.run()
    at.switch_page("app_pages/reports.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="raportti").set_value(MK1).run()
    assert not at.exception, at.exception
    return at


def _cells(at: AppTest) -> set[str]:
    return {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}


def _headers(at: AppTest) -> list[str]:
    """The headers of the page with each of its tabs open in turn."""
    return [h.value for _ in each_tab(at, SECTION_TAB_KEY) for h in at.header]


def _open(at: AppTest, tab: str) -> AppTest:
    return open_tab(at, SECTION_TAB_KEY, _fi(f"reports.tab.{tab}"))


def test_an_admin_writes_submits_and_approves_a_report(report_db: str) -> None:
    at = _reports(ADMIN_EMAIL)
    assert _fi("reports.state", state=_fi("report_state.draft")) in [s.value for s in at.subheader]
    for header in ("reports.indicators", "reports.common", "reports.money", "reports.texts"):
        assert _fi(header) in _headers(at)
    assert f"⚠ {_fi('reports.behind')}" in _cells(_open(at, "figures"))
    # Submitting with an indicator behind and no explanation: refused, nothing moves
    _open(at, "texts").button(key="raportti_submit").click().run()
    assert any(_fi("reports.error.deviation", indicators="")[:40] in e.value for e in at.error)
    engine = db.make_engine(report_db)
    assert reporting.status(engine, ADMIN, MK1).state == "draft"
    # The deviation texts in the form, saved; then submitting and approving
    figures = reporting.build(engine, ADMIN, MK1)
    for indicator in (i for i in figures.indicators if i.behind):
        at.text_area(key=f"teksti_deviation:{indicator.code}_1").input("Hidas alku.")
    at.text_area(key="teksti_activities_1").input("Valmennusta kahdelle.")
    at.button(key="raportti_tallenna").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [_fi("reports.texts_saved")]
    assert reporting.texts(engine, ADMIN, MK1)["activities"] == "Valmennusta kahdelle."
    at.button(key="raportti_submit").click().run()
    at.button(key="raportti_approve").click().run()
    assert not at.exception, at.exception
    assert reporting.status(engine, ADMIN, MK1).state == "approved"
    assert reporting.approved_figures(engine, MK1) is not None
    assert _fi("reports.locked") in [i.value for i in at.info]
    # Reopening asks for a reason
    at.button(key="raportti_reopen").click().run()
    assert _fi("reports.error.reason") in [e.value for e in at.error]
    at.text_area(key="syy_4").input("EURA:n luvut eivät täsmänneet")
    at.button(key="raportti_reopen").click().run()
    assert reporting.status(engine, ADMIN, MK1).state == "draft"
    moves = audit.recent(engine, entity="report")
    assert list(moves["action"]) == ["report_reopen", "report_approve", "report_submit"]
    engine.dispose()


def test_changed_since_approval_and_reconciliation_on_the_page(report_db: str) -> None:
    engine = db.make_engine(report_db)
    figures = reporting.build(engine, ADMIN, MK1)
    behind = {f"deviation:{i.code}": "Hidas alku." for i in figures.indicators if i.behind}
    version = reporting.save_texts(engine, ADMIN, MK1, 1, behind)
    version = reporting.move(engine, ADMIN, MK1, "submit", version)
    version = reporting.move(engine, ADMIN, MK1, "approve", version)
    reporting.move(engine, ADMIN, MK1, "reopen", version, "Poistuminen puuttui")
    forms.record_exit(engine, ADMIN, "P1", date(2026, 7, 15), True, today=date(2026, 12, 31))
    engine.dispose()
    at = _reports(ADMIN_EMAIL)
    assert _fi("reports.changes") in _headers(at)
    cells = _cells(at)
    assert {"P1", "exit_date", "2026-07-15", ADMIN_EMAIL} <= cells
    # The funder's numbers: women 1 started, men 2 (Polku has 1): the difference −1 shows
    _open(at, "reconciliation").number_input(key=f"eura_{MK1}_female_started").set_value(1)
    at.number_input(key=f"eura_{MK1}_female_left").set_value(1)
    at.number_input(key=f"eura_{MK1}_male_started").set_value(2)
    at.number_input(key=f"eura_{MK1}_male_left").set_value(0)
    at.button(key="raportti_eura").click().run()
    assert not at.exception, at.exception
    # The tables' columns are codes, shown under the catalog's headers (column_config)
    (table,) = [f.value for f in at.dataframe if "started_difference" in f.value.columns]
    rows = table.set_index("gender")
    assert rows.loc[_fi("gender.male"), "started_difference"] == i18n.fmt_int(-1, "fi")
    assert rows.loc[_fi("gender.female"), "left_difference"] == "0"
    assert rows.loc[_fi("gender.other"), "funder_started"] == "–"
    engine = db.make_engine(report_db)
    saved = reporting.reconciliation(engine, ADMIN, MK1).set_index("gender")
    assert saved.loc["male", "funder_started"] == 2
    engine.dispose()


def test_an_analyst_reads_the_report_without_edit_controls(report_db: str) -> None:
    at = _reports(ANALYST)
    assert _fi("reports.indicators") in _headers(at)
    assert _fi("reports.moves") not in _headers(at)
    for _ in each_tab(at, SECTION_TAB_KEY):  # no edit control in any tab
        assert len(at.text_area) == 0 and len(at.number_input) == 0
        assert not [b for b in at.button if str(b.key or "").startswith("raportti_")]
    assert _fi("reports.reconciliation") in _headers(at)


@pytest.mark.parametrize("email", [COORDINATOR, DIRECTOR], ids=["coordinator", "director"])
def test_coordinators_and_directors_cannot_open_the_page(report_db: str, email: str) -> None:
    at = signed_in_app(email)
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/reports.py").run()
    engine = db.make_engine(report_db)
    actor = Actor(email=email, role="coordinator" if email == COORDINATOR else "director")
    with pytest.raises(AccessDenied):
        reporting.build(engine, actor, MK1)
    engine.dispose()
