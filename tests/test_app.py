"""The Streamlit app through AppTest, on real databases (SQLite and PostgreSQL): every page
opens, the overview shows the database's numbers, the sidebar's choices carry over, and an
uninitialised database gets a clear message instead of a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, insert, text
from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from models import (
    ChecklistItem,
    Client,
    Employer,
    Municipality,
    PartnershipAgreement,
    User,
    UserMunicipality,
    metadata,
)
from polku import db, i18n, metrics
from polku.config import get_settings
from polku.project import read_project_file

ROOT = Path(__file__).resolve().parents[1]
ENTRYPOINT = str(ROOT / "streamlit_app.py")
PAGES = sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    # The app's cached engine and aggregates belong to the previous test's database
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def _forget_settings_and_caches() -> Iterator[None]:
    yield
    st.cache_resource.clear()  # disposes the engines, closing their connections
    st.cache_data.clear()
    get_settings.cache_clear()


ADMIN_EMAIL = "paakayttaja@example.fi"
# Sign-in configured as Streamlit documents it; AppTest's `user` stands for the provider
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "polku",
    "client_secret": "secret",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}


def add_user(url: str, email: str, role: str, *municipalities: str) -> None:
    engine = db.make_engine(url)
    with Session(engine) as s:
        user = User(email=email, name=email.split("@")[0], role=role)
        s.add(user)
        s.flush()
        s.add_all(UserMunicipality(user_id=user.id, municipality_code=c) for c in municipalities)
        s.commit()
    engine.dispose()


@pytest.fixture
def app_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app points at a fresh migrated database with the project definition and an admin."""
    _use_database(monkeypatch, db_url)
    add_user(db_url, ADMIN_EMAIL, "admin")
    return db_url


def open_tab(at: AppTest, key: str, label: str) -> AppTest:
    """The user clicks the tab `label` of the page's stateful tabs `key` (the page reruns)."""
    at.session_state[key] = label
    at.run()
    assert not at.exception, label
    return at


_SEPARATOR_ROW = re.compile(r"\|(---:?\|)+")
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # a | not escaped by a backslash
_ESCAPED = re.compile(r"\\(.)")


def plain_tables(block: Any) -> list[pd.DataFrame]:
    """The plain tables (polku.ui.tables.plain_table) drawn in `block`, an AppTest or one of
    its containers, read back from their Markdown: the text of every cell as the user reads it."""
    frames = []
    for element in block.markdown:
        lines = str(element.value).splitlines()
        if len(lines) < 2 or not _SEPARATOR_ROW.fullmatch(lines[1]):
            continue
        header, *rows = (
            [_ESCAPED.sub(r"\1", cell.strip()) for cell in _CELL_BORDER.split(line)[1:-1]]
            for line in lines[:1] + lines[2:]
        )
        frames.append(pd.DataFrame(rows, columns=header))
    return frames


def shown_tables(block: Any) -> list[pd.DataFrame]:
    """Every table drawn in `block`: the data grids' frames and the plain tables' text."""
    return [grid.value for grid in block.dataframe] + plain_tables(block)


def each_tab(at: AppTest, key: str, labels: list[str] | None = None) -> Iterator[str]:
    """Opens each tab of the page's stateful tabs `key` (st.tabs with on_change="rerun", the
    first such on the page unless `labels` are given) in turn, rerunning the page; yields the
    label of the tab open."""
    if labels is None:
        first = next(c for c in at.get("tab_container") if c.proto.tab_container.id)
        labels = [str(tab.label) for tab in first.children.values()]
    for label in labels:
        open_tab(at, key, label)
        yield label


def signed_in_app(email: str | None = ADMIN_EMAIL) -> AppTest:
    """The app with sign-in configured and `email` signed in (None: nobody signed in)."""
    at = AppTest.from_file(ENTRYPOINT, default_timeout=30)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
    return at


def _app() -> AppTest:
    return signed_in_app()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _fi(key: str) -> str:
    return i18n.t(key, "fi")


