"""One declaration per record kind (polku/records.py): a field added to a declaration reaches
the form, the import template and its guide, the import's headers and the data dictionary with
no other change; the ranges are the database's; the rules (polku/rules/) say what is wrong
where; nothing of one project file is written into the code or the generic descriptions."""

from __future__ import annotations

import io
import re
import tomllib
from datetime import date
from decimal import Decimal
from typing import Annotated

import pytest
from openpyxl import load_workbook
from pydantic import Field, create_model

import models
from models import metadata
from polku import checklists, db, exports, forms, i18n, ingest, records
from polku.config import ROOT
from polku.ingest.kinds import kind_of, normalise_header
from polku.rules.employers import partnership_rules
from polku.rules.grants import de_minimis_rule, de_minimis_settings, grant_aid, grant_rules
from polku.ui import checklist_editor
from tests.test_app import (  # noqa: F401  (fixtures)
    _forget_settings_and_caches,
    app_db,
)
from tests.test_app_checklists import (
    COORDINATOR,
    JOENSUU,
    _actor,
    _mapping_ids,
    _open_own_items,
    people,  # noqa: F401  (fixture)
)
from tests.test_app_checklists import _open as _open_checklists
from tests.test_app_clients import _open, joensuu  # noqa: F401  (fixture)

WORDS = {
    "fi": ("Kengänkoko", "Kengän koko EU-numerona"),
    "en": ("Shoe size", "Shoe size as an EU number"),
}


@pytest.fixture
def shoe_size(monkeypatch: pytest.MonkeyPatch) -> type[records.Record]:
    """A throw-away copy of the client form's declaration with one more field, and its words
    in the catalogs (data, not code)."""
    for lang, (header, description) in WORDS.items():
        monkeypatch.setitem(i18n.CATALOGS[lang], "record.clients.shoe_size", header)  # type: ignore[index]
        monkeypatch.setitem(i18n.CATALOGS[lang], "record.clients.shoe_size.help", description)  # type: ignore[index]
    size = Annotated[int | None, Field(ge=30, le=50), records.Spec(aliases=("kenkä",))]
    return create_model("ShoeSized", __base__=records.NewClientRecord, shoe_size=(size, None))


def test_a_field_added_to_a_declaration_reaches_the_template_the_import_and_the_dictionary(
    shoe_size: type[records.Record],
) -> None:
    header = WORDS["fi"][0]
    # The CSV template and the workbook's guide
    assert ingest.template_csv(shoe_size).decode("utf-8-sig").rstrip().split(";")[-1] == header
    guide = ingest.columns_frame(shoe_size, "en").set_index("name").loc["shoe_size"]
    assert guide["header"] == header and WORDS["en"][1] in guide["content"]
    book = load_workbook(io.BytesIO(ingest.template_xlsx(shoe_size, "fi")))
    guide_rows = [row[0].value for row in book[i18n.t("ingest.template.guide", "fi")].iter_rows()]
    assert header in guide_rows
    # The import reads it by its header, its English label or its alias, within its range
    column = kind_of(shoe_size).column("shoe_size")
    accepted = {normalise_header(h) for h in (column.header, *column.aliases)}
    assert {normalise_header(h) for h in (header, "Shoe size", "kenkä")} <= accepted
    assert (column.type, column.minimum, column.maximum) == ("int", Decimal(30), Decimal(50))
    # The data dictionary describes it in both languages
    dictionary = exports.data_dictionary([metadata.tables["client"]], [shoe_size])
    row = dictionary.set_index("column").loc["shoe_size"]
    assert (row["description_fi"], row["description_en"]) == (WORDS["fi"][1], WORDS["en"][1])
    assert row["type"] == "int64" and row["nullable"]
    # The real declarations are unchanged
    assert "shoe_size" not in ingest.KINDS["clients"].headers


