"""The data pages through AppTest on real databases: Tuonti (upload → preview with problems by
row and column → commit), Asiakkaat (a form saves; a wrong field gets its Finnish message) and
Vienti (a zip of what the viewer may see)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Selectbox

from polku import db, i18n, ingest
from polku.config import get_settings
from polku.ui.text import plain
from polku.users import SYSTEM
from tests.test_app import (
    ADMIN_EMAIL,
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    open_tab,
    signed_in_app,
)
from tests.test_ingest import csv_bytes

COORDINATOR = "koordinaattori@example.fi"
DIRECTOR = "johtaja@example.fi"
ANALYST = "analyytikko@example.fi"


@pytest.fixture
def people(app_db: str) -> str:  # noqa: F811
    add_user(app_db, COORDINATOR, "coordinator", "167")
    add_user(app_db, DIRECTOR, "director", "167")
    add_user(app_db, ANALYST, "analyst")
    return app_db


def _fi(name: str, /, **values: object) -> str:
    return i18n.t(name, "fi", **values)


def _count(url: str, table: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return int(count)


def _import_page(email: str, kind: str) -> AppTest:
    at = signed_in_app(email).run()
    at.switch_page("app_pages/data_import.py").run()
    assert not at.exception
    at.selectbox(key="tuonti_kind").select(kind).run()
    return at


def _upload(at: AppTest, kind: str, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=f"tuonti_file_{kind}").upload(name, content, "text/csv")
    return at.run()


def _problems(at: AppTest):
    return next(d.value for d in at.dataframe if "reason" in d.value.columns)


def _preview(at: AppTest):
    return next(d.value for d in at.dataframe if "_action" in d.value.columns)


def _save_button(at: AppTest):
    return next(b for b in at.button if b.label == _fi("import.commit"))


def test_import_page_previews_a_file_and_commits_it_in_one_go(people: str) -> None:
    at = _import_page(ADMIN_EMAIL, "employers")
    assert [d.label for d in at.get("download_button")] == [
        _fi("import.template_csv"),
        _fi("import.template_xlsx"),
        _fi("import.example"),
    ]
    _upload(at, "employers", "employers.csv", ingest.sample_path("employers").read_bytes())
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    assert shown[_fi("import.rows")] == "6" and shown[_fi("import.added")] == "6"
    assert _count(people, "employer") == 0  # the preview wrote nothing
    # Names, not codes, and nothing for an empty cell (issue 13.6)
    preview = _preview(at)
    assert list(preview["Tyyppi"]) == ["Yritys"] * 3 + ["Yhdistys", "Säätiö", "Yksityishenkilö"]
    assert list(preview["Kunta"])[:3] == ["Joensuu", "Joensuu", "Lieksa"]
    assert list(preview["Y-tunnus"])[-1] == ""
    assert "company" not in preview.to_string() and "None" not in preview.to_string()
    save = _save_button(at)
    assert not save.disabled
    save.click().run()
    assert not at.exception
    assert at.success[0].value == "Tuotu 6 työnantajaa: 6 lisätty, 0 muutettu, 0 ennallaan."
    assert _count(people, "employer") == 6
    # The same file, previewed again: nothing would change
    shown = {m.label: m.value for m in at.metric}
    assert (shown[_fi("import.added")], shown[_fi("import.unchanged")]) == ("0", "6")


def test_import_page_lists_every_problem_by_row_and_column_and_saves_nothing(
    people: str,
) -> None:
    at = _import_page(ADMIN_EMAIL, "clients")
    broken = csv_bytes(
        [
            ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"],
            ["A-1", "167", "1980", "1.3.2026"],
            ["A-2", "Helsinki", "1980", "1.3.2026"],
            ["A-3", "167", "1980", "010594Y9021"],
        ]
    )
    _upload(at, "clients", "asiakkaat.csv", broken)
    assert not at.exception
    assert at.error[0].value == _fi("import.has_errors", count="2")
    problems = _problems(at)
    assert list(zip(problems["row"], problems["column"], strict=True)) == [
        (3, "Kunta"),
        (4, "Aloituspäivä"),
    ]
    assert "henkilötunnus" in problems["reason"].iloc[1]
    assert "010594Y9021" not in _preview(at).to_string()
    assert _save_button(at).disabled
    assert _count(people, "client") == 0


def test_a_coordinator_s_file_with_rows_of_another_municipality_is_refused_per_row(
    people: str,
) -> None:
    at = _import_page(COORDINATOR, "clients")
    mixed = csv_bytes(
        [
            ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"],
            ["J-1", "167", "1980", "1.3.2026"],
            ["L-1", "422", "1980", "1.3.2026"],
        ]
    )
    _upload(at, "clients", "asiakkaat.csv", mixed)
    problems = _problems(at)
    assert list(problems["row"]) == [3]
    assert problems["reason"].iloc[0] == _fi("ingest.error.not_yours", municipality="Lieksa")
    assert _save_button(at).disabled


def test_a_large_file_is_saved_with_a_progress_bar(people: str) -> None:
    rows = [["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"]]
    rows += [[f"B-{i:05d}", "167", "1980", "1.3.2026"] for i in range(5000)]  # > 100 kB
    at = _import_page(ADMIN_EMAIL, "clients")
    _upload(at, "clients", "iso.csv", csv_bytes(rows))
    _until_done(at)  # a file this large is checked and saved in the worker process
    _save_button(at).click().run()
    _until_done(at)
    assert not at.exception
    assert _count(people, "client") == 5000


def test_the_director_and_the_analyst_get_no_import_page(people: str) -> None:
    for email in (DIRECTOR, ANALYST):
        at = signed_in_app(email).run()
        with pytest.raises(ValueError):
            at.switch_page("app_pages/data_import.py").run()


# ---------------------------------------------------------------------------------------------
# Asiakkaat


def _clients_page(email: str) -> AppTest:
    at = signed_in_app(email).run()
    at.switch_page("app_pages/clients.py").run()
    assert not at.exception
    return at


def _fill_client(at: AppTest, code: str) -> None:
    at.text_input(key="client_client_code_0").input(code)
    at.text_input(key="client_birth_year_0").input("1985")
    at.date_input(key="client_entry_date_0").set_value(date(2026, 4, 1))
    at.selectbox(key="client_status_0").select("work_trial")


def _open_tab(at: AppTest, form: str) -> AppTest:
    """The user clicks the form's tab (only the open tab's form is drawn)."""
    return open_tab(at, "asiakkaat_tab", _fi(f"forms.tab.{form}"))


def _submit(at: AppTest, form: str) -> AppTest:
    button = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}_form"))
    return button.click().run()


def test_a_coordinator_records_a_client_on_the_form(people: str) -> None:
    at = _clients_page(COORDINATOR)
    assert at.selectbox(key="client_municipality_0").value == "167"
    _fill_client(at, "T-0001")
    _submit(at, "client")
    assert not at.exception and not at.error
    assert at.success[0].value == _fi("forms.saved.client", key="T-0001")
    assert _count(people, "client") == 1 and _count(people, "status_episode") == 1
    # A fresh, empty form, and the client in the list
    assert at.text_input(key="client_client_code_1").value == ""
    assert list(at.dataframe[0].value["code"]) == ["T-0001"]


def test_a_wrong_field_shows_its_finnish_message_and_nothing_is_saved(people: str) -> None:
    at = _clients_page(COORDINATOR)
    _fill_client(at, "Matti Meikäläinen")
    at.date_input(key="client_entry_date_0").set_value(date(2026, 12, 24))
    _submit(at, "client")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert plain(_fi("ingest.error.client_code").capitalize()) in errors
    assert plain(_fi("ingest.error.future", value="24.12.2026").capitalize()) in errors
    assert _count(people, "client") == 0
    # The values stay for correcting
    assert at.text_input(key="client_client_code_0").value == "Matti Meikäläinen"


def test_a_status_change_and_an_exit_on_their_forms(people: str) -> None:
    at = _clients_page(COORDINATOR)
    _fill_client(at, "T-0002")
    _submit(at, "client")
    _open_tab(at, "status").selectbox(key="status_client_code_0").select("T-0002")
    at.selectbox(key="status_status_0").select("career_coaching")
    at.date_input(key="status_start_date_0").set_value(date(2026, 6, 1))
    _submit(at, "status")
    assert not at.exception and not at.error
    # The status by its name and the date as Finns write it (issue 13.6)
    assert at.success[0].value == _fi("forms.saved.status", key="T-0002, Uravalmennus, 1.6.2026")
    _open_tab(at, "exit").selectbox(key="exit_client_code_0").select("T-0002")
    at.date_input(key="exit_exit_date_0").set_value(date(2026, 3, 1))
    at.selectbox(key="exit_plan_goal_reached_0").select("yes")
    _submit(at, "exit")
    assert [e.value for e in at.error] == [
        plain(_fi("ingest.error.exit_before_entry", entry="1.4.2026").capitalize())
    ]
    at.date_input(key="exit_exit_date_0").set_value(date(2026, 9, 30))
    _submit(at, "exit")
    assert not at.error
    assert _count(people, "status_episode") == 2


def type_into(picker: Selectbox, text: str) -> None:
    """Type a value that is not among the options, as the browser sends it (AppTest's
    set_value only picks options): the widget state carries the typed string."""
    picker.options.append(text)
    picker.set_value(text)


def test_a_client_picker_lists_the_newest_and_takes_any_typed_code(people: str) -> None:
    """With hundreds of clients a picker lists only the newest; an older client's code can be
    typed in, and a code of no client gets its message under the field."""
    header = ["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"]
    rows = [[f"T-{n:04d}", "167", 1980, f"{1 + n % 28}.{3 + n // 28 % 8}.2026"] for n in range(230)]
    engine = db.make_engine(people)
    assert ingest.import_file(engine, SYSTEM, "clients", csv_bytes([header, *rows])).committed
    engine.dispose()
    at = _open_tab(_clients_page(COORDINATOR), "status")
    picker = at.selectbox(key="status_client_code_0")
    assert len(picker.options) == 200 < 230
    oldest = "T-0000"  # entered 1.3.2026, the earliest
    assert oldest not in picker.options
    type_into(picker, oldest)
    at.selectbox(key="status_status_0").select("career_coaching")
    at.date_input(key="status_start_date_0").set_value(date(2026, 6, 1))
    _submit(at, "status")
    assert not at.exception and not at.error
    assert _count(people, "status_episode") == 1
    # The list under the forms finds a client by a part of its code
    at.text_input(key="asiakkaat_haku").input("t-012").run()
    assert sorted(at.dataframe[0].value["code"]) == [f"T-{n:04d}" for n in range(120, 130)]
    type_into(_open_tab(at, "exit").selectbox(key="exit_client_code_0"), "EI-OLE")
    at.date_input(key="exit_exit_date_0").set_value(date(2026, 9, 30))
    at.selectbox(key="exit_plan_goal_reached_0").select("yes")
    _submit(at, "exit")
    unknown = _fi("ingest.error.client_unusable", value="EI-OLE")
    assert [e.value for e in at.error] == [plain(unknown[:1].upper() + unknown[1:])]


def test_the_director_does_not_get_the_clients_page(people: str) -> None:
    at = signed_in_app(DIRECTOR).run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/clients.py").run()


# ---------------------------------------------------------------------------------------------
# Vienti


def test_the_export_page_gives_a_zip_of_what_the_viewer_may_see(people: str) -> None:
    engine = db.make_engine(people)
    for kind in ("employers", "clients"):
        report = ingest.import_file(engine, SYSTEM, kind, ingest.sample_path(kind).read_bytes())
        assert report.committed
    engine.dispose()
    at = signed_in_app(COORDINATOR).run()
    at.switch_page("app_pages/data_export.py").run()
    assert not at.exception
    assert "Joensuu" in at.caption[0].value
    at.radio(key="vienti_muoto").set_value("csv").run()
    next(b for b in at.button if b.label == _fi("export.prepare")).click().run()
    assert not at.exception
    [download] = at.get("download_button")
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["vienti_valmis"][1]))
    clients = archive.read("clients.csv").decode("utf-8-sig").splitlines()
    assert len(clients) == 1 + 3  # the header and the three sample clients of Joensuu
    assert all(";Joensuu;" in line for line in clients[1:])
    assert download.label == _fi("export.download")


# ---------------------------------------------------------------------------------------------
# Tuonti: large files in the worker process, parsed once; a partly refused file's counts


def _until_done(at: AppTest, seconds: float = 120) -> AppTest:
    """Rerun as the page's polling fragment would, until no import is running."""
    deadline = time.monotonic() + seconds
    while "tuonti_job" in at.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        at.run()
    assert "tuonti_job" not in at.session_state
    return at


