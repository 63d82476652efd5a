"""polku/client_card.py on real databases: a client's records seen on one card and a wrongly
recorded one corrected or deleted, version-checked, checked by the import's rules, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from polku import client_card, db, forms
from polku.access import AccessDenied, Actor
from polku.ingest import FormInvalid
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)
from tests.test_ingest import ANALYST, COORDINATOR, DIRECTOR, TODAY, contents, load_samples

LIEKSA = Actor("lieksa@example.fi", "coordinator", frozenset({"422"}))
ADMIN = Actor("admin@example.fi", "admin")
# Joensuu's sample client who left: one episode, one outcome and one grant
CODE = "ESIM-0002"


def _audit(engine: Engine, entity: str) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, field, old_value, new_value, user_email, municipality_code"
                " FROM audit_log WHERE entity = :entity AND action LIKE 'card%' ORDER BY id"
            ),
            {"entity": entity},
        ).all()
    return [tuple(r) for r in rows]


def _fields(invalid: pytest.ExceptionInfo[FormInvalid]) -> dict[str | None, str]:
    return {p.field: p.reason() for p in invalid.value.problems}


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    load_samples(engine)
    return engine


def test_a_coordinator_loads_the_card_of_a_client_of_their_municipality(loaded: Engine) -> None:
    card = client_card.load(loaded, COORDINATOR, CODE)
    assert card.municipality == "167" and card.editable
    assert card.entry["entry_date"] == date(2026, 3, 16)
    assert card.entry["target_groups"] == ("youth",)
    assert card.exit.values == {
        "exit_date": date(2026, 9, 30),
        "plan_goal_reached": True,
        "situation_on_leaving": "employed",
        "situation_date": date(2026, 10, 5),
        "qualification_gained": False,
        "employed_6_months": None,
    }
    [episode] = card.episodes
    assert episode.values["status"] == "career_coaching" and episode.version == 1
    [outcome] = card.outcomes
    assert outcome.values["business_id"] == "2934871-3"
    assert outcome.values["employer_name"] == "Pielisen Puutyö Oy"
    [grant] = card.grants
    assert Decimal(str(grant.values["amount"])) == Decimal("9600")
    # Analysts read rows and edit nothing: the card, read-only
    assert not client_card.load(loaded, ANALYST, CODE).editable


def test_another_municipality_s_client_cannot_be_used_and_directors_are_refused(
    loaded: Engine,
) -> None:
    with pytest.raises(FormInvalid) as other:
        client_card.load(loaded, LIEKSA, CODE)
    with pytest.raises(FormInvalid) as unknown:
        client_card.load(loaded, LIEKSA, "EI-OLE-1")
    # The same words for a code of another municipality and an unknown one
    assert [p.key for p in other.value.problems] == ["ingest.error.client_unusable"]
    assert _fields(other)["client_code"] == _fields(unknown)["client_code"].replace(
        "EI-OLE-1", CODE
    )
    with pytest.raises(AccessDenied):
        client_card.load(loaded, DIRECTOR, CODE)
    with pytest.raises(AccessDenied):
        client_card.update(loaded, ANALYST, "outcomes", 1, 1, {"note": "x"})
    episode = client_card.load(loaded, COORDINATOR, CODE).episodes[0]
    with pytest.raises(AccessDenied):
        client_card.update(loaded, LIEKSA, "episodes", episode.id, 1, {"end_date": None})


def test_an_episode_edit_is_saved_with_its_version_and_audited_old_to_new(loaded: Engine) -> None:
    episode = client_card.load(loaded, COORDINATOR, CODE).episodes[0]
    saved = client_card.update(
        loaded,
        COORDINATOR,
        "episodes",
        episode.id,
        episode.version,
        {"start_date": date(2026, 3, 18), "status": "work_trial"},
        today=TODAY,
    )
    assert saved.version == 2
    assert "Alkupäivä: 16.3.2026 → 18.3.2026" in saved.text("fi")
    assert "Tila: Uravalmennus → Työkokeilu" in saved.text("fi")
    [after] = client_card.load(loaded, COORDINATOR, CODE).episodes
    assert after.id == episode.id and after.version == 2
    assert after.values["start_date"] == date(2026, 3, 18)
    assert after.values["status"] == "work_trial"
    assert _audit(loaded, "status_episode") == [
        ("card_change", "status", "career_coaching", "work_trial", COORDINATOR.email, "167"),
        ("card_change", "start_date", "2026-03-16", "2026-03-18", COORDINATOR.email, "167"),
        ("card_change", "version", "1", "2", COORDINATOR.email, "167"),
    ]


def test_exit_outcome_and_grant_edits_are_saved_and_audited(loaded: Engine) -> None:
    card = client_card.load(loaded, ADMIN, CODE)
    client_card.update(
        loaded, ADMIN, "exit", card.exit.id, card.exit.version, {"plan_goal_reached": False}
    )
    outcome = card.outcomes[0]
    client_card.update(
        loaded,
        ADMIN,
        "outcomes",
        outcome.id,
        outcome.version,
        {"outcome_date": date(2026, 9, 29), "note": "Korjattu päivä"},
        today=TODAY,
    )
    grant = card.grants[0]
    # Numbers as people type them; the amount follows €/month × months
    saved = client_card.update(
        loaded, ADMIN, "grants", grant.id, grant.version, {"monthly_amount": "850,00"}
    )
    assert {c.field for c in saved.changes} == {"monthly_amount", "amount"}
    after = client_card.load(loaded, ADMIN, CODE)
    assert after.exit.values["plan_goal_reached"] is False and after.exit.version == 2
    assert after.outcomes[0].values["outcome_date"] == date(2026, 9, 29)
    assert Decimal(str(after.grants[0].values["amount"])) == Decimal("10200")
    assert ("card_change", "plan_goal_reached", "true", "false", ADMIN.email, "167") in _audit(
        loaded, "client"
    )
    assert ("card_change", "outcome_date", "2026-09-28", "2026-09-29", ADMIN.email, "167") in (
        _audit(loaded, "outcome")
    )
    grant_audit = _audit(loaded, "bonus_grant")
    assert ("card_change", "amount", "9600", "10200", ADMIN.email, "167") in grant_audit
    assert ("card_change", "monthly_amount", "800", "850", ADMIN.email, "167") in grant_audit


def test_a_stale_version_is_refused_with_the_other_change_and_nothing_is_written(
    loaded: Engine,
) -> None:
    episode = client_card.load(loaded, COORDINATOR, CODE).episodes[0]
    client_card.update(
        loaded, ADMIN, "episodes", episode.id, 1, {"end_date": date(2026, 9, 29)}, today=TODAY
    )
    before = contents(loaded)
    with pytest.raises(client_card.StaleEdit) as stale:
        client_card.update(
            loaded,
            COORDINATOR,
            "episodes",
            episode.id,
            episode.version,
            {"status": "work_trial"},
            seen=episode.values,
            today=TODAY,
        )
    assert contents(loaded) == before
    [conflict] = stale.value.conflicts
    assert conflict.version == 2 and conflict.changed_by == ADMIN.email
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("end_date", date(2026, 9, 30), date(2026, 9, 29))
    ]
    assert "Loppupäivä: 30.9.2026 → 29.9.2026" in conflict.message("fi")
    assert "Tila: Uravalmennus → Työkokeilu" in conflict.yours_text("fi")
    # A delete of the version read is refused the same way
    with pytest.raises(client_card.StaleEdit):
        client_card.delete(loaded, COORDINATOR, "episodes", episode.id, episode.version)
    assert contents(loaded) == before


def test_a_change_by_a_form_or_an_import_makes_the_card_stale(loaded: Engine) -> None:
    """The forms and the import write through ingest's update: it adds one to the version."""
    card = client_card.load(loaded, COORDINATOR, "ESIM-0003")
    [episode] = card.episodes
    forms.change_status(
        loaded, COORDINATOR, "ESIM-0003", "career_coaching", date(2026, 6, 1), today=TODAY
    )
    with pytest.raises(client_card.StaleEdit):
        client_card.update(
            loaded, COORDINATOR, "episodes", episode.id, episode.version, {"end_date": None}
        )
    assert client_card.load(loaded, COORDINATOR, "ESIM-0003").episodes[0].version == 2