def test_a_field_added_to_a_declaration_is_drawn_on_its_form(
    joensuu: str,  # noqa: F811
    shoe_size: type[records.Record],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(forms.FORMS, "client", (shoe_size,))
    at = _open()
    field = at.text_input(key="client_shoe_size_0")  # a number is typed as text
    assert field.label == WORDS["fi"][0]
    assert field.placeholder == ""


SHORT_OWNER = 50


@pytest.fixture
def short_owner(monkeypatch: pytest.MonkeyPatch) -> type[records.Record]:
    """A throw-away copy of the checklist item's declaration whose owner takes fewer characters
    than the database's column."""
    owner = Annotated[str | None, Field(max_length=SHORT_OWNER)]
    shorter = create_model("ShortOwner", __base__=records.ChecklistItemRecord, owner=(owner, None))
    monkeypatch.setattr(checklists, "ITEM", shorter)
    return shorter


def test_a_checklist_field_s_length_changed_in_its_declaration_reaches_editor_form_and_save(
    people: str,  # noqa: F811
    short_owner: type[records.Record],
) -> None:
    label = i18n.t("checklists.field.owner", "fi")
    # The table editor's column and the own-item form
    assert checklist_editor.column_config("fi")["owner"]["type_config"]["max_chars"] == SHORT_OWNER
    at = _open_own_items(_open_checklists(COORDINATOR))
    (field,) = [w for w in at.text_input if w.label == label]
    assert field.max_chars == SHORT_OWNER
    # A save: refused past the declared length, with its message, on both a table edit and a form
    engine = db.make_engine(people)
    item_id = _mapping_ids(people)[0]
    edit = checklists.ItemEdit(item_id, 1, {"owner": "x" * (SHORT_OWNER + 1)})
    with pytest.raises(checklists.ChecklistError) as refused:
        checklists.save_items(engine, _actor(COORDINATOR), [edit])
    (problem,) = refused.value.problems
    assert (problem.key, problem.field, problem.params["max"]) == (
        "checklists.error.too_long",
        "owner",
        str(SHORT_OWNER),
    )
    with pytest.raises(checklists.ChecklistError):
        checklists.add_item(
            engine, _actor(COORDINATOR), JOENSUU, 1, "Oma", owner="x" * (SHORT_OWNER + 1)
        )
    fits = checklists.ItemEdit(item_id, 1, {"owner": "x" * SHORT_OWNER})
    assert checklists.save_items(engine, _actor(COORDINATOR), [fits]).changed == {
        item_id: ["owner"]
    }
    engine.dispose()
    # The real declaration keeps the database's length
    column = metadata.tables["checklist_item"].c["owner"].type.length  # type: ignore[attr-defined]
    assert records.ChecklistItemRecord.model_fields["owner"].metadata[0].max_length == column


def test_the_declared_ranges_are_the_database_s() -> None:
    clients = {f.name: f for f in records.fields(records.ClientRecord)}
    birth = clients["birth_year"]
    assert (birth.minimum, birth.maximum) == (models.BIRTH_YEAR_MIN, models.BIRTH_YEAR_MAX)
    check = next(
        str(c.sqltext)
        for c in metadata.tables["client"].constraints
        if getattr(c, "name", "") and str(c.name).endswith("birth_year")
    )
    assert f"{models.BIRTH_YEAR_MIN} AND {models.BIRTH_YEAR_MAX}" in check
    hours = {f.name: f for f in records.fields(records.GrantRecord)}["weekly_hours"]
    assert hours.maximum == models.MAX_WEEKLY_HOURS and hours.exclusive_minimum


def test_every_declared_field_has_its_header_and_description_in_both_languages() -> None:
    for record in records.ALL:
        for field in records.fields(record):
            for lang in ("fi", "en"):
                assert field.label(lang) and field.description(lang), (record.kind, field.name)


def test_the_rules_say_what_is_wrong_at_the_field_the_user_gave() -> None:
    agreement = {"start_date": date(2026, 3, 1), "signed_on": date(2026, 5, 1)}
    agreement["end_date"] = date(2026, 4, 1)
    (found,) = partnership_rules(agreement)
    assert found.key == "ingest.error.signed_after_end"
    assert found.where({"signed_on", "end_date"}) == "signed_on"
    assert found.where({"end_date"}) == "end_date"  # a file without the signing date
    grant = {"monthly_amount": Decimal("800.50"), "months": 6, "decision": None}
    assert grant_rules(grant) == [] and grant["amount"] == Decimal("4803.00")
    assert grant["decision"] == "pending"
    wrong = {"monthly_amount": Decimal(800), "months": 6, "amount": Decimal(4000)}
    assert [f.key for f in grant_rules(wrong)] == ["ingest.error.amount"]
    ceiling = de_minimis_settings().ceiling
    aid = grant_aid({"application_date": date(2026, 3, 1), "de_minimis_amount": ceiling})
    earlier = grant_aid({"application_date": date(2025, 3, 1), "de_minimis_amount": Decimal(1)})
    assert aid is not None and earlier is not None
    assert [f.key for f in de_minimis_rule(aid, [aid, earlier], "Oy")] == [
        "ingest.error.de_minimis"
    ]
    near = grant_aid(
        {"application_date": date(2026, 3, 1), "de_minimis_amount": ceiling * Decimal("0.9")}
    )
    (warned,) = de_minimis_rule(near, [near] if near else [], "Oy")
    assert warned.warning


def test_nothing_of_one_project_file_is_written_into_the_code_or_the_descriptions() -> None:
    project = tomllib.loads((ROOT / "data" / "project.toml").read_text(encoding="utf-8"))
    places = [m["name"] for m in project["municipalities"]]
    assert len(places) > 1  # the scan itself works
    words = [*places, "Pohjois-Karjala", "North Karelia"]
    sources = [
        ROOT / "models.py", ROOT / "app_pages" / "clients.py", ROOT / "polku" / "records.py",
        ROOT / "polku" / "forms.py", ROOT / "polku" / "exports.py",
        ROOT / "polku" / "ui" / "record_form.py",
        *(ROOT / "polku" / "ingest").glob("*.py"), *(ROOT / "polku" / "rules").glob("*.py"),
    ]  # fmt: skip
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not [w for w in words if w in text], path
    generic = re.compile(r"^(record|dictionary|ingest)\.")
    for lang in ("fi", "en"):
        for key, text in i18n.CATALOGS[lang].items():
            if generic.match(key):
                assert not [w for w in words if w in text], key
                assert not re.search(r"\b13\b", text), key