def test_every_page_is_in_the_navigation() -> None:
    router = (ROOT / "streamlit_app.py").read_text(encoding="utf-8")
    assert len(PAGES) >= 8
    for page in PAGES:
        assert f'"{page}"' in router


@pytest.mark.parametrize("lead", [False, True], ids=["region", "lead_municipality"])
def test_every_page_opens_without_an_exception(
    area_db_url: str, project_file: Path, monkeypatch: pytest.MonkeyPatch, lead: bool
) -> None:
    """On North Karelia's project file and on a made-up area's (POLKU_PROJECT_FILE)."""
    _use_database(monkeypatch, area_db_url)
    add_user(area_db_url, ADMIN_EMAIL, "admin")
    municipality = read_project_file(project_file)["project"]["lead_municipality"] if lead else None
    at = _app().run()
    assert not at.exception
    if municipality:
        at.selectbox(key="kunta").select(municipality).run()
        assert not at.exception
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
        assert at.title and at.title[0].value, page
        assert at.session_state["kunta"] == (municipality or "")


def _add_clients_and_employers(url: str) -> None:
    """Joensuu: 1 001 entered (1 000 active, 1 exited), 2 employers (1 partner); Lieksa: one
    active client and one employer without an agreement."""
    today = metrics.today()
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(metadata.tables["client"]),
            [
                {
                    "code": f"J{i:04d}",
                    "municipality_code": "167",
                    "birth_year": 1980,
                    "entry_date": today - timedelta(days=90),
                }
                for i in range(1000)
            ],
        )
    earlier = datetime.combine(today - timedelta(days=30), datetime.min.time())
    with Session(engine) as s:
        s.add(_client("J-EXIT", "167", today - timedelta(days=60), exit=today - timedelta(days=1)))
        s.add(_client("L-1", "422", today - timedelta(days=10)))
        s.add(_client("L-FUTURE", "422", today + timedelta(days=10)))  # not yet entered
        partner = Employer(
            name="Kumppani Oy", business_id="1234567-1", employer_type="company",
            municipality_code="167", created_at=earlier,
        )  # fmt: skip
        other = Employer(
            name="Yhdistys ry", business_id="7654321-1", employer_type="association",
            municipality_code="167", created_at=earlier,
        )  # fmt: skip
        lieksa = Employer(
            name="Lieksan Puu", business_id="1111111-1", employer_type="company",
            municipality_code="422", created_at=earlier,
        )  # fmt: skip
        s.add_all([partner, other, lieksa])
        s.flush()
        assert partner.id is not None
        s.add(PartnershipAgreement(employer_id=partner.id, start_date=today - timedelta(days=20)))
        s.commit()
    engine.dispose()


def _client(code: str, municipality: str, entry: date, exit: date | None = None) -> Client:
    return Client(
        code=code, municipality_code=municipality, birth_year=1990, entry_date=entry, exit_date=exit
    )


def _checklist_total(url: str, municipality: str | None) -> int:
    engine = db.make_engine(url)
    with Session(engine) as s:
        query = select(ChecklistItem)
        if municipality:
            query = query.where(col(ChecklistItem.municipality_code) == municipality)
        total = len(s.exec(query).all())
    engine.dispose()
    return total


def test_overview_shows_the_counts_in_the_database(app_db: str) -> None:
    _add_clients_and_employers(app_db)
    nb = "\u00a0"

    at = _app().run()
    assert not at.exception
    shown = _metrics(at)
    assert shown[_fi("overview.clients.entered")] == f"1{nb}002"
    assert shown[_fi("overview.clients.active")] == f"1{nb}001"
    assert shown[_fi("overview.clients.exited")] == "1"
    assert shown[_fi("overview.employers.total")] == "3"
    assert shown[_fi("overview.employers.partners")] == "1"
    assert shown[_fi("overview.checklists.total")] == str(_checklist_total(app_db, None))
    assert shown[_fi("overview.checklists.done")] == "0"
    assert _fi("app.region") in at.caption[0].value

    at.selectbox(key="kunta").select("167").run()
    shown = _metrics(at)
    assert shown[_fi("overview.clients.entered")] == f"1{nb}001"
    assert shown[_fi("overview.clients.active")] == f"1{nb}000"
    assert shown[_fi("overview.employers.total")] == "2"
    assert shown[_fi("overview.checklists.total")] == str(_checklist_total(app_db, "167"))
    assert "Joensuu" in at.caption[0].value

    # Rääkkylä has no clients and no employers
    at.selectbox(key="kunta").select("707").run()
    shown = _metrics(at)
    for key in (
        "overview.clients.entered",
        "overview.clients.active",
        "overview.clients.exited",
        "overview.employers.total",
        "overview.employers.partners",
    ):
        assert shown[_fi(key)] == "0", key
    progress = at.dataframe[-1].value  # after the "what changed" table
    assert progress["total"].sum() == _checklist_total(app_db, "707")


