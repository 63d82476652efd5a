"""The board pack (issue 17 points 1 and 4) on today's sample, both backends: the PDF's text
(pypdf) states the numbers the overview page and polku.metrics give, for a municipality and the
region; what changed agrees with the indicators on the two days; a director's PDF holds no
count of people from 1 to 4 where an admin's does, and shows what the director's overview
shows; English; and `python -m polku report board`."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from polku import board_pack, db, i18n, metrics, present, sample
from polku.access import Actor
from polku.users import SYSTEM
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    app_db,  # noqa: F401  (fixture)
)
from tests.test_cli import polku
from tests.test_director_privacy import deferred, open_page  # noqa: F401  (fixture)

LIEKSA = "422"
DIRECTOR = Actor("johtaja@lieksa.example", "director", frozenset({LIEKSA}))
# A table cell holding a number: "< 5", "–", 1 234, +12, −3, 80,0 %, 8 400 €
CELL = r"(< 5|–|[+\u2212]?\d{1,3}(?: \d{3})*(?:,\d+)?(?: %| €)?)"
SMALL = {"1", "2", "3", "4", "+1", "+2", "+3", "+4"}


@pytest.fixture
def today_sample(app_db: str) -> str:  # noqa: F811
    """The database as `python -m polku init --sample` leaves it."""
    engine = db.make_engine(app_db)
    with Session(engine) as session:
        sample.load_sample(session)
        session.commit()
    engine.dispose()
    return app_db


def text_of(pdf: bytes) -> str:
    """The PDF's text on one line, spaces normalised (no-break spaces, wrapped cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def cells(text: str, name: str, n: int) -> list[list[str]]:
    """The first `n` number cells after each place `name` starts a table row."""
    pattern = re.escape(flat(name)) + "".join(rf" {CELL}" for _ in range(n))
    return [list(m) if n > 1 else [m] for m in re.findall(pattern, text)]


def signed(value: float) -> str:
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + i18n.fmt_int(abs(value))


@pytest.mark.parametrize("municipality", [LIEKSA, None], ids=["lieksa", "region"])
def test_the_pack_states_the_pages_numbers(today_sample: str, municipality: str | None) -> None:
    engine = db.make_engine(today_sample)
    as_of = metrics.today()
    pdf = board_pack.board_pack(engine, SYSTEM, municipality, as_of, "fi")
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    scope = "Lieksa" if municipality else i18n.t("board.region", "fi")
    assert f"{i18n.t('board.title', 'fi')} – {scope}" in text
    assert flat(i18n.fmt_date(as_of, "fi")) in text

    # The cards: actual, target, expected by today and share, with ahead/behind in words
    for row in metrics.kpis(engine, SYSTEM, municipality, as_of).to_dict("records"):
        name, kind = row["name_fi"], row["kind"]
        actual = (
            i18n.fmt_percent(row["actual"], 1, "fi")
            if kind == "rate"
            else i18n.fmt_int(row["actual"], "fi")
        )
        status = i18n.t("board.kpi.ahead" if row["ahead"] else "board.kpi.behind", "fi")
        line = " ".join(
            [
                name,
                actual,
                *(
                    []
                    if kind == "count"
                    else [f"({int(row['numerator'])} / {int(row['denominator'])} päättäneestä)"]
                ),
                present.number_label(row["target"], kind, "fi"),
                present.number_label(row["expected"], kind, "fi"),
                i18n.fmt_percent(row["share_of_target"], 0, "fi"),
                status,
            ]
        )
        assert flat(line) in text, line

    # What changed: the running totals' differences, which are the indicators' on both days
    windows = metrics.change_windows(engine, as_of)
    assert [w for w, _, _ in windows] == ["month", "period"]  # the sample has ended periods
    days = [d for _, d, _ in windows]
    changes = metrics.changes_since(engine, SYSTEM, municipality, days, as_of)
    for day in days:
        before = metrics.kpis(engine, SYSTEM, municipality, day).set_index("indicator")["actual"]
        now = metrics.kpis(engine, SYSTEM, municipality, as_of).set_index("indicator")["actual"]
        counts = metrics.client_counts(engine, SYSTEM, municipality, day)
        on_day = changes[changes["since"] == day].set_index("change")["difference"]
        assert on_day["new_clients"] == now[metrics.CLIENTS] - before[metrics.CLIENTS]
        assert on_day["placements"] == (
            now[metrics.PLACED_AT_COMPANIES] - before[metrics.PLACED_AT_COMPANIES]
        )
        assert on_day["partner_companies"] == (
            now[metrics.PARTNER_COMPANIES] - before[metrics.PARTNER_COMPANIES]
        )
        exited_now = metrics.client_counts(engine, SYSTEM, municipality, as_of).exited
        assert on_day["exits"] == exited_now - counts.exited
    assert changes["difference"].abs().sum() > 0
    for change in metrics.CHANGES:
        if change == "euros_granted":
            continue
        one = changes[changes["change"] == change].set_index("since")["difference"]
        expected = [signed(one[day]) for day in days]  # the columns: month, then period
        name = i18n.t(f"overview.changes.{change}", "fi")
        assert [flat(c) for c in expected] in cells(text, name, 2), change

    # The phases, the overdue items' titles and the definitions are there
    assert i18n.t("board.phases", "fi") in text
    assert i18n.t("board.overdue", "fi") in text
    assert flat(i18n.t("board.define.clients", "fi")) in text
    # The money as Talous shows an admin: the total eligible costs to the day
    assert i18n.t("finance.amount.total", "fi") in text
    engine.dispose()


