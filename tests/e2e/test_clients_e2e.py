"""The Asiakkaat page in a real browser (issue 13.3): after a save the user is still on the
tab they work in and sees the result there, and a refused submit from another tab shows its
error on that tab. Demo mode (the app acts as the admin) keeps sign-in out of this test."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import AppServer, polku, wait_for_app

if TYPE_CHECKING:
    from tests.conftest import Backend

ADMIN = "paakayttaja@toimi.example"


@pytest.fixture(scope="module")
def clients_app(sqlite_backend: Backend, app_factory: Callable[..., AppServer]) -> AppServer:
    url = sqlite_backend.prepared()
    polku("user", "add", ADMIN, "--role", "admin", "--name", "Pää Käyttäjä", database_url=url)
    return app_factory(url, demo=True)


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("tab", name=name, exact=True)


def panel(page: Page) -> Locator:
    """The tab panel the user sees."""
    return page.get_by_role("tabpanel").locator("visible=true")


def test_the_user_stays_on_their_tab_and_sees_the_result_there(
    page: Page, clients_app: AppServer
) -> None:
    page.goto(clients_app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Asiakkaat").click()
    wait_for_app(page)
    expect(
        page.get_by_role("heading", name="Asiakkaat ja tietojen syöttö", level=1)
    ).to_be_visible()

    tab(page, "Työnantaja").click()
    wait_for_app(page)
    form = panel(page)
    form.get_by_label("Nimi", exact=True).fill("Testi Oy")
    form.get_by_label("Y-tunnus", exact=True).fill("1234567-1")
    form.get_by_test_id("stSelectbox").filter(has_text="Tyyppi").click()
    page.get_by_role("option", name="Yritys", exact=True).click()
    form.get_by_role("button", name="Tallenna").click()
    wait_for_app(page)
    expect(tab(page, "Työnantaja")).to_have_attribute("aria-selected", "true")
    expect(panel(page).get_by_text("Työnantaja 1234567-1 tallennettu.")).to_be_visible()

    # The next submit, from another tab, is refused: its message is where the user is
    tab(page, "Tilamuutos").click()
    wait_for_app(page)
    panel(page).get_by_role("button", name="Tallenna").click()
    wait_for_app(page)
    expect(tab(page, "Tilamuutos")).to_have_attribute("aria-selected", "true")
    expect(panel(page).get_by_test_id("stAlertContentError").first).to_be_visible()