def test_the_picker_lists_the_municipalities_of_the_database(app_db: str) -> None:
    engine = db.make_engine(app_db)
    with Session(engine) as s:
        renamed = s.get(Municipality, "090")
        assert renamed is not None
        renamed.name = "Heinävesi (testi)"
        s.add(renamed)
        s.commit()
        names = sorted(m.name for m in s.exec(select(Municipality)).all())
    engine.dispose()

    at = _app().run()
    picker = at.selectbox(key="kunta")
    assert picker.options == [_fi("app.region"), *names]
    assert picker.value == ""  # the whole region by default


def test_the_municipality_choice_survives_a_page_switch(app_db: str) -> None:
    at = _app().run()
    at.selectbox(key="kunta").select("422").run()
    at.switch_page("app_pages/project.py").run()
    assert not at.exception
    assert at.selectbox(key="kunta").value == "422"
    at.switch_page("app_pages/overview.py").run()
    assert at.session_state["kunta"] == "422"
    assert "Lieksa" in at.caption[0].value


def test_a_link_opens_the_same_view(app_db: str) -> None:
    at = _app()
    # The URL carries the options as shown: ?kunta=Joensuu&kieli=English
    at.query_params["kunta"] = "Joensuu"
    at.query_params["kieli"] = "English"
    at.run()
    assert not at.exception
    assert at.session_state["kunta"] == "167"
    assert at.session_state["kieli"] == "en"
    assert at.title[0].value == i18n.t("page.overview", "en")
    assert "Joensuu" in at.caption[0].value


def test_switching_to_english_changes_the_labels(app_db: str) -> None:
    at = _app().run()
    assert at.title[0].value == "Yleiskatsaus"
    assert _fi("overview.clients.active") in _metrics(at)

    at.segmented_control(key="kieli").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert i18n.t("overview.clients.active", "en") in _metrics(at)
    assert at.selectbox(key="kunta").label == "Municipality"
    assert at.selectbox(key="kunta").options[0] == "Whole region"
    at.switch_page("app_pages/project.py").run()
    assert at.title[0].value == "Project"


def _not_ready_message(at: AppTest) -> tuple[str, str]:
    assert not at.exception
    assert at.title[0].value == _fi("db.not_ready.title")
    return at.error[0].value, at.info[0].value


def test_an_empty_database_asks_to_run_init(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_database(monkeypatch, empty_db_url)
    error, fix = _not_ready_message(_app().run())
    assert error == _fi("db.no_schema")
    assert "python -m polku init" in fix


def test_a_database_without_the_project_definition_asks_to_run_init(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(empty_db_url)
    db.upgrade(engine)
    engine.dispose()
    _use_database(monkeypatch, empty_db_url)
    error, fix = _not_ready_message(_app().run())
    assert error == _fi("db.no_project")
    assert "python -m polku init" in fix


def test_an_outdated_schema_asks_to_run_init(app_db: str) -> None:
    engine: Engine = db.make_engine(app_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    engine.dispose()
    error, _ = _not_ready_message(_app().run())
    assert error == _fi("db.outdated")


def test_an_unreachable_database_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_database(monkeypatch, "postgresql://nobody@127.0.0.1:1/none")
    error, fix = _not_ready_message(_app().run())
    assert error == _fi("db.unreachable")
    assert "DATABASE_URL" in fix