def test_a_delete_is_audited_with_the_old_values(loaded: Engine) -> None:
    card = client_card.load(loaded, COORDINATOR, CODE)
    outcome = card.outcomes[0]
    client_card.delete(loaded, COORDINATOR, "outcomes", outcome.id, outcome.version)
    after = client_card.load(loaded, COORDINATOR, CODE)
    assert after.outcomes == []
    rows = _audit(loaded, "outcome")
    assert {r[0] for r in rows} == {"card_delete"}
    assert ("card_delete", "outcome_type", "employment_company", None) in [r[:4] for r in rows]
    assert ("card_delete", "outcome_date", "2026-09-28", None) in [r[:4] for r in rows]
    # The exit is cleared, its date, goal and situation on leaving, audited the same way
    client_card.delete(loaded, COORDINATOR, "exit", card.exit.id, card.exit.version)
    cleared = client_card.load(loaded, COORDINATOR, CODE).exit
    assert cleared.values == dict.fromkeys(client_card.EXIT_FIELDS)
    assert ("card_delete", "situation_on_leaving", "employed", None) in [
        r[:4] for r in _audit(loaded, "client")
    ]
    assert ("card_delete", "exit_date", "2026-09-30", None) in [
        r[:4] for r in _audit(loaded, "client")
    ]


