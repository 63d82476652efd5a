"""The Vaihelistat page through AppTest, on real databases (SQLite and PostgreSQL): editing and
saving, a refused stale save that keeps the user's input, read-only roles, own items, the
setup form, history, and the region view with its heatmap and deadlines.

AppTest's data_editor is read-only, so edits are seeded as the editor's edit state
(`{"edited_rows": ...}`) under the editor's key before a run, as the browser would send it."""

from __future__ import annotations

import re
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from models import metadata
from polku import checklists, db, i18n, metrics
from polku.access import AccessDenied, Actor
from polku.checklists import ItemEdit
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    plain_tables,
    signed_in_app,
)

COORDINATOR = "koordinaattori@joensuu.example"
COLLEAGUE = "toinen.koordinaattori@joensuu.example"
DIRECTOR = "johtaja@joensuu.example"
ANALYST = "analyytikko@example.fi"
JOENSUU = "167"
PAGE = "app_pages/checklists.py"
MAPPING_EDITOR = "vaihelista_167_mapping_0"
SAVE = "vaihelista_save_167"

_item = metadata.tables["checklist_item"]
_audit = metadata.tables["audit_log"]


@pytest.fixture
def people(app_db: str) -> str:  # noqa: F811
    add_user(app_db, COORDINATOR, "coordinator", JOENSUU)
    add_user(app_db, COLLEAGUE, "coordinator", JOENSUU)
    add_user(app_db, DIRECTOR, "director", JOENSUU)
    add_user(app_db, ANALYST, "analyst")
    return app_db


def _fi(key: str, **values: str) -> str:
    return i18n.t(key, "fi", **values)


def _open(email: str, kunta: str | None = "Joensuu") -> AppTest:
    at = signed_in_app(email)
    if kunta:
        at.query_params["kunta"] = kunta
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _open_own_items(at: AppTest) -> AppTest:
    """The user opens "Own items": its forms are drawn only then (polku.ui.tabs.lazy_expander)."""
    name = _fi("checklists.own.name")
    assert not [w for w in at.text_input if w.label == name]
    at.session_state["vaihelista_own_167"] = True
    at.run()
    assert not at.exception
    assert [w for w in at.text_input if w.label == name]
    return at


def _actor(email: str) -> Actor:
    return Actor(email=email, role="coordinator", municipalities=frozenset({JOENSUU}))


def _mapping_ids(url: str) -> list[int]:
    engine = db.make_engine(url)
    items = checklists.read_checklist(engine, _actor(COORDINATOR), JOENSUU).items
    engine.dispose()
    return [int(i) for i in items.loc[items["phase"] == "mapping", "id"]]


def _row(url: str, item_id: int) -> dict:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        row = dict(conn.execute(select(_item).where(_item.c.id == item_id)).mappings().one())
    engine.dispose()
    return row


def _audit_rows(url: str) -> list[dict]:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                select(_audit)
                .where(_audit.c.entity == checklists.ITEM_ENTITY)
                .order_by(_audit.c.id)
            ).mappings()
        ]
    engine.dispose()
    return rows


def _seed(at: AppTest, key: str, edited_rows: dict) -> None:
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}


