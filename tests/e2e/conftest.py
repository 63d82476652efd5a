"""Browser tests: the real app in Chromium, signing in through a real OpenID Connect flow.

What runs here:
- an OpenID Connect provider (oidc-provider-mock) in a thread of the test process;
- `streamlit run streamlit_app.py` as a subprocess on a free port, with a secrets file and an
  environment the test writes (DATABASE_URL, no POLKU_DEMO unless asked for);
- Debian's Chromium (/usr/bin/chromium) through Playwright's sync API; every test gets a
  fresh browser context (no cookies) that cannot reach anything but localhost.

Every test in this folder is marked `e2e`. A missing prerequisite (Chromium, a server that
does not start) is a failure, never a skip: CI must not pass without running these.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# The mock provider uses Authlib APIs that Authlib deprecates: not Polku's concern. (Authlib
# adds an "always" filter for its warnings when imported: ours must come after it.)
with warnings.catch_warnings():
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import run_server_in_thread

if TYPE_CHECKING:
    from tests.conftest import Backend

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 60.0  # seconds for `streamlit run` to answer /_stcore/health
APP_TIMEOUT = 30_000  # milliseconds for a page of the app to load or rerun (a loaded CI box)
# The browser reaches nothing but the servers of the test (the provider's pages link a
# stylesheet from a CDN, which must not make a test wait on the network or depend on it)
_NOT_LOCALHOST = re.compile(r"^https?://(?!localhost[:/])")

# The users the sign-in tests know about (added by `polku user add`, see app_database)
ADMIN_EMAIL = "paakayttaja@toimi.example"
COORDINATOR_EMAIL = "koordinaattori@joensuu.example"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # Raised in the provider's thread while it signs ID tokens
            item.add_marker(pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """A failed browser test also reports where the browser was and the app server's log."""
    report = yield
    if report.failed and HERE in Path(str(item.path)).resolve().parents:
        funcargs = getattr(item, "funcargs", {})
        page = funcargs.get("page")
        if page is not None and not page.is_closed():
            report.sections.append(("browser", f"last address: {page.url}"))
        for name, value in funcargs.items():
            if isinstance(value, AppServer):
                report.sections.append((f"streamlit log ({name})", value.output()))
    return report


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def polku(*args: str, database_url: str) -> None:
    """`python -m polku ARGS --database-url URL`, run in this process.

    The same entry point as the command line (argument parsing included), without paying
    a new interpreter's imports for every command; fails the test on a non-zero exit.
    """
    from polku import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([*args, "--database-url", database_url])
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    if code != 0:
        pytest.fail(f"python -m polku {' '.join(args)}: exit {code}: {err.getvalue().strip()}")


# --- the identity provider ------------------------------------------------------------------