@pytest.mark.parametrize(
    ("kind", "changes", "field", "reason"),
    [
        ("episodes", {"start_date": date(2026, 3, 1)}, "start_date", "ennen asiakkaan aloitus"),
        ("episodes", {"end_date": date(2026, 3, 1)}, "end_date", "ennen alkupäivää"),
        ("exit", {"exit_date": date(2026, 3, 1)}, "exit_date", "ennen"),
        ("exit", {"exit_date": None}, "plan_goal_reached", "päättymis"),
        ("outcomes", {"outcome_date": date(2026, 3, 1)}, "outcome_date", "ennen asiakkaan"),
        ("outcomes", {"note": "hetu 010594Y9021"}, "note", "henkilötunnuksen"),
        ("grants", {"de_minimis_amount": Decimal(400_000)}, "de_minimis_amount", "300"),
        ("grants", {"months": "1,5"}, "months", "kokonaisluku"),
    ],
    ids=["before-entry", "end-before-start", "exit-before", "goal-no-exit", "outcome", "hetu",
         "de-minimis", "months"],
)  # fmt: skip
def test_an_edit_breaking_a_rule_is_refused_by_field_and_nothing_is_written(
    loaded: Engine, kind: str, changes: dict, field: str, reason: str
) -> None:
    card = client_card.load(loaded, COORDINATOR, CODE)
    row = card.rows(kind)[0]
    before = contents(loaded)
    with pytest.raises(FormInvalid) as invalid:
        client_card.update(loaded, COORDINATOR, kind, row.id, row.version, changes, today=TODAY)
    assert reason in _fields(invalid)[field]
    assert "010594Y9021" not in str(_fields(invalid))
    assert contents(loaded) == before


def test_an_edit_onto_another_record_s_key_is_refused(loaded: Engine) -> None:
    first, second = client_card.load(loaded, COORDINATOR, "ESIM-0001").episodes
    before = contents(loaded)
    with pytest.raises(FormInvalid) as invalid:
        client_card.update(
            loaded,
            COORDINATOR,
            "episodes",
            second.id,
            second.version,
            {"status": first.values["status"], "start_date": first.values["start_date"]},
            today=TODAY,
        )
    assert "samanlainen kirjaus" in _fields(invalid)["status"]
    assert contents(loaded) == before


def test_search_finds_only_the_actor_s_clients(loaded: Engine) -> None:
    assert client_card.search(loaded, COORDINATOR, "esim-000") == [
        "ESIM-0001",
        "ESIM-0002",
        "ESIM-0003",
    ]
    assert client_card.search(loaded, LIEKSA, "0001") == []


# ---------------------------------------------------------------------------------------------
# The page (AppTest)

PAGE = "app_pages/client_card.py"
APP_COORDINATOR = "koordinaattori@joensuu.example"
APP_DIRECTOR = "johtaja@joensuu.example"


@pytest.fixture
def card_app(app_db: str) -> str:  # noqa: F811
    add_user(app_db, APP_COORDINATOR, "coordinator", "167")
    add_user(app_db, APP_DIRECTOR, "director", "167")
    engine = db.make_engine(app_db)
    load_samples(engine)
    engine.dispose()
    return app_db


def test_a_coordinator_finds_a_client_and_corrects_an_episode_on_the_page(card_app: str) -> None:
    at = signed_in_app(APP_COORDINATOR).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    at.text_input(key="asiakaskortti_code").input("esim-0002").run()
    assert not at.exception, at.exception
    engine = db.make_engine(card_app)
    [episode] = client_card.load(engine, COORDINATOR, CODE).episodes
    prefix = f"asiakaskortti_episodes_{episode.id}_{episode.version}"
    at.date_input(key=f"{prefix}_end_date").set_value(date(2026, 9, 29)).run()
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    [message] = [s.value for s in at.success]
    assert "Loppupäivä: 30.9.2026 → 29.9.2026" in message
    [after] = client_card.load(engine, COORDINATOR, CODE).episodes
    engine.dispose()
    assert after.values["end_date"] == date(2026, 9, 29) and after.version == 2
    # The card shows the stored value, in widgets keyed by the new version
    new_key = f"asiakaskortti_episodes_{episode.id}_2_end_date"
    assert at.date_input(key=new_key).value == date(2026, 9, 29)


def test_a_stale_save_on_the_page_shows_the_other_change(card_app: str) -> None:
    at = signed_in_app(APP_COORDINATOR).run()
    at.switch_page(PAGE).run()
    at.text_input(key="asiakaskortti_code").input(CODE).run()
    engine = db.make_engine(card_app)
    [outcome] = client_card.load(engine, COORDINATOR, CODE).outcomes
    client_card.update(engine, ADMIN, "outcomes", outcome.id, 1, {"note": "Toisen korjaus"})
    engine.dispose()
    prefix = f"asiakaskortti_outcomes_{outcome.id}_1"
    at.text_input(key=f"{prefix}_note").input("Oma korjaus").run()
    at.button(key=f"{prefix}_save").click().run()
    assert not at.exception, at.exception
    [panel] = [e.value for e in at.error]
    assert ADMIN.email in panel and "Toisen korjaus" in panel and "Oma korjaus" in panel


def test_a_director_cannot_open_the_card(card_app: str) -> None:
    at = signed_in_app(APP_DIRECTOR).run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE).run()
