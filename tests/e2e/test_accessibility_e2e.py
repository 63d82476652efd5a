"""WCAG 2.1 AA in the browser (issue 20): axe-core runs on every page of the app, for each
role, in Finnish and English, and on the sign-in page and the public accessibility statement.

axe-core comes from npm (package.json / package-lock.json; `make node_modules` installs it)
and is injected into the page. Serious and critical violations must be 0, but for the ones
polku.accessibility.KNOWN_EXCEPTIONS names (Streamlit's own markup, which Polku cannot change,
each with why, the workaround tried and Streamlit's issue). An exception that no longer occurs
fails the test too, so the accessibility statement that lists them stays true.

axe checks what is shown: the first tab of a page, closed expanders and menus are not opened.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from polku import i18n
from polku.access import ADMIN, ANALYST, COORDINATOR, DIRECTOR
from polku.accessibility import AXE_TAGS, KNOWN_EXCEPTIONS
from tests.e2e.conftest import (
    _NOT_LOCALHOST,
    APP_TIMEOUT,
    AppServer,
    Provider,
    auth_secrets,
    free_port,
    polku,
    wait_for_app,
)
from tests.e2e.test_signin import sign_in

if TYPE_CHECKING:
    from tests.conftest import Backend

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
ROLES = {
    ADMIN: "saavutettavuus.admin@toimi.example",
    COORDINATOR: "saavutettavuus.koordinaattori@joensuu.example",
    DIRECTOR: "saavutettavuus.johtaja@lieksa.example",
    ANALYST: "saavutettavuus.analyytikko@toimi.example",
}
MUNICIPALITY = {COORDINATOR: "167", DIRECTOR: "422"}
# The sidebar's language switch is bound to the URL: ?kieli=<the option as shown>
LANGUAGE_PARAMETER = {"fi": "", "en": "?kieli=English"}
AXE_EXCEPTIONS = [e for e in KNOWN_EXCEPTIONS if e.rule]
# In the page: axe on the document; the blocking violations, each node marked with the known
# exception (by rule, and the element or an ancestor matching its selector) that excuses it
RUN_AXE = """async ([tags, exceptions, blocking, present]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  const found = [];
  for (const violation of result.violations) {
    if (!blocking.includes(violation.impact)) continue;
    for (const node of violation.nodes) {
      const element = document.querySelector(node.target.join(' '));
      const excuse = exceptions.find(e => e.rule === violation.id && element
                                     && element.closest(e.selector));
      found.push({rule: violation.id, impact: violation.impact, html: node.html.slice(0, 200),
                  summary: node.failureSummary, excuse: excuse ? excuse.key : null});
    }
  }
  const seen = present.filter(selector => document.querySelector(selector) !== null);
  return {found, seen};
}"""


# The page is settled: no element still loading its code (Streamlit shows a skeleton while a
# lazily loaded element such as a chart arrives), none stale from the previous run, and every
# chart on screen drawn (Vega renders after the script has finished)
DRAWN = """() => document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]') === null
  && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
  .filter(chart => chart.checkVisibility())
  .every(chart => chart.querySelector('svg, canvas'))"""


def router_pages() -> list[tuple[str, str, str, set[str]]]:
    """(file, title key, URL path, roles) of every page in streamlit_app.py's PAGES."""
    source = (ROOT / "streamlit_app.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    node = next(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "PAGES"
    )
    assert node is not None
    roles = {"ADMIN": ADMIN, "COORDINATOR": COORDINATOR, "DIRECTOR": DIRECTOR, "ANALYST": ANALYST}
    namespace: dict[str, Any] = {**roles, "EVERYONE": set(roles.values())}
    pages = eval(compile(ast.Expression(node), "PAGES", "eval"), namespace)  # noqa: S307
    return [
        (path, title, url_path, roles)
        for section in pages.values()
        for path, title, _icon, url_path, roles in section
    ]


@dataclass
class Findings:
    """What axe found across the pages of one test."""

    problems: list[str] = field(default_factory=list)
    excused: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)


def check(page: Page, where: str, findings: Findings) -> None:
    """Wait until the charts are drawn, inject axe-core and run it with the WCAG A/AA tags."""
    # The title and navigation are set early in the run: wait for the run to finish, so
    # that the page checked is the whole page and not the part drawn so far
    wait_for_app(page)
    try:
        page.wait_for_function(DRAWN, timeout=APP_TIMEOUT)
    except PlaywrightTimeoutError:
        pytest.fail(f"{where}: a chart was not drawn", pytrace=False)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.add_script_tag(path=str(AXE))
    exceptions = [{"key": e.key, "rule": e.rule, "selector": e.selector} for e in AXE_EXCEPTIONS]
    present = sorted({selector for e in KNOWN_EXCEPTIONS for selector in e.present})
    result = page.evaluate(RUN_AXE, [list(AXE_TAGS), exceptions, sorted(BLOCKING), present])
    for node in result["found"]:
        if node["excuse"]:
            findings.excused.add(node["excuse"])
        else:
            findings.problems.append(
                f"{where}: {node['rule']} ({node['impact']}) {node['html']}\n    {node['summary']}"
            )
    findings.seen.update(result["seen"])


