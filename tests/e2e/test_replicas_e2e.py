"""Two replicas of the app behind nginx, as deployed (README "Deploying", compose.yaml).

Two `streamlit run` processes share one PostgreSQL database and one secrets file (the same
[auth] cookie secret); Debian's nginx runs in front of them with the shipped
deploy/nginx.conf.template (HTTPS with a certificate made here, sticky sessions by cookie,
Streamlit's websocket). Chromium signs in through the OpenID Connect test provider on each
replica, saves a checklist item through one and sees it through the other, and downloads
the checklist's Excel file through the proxy.

No Docker: nginx runs as a plain subprocess (`nginx -c FILE -p DIR -g 'daemon off;'`).
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import re
import shutil
import ssl
import string
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import (
    _NOT_LOCALHOST,
    ADMIN_EMAIL,
    APP_TIMEOUT,
    ROOT,
    STARTUP_TIMEOUT,
    AppServer,
    Provider,
    auth_secrets,
    free_port,
    polku,
    wait_for_app,
)
from tests.e2e.test_checklists_e2e import pick_municipality, set_status
from tests.e2e.test_signin import sign_in

if TYPE_CHECKING:
    from tests.conftest import Backend

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = Path("/usr/sbin/nginx")
REPLICAS = ("app1", "app2")  # the names the template's cookie map knows
COOKIE = "polku_replica"
FIRST_ITEM = "Kuntakohtaisen tilanteen selvittäminen"  # Joensuu's first checklist item
DONE = "Valmis"


@pytest.fixture(scope="module")
def replicas_database(postgres_backend: Backend) -> str:
    """One PostgreSQL database for both replicas: the plan's checklists and an admin."""
    url = postgres_backend.prepared()
    polku("user", "add", ADMIN_EMAIL, "--role", "admin", "--name", "Pää Käyttäjä", database_url=url)
    return url


# --- the certificate and the proxy ------------------------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, valid for a day; (certificate, key) files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "tls.crt", directory / "tls.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_file.chmod(0o600)
    return cert_file, key_file


def render_template(values: dict[str, str]) -> str:
    """deploy/nginx.conf.template with its ${POLKU_...} placeholders filled in, as the nginx
    image's envsubst does: nginx's own `$variables` stay."""
    text = TEMPLATE.read_text()
    placeholders = set(re.findall(r"\$\{(POLKU_[A-Z0-9_]+)\}", text))
    assert placeholders == set(values), f"the template's placeholders: {sorted(placeholders)}"
    return string.Template(text).safe_substitute(values)


@dataclass
class Proxy:
    """nginx on https://localhost:<port> in front of the replicas."""

    port: int
    http_port: int
    directory: Path
    ssl_context: ssl.SSLContext
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    def request(
        self, path: str, replica: str | None = None, *, https: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of a GET through the proxy, as `replica`'s visitor."""
        connection: http.client.HTTPConnection = (
            http.client.HTTPSConnection(
                "localhost", self.port, context=self.ssl_context, timeout=10
            )
            if https
            else http.client.HTTPConnection("localhost", self.http_port, timeout=10)
        )
        try:
            connection.request(
                "GET", path, headers={"Cookie": f"{COOKIE}={replica}"} if replica else {}
            )
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def log(self, name: str) -> str:
        try:
            return (self.directory / name).read_text(errors="replace")
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_nginx(replicas: dict[str, AppServer], port: int) -> Proxy:
    """nginx in the foreground with its own config, pid, logs and temp files in a new dir."""
    if not NGINX.exists():
        pytest.fail(
            f"{NGINX} is missing: install Debian's nginx package (scripts/install-system-deps)",
            pytrace=False,
        )
    # Not under pytest's private temp dir: nginx's workers run as `nobody` when started as root
    directory = Path(tempfile.mkdtemp(prefix="polku-nginx-"))
    directory.chmod(0o755)
    cert, key = self_signed_certificate(directory)
    http_port = free_port()
    site = render_template(
        {
            "POLKU_APP1": f"127.0.0.1:{replicas['app1'].port}",
            "POLKU_APP2": f"127.0.0.1:{replicas['app2'].port}",
            "POLKU_HTTP_PORT": str(http_port),
            "POLKU_HTTPS_PORT": str(port),
            "POLKU_TLS_CERT": str(cert),
            "POLKU_TLS_KEY": str(key),
            "POLKU_ACCESS_LOG": str(directory / "access.log"),
        }
    )
    (directory / "polku.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # What the nginx image's own nginx.conf does around conf.d/*.conf, in this directory
    config = directory / "nginx.conf"
    config.write_text(
        "worker_processes 1;\n"
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} notice;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    access_log off;\n"
        f"{temp_paths}\n"
        f"    include {directory / 'polku.conf'};\n"
        "}\n"
    )
    command = [
        str(NGINX),
        "-c",
        str(config),
        "-p",
        str(directory),
        "-e",
        str(directory / "error.log"),
    ]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        pytest.fail(f"nginx -t refuses the config:\n{checked.stderr}", pytrace=False)
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    proxy = Proxy(port, http_port, directory, ssl.create_default_context(cafile=str(cert)), process)
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"nginx exited with {process.returncode}:\n{proxy.log('error.log')}")
        try:
            if proxy.request("/_stcore/health", "app1")[0] == 200:
                return proxy
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            proxy.stop()
            pytest.fail(f"nginx did not answer on {proxy.url}:\n{proxy.log('error.log')}")
        time.sleep(0.2)


