"""A second, made-up employment area runs on its own project file (tests/projects/lakeside.toml):
five municipalities with other codes, three phases in work package 1, a seventh indicator,
another period. `python -m polku init --sample` fills it from that file alone, every page opens
for every role, and `python -m polku kpis` gives its seven indicators."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from models import ChecklistItem, Client, Employer, Phase, User, UserMunicipality
from polku import cli, db, metrics, sample
from polku.access import Actor
from polku.config import get_settings
from polku.project import ProjectFileError, load_project, read_project_file
from tests.conftest import OTHER_PROJECT_FILE, PROJECT_FILE, Backend
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    _use_database,
    plain_tables,
    signed_in_app,
)
from tests.test_app_access import ADMIN_EMAIL, ANALYST, COORDINATOR, DIRECTOR, ROLE_PAGES

ROOT = Path(__file__).resolve().parents[1]
with OTHER_PROJECT_FILE.open("rb") as _handle:
    PLAN = tomllib.load(_handle)
AS_OF: date = PLAN["demo"]["as_of"]
CODES = {m["code"]: m["name"] for m in PLAN["municipalities"]}

# The sample's demo users and the pages each role gets (the same as on North Karelia's file)
DEMO_USERS = {
    "admin": (sample.DEMO_ADMIN, ROLE_PAGES[ADMIN_EMAIL]),
    "coordinator": (sample.DEMO_COORDINATOR, ROLE_PAGES[COORDINATOR]),
    "director": (sample.DEMO_DIRECTOR, ROLE_PAGES[DIRECTOR]),
    "analyst": (sample.DEMO_ANALYST, ROLE_PAGES[ANALYST]),
}


@pytest.fixture
def other_area(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """POLKU_PROJECT_FILE names the other area's file."""
    monkeypatch.setenv("POLKU_PROJECT_FILE", str(OTHER_PROJECT_FILE))
    get_settings.cache_clear()
    yield OTHER_PROJECT_FILE
    get_settings.cache_clear()


@pytest.fixture
def lakeside(backend: Backend, other_area: Path) -> str:
    """An empty database made by `python -m polku init --sample` on the other area's file."""
    url = backend.empty()
    assert cli.main(["init", "--sample", "--database-url", url]) == 0
    return url


def test_the_file_differs_from_north_karelias_where_it_matters() -> None:
    """The other area really is another shape, or the runs on it would prove nothing."""
    north = read_project_file(PROJECT_FILE)
    assert not set(CODES) & {m["code"] for m in north["municipalities"]}
    assert len(CODES) != len(north["municipalities"])
    assert len(PLAN["work_packages"][0]["phases"]) != len(north["work_packages"][0]["phases"])
    extra = {i["code"] for i in PLAN["indicators"]} - {i["code"] for i in north["indicators"]}
    assert extra == {"training"}
    assert PLAN["project"]["start"] != north["project"]["start"]


def test_the_sample_comes_from_the_project_file(lakeside: str) -> None:
    engine = db.make_engine(lakeside)
    statuses = {s["code"] for s in PLAN["codes"]["statuses"]}
    start, end = PLAN["project"]["start"], PLAN["project"]["end"]
    with Session(engine) as s:
        clients = s.exec(select(Client)).all()
        homes = {c.municipality_code for c in clients}
        assert homes == set(CODES)  # every municipality, no other
        assert all(c.code.startswith(PLAN["demo"]["client_prefix"]) for c in clients)
        assert all(start <= c.entry_date <= AS_OF for c in clients)
        used = set(s.exec(text("SELECT DISTINCT status_code FROM status_episode")).scalars())
        assert used and used <= statuses
        places = tuple(PLAN["demo"]["place_words"])
        employers = s.exec(select(Employer)).all()
        assert all(e.municipality_code in CODES for e in employers)
        assert all(
            e.name.startswith(places) for e in employers if e.employer_type != "private_person"
        )
        items = s.exec(select(ChecklistItem)).all()
        assert all(i.due_date is None or start <= i.due_date <= end for i in items)
        phases = {p.id: p for p in s.exec(select(Phase))}
        municipal = {i.municipality_code for i in items if i.municipality_code}
        assert municipal == set(CODES)
        assert {phases[i.phase_id].work_package_code for i in items} == {
            wp["code"] for wp in PLAN["work_packages"]
        }
        # The demo users work in the municipalities [demo] names
        users = {u.email: u.id for u in s.exec(select(User))}
        links = {(m.user_id, m.municipality_code) for m in s.exec(select(UserMunicipality))}
        assert (users[sample.DEMO_COORDINATOR], PLAN["demo"]["coordinator_municipality"]) in links
        assert (users[sample.DEMO_DIRECTOR], PLAN["demo"]["director_municipality"]) in links
    engine.dispose()