def test_a_directors_pack_holds_no_small_count_of_people(today_sample: str) -> None:
    """Lieksa has counts of 1–4 (the admin's pack shows them); the director's shows "< 5"
    at those places and no other count of people from 1 to 4."""
    engine = db.make_engine(today_sample)
    as_of = metrics.today()
    kpis = metrics.kpis(engine, SYSTEM, LIEKSA, as_of)
    people = [
        r["name_fi"]
        for r in kpis.to_dict("records")
        if r["indicator"] in metrics.PEOPLE_INDICATORS and r["kind"] == "count"
    ]
    changes = [
        i18n.t(f"overview.changes.{c}", "fi")
        for c in metrics.CHANGES
        if c in metrics.PEOPLE_CHANGES
    ]

    def people_cells(text: str) -> list[str]:
        found = [c for name in people for row in cells(text, name, 1) for c in row]
        found += [c for name in changes for row in cells(text, name, 2) for c in row]
        return found

    admin = people_cells(text_of(board_pack.board_pack(engine, SYSTEM, LIEKSA, as_of, "fi")))
    director = people_cells(text_of(board_pack.board_pack(engine, DIRECTOR, LIEKSA, as_of, "fi")))
    assert SMALL & set(admin)  # the test looks at small cells
    assert len(director) == len(admin)  # every row found in both
    assert not SMALL & set(director), director
    assert "< 5" in director
    for mine, theirs in zip(admin, director, strict=True):
        if mine in SMALL:
            assert theirs in ("< 5", "–")
    engine.dispose()


def test_the_directors_pack_shows_what_the_directors_overview_shows(
    today_sample: str,
    deferred: dict[str, tuple[Callable[[], Any], str]],  # noqa: F811
) -> None:
    """The overview's one download button gives the PDF of the same view: its cards' values
    and its what-changed table, as the director's page shows them."""
    at = open_page(sample.DEMO_DIRECTOR, "app_pages/overview.py", "Lieksa")
    (button,) = [b for b in at.get("download_button") if b.proto.deferred_file_id]
    make, name = deferred[button.proto.deferred_file_id]
    assert name == board_pack.file_name(LIEKSA, metrics.today())
    text = text_of(make())
    engine = db.make_engine(today_sample)
    kpis = metrics.kpis(engine, SYSTEM, LIEKSA, metrics.today())
    engine.dispose()
    cards = {m.label: m.value for m in at.metric}
    for row in kpis.to_dict("records"):
        assert f"{flat(row['name_fi'])} {flat(cards[row['name_fi']])}" in text, row["name_fi"]
    (table,) = [
        t.value
        for t in at.dataframe
        if i18n.t("overview.changes.change", "fi") in list(t.value.columns)
    ]
    for row in table.itertuples(index=False):
        assert flat(" ".join(str(v) for v in row)) in text, row
    assert "< 5" in " ".join(str(v) for v in table.to_numpy().ravel())


def test_the_pack_in_english(today_sample: str) -> None:
    engine = db.make_engine(today_sample)
    as_of = metrics.today()
    text = text_of(board_pack.board_pack(engine, SYSTEM, None, as_of, "en"))
    assert "Board pack – Whole region" in text
    assert flat(i18n.fmt_date(as_of, "en")) in text
    for key in ("board.kpis", "board.changes", "board.phases", "board.money", "board.definitions"):
        assert i18n.t(key, "en") in text
    clients = metrics.kpis(engine, SYSTEM, None, as_of).set_index("indicator").loc["clients"]
    assert f"Clients {i18n.fmt_int(clients['actual'], 'en')}" in text  # 1,147: English format
    engine.dispose()


def test_the_cli_writes_the_board_pack(today_sample: str, tmp_path: Path) -> None:
    out = tmp_path / "lieksa.pdf"
    day = date(2026, 10, 31)
    done = polku(
        "report", "board", "--municipality", LIEKSA, "--as-of", day.isoformat(),
        "--lang", "en", "--out", str(out), database_url=today_sample,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = text_of(out.read_bytes())
    assert "Board pack – Lieksa" in text
    assert i18n.fmt_date(day, "en") in text
    region = tmp_path / "alue.pdf"
    done = polku("report", "board", "--out", str(region), database_url=today_sample)
    assert done.returncode == 0, done.stderr
    assert "Tilannekatsaus – Koko alue" in text_of(region.read_bytes())

    refused = polku(
        "report", "board", "--municipality", "999", "--out", str(tmp_path / "x.pdf"),
        database_url=today_sample,
    )  # fmt: skip
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "999" in refused.stderr
    assert not (tmp_path / "x.pdf").exists()