@dataclass
class Deployment:
    proxy: Proxy
    replicas: dict[str, AppServer]


@pytest.fixture(scope="module")
def deployment(
    app_factory: Callable[..., AppServer], replicas_database: str, oidc_provider: Provider
) -> Iterator[Deployment]:
    """Two replicas with one secrets file's contents (one cookie secret; the redirect goes to
    the proxy's address), and nginx in front of them."""
    proxy_port = free_port()
    # One secrets file's text for every replica: the same cookie secret and client
    shared = auth_secrets(proxy_port, oidc_provider, base_url=f"https://localhost:{proxy_port}")
    replicas = {
        name: app_factory(replicas_database, port=free_port(), secrets_toml=shared)
        for name in REPLICAS
    }
    proxy = start_nginx(replicas, proxy_port)
    try:
        yield Deployment(proxy, replicas)
    finally:
        proxy.stop()
        shutil.rmtree(proxy.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def app1(deployment: Deployment) -> AppServer:
    return deployment.replicas["app1"]  # a failed test reports each replica's log


@pytest.fixture(scope="module")
def app2(deployment: Deployment) -> AppServer:
    return deployment.replicas["app2"]


def upstreams(proxy: Proxy) -> list[tuple[str, str, str, str]]:
    """(request line, status, replica, upstream port) of each proxied request in the log."""
    pattern = re.compile(r'"([^"]*)" (\d{3}) \d+ replica=(\S+) upstream=127\.0\.0\.1:(\d+) ')
    return [m.groups() for m in pattern.finditer(proxy.log("access.log"))]  # type: ignore[misc]


def test_the_proxy_routes_by_its_cookie_and_passes_health_checks_through(
    deployment: Deployment, app1: AppServer, app2: AppServer
) -> None:
    proxy = deployment.proxy
    ports = {name: str(server.port) for name, server in deployment.replicas.items()}
    for name in REPLICAS:
        status, headers, body = proxy.request("/_stcore/health", name)
        assert (status, body) == (200, b"ok")
        assert headers["Set-Cookie"].startswith(f"{COOKIE}={name};")
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")
    health = [row for row in upstreams(proxy) if "/_stcore/health" in row[0]]
    assert {replica for _, _, replica, _ in health} == set(REPLICAS)
    assert all(port == ports[replica] for _, _, replica, port in health), health

    # A new visitor (or an unknown name) gets a replica, and new visitors get both of them
    given = set()
    for cookie in [None, "app9"] * 15:
        status, headers, _ = proxy.request("/_stcore/health", cookie)
        assert status == 200
        given.add(re.match(rf"{COOKIE}=(\w+);", headers["Set-Cookie"]).group(1))  # type: ignore[union-attr]
    assert given == set(REPLICAS)

    # Plain HTTP only redirects to HTTPS
    status, headers, _ = proxy.request("/vaihelistat?kunta=Joensuu", https=False)
    assert status == 301
    assert headers["Location"] == "https://localhost/vaihelistat?kunta=Joensuu"


def browser_on(browser: Browser, proxy: Proxy, replica: str) -> BrowserContext:
    """A fresh browser profile whose proxy cookie already names `replica`."""
    context = browser.new_context(
        locale="fi-FI", viewport={"width": 1280, "height": 900}, ignore_https_errors=True
    )
    context.set_default_timeout(APP_TIMEOUT)
    context.route(_NOT_LOCALHOST, lambda route: route.abort())
    context.add_cookies([{"name": COOKIE, "value": replica, "url": proxy.url}])
    return context


def open_joensuu_checklist(page: Page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Vaihelistat").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Vaihelistat", level=1)).to_be_visible()
    pick_municipality(page, "Joensuu")
    first_status(page)


