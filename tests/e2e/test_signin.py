"""Sign-in in a real browser: Chromium, `streamlit run` and an OpenID Connect provider.

The identity provider is oidc-provider-mock. Its authorization form has one text field,
`sub`; the claims of that subject (the e-mail the app matches against its users table) are
set beforehand through the mock's `PUT /users/<sub>`. So the e-mail reaches the app only
inside the ID token, as with Entra ID, and `sub` differs from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    COORDINATOR_EMAIL,
    STARTUP_TIMEOUT,
    AppServer,
    Provider,
    free_port,
    start_app,
    wait_for_app,
)

SIGN_IN = "Kirjaudu sisään"
SIGN_OUT = "Kirjaudu ulos"
OVERVIEW = "Yleiskatsaus"
NO_ACCESS = "Ei käyttöoikeutta"
NOT_CONFIGURED = "Kirjautumista ei ole määritetty"
# Streamlit's test ids of what shows data: metric cards, tables, charts, the page links
DATA_TEST_IDS = (
    "stMetric",
    "stSidebarNav",
    "stDataFrame",
    "stTable",
    "stVegaLiteChart",
    "stArrowVegaLiteChart",
)
# Titles of the app's pages (both languages): none may show before a known user signs in
PAGE_TITLES = (
    *("Yleiskatsaus", "Mittarit", "Vaihelistat", "Asiakkaat", "Tuonti", "Vienti"),
    *("Hanke", "Käyttäjät", "Overview", "Indicators", "Phase checklists", "Clients"),
    *("Import", "Export", "Project", "Users"),
)
# Deep links (with the address's query parameters) a visitor might open directly
DEEP_LINKS = (
    "/",
    "/yleiskatsaus",
    "/hanke?kunta=Joensuu",
    "/kayttajat",
    "/asiakkaat",
    "/vienti",
    "/mittarit?kunta=Lieksa",
)


def assert_no_data(page: Page) -> None:
    """Nothing of the app's data on the page: no metrics, tables, charts or page links."""
    for test_id in DATA_TEST_IDS:
        expect(page.get_by_test_id(test_id), f"{test_id} on {page.url}").to_have_count(0)
    for title in PAGE_TITLES:
        expect(page.get_by_role("heading", name=title)).to_have_count(0)


def expect_sign_in_page(page: Page, button: str = SIGN_IN) -> None:
    """The sign-in page and nothing else: one heading, the button, no data."""
    wait_for_app(page)
    expect(page.get_by_role("button", name=button)).to_be_visible()
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_no_data(page)


def sign_in(page: Page, app: AppServer, provider: Provider, sub: str) -> None:
    """From the sign-in page through the provider's form back to the app."""
    page.get_by_role("button", name=SIGN_IN).click()
    # st.login → /auth/login → the provider's authorization endpoint
    page.wait_for_url(f"{provider.url}/oauth2/authorize?**")
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.locator("input[name='sub']").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # → /oauth2callback?code=… (Streamlit exchanges the code) → the app
    page.wait_for_url(re.compile(rf"^{re.escape(app.url)}/(?!oauth2callback)"))
    wait_for_app(page)


def sign_out(page: Page, app: AppServer, provider: Provider) -> None:
    """Kirjaudu ulos: Streamlit clears its cookie and sends the browser to the provider's
    end-session endpoint (the mock asks to confirm), which returns to the app."""
    page.get_by_role("button", name=SIGN_OUT).click()
    page.wait_for_url(f"{provider.url}/oauth2/end_session?**")
    page.get_by_role("button", name="End session").click()
    # → /oauth2callback (no state: Streamlit sends the browser on to the app's root)
    page.wait_for_url(re.compile(rf"^{re.escape(app.url)}/(?!oauth2callback)"))


def test_a_known_user_signs_in_sees_the_overview_and_signs_out(
    page: Page, signin_app: AppServer, oidc_provider: Provider
) -> None:
    oidc_provider.set_user("entra-oid-0001", email=ADMIN_EMAIL, name="Pää Käyttäjä")
    page.goto(signin_app.url)
    expect_sign_in_page(page)

    sign_in(page, signin_app, oidc_provider, "entra-oid-0001")
    expect(page.get_by_role("heading", name=OVERVIEW, level=1)).to_be_visible()
    expect(page.get_by_test_id("stMetric").nth(2)).to_be_visible()  # at least three cards
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Käyttäjät")).to_be_visible()  # admins only
    sign_out_button = page.get_by_test_id("stSidebar").get_by_role("button", name=SIGN_OUT)
    expect(sign_out_button).to_be_visible()

    # The sign-in lives in a cookie: a new page load is still signed in
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=OVERVIEW, level=1)).to_be_visible()

    # Signing out ends in a fresh load of the app: without the cookie, the sign-in page
    sign_out(page, signin_app, oidc_provider)
    expect_sign_in_page(page)