@dataclass
class Provider:
    """oidc-provider-mock, listening on http://localhost:<port>."""

    url: str

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims: str) -> None:
        """The claims the provider puts in the ID token of `sub` (PUT /users/<sub>).

        Without this the mock's form makes the typed `sub` the e-mail as well; setting the
        claims lets the tests use a `sub` that differs from the e-mail, as Entra ID does.
        """
        request = urllib.request.Request(
            f"{self.url}/users/{urllib.parse.quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    with run_server_in_thread(port=0) as server:
        provider = Provider(f"http://localhost:{server.server_port}")
        with urllib.request.urlopen(provider.metadata_url, timeout=10) as response:
            assert json.load(response)["authorization_endpoint"].startswith(provider.url)
        yield provider


# --- the database -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_database(sqlite_backend: Backend) -> str:
    """A migrated SQLite database with the project plan, a little sample data and two users."""
    url = sqlite_backend.prepared()
    steps = [
        ("init", "--sample", "--scale", "0.01"),
        ("user", "add", ADMIN_EMAIL, "--role", "admin"),
        ("user", "add", COORDINATOR_EMAIL, "--role", "coordinator", "--municipality", "167"),
    ]
    for step in steps:
        polku(*step, database_url=url)
    return url


# --- the Streamlit server ---------------------------------------------------------------------


@dataclass
class AppServer:
    """`streamlit run streamlit_app.py` on http://localhost:<port>."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path
    secrets: Path
    _closed: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def output(self, tail: int = 60) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no output)"
        return "\n".join(lines[-tail:])

    def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def auth_secrets(app_port: int, provider: Provider, *, base_url: str = "") -> str:
    """secrets.toml with the unnamed default provider, as Streamlit documents it; `base_url`:
    where browsers reach the app when not on `app_port` (a proxy's address)."""
    return (
        "[auth]\n"
        f'redirect_uri = "{base_url or f"http://localhost:{app_port}"}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "polku-e2e"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )


def _check_dotenv() -> None:
    """Settings also come from ROOT/.env: one that switches demo mode on would void the tests."""
    dotenv = ROOT / ".env"
    if dotenv.exists() and re.search(r"(?m)^\s*POLKU_DEMO\s*=", dotenv.read_text()):
        pytest.fail(f"{dotenv} sets POLKU_DEMO: the browser tests need it unset", pytrace=False)


def start_app(
    workdir: Path, database_url: str, *, port: int, secrets_toml: str = "", demo: bool = False
) -> AppServer:
    """Start the app as a subprocess on `port`; wait until /_stcore/health says "ok"."""
    _check_dotenv()
    workdir.mkdir(parents=True, exist_ok=True)
    secrets_file = workdir / "secrets.toml"
    secrets_file.write_text(secrets_toml)
    log = workdir / "streamlit.log"
    # Nothing of the developer's environment may change what the app does
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STREAMLIT_", "POLKU_")) and k != "DATABASE_URL"
    }
    env.update(DATABASE_URL=database_url, POLKU_LANGUAGE="fi", PYTHONUNBUFFERED="1")
    if demo:
        env["POLKU_DEMO"] = "1"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--secrets.files",
        str(secrets_file),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(port=port, process=process, log=log, secrets=secrets_file)
    atexit.register(server.stop)  # in case pytest dies before the fixtures' teardown
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if process.poll() is not None:
            server.stop()
            pytest.fail(
                f"streamlit run exited with {process.returncode}:\n{server.output()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(
                f"streamlit run did not answer {server.url}/_stcore/health within "
                f"{STARTUP_TIMEOUT:.0f} s:\n{server.output()}",
                pytrace=False,
            )
        time.sleep(0.2)


@pytest.fixture(scope="module")
def app_factory(
    tmp_path_factory: pytest.TempPathFactory, browser: Browser
) -> Iterator[Callable[..., AppServer]]:
    """Starts app servers for this module; all of them are stopped when the module ends.

    Each server is opened once in a throwaway browser context before it is handed out: the
    first run of the script pays the imports (several seconds), which would otherwise eat
    into the first test's time limits.
    """
    servers: list[AppServer] = []

    def factory(
        database_url: str, *, port: int | None = None, secrets_toml: str = "", demo: bool = False
    ) -> AppServer:
        server = start_app(
            tmp_path_factory.mktemp("streamlit"),
            database_url,
            port=port or free_port(),
            secrets_toml=secrets_toml,
            demo=demo,
        )
        servers.append(server)
        warm = browser.new_context()
        try:
            warm.route(_NOT_LOCALHOST, lambda route: route.abort())
            page = warm.new_page()
            page.goto(server.url)
            wait_for_app(page, timeout=STARTUP_TIMEOUT * 1000)
        finally:
            warm.close()
        return server

    try:
        yield factory
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def signin_app(
    app_factory: Callable[..., AppServer], app_database: str, oidc_provider: Provider
) -> AppServer:
    """The app with sign-in configured ([auth] in its secrets) and demo mode off."""
    port = free_port()
    return app_factory(app_database, port=port, secrets_toml=auth_secrets(port, oidc_provider))


@pytest.fixture(scope="module")
def unconfigured_app(app_factory: Callable[..., AppServer], app_database: str) -> AppServer:
    """The app with neither [auth] nor POLKU_DEMO."""
    return app_factory(app_database)


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install chromium); the browser tests need it",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, no session, Finnish locale."""
    ctx = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(APP_TIMEOUT)
    ctx.route(_NOT_LOCALHOST, lambda route: route.abort())
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def wait_for_app(page: Page, timeout: float = APP_TIMEOUT) -> None:
    """Wait until the app is connected and its script has finished running.

    As Streamlit's own e2e suite does; call it after every navigation or click that reruns.
    """
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
