"""What people read of an import and a form (issue 13.6): code names instead of codes, Finnish
and English formats of dates and numbers, nothing for an empty cell, counts with their nouns
in the right number. Codes stay accepted as input. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from polku import forms
from polku.users import SYSTEM
from tests.test_ingest import CLIENT_HEADER, COORDINATOR, TODAY, csv_bytes, load_samples, run

NBSP = "\u00a0"


def test_the_preview_shows_names_and_the_language_s_formats(engine: Engine) -> None:
    data = csv_bytes(
        [
            [*CLIENT_HEADER, "Sukupuoli", "Kohderyhmät", "Päättymispäivä", "Tavoite saavutettu"],
            ["P-1", "167", "1980", "1.3.2026", "male", "long_term_unemployed,youth", "", ""],
            ["P-2", "Lieksa", "1975", "2026-04-15", "Nainen", "", "30.9.2026", "kyllä"],
        ]
    )
    report = run(engine, "clients", data, dry_run=True)
    assert report.ok
    fi = report.preview_table("fi")
    first, second = fi.to_dict("records")
    assert first["gender"] == "Mies" and second["gender"] == "Nainen"
    assert first["target_groups"] == "Pitkäaikaistyöttömät, Nuoret"
    assert first["municipality"] == "Joensuu" and second["municipality"] == "Lieksa"
    assert (first["entry_date"], second["entry_date"]) == ("1.3.2026", "15.4.2026")
    assert (first["exit_date"], second["exit_date"]) == ("", "30.9.2026")
    assert (first["plan_goal_reached"], second["plan_goal_reached"]) == ("", "kyllä")
    assert first["birth_year"] == "1980"  # a year, not "1 980"
    assert "None" not in fi.to_string() and "male" not in fi.to_string()
    assert list(fi["_action"]) == ["added", "added"] and list(fi["_row"]) == [2, 3]
    en = report.preview_table("en").to_dict("records")[0]
    assert (en["gender"], en["target_groups"]) == ("Male", "Long-term unemployed, Young people")
    assert en["entry_date"] == "1 Mar 2026"
    # The parsed values stay as they are for programs
    assert report.preview["gender"].tolist() == ["male", "female"]


def test_the_preview_of_money_uses_a_decimal_comma_and_names_the_terms(engine: Engine) -> None:
    load_samples(engine, "employers", "clients")
    header = [
        "Y-tunnus", "Asiakastunnus", "Työsuhde alkaa", "Sopimustyyppi", "Viikkotunnit",
        "Euroa kuukaudessa", "Kuukaudet", "Hakemuspäivä",
    ]  # fmt: skip
    row = ["2934871-3", "ESIM-0001", "1.10.2026", "permanent", "37,5", "1234.5", "6", "20.9.2026"]
    report = run(engine, "grants", csv_bytes([header, row]), dry_run=True)
    assert report.ok, [p.text() for p in report.problems]
    fi = report.preview_table("fi").to_dict("records")[0]
    assert fi["monthly_amount"] == f"1{NBSP}234,50" and fi["weekly_hours"] == "37,50"
    assert fi["contract_type"] == "Toistaiseksi voimassa oleva"
    assert fi["months"] == "6" and fi["application_date"] == "20.9.2026"
    en = report.preview_table("en").to_dict("records")[0]
    assert en["monthly_amount"] == "1,234.50" and en["contract_type"] == "Permanent"


def test_an_unknown_code_lists_the_allowed_names_in_the_reader_s_language(
    engine: Engine,
) -> None:
    load_samples(engine, "employers", "clients")
    data = csv_bytes([["Asiakastunnus", "Tila", "Alkupäivä"], ["ESIM-0001", "lomalla", "1.4.2026"]])
    [problem] = run(engine, "episodes", data).errors
    fi, en = problem.reason("fi"), problem.reason("en")
    assert "Työkokeilu" in fi and "Uravalmennus" in fi
    assert "Work trial" in en and "Career coaching" in en
    assert "work_trial" not in fi + en and "career_coaching" not in fi + en
    groups = csv_bytes([[*CLIENT_HEADER, "Kohderyhmät"], ["A-1", "167", "1980", "1.3.2026", "x"]])
    [problem] = run(engine, "clients", groups).errors
    assert problem.reason("fi").endswith("(sallitut: Pitkäaikaistyöttömät, Nuoret, "
                                         "Täsmätyökykyiset, Maahanmuuttajat)")  # fmt: skip
    # Too many to list: the pointer to the template, in the reader's language
    [problem] = run(
        engine, "clients", csv_bytes([CLIENT_HEADER, ["A-1", "Oulu", "1980", "1.3.2026"]])
    ).errors
    assert "tuontipohjan" in problem.reason("fi") and "template" in problem.reason("en")


def test_the_import_s_messages_count_with_nouns_in_the_right_number(engine: Engine) -> None:
    one = run(engine, "clients", csv_bytes([CLIENT_HEADER, ["N-1", "167", "1980", "1.3.2026"]]))
    assert one.summary("fi") == "Tuotu 1 asiakas: 1 lisätty, 0 muutettu, 0 ennallaan."
    assert one.summary("en") == "Imported 1 client: 1 added, 0 changed, 0 unchanged."
    rows = [CLIENT_HEADER, *[[f"N-{n}", "167", "1980", "1.3.2026"] for n in range(1, 1201)]]
    many = run(engine, "clients", csv_bytes(rows), dry_run=True)
    assert many.summary("fi").startswith(f"Tarkistettu 1{NBSP}200 asiakasta, ei virheitä.")
    assert many.summary("en").startswith("Checked 1,200 clients, no errors.")
    broken = run(engine, "clients", csv_bytes([CLIENT_HEADER, ["N-2", "167", "", "1.3.2026"]]))
    assert broken.summary("fi").startswith("Asiakkaat: 1 virhe, mitään ei tallennettu.")
    two = csv_bytes([CLIENT_HEADER, ["N-2", "167", "", "x"]])
    assert run(engine, "clients", two).summary("en").startswith("Clients: 2 errors, nothing")


def test_a_form_s_success_message_names_codes_and_formats_dates_and_euros(
    engine: Engine,
) -> None:
    entry = forms.ClientEntry("F-1", "167", 1985, date(2026, 4, 1), status="work_trial")
    assert forms.record_client(engine, COORDINATOR, entry, today=TODAY).text("fi") == "F-1"
    saved = forms.change_status(
        engine, COORDINATOR, "F-1", "career_coaching", date(2026, 6, 1), today=TODAY
    )
    assert saved.key == "F-1/career_coaching/2026-06-01"  # the natural key, for programs
    assert saved.text("fi") == "F-1, Uravalmennus, 1.6.2026"
    assert saved.text("en") == "F-1, Career coaching, 1 Jun 2026"
    outcome = forms.record_outcome(
        engine, COORDINATOR, "F-1", "education", date(2026, 7, 1), today=TODAY
    )
    assert outcome.text("fi") == "F-1, Koulutus, 1.7.2026"
    cost = forms.CostInput("salaries", date(2026, 4, 20), Decimal("1234.5"), "Palkat 4/2026")
    assert forms.record_cost(engine, SYSTEM, cost, today=TODAY).text("fi") == (
        f"Palkkakulut, 20.4.2026, 1{NBSP}234,50{NBSP}€"
    )
