"""The keyboard alone (WCAG 2.1.1, issue 20): a coordinator signs in, moves through the
sidebar with Tab and Enter, picks the municipality, adds an item to the phase checklist, saves
a new client, and switches the language; every result is checked after a reload.

No mouse: every interaction is page.keyboard (Tab, Enter, typing); the test only reads where
the focus is, to know when to stop pressing Tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import (
    AppServer,
    Provider,
    auth_secrets,
    free_port,
    polku,
    wait_for_app,
)

if TYPE_CHECKING:
    from tests.conftest import Backend

COORDINATOR = "nappaimisto@joensuu.example"
SUB = "keyboard-0167"
SEARCH = "Search by client code"  # forms.list.search in English
MAX_TABS = 120  # Tab presses before giving up on reaching a control
# The focused element, briefly: what a failed search for a control passed by
ACTIVE = """() => { const e = document.activeElement;
  return `${e.tagName} ${e.getAttribute('aria-label') || e.textContent.slice(0, 30)}`; }"""


@pytest.fixture(scope="module")
def keyboard_app(
    sqlite_backend: Backend, app_factory: Callable[..., AppServer], oidc_provider: Provider
) -> AppServer:
    url = sqlite_backend.prepared()
    polku("init", "--sample", "--scale", "0.01", database_url=url)
    polku(
        *("user", "add", COORDINATOR, "--role", "coordinator", "--municipality", "167"),
        *("--name", "Näppäimistö Koordinaattori"),
        database_url=url,
    )
    oidc_provider.set_user(SUB, email=COORDINATOR)
    port = free_port()
    return app_factory(url, port=port, secrets_toml=auth_secrets(port, oidc_provider))


def focused(target: Locator) -> bool:
    return bool(
        target.evaluate("e => e === document.activeElement || e.contains(document.activeElement)")
    )


def tab_to(page: Page, target: Locator, what: str) -> None:
    """Press Tab until the focus is on `target`; failing that, Shift+Tab back to it."""
    target.wait_for(state="attached")
    visited: list[str] = []
    for key, times in (("Tab", MAX_TABS), ("Shift+Tab", 2 * MAX_TABS)):
        for _ in range(times):
            if focused(target):
                return
            page.keyboard.press(key)
            visited.append(page.evaluate(ACTIVE))
    pytest.fail(
        f"{what}: not reached with Tab or Shift+Tab; the focus was on: "
        + " | ".join(dict.fromkeys(visited)),
        pytrace=False,
    )


def press(page: Page, target: Locator, what: str, key: str = "Enter") -> None:
    tab_to(page, target, what)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, what: str, text: str) -> None:
    tab_to(page, target, what)
    page.keyboard.type(text)


def choose(page: Page, select: Locator, what: str, option: str) -> None:
    """A selectbox: focus it, type to filter, Enter picks the first match."""
    tab_to(page, select.locator("input"), what)
    page.keyboard.type(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Enter")


def sign_in_by_keyboard(page: Page, app: AppServer, provider: Provider) -> None:
    page.goto(app.url)
    wait_for_app(page)
    press(page, page.get_by_role("button", name="Kirjaudu sisään"), "sign-in button")
    page.wait_for_url(f"{provider.url}/oauth2/authorize?**")
    type_into(page, page.locator("input[name='sub']"), "provider's subject field", SUB)
    press(page, page.get_by_role("button", name="Authorize", exact=True), "Authorize")
    page.wait_for_url(f"{app.url}/**")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Yleiskatsaus", level=1)).to_be_visible()


def go_to(page: Page, link: str, heading: str) -> None:
    """A page from the sidebar's navigation: Tab to its link, Enter."""
    nav = page.get_by_test_id("stSidebarNav")
    target = nav.get_by_role("link", name=link, exact=True)
    tab_to(page, target, f"sidebar link {link}")
    # The focus ring Polku adds (polku.ui.page.FOCUS_CSS) shows where the focus is: WCAG 2.4.7
    ring = target.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert ring == ["solid", "3px"], ring
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def test_a_coordinator_works_with_the_keyboard_only(
    page: Page, keyboard_app: AppServer, oidc_provider: Provider
) -> None:
    sign_in_by_keyboard(page, keyboard_app, oidc_provider)
    sidebar = page.get_by_test_id("stSidebar")

    # The municipality in the sidebar, then Vaihelistat: add an own item to the checklist
    go_to(page, "Vaihelistat", "Vaihelistat")
    choose(page, sidebar.get_by_test_id("stSelectbox").filter(has_text="Kunta"), "Kunta", "Joensuu")
    wait_for_app(page)
    expander = page.get_by_test_id("stExpander").filter(has_text="Omat tehtävät")
    press(page, expander.locator("summary"), "Omat tehtävät")
    item = "Näppäimistöllä lisätty tehtävä"
    type_into(
        page,
        expander.get_by_role("textbox", name="Tehtävän nimi", exact=True),
        "Tehtävän nimi",
        item,
    )
    press(page, expander.get_by_role("button", name="Lisää oma tehtävä"), "Lisää oma tehtävä")
    wait_for_app(page)
    expect(page.get_by_text(f"Tehtävä ”{item}” lisätty.")).to_be_visible()

    page.reload()
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame").get_by_text(item).first).to_be_attached()

    # Asiakkaat: a new client on the first tab
    go_to(page, "Asiakkaat ja tietojen syöttö", "Asiakkaat ja tietojen syöttö")
    form = page.get_by_role("tabpanel").locator("visible=true")
    type_into(
        page,
        form.get_by_role("textbox", name="Asiakastunnus", exact=True),
        "Asiakastunnus",
        "NAPP-1",
    )
    type_into(
        page, form.get_by_role("textbox", name="Syntymävuosi", exact=True), "Syntymävuosi", "1988"
    )
    start = form.get_by_test_id("stDateInput").filter(has_text="Aloituspäivä")
    tab_to(page, start.locator("[role='spinbutton']").first, "Aloituspäivä")
    page.keyboard.type("01092026")
    first_status = form.get_by_test_id("stSelectbox").filter(has_text="Ensimmäinen tila")
    choose(page, first_status, "Ensimmäinen tila", "Uravalmennus")
    press(page, form.get_by_role("button", name="Tallenna"), "Tallenna")
    wait_for_app(page)
    expect(page.get_by_role("tabpanel").locator("visible=true")).to_contain_text("NAPP-1")

    # The language: Tab (back up to the sidebar) reaches the picked "Suomi" of the switch (a
    # radio group), the arrow key moves to "English", Enter picks it
    tab_to(page, sidebar.get_by_role("radio", name="Suomi"), "Suomi")
    page.keyboard.press("ArrowRight")
    expect(sidebar.get_by_role("radio", name="English")).to_be_focused()
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Clients and data entry", level=1)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Overview", exact=True)).to_be_visible()

    # After a reload: still English, and the new client is in the list
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Clients and data entry", level=1)).to_be_visible()
    search = page.get_by_role("textbox", name=SEARCH, exact=True)
    type_into(page, search, "client search", "NAPP-1")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame").last.get_by_text("NAPP-1")).to_be_attached()