def test_the_seventh_indicator_counts_the_clients_with_its_outcome(lakeside: str) -> None:
    """ "training" is named like an outcome type: it counts distinct clients with that outcome."""
    engine = db.make_engine(lakeside)
    kpis = metrics.kpis(engine, Actor("a@example.fi", "analyst"), None, AS_OF)
    assert list(kpis["indicator"]) == [i["code"] for i in PLAN["indicators"]]
    with engine.connect() as conn:
        expected = conn.execute(
            text(
                "SELECT count(DISTINCT o.client_id) FROM outcome o JOIN client c"
                " ON c.id = o.client_id WHERE o.outcome_type_code = 'training'"
                " AND o.outcome_date <= :day AND c.entry_date <= :day"
            ),
            {"day": AS_OF},
        ).scalar_one()
    engine.dispose()
    training = kpis.set_index("indicator").loc["training"]
    assert expected > 0
    assert training["actual"] == expected
    assert training["target"] == 150
    # Directors see its small counts as "< 5", as every indicator that counts people
    assert "training" in metrics.PEOPLE_INDICATORS
    assert "partner_companies" not in metrics.PEOPLE_INDICATORS


def test_kpis_command_on_the_other_area(lakeside: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["POLKU_PROJECT_FILE"] = str(OTHER_PROJECT_FILE)
    lead = PLAN["project"]["lead_municipality"]
    result = subprocess.run(
        [sys.executable, "-m", "polku", "kpis", "--json", "--as-of", AS_OF.isoformat(),
         "--municipality", lead, "--database-url", lakeside],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = {row["indicator"]: row for row in json.loads(result.stdout)}
    assert list(shown) == [i["code"] for i in PLAN["indicators"]]
    engine = db.make_engine(lakeside)
    direct = metrics.kpis(engine, Actor("a@example.fi", "analyst"), lead, AS_OF)
    engine.dispose()
    for row in direct.to_dict("records"):
        assert shown[row["indicator"]]["actual"] == pytest.approx(row["actual"])
        assert shown[row["indicator"]]["target"] == pytest.approx(row["target"])


def test_an_indicator_no_rule_computes_is_refused(tmp_path: Path, engine) -> None:
    text_ = OTHER_PROJECT_FILE.read_text(encoding="utf-8").replace(
        'code = "training"\nposition = 7', 'code = "courses"\nposition = 7'
    )
    broken = tmp_path / "broken.toml"
    broken.write_text(text_, encoding="utf-8")
    with Session(engine) as s, pytest.raises(ProjectFileError, match="'courses'"):
        load_project(s, broken)


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_page_opens_for_each_role(
    lakeside: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo users of the other area's sample: each page of the role, for the region and
    for each municipality the role may pick."""
    _use_database(monkeypatch, lakeside)
    email, pages = DEMO_USERS[role]
    at = signed_in_app(email).run()
    assert not at.exception
    picker = at.selectbox(key="kunta")
    choices = [o for o in picker.options if o in CODES.values()]
    if role in ("admin", "analyst"):
        assert sorted(choices) == sorted(CODES.values())
    else:
        home = PLAN["demo"][f"{role}_municipality"]
        assert choices == [CODES[home]]
    by_name = {name: code for code, name in CODES.items()}
    for municipality in [None, *(by_name[c] for c in choices[:2])]:
        if municipality:
            at.selectbox(key="kunta").select(municipality).run()
        for page in sorted(pages):
            at.switch_page(page).run()
            assert not at.exception, (page, municipality)
            assert not at.error, (page, municipality, [e.value for e in at.error])
            assert at.title and at.title[0].value, page
            assert at.session_state["kunta"] == (municipality or "")


def test_the_region_matrix_is_the_areas_municipalities_by_its_phases(
    lakeside: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five municipalities × three phases, not North Karelia's 13 × 4."""
    _use_database(monkeypatch, lakeside)
    at = signed_in_app(sample.DEMO_ADMIN).run()
    at.switch_page("app_pages/checklists.py").run()
    assert not at.exception
    matrices = [
        t.set_index(t.columns[0])
        for t in plain_tables(at)
        if set(t.iloc[:, 0]) == set(CODES.values())
    ]
    assert len(matrices) == 1
    phases = PLAN["work_packages"][0]["phases"]
    assert matrices[0].shape == (len(CODES), len(phases))