def check_popovers(page: Page, where: str, findings: Findings) -> None:
    """Each popover shown on the page opened in turn and checked with what it holds (its content is
    drawn only when opened, e.g. Talous's as-of day), then closed with Escape."""
    buttons = page.get_by_test_id("stMain").get_by_test_id("stPopoverButton").filter(visible=True)
    for index in range(buttons.count()):
        button = buttons.nth(index)
        label = button.inner_text().strip()
        button.click()
        body = page.get_by_test_id("stPopoverBody")
        expect(body).to_be_visible()
        expect(body.get_by_test_id("stSkeleton")).to_have_count(0)
        check(page, f"{where} ({label} open)", findings)
        page.keyboard.press("Escape")
        expect(body).to_have_count(0)


def expect_language(page: Page, language: str, where: str) -> None:
    """The page tells screen readers its language (<html lang>), which Polku sets."""
    try:
        page.wait_for_function(
            "language => document.documentElement.lang === language", arg=language, timeout=5000
        )
    except PlaywrightTimeoutError:
        lang = page.evaluate("document.documentElement.lang")
        pytest.fail(f"{where}: <html lang={lang!r}>, expected {language!r}", pytrace=False)


def assert_clean(findings: Findings, *, every_exception: bool) -> None:
    assert not findings.problems, "axe-core: serious or critical violations\n" + "\n".join(
        findings.problems
    )
    if every_exception:
        gone = [e.key for e in AXE_EXCEPTIONS if e.key not in findings.excused]
        assert not gone, f"known exceptions that no longer occur (update the list): {gone}"
        absent = {s for e in KNOWN_EXCEPTIONS for s in e.present} - findings.seen
        assert not absent, f"known exceptions whose proof is gone (update the list): {absent}"


@pytest.fixture(scope="module")
def a11y_app(
    sqlite_backend: Backend,
    app_factory: Callable[..., AppServer],
    oidc_provider: Provider,
) -> AppServer:
    """The app with sign-in, a little sample data and one user of each role."""
    url = sqlite_backend.prepared()
    polku("init", "--sample", "--scale", "0.01", database_url=url)
    for role, email in ROLES.items():
        where = ["--municipality", MUNICIPALITY[role]] if role in MUNICIPALITY else []
        polku("user", "add", email, "--role", role, *where, database_url=url)
        oidc_provider.set_user(f"a11y-{role}", email=email)
    port = free_port()
    return app_factory(url, port=port, secrets_toml=auth_secrets(port, oidc_provider))


@pytest.fixture
def signed_in(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    contexts: list[BrowserContext] = []

    def new() -> BrowserContext:
        if not AXE.exists():
            pytest.fail(f"{AXE} is missing: run `make node_modules` (npm ci)", pytrace=False)
        context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(APP_TIMEOUT)
        context.route(_NOT_LOCALHOST, lambda route: route.abort())
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_passes_axe_in_both_languages(
    role: str,
    a11y_app: AppServer,
    oidc_provider: Provider,
    signed_in: Callable[[], BrowserContext],
) -> None:
    page = signed_in().new_page()
    page.goto(a11y_app.url)
    sign_in(page, a11y_app, oidc_provider, f"a11y-{role}")
    pages = [(title, url_path) for _, title, url_path, roles in router_pages() if role in roles]
    assert len(pages) >= 5
    findings = Findings()
    for language, parameter in LANGUAGE_PARAMETER.items():
        for number, (title, url_path) in enumerate(pages):
            # The first page is the default: Streamlit serves it at the root
            page.goto(f"{a11y_app.url}/{url_path if number else ''}{parameter}")
            wait_for_app(page)
            name = i18n.t(title, language)
            # Each page link is read by the page's name alone (its icon is hidden)
            nav = page.get_by_test_id("stSidebarNav")
            expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(1)
            expect(page).to_have_title(f"{name} · Polku")
            where = f"{role} {language} /{url_path}"
            expect_language(page, language, where)
            check(page, where, findings)
            check_popovers(page, where, findings)
    assert_clean(findings, every_exception=True)


def test_the_sign_in_page_and_the_public_statement_pass_axe(
    a11y_app: AppServer, signed_in: Callable[[], BrowserContext]
) -> None:
    """Before sign-in: the sign-in page links to the accessibility statement, which opens."""
    page = signed_in().new_page()
    findings = Findings()
    for language, parameter in LANGUAGE_PARAMETER.items():
        page.goto(f"{a11y_app.url}/{parameter}")
        wait_for_app(page)
        expect(page.get_by_role("button", name=i18n.t("auth.sign_in", language))).to_be_visible()
        expect_language(page, language, f"sign-in {language}")
        check(page, f"sign-in {language}", findings)
        page.get_by_role("link", name=i18n.t("a11y.sign_in_link", language)).click()
        wait_for_app(page)
        heading = page.get_by_role(
            "heading", name=i18n.t("page.accessibility", language), exact=True
        )
        expect(heading).to_be_visible()
        expect(page.get_by_text(i18n.t("a11y.status.title", language))).to_be_visible()
        check(page, f"statement {language}", findings)
    assert_clean(findings, every_exception=False)
