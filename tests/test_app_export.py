"""The Vienti page through AppTest on real databases: the zip shows names in the viewer's
language, and a zip made in the other language is not offered after a switch."""

from __future__ import annotations

import csv
import io
import zipfile

from streamlit.testing.v1 import AppTest

from polku import db, i18n, ingest
from polku.users import SYSTEM
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    add_user,
    app_db,  # noqa: F401  (fixture)
    signed_in_app,
)

COORDINATOR = "koordinaattori@example.fi"


def _prepare(at: AppTest, lang: str) -> dict[str, dict[str, str]]:
    at.radio(key="vienti_muoto").set_value("csv").run()
    next(b for b in at.button if b.label == i18n.t("export.prepare", lang)).click().run()
    assert not at.exception
    archive = zipfile.ZipFile(io.BytesIO(at.session_state["vienti_valmis"][1]))
    text = archive.read("clients.csv").decode("utf-8-sig")
    return {row["Asiakastunnus"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_the_export_page_gives_names_in_the_viewer_s_language(app_db: str) -> None:  # noqa: F811
    add_user(app_db, COORDINATOR, "coordinator", "167")
    engine = db.make_engine(app_db)
    for kind in ("employers", "clients"):
        assert ingest.import_file(engine, SYSTEM, kind, ingest.sample_path(kind).read_bytes())
    engine.dispose()
    at = signed_in_app(COORDINATOR)
    at.query_params["kieli"] = "English"
    at.run()
    at.switch_page("app_pages/data_export.py").run()
    assert not at.exception
    assert "Joensuu" in at.caption[0].value
    clients = _prepare(at, "en")
    # data/sample/clients.csv: ESIM-0002;167;1996;Nainen;...;Nuoret;16.3.2026;30.9.2026;...;kyllä
    row = clients["ESIM-0002"]
    assert (row["Kunta"], row["Sukupuoli"], row["Kohderyhmät"]) == (
        "Joensuu",
        "Female",
        "Young people",
    )
    assert (row["Aloituspäivä"], row["Tavoite saavutettu"]) == ("16.3.2026", "yes")
    assert at.get("download_button")

    at.segmented_control(key="kieli").set_value("fi").run()
    assert not at.exception
    assert not at.get("download_button")  # the English zip is not offered in Finnish
    row = _prepare(at, "fi")["ESIM-0002"]
    assert (row["Sukupuoli"], row["Kohderyhmät"], row["Tavoite saavutettu"]) == (
        "Nainen",
        "Nuoret",
        "kyllä",
    )