def test_a_large_file_is_checked_and_saved_in_the_worker_process(
    people: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLKU_IMPORT_BACKGROUND_BYTES", "1000")
    get_settings.cache_clear()
    rows = [["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"]]
    rows += [[f"W-{i:04d}", "167", "1980", "1.3.2026"] for i in range(3000)]
    at = _import_page(ADMIN_EMAIL, "clients")
    _upload(at, "clients", "iso.csv", csv_bytes(rows))
    # The session's run ends at once, with the job running and no preview yet
    assert not at.exception and "tuonti_job" in at.session_state
    assert at.info[0].value == _fi("import.in_background")
    _until_done(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown[_fi("import.added")] == i18n.fmt_int(3000, "fi") and _count(people, "client") == 0
    _save_button(at).click().run()
    _until_done(at)
    assert not at.exception
    assert _count(people, "client") == 3000


def test_a_preview_and_its_commit_read_the_file_once(
    people: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = []
    read_table = ingest.read_table

    def counted(*args: object, **kwargs: object) -> ingest.RawTable:
        reads.append(args[1] if len(args) > 1 else "")
        return read_table(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "read_table", counted)
    at = _import_page(ADMIN_EMAIL, "employers")
    _upload(at, "employers", "employers.csv", ingest.sample_path("employers").read_bytes())
    _save_button(at).click().run()
    assert not at.exception and at.success
    assert reads == ["employers.csv"] and _count(people, "employer") == 6


def test_a_partly_refused_file_says_how_many_rows_were_fine(people: str) -> None:
    at = _import_page(ADMIN_EMAIL, "clients")
    rows = [["Asiakastunnus", "Kunta", "Syntymävuosi", "Aloituspäivä"]]
    rows += [[f"F-{i}", "167", "1980", "1.3.2026"] for i in range(4)]
    rows += [["F-9", "167", "1980", "1.3.2026", "liikaa"], ["F-8", "Tampere", "1980", "1.3.2026"]]
    _upload(at, "clients", "osin.csv", csv_bytes(rows))
    shown = {m.label: m.value for m in at.metric}
    assert shown[_fi("import.rows")] == "6"
    assert shown[_fi("import.fine_rows")] == "4" and shown[_fi("import.error_rows")] == "2"
    assert _fi("import.added") not in shown
    assert _save_button(at).disabled