def first_status(page: Page):  # noqa: ANN201 (a Locator)
    """The status cell of Joensuu's first checklist item in the editor's table."""
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.get_by_test_id("glide-cell-0-0")).to_have_text(FIRST_ITEM)
    return grid.get_by_test_id("glide-cell-2-0")


def test_a_checklist_saved_through_one_replica_shows_and_downloads_through_the_other(
    browser: Browser,
    deployment: Deployment,
    oidc_provider: Provider,
    app1: AppServer,
    app2: AppServer,
) -> None:
    proxy = deployment.proxy
    oidc_provider.set_user("entra-oid-replicas", email=ADMIN_EMAIL, name="Pää Käyttäjä")
    contexts = [browser_on(browser, proxy, name) for name in REPLICAS]
    try:
        one, other = (context.new_page() for context in contexts)
        # Each browser signs in through the proxy on its own replica
        for page in (one, other):
            page.goto(proxy.url)
            wait_for_app(page, timeout=STARTUP_TIMEOUT * 1000)
            sign_in(page, proxy, oidc_provider, "entra-oid-replicas")  # type: ignore[arg-type]
            expect(page.get_by_role("heading", name="Yleiskatsaus", level=1)).to_be_visible()

        # The other replica shows Joensuu's first item not done yet ...
        open_joensuu_checklist(other)
        expect(first_status(other)).not_to_have_text(DONE)

        # ... the first one marks it done and saves it to the shared database ...
        open_joensuu_checklist(one)
        grid = one.get_by_test_id("stDataFrame").first
        set_status(one, grid, 0, DONE)
        one.get_by_role("button", name="Tallenna muutokset").click()
        wait_for_app(one)
        expect(one.get_by_text("Tallennettu 1 tehtävän muutokset.")).to_be_visible(
            timeout=APP_TIMEOUT
        )

        # ... and the other replica shows it after a reload
        expect(other).to_have_url(re.compile(r"kunta=Joensuu"))
        other.reload()
        wait_for_app(other)
        expect(first_status(other)).to_have_text(DONE)

        # A file made by the other replica, downloaded through the proxy
        with other.expect_download() as download_info:
            other.get_by_role("button", name="Lataa Excel ohjausryhmälle").click()
        download = download_info.value
        assert download.url.startswith(f"{proxy.url}/"), download.url
        assert download.suggested_filename.endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
        rows = [[str(v) for v in row if v is not None] for row in book.worksheets[0].values]
        item_rows = [row for row in rows if FIRST_ITEM in row]
        assert item_rows and DONE in item_rows[0], rows

        # Every request went to the replica its cookie named: both served a session
        ports = {name: str(server.port) for name, server in deployment.replicas.items()}
        logged = upstreams(proxy)
        assert all(port == ports[replica] for _, _, replica, port in logged)
        streams = {replica for line, status, replica, _ in logged if "/_stcore/stream" in line}
        assert streams == set(REPLICAS)
        media = [row for row in logged if download.url.removeprefix(proxy.url) in row[0]]
        assert media and all(replica == "app2" for _, _, replica, _ in media), media

        # One cookie secret: a sign-in made on one replica is valid on the other
        contexts[0].add_cookies([{"name": COOKIE, "value": "app2", "url": proxy.url}])
        one.reload()
        wait_for_app(one)
        expect(first_status(one)).to_have_text(DONE)
        expect(one.get_by_role("button", name="Kirjaudu sisään")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()
