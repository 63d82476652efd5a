"""Phase checklists in a real browser: Chromium marks an item done in the table editor
(Streamlit's glide-data-grid), saves, and sees the phase's progress and the region's matrix
change. Demo mode (the app acts as the admin) keeps sign-in out of this test; sign-in itself
is tested in test_signin.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import FloatRect, Locator, Page, expect

from tests.e2e.conftest import APP_TIMEOUT, AppServer, polku, wait_for_app

if TYPE_CHECKING:
    from tests.conftest import Backend

ADMIN = "paakayttaja@toimi.example"
# Streamlit's data editor: a canvas grid with a screen-reader table behind it; the status
# column is the third one (item, required, status, ...) and rows sit under a header row
STATUS_COLUMN = 2
HEADER_HEIGHT = 35
ROW_HEIGHT = 35
UNSAVED = re.compile(r"Tallentamattomia muutoksia \d+ tehtävässä")


@pytest.fixture(scope="module")
def checklist_app(sqlite_backend: Backend, app_factory: Callable[..., AppServer]) -> AppServer:
    """The app in demo mode on a fresh database: the plan's checklists, nothing done yet."""
    url = sqlite_backend.prepared()
    polku("user", "add", ADMIN, "--role", "admin", "--name", "Pää Käyttäjä", database_url=url)
    return app_factory(url, demo=True)


def open_checklists(page: Page, app: AppServer) -> None:
    """The app's front page, then Vaihelistat from the menu (as a user gets there)."""
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Vaihelistat").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Vaihelistat", level=1)).to_be_visible()


def pick_municipality(page: Page, name: str) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Kunta")
    picker.click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_for_app(page)


def matrix_cell(page: Page, municipality: str) -> Locator:
    """The row of `municipality` in the matrix's table (the heatmap's accessible twin, a plain
    HTML table: polku.ui.tables.plain_table)."""
    table = page.get_by_test_id("stMarkdown").locator("table")
    return table.locator("tr").filter(has=page.locator("td:first-child", has_text=municipality))


def steady_box(page: Page, locator: Locator) -> FloatRect:
    """The locator's box once it has stopped moving (a rerun can still shift what lies above
    or below it: a message appears, an expander is drawn)."""
    box = locator.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(150)
        again = locator.bounding_box()
        if again is not None and again == box:
            return again
        box = again
    raise AssertionError(f"the element kept moving: {box}")


def set_status(page: Page, grid: Locator, row: int, label: str) -> None:
    """Select the row's first cell, move to the status column, Enter opens the cell's
    dropdown; type the option and Enter picks it; returns once the editor's rerun has drawn
    the page's note of unsaved changes."""
    grid.scroll_into_view_if_needed()
    wait_for_app(page)
    cell = grid.get_by_test_id(f"glide-cell-{STATUS_COLUMN}-{row}")
    for attempt in range(3):
        box = steady_box(page, grid)
        x, y = box["x"] + 40, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2
        # A sidebar link's tooltip, opened where the pointer last picked an option from the
        # municipality list, can lie over the grid and stays open while the pointer is on it:
        # park the pointer on the page's empty top edge until no tooltip is shown, then click
        page.mouse.move(box["x"] + box["width"] / 2, 5)
        expect(page.get_by_role("tooltip")).to_have_count(0)
        page.mouse.move(x, y)
        page.wait_for_timeout(400)
        page.mouse.click(x, y)
        for _ in range(STATUS_COLUMN):
            page.keyboard.press("ArrowRight")
        try:
            expect(cell).to_have_attribute("aria-selected", "true", timeout=3000)
            break
        except AssertionError:
            if attempt == 2:
                raise
    page.keyboard.press("Enter")
    dropdown = page.locator("#portal .glide-select input")
    expect(dropdown).to_be_focused()
    page.keyboard.type(label)
    expect(page.locator("#portal").get_by_text(label, exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    expect(cell).to_have_text(label)
    # The edit reaches the server only after the grid's own delay: wait_for_app alone could
    # return before that rerun has even begun
    expect(page.get_by_text(UNSAVED)).to_be_visible(timeout=APP_TIMEOUT)
    wait_for_app(page)


def test_marking_an_item_done_moves_the_phase_and_the_region_matrix(
    page: Page, checklist_app: AppServer
) -> None:
    open_checklists(page, checklist_app)
    # The whole region: Joensuu is in its first phase with nothing done
    heatmap = page.get_by_test_id("stVegaLiteChart").or_(
        page.get_by_test_id("stArrowVegaLiteChart")
    )
    expect(heatmap.first).to_be_visible()
    expect(matrix_cell(page, "Joensuu")).to_contain_text("\u25b6 0 / 2")

    pick_municipality(page, "Joensuu")
    first_phase = page.get_by_test_id("stProgress").first
    expect(first_phase).to_contain_text("0 / 2 valmiina")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.get_by_test_id("glide-cell-0-0")).to_have_text(
        "Kuntakohtaisen tilanteen selvittäminen"
    )

    set_status(page, grid, 0, "Valmis")
    expect(page.get_by_text("Tallentamattomia muutoksia 1 tehtävässä.")).to_be_visible()
    expect(first_phase).to_contain_text("0 / 2 valmiina")  # nothing saved yet

    page.get_by_role("button", name="Tallenna muutokset").click()
    wait_for_app(page)
    expect(page.get_by_text("Tallennettu 1 tehtävän muutokset.")).to_be_visible(timeout=APP_TIMEOUT)
    expect(page.get_by_test_id("stProgress").first).to_contain_text("1 / 2 valmiina")
    expect(page.get_by_test_id("stDataFrame").first.get_by_test_id("glide-cell-2-0")).to_have_text(
        "Valmis"
    )

    pick_municipality(page, "Koko alue")
    expect(matrix_cell(page, "Joensuu")).to_contain_text("\u25b6 1 / 2")
    expect(matrix_cell(page, "Lieksa")).to_contain_text("\u25b6 0 / 2")