def _progress_texts(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The last table (or editor) on the page that has these columns."""
    tables = [t.value for t in at.dataframe if set(columns) <= set(t.value.columns)]
    assert tables, columns
    return tables[-1]


def _rendered(markdown: str) -> str:
    """What a reader sees of Markdown that escapes characters with a backslash."""
    return re.sub(r"\\([\\`*_{}\[\]()<>#!|~$])", r"\1", markdown)


def _errors(at: AppTest) -> str:
    return _rendered("\n".join(e.value for e in at.error))


def test_a_coordinator_edits_an_item_and_saves_it(people: str) -> None:
    at = _open(COORDINATOR)
    assert at.title[0].value == _fi("page.checklists")
    assert _progress_texts(at)[:2] == ["0 / 2 valmiina", "0 / 6 valmiina"]
    editor = at.dataframe[0]
    assert editor.proto.editing_mode != 0  # an editor, not a read-only table
    assert list(editor.value["item"]) == [
        "Kuntakohtaisen tilanteen selvittäminen",
        "Paikallisen toimintamallin valinta",
    ]

    _seed(at, MAPPING_EDITOR, {0: {"status": "Valmis", "owner": "Elinvoimajohtaja"}})
    at.run()
    assert _fi("checklists.pending", count="1") in [c.value for c in at.caption]
    at.button(key=SAVE).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == _fi("checklists.saved", count="1")
    first = _mapping_ids(people)[0]
    row = _row(people, first)
    assert (row["status"], row["owner"], row["version"]) == ("done", "Elinvoimajohtaja", 2)
    assert row["updated_by"] == COORDINATOR
    audited = {
        (r["field"], r["old_value"], r["new_value"], r["user_email"]) for r in _audit_rows(people)
    }
    assert ("status", "not_started", "done", COORDINATOR) in audited
    assert ("owner", None, "Elinvoimajohtaja", COORDINATOR) in audited
    # The page shows the saved state: progress, and a fresh editor without pending edits
    assert _progress_texts(at)[0] == "1 / 2 valmiina"
    assert at.session_state["vaihelista_gen_167"] == 1
    assert at.dataframe[0].value.loc[first, "status"] == "Valmis"
    at.run()
    assert _progress_texts(at)[0] == "1 / 2 valmiina" and not at.error


def test_a_stale_save_shows_the_other_change_and_keeps_the_input(people: str) -> None:
    at = _open(COORDINATOR)
    first = _mapping_ids(people)[0]
    # A colleague saves the same item after this page loaded it
    engine = db.make_engine(people)
    checklists.save_items(engine, _actor(COLLEAGUE), [ItemEdit(first, 1, {"status": "done"})])
    engine.dispose()

    edits = {0: {"status": "Estynyt", "note": "Odottaa valtuuston päätöstä"}}
    _seed(at, MAPPING_EDITOR, edits)
    at.button(key=SAVE).click().run()
    assert not at.exception
    shown = _errors(at)
    assert _fi("checklists.conflict.title") in shown
    assert f"Kuntakohtaisen tilanteen selvittäminen: {COLLEAGUE} muutti tätä " in shown
    assert "Tila: Ei aloitettu \u2192 Valmis" in shown
    assert "Odottaa valtuuston päätöstä" in shown  # the user's own change, named
    # Nothing of this save was written; the input is still in the editor
    row = _row(people, first)
    assert (row["status"], row["note"], row["version"]) == ("done", None, 2)
    assert at.session_state[MAPPING_EDITOR]["edited_rows"] == edits
    assert at.session_state["vaihelista_gen_167"] == 0

    # Having seen the other change, the user saves theirs anyway
    at.button(key="vaihelista_overwrite_167").click().run()
    assert not at.exception and not at.error
    row = _row(people, first)
    assert (row["status"], row["note"], row["version"]) == (
        "blocked",
        "Odottaa valtuuston päätöstä",
        3,
    )
    assert row["updated_by"] == COORDINATOR


def test_a_stale_save_can_be_discarded_for_the_latest(people: str) -> None:
    at = _open(COORDINATOR)
    first = _mapping_ids(people)[0]
    engine = db.make_engine(people)
    with engine.begin() as conn:  # another process bumps the version
        conn.execute(
            update(_item)
            .where(_item.c.id == first)
            .values(status="in_progress", version=2, updated_by=COLLEAGUE)
        )
    engine.dispose()
    _seed(at, MAPPING_EDITOR, {0: {"status": "Valmis"}})
    at.button(key=SAVE).click().run()
    assert f"{COLLEAGUE} muutti tätä" in _errors(at)
    at.button(key="vaihelista_reload_167").click().run()
    assert not at.exception and not at.error
    assert at.session_state["vaihelista_gen_167"] == 1
    assert at.dataframe[0].value.loc[first, "status"] == "Käynnissä"
    assert _row(people, first)["version"] == 2


def test_invalid_input_is_refused_with_the_item_and_field_named(people: str) -> None:
    at = _open(COORDINATOR)
    _seed(at, MAPPING_EDITOR, {1: {"note": "Asiakas 010594Y9021", "evidence_url": "muistio.pdf"}})
    at.button(key=SAVE).click().run()
    shown = _errors(at)
    assert (
        "Paikallisen toimintamallin valinta, Huomautus: teksti sisältää henkilötunnuksen." in shown
    )
    assert "Paikallisen toimintamallin valinta: Näyttö (linkki) ei ole verkko-osoite." in shown
    assert "010594Y9021" not in shown
    assert _row(people, _mapping_ids(people)[1])["version"] == 1
    assert MAPPING_EDITOR in at.session_state  # the input stays


def test_a_director_sees_the_checklist_read_only_and_an_edit_is_refused(people: str) -> None:
    at = _open(DIRECTOR)
    assert at.info[0].value == _fi("checklists.read_only")
    assert all(table.proto.editing_mode == 0 for table in at.dataframe)  # no editor anywhere
    assert SAVE not in [b.key for b in at.button]
    assert _fi("checklists.save") not in [b.label for b in at.button]
    # An edit state sent anyway changes nothing: there is no editor and no save
    _seed(at, MAPPING_EDITOR, {0: {"status": "Valmis"}})
    at.run()
    assert not at.exception
    first = _mapping_ids(people)[0]
    assert _row(people, first)["version"] == 1
    # ...and polku refuses the director's direct call
    engine = db.make_engine(people)
    director = Actor(email=DIRECTOR, role="director", municipalities=frozenset({JOENSUU}))
    with pytest.raises(AccessDenied):
        checklists.save_items(engine, director, [ItemEdit(first, 1, {"status": "done"})])
    engine.dispose()
    assert _row(people, first)["version"] == 1 and _audit_rows(people) == []
    # The setup form is there to read, not to change
    assert at.radio[0].disabled and at.multiselect[0].disabled


def test_an_analyst_reads_and_downloads_but_does_not_edit(people: str) -> None:
    at = _open(ANALYST)
    assert at.info[0].value == _fi("checklists.read_only")
    assert all(table.proto.editing_mode == 0 for table in at.dataframe)
    assert [b.label for b in at.get("download_button")] == [_fi("checklists.export")]


def test_a_coordinator_adds_an_own_item_and_edits_the_setup(people: str) -> None:
    at = _open_own_items(_open(COORDINATOR))
    form_inputs = [w for w in at.text_input if w.label == _fi("checklists.own.name")]
    form_inputs[0].input("Kuntakierros")
    at.button(key="FormSubmitter:vaihelista_add_167-" + _fi("checklists.own.add")).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == _fi("checklists.own.added", item="Kuntakierros")
    names = list(at.dataframe[0].value["item"])
    assert names[-1] == f"Kuntakierros {_fi('checklists.own_suffix')}"
    assert _progress_texts(at)[0] == "0 / 3 valmiina"

    at.radio[0].set_value("local_actors")
    at.multiselect[0].select("low_threshold")
    at.button(key="FormSubmitter:vaihelista_setup_167_0-" + _fi("checklists.setup.save")).click()
    at.run()
    assert not at.exception and not at.error
    engine = db.make_engine(people)
    setup = checklists.read_setup(engine, _actor(COORDINATOR), JOENSUU)
    engine.dispose()
    assert (setup.operating_model, setup.services) == ("local_actors", ("low_threshold",))
    assert at.success[0].value == _fi("checklists.setup.saved")
    recent = _table(at, "item", "field")  # the municipality's recent changes
    assert set(recent["item"]) >= {"Kuntakierros", _fi("checklists.setup.entity")}
    # Codes in the audit log are shown by name
    assert "Malli paikallisten toimijoiden kanssa" in set(recent["new"])
    assert "Kartoitusvaihe" in set(recent["new"])


def test_the_history_of_an_item(people: str) -> None:
    first = _mapping_ids(people)[0]
    engine = db.make_engine(people)
    checklists.save_items(
        engine, _actor(COLLEAGUE), [ItemEdit(first, 1, {"status": "in_progress"})]
    )
    checklists.save_items(engine, _actor(COORDINATOR), [ItemEdit(first, 2, {"status": "done"})])
    engine.dispose()
    at = _open(DIRECTOR)
    at.selectbox(key="vaihelista_history_167").select(first).run()
    history = _table(at, "user", "field")
    assert list(history["user"]) == [COORDINATOR, COLLEAGUE]
    assert list(history["old"]) == ["Käynnissä", "Ei aloitettu"]
    assert list(history["new"]) == ["Valmis", "Käynnissä"]
    assert set(history["field"]) == {_fi("checklists.field.status")}


def test_the_region_view_shows_the_matrix_the_region_checklist_and_deadlines(people: str) -> None:
    engine = db.make_engine(people)
    first = _mapping_ids(people)[0]
    today = metrics.today()
    with engine.begin() as conn:
        conn.execute(
            update(_item)
            .where(_item.c.id == first)
            .values(status="in_progress", due_date=today - timedelta(days=3), version=2)
        )
    engine.dispose()
    at = _open(ADMIN_EMAIL, kunta=None)
    headers = [h.value for h in at.header]
    assert headers[:3] == [
        _fi("checklists.region.matrix"),
        _fi("checklists.region.wp2"),
        _fi("checklists.region.deadlines"),
    ]
    (chart,) = at.get("vega_lite_chart")
    assert '"scheme": "blues"' in chart.proto.spec
    assert _fi("checklists.chart.title") in chart.proto.spec
    matrix = plain_tables(at)[0].set_index(_fi("checklists.col.municipality"))
    assert len(matrix) == 13
    assert matrix.loc["Joensuu", "1. Kartoitusvaihe"] == "\u25b6 0 / 2"
    # The region's own checklist: work package 2, editable by the admin
    assert "vaihelista_save_alue" in [b.key for b in at.button]
    assert _progress_texts(at) == [
        "0 / 3 valmiina",
        "0 / 2 valmiina",
        "0 / 2 valmiina",
        "0 / 3 valmiina",
    ]
    deadlines = _table(at, "deadline")
    assert list(deadlines["deadline"]) == [_fi("checklists.deadline.overdue", days="3")]
    assert list(deadlines["municipality"]) == ["Joensuu"]
    assert list(deadlines["due_date"]) == [today - timedelta(days=3)]


def test_a_coordinator_sees_the_region_checklist_read_only(people: str) -> None:
    at = _open(COORDINATOR, kunta=None)
    assert at.info[0].value == _fi("checklists.read_only.region")
    assert "vaihelista_save_alue" not in [b.key for b in at.button]
    assert len(at.get("vega_lite_chart")) == 1


def test_the_page_in_english(people: str) -> None:
    at = signed_in_app(COORDINATOR)
    at.query_params["kunta"] = "Joensuu"
    at.query_params["kieli"] = "English"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Phase checklists"
    assert _progress_texts(at)[0] == "0 / 2 done"
    assert at.dataframe[0].value["item"].iloc[0] == "Survey of the municipality's situation"


IMAGE = "![x](https://evil.example/pixel.png)"


def test_stored_text_is_shown_as_plain_text_not_markdown(people: str) -> None:
    """Issue 12.8: an image in an own item's title or a note is never fetched by a viewer."""
    engine = db.make_engine(people)
    phase_id = int(
        checklists.read_checklist(engine, _actor(COORDINATOR), JOENSUU)
        .phases.set_index("phase")
        .loc["mapping", "phase_id"]
    )
    own = checklists.add_item(
        engine, _actor(COORDINATOR), JOENSUU, phase_id, f"Kuntakierros {IMAGE}"
    ).item_id
    assert own is not None
    at = _open_own_items(_open(COORDINATOR))
    # The remove confirmation names the item in its label
    confirm = at.checkbox(key=f"vaihelista_remove_confirm_167_{own}")
    assert "![" not in confirm.label and "](" not in confirm.label
    assert IMAGE in _rendered(confirm.label)

    # A colleague's note with an image, shown in the save-conflict panel
    first = _mapping_ids(people)[0]
    checklists.save_items(engine, _actor(COLLEAGUE), [ItemEdit(first, 1, {"note": IMAGE})])
    engine.dispose()
    _seed(at, MAPPING_EDITOR, {0: {"note": f"**Oma** {IMAGE}"}})
    at.button(key=SAVE).click().run()
    raw = "\n".join(e.value for e in at.error)
    assert _fi("checklists.conflict.title") in raw
    assert "![" not in raw and "**Oma**" not in raw
    assert IMAGE in _errors(at) and f"**Oma** {IMAGE}" in _errors(at)
    markdown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not [m for m in markdown if "![" in m]


def test_a_refused_own_item_keeps_what_was_typed(people: str) -> None:
    """Issue 13.3: a refused form must not empty its fields; a saved one starts afresh."""
    at = _open_own_items(_open(COORDINATOR))
    typed = {
        _fi("checklists.own.name"): "Kuntakierros",
        _fi("checklists.field.owner"): "Elinvoimajohtaja",
    }
    for label, value in typed.items():
        [w for w in at.text_input if w.label == label][0].input(value)
    [w for w in at.text_area if w.label == _fi("checklists.field.note")][0].input(
        "Soitettu 131052-308T"
    )
    submit = "FormSubmitter:vaihelista_add_167-" + _fi("checklists.own.add")
    at.button(key=submit).click().run()
    assert not at.exception
    assert "henkilötunnuksen" in _errors(at)
    for label, value in typed.items():
        assert [w.value for w in at.text_input if w.label == label] == [value]
    assert [w.value for w in at.text_area if w.label == _fi("checklists.field.note")] == [
        "Soitettu 131052-308T"
    ]
    # Corrected and saved: the form is empty for the next item
    [w for w in at.text_area if w.label == _fi("checklists.field.note")][0].input("Soitettu")
    at.button(key=submit).click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == _fi("checklists.own.added", item="Kuntakierros")
    assert [w.value for w in at.text_input if w.label == _fi("checklists.own.name")] == [""]