def test_a_coordinator_signs_in_without_the_admin_pages(
    page: Page, signin_app: AppServer, oidc_provider: Provider
) -> None:
    oidc_provider.set_user("entra-oid-0167", email=COORDINATOR_EMAIL)
    page.goto(signin_app.url)
    expect_sign_in_page(page)

    sign_in(page, signin_app, oidc_provider, "entra-oid-0167")
    expect(page.get_by_role("heading", name=OVERVIEW, level=1)).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name=OVERVIEW)).to_be_visible()
    expect(nav.get_by_role("link", name="Käyttäjät")).to_have_count(0)

    # The users page is not reachable by its address either
    page.goto(f"{signin_app.url}/kayttajat")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=OVERVIEW, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Käyttäjät")).to_have_count(0)


def test_a_deep_link_opens_its_page_without_page_not_found(
    app_database: str, browser: Browser, tmp_path: Path
) -> None:
    """A link to a page (a bookmark, a colleague's) opens that page in a new browser session:
    no "Page not found" dialog from Streamlit's own file-based page list, which a directory
    named pages/ next to the router would bring (the app's pages live in app_pages/)."""
    # Not warmed up through its root: the first session of a new server opens a deep link
    app = start_app(tmp_path, app_database, port=free_port(), demo=True)
    for path, heading in (
        ("/mittarit?kunta=Lieksa", "Mittarit"),
        ("/vaihelistat", "Vaihelistat"),
        ("/asiakaskortti", "Asiakaskortti"),
    ):
        context = browser.new_context()  # a new session, as a link opened by someone else
        try:
            page = context.new_page()
            page.goto(f"{app.url}{path}")
            wait_for_app(page, timeout=STARTUP_TIMEOUT * 1000)
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            expect(page.get_by_text("Page not found")).to_have_count(0)
            nav = page.get_by_test_id("stSidebarNav")
            expect(nav.get_by_role("link", name="Yleiskatsaus")).to_be_visible()
        finally:
            context.close()
    app.stop()


def test_a_user_not_in_the_users_table_gets_no_access_and_no_data(
    page: Page, signin_app: AppServer, oidc_provider: Provider
) -> None:
    oidc_provider.set_user("entra-oid-9999", email="tuntematon@muualla.example")
    page.goto(signin_app.url)
    expect_sign_in_page(page)

    sign_in(page, signin_app, oidc_provider, "entra-oid-9999")
    expect(page.get_by_role("heading", name=NO_ACCESS, level=1)).to_be_visible()
    expect(page.get_by_role("button", name=SIGN_OUT)).to_be_visible()
    assert_no_data(page)

    # Nor by a deep link while signed in as the unknown user
    page.goto(f"{signin_app.url}/hanke?kunta=Joensuu")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=NO_ACCESS, level=1)).to_be_visible()
    assert_no_data(page)


@pytest.mark.parametrize("path", DEEP_LINKS)
def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_page(
    page: Page, signin_app: AppServer, path: str
) -> None:
    page.goto(f"{signin_app.url}{path}")
    expect_sign_in_page(page)


def test_the_sign_in_page_follows_the_language_in_the_address(
    page: Page, signin_app: AppServer
) -> None:
    page.goto(f"{signin_app.url}/hanke?kunta=Joensuu&kieli=English")
    expect_sign_in_page(page, button="Sign in")


def test_without_auth_or_demo_mode_the_app_shows_no_data(
    page: Page, unconfigured_app: AppServer
) -> None:
    for path in ("/", "/hanke?kunta=Joensuu", "/kayttajat"):
        page.goto(f"{unconfigured_app.url}{path}")
        wait_for_app(page)
        expect(page.get_by_role("heading", name=NOT_CONFIGURED, level=1)).to_be_visible()
        expect(page.get_by_role("button", name=SIGN_IN)).to_have_count(0)
        assert_no_data(page)
