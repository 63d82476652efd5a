"""The container recipe and the compose file agree with the project and with each other.

Docker is not needed: these read Dockerfile, compose.yaml, deploy/ and the Makefile as text
(and YAML). What nginx does with the template is proven by tests/e2e/test_replicas_e2e.py.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"
APP_PORT = "8501"


def instructions(name: str) -> list[str]:
    """The arguments of every `name` instruction of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    return [
        m.group(1).strip() for m in re.finditer(rf"(?m)^{name}\s+(.*)$", text, flags=re.IGNORECASE)
    ]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the app (the image's `serve`)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build") == "." and service.get("command") == ["serve"]
    }


def test_the_image_installs_the_locked_dependencies_with_the_makefiles_uv() -> None:
    makefile_uv = re.search(r"(?m)^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text())
    assert makefile_uv
    assert f"UV_VERSION={makefile_uv.group(1)}" in instructions("ARG")
    runs = instructions("RUN")
    assert any('"uv==${UV_VERSION}"' in run for run in runs)
    syncs = [run for run in runs if "uv sync" in run]
    assert syncs and all("--frozen" in run and "--no-dev" in run for run in syncs), syncs
    copied = " ".join(instructions("COPY"))
    assert "uv.lock" in copied
    # The image's Python is one the project supports
    image = instructions("FROM")[-1]
    version = re.match(r"python:(\d+)\.(\d+)-", image)
    assert version, image
    needs = re.search(r'requires-python = ">=(\d+)\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert needs
    assert tuple(map(int, version.groups())) >= tuple(map(int, needs.groups()))


def test_the_image_runs_as_a_user_and_holds_no_secrets() -> None:
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0"), users
    text = DOCKERFILE.read_text()
    assert text.rfind("USER ") > max(text.rfind("\nRUN "), text.rfind("\nCOPY "))
    assert "secrets.toml" not in " ".join(instructions("COPY"))
    assert not any("PASSWORD" in env or "SECRET" in env for env in instructions("ENV"))
    ignored = (ROOT / ".dockerignore").read_text().split()
    for secret in (".env", ".streamlit/secrets.toml", "deploy/secrets.toml", "deploy/tls"):
        assert secret in ignored
    assert ".venv" in ignored and "data/*.db" in ignored


def test_the_health_check_and_the_entrypoint_serve_the_app_on_one_port() -> None:
    (health,) = instructions("HEALTHCHECK")
    assert f"http://127.0.0.1:{APP_PORT}/_stcore/health" in health
    assert instructions("EXPOSE") == [APP_PORT]
    assert instructions("ENTRYPOINT") == ['["/app/deploy/entrypoint.sh"]']
    assert instructions("CMD") == ['["serve"]']
    assert os.access(ENTRYPOINT, os.X_OK)
    script = ENTRYPOINT.read_text()
    serve = re.search(r"exec streamlit run (\S+)(.*?)\"\$@\"", script, flags=re.DOTALL)
    assert serve and (ROOT / serve.group(1)).is_file()
    options = shlex.split(serve.group(2).replace("\\\n", " "))
    assert options[options.index("--server.port") + 1] == APP_PORT
    assert 'exec python -m polku "$@"' in script


def test_compose_runs_init_before_two_or_more_replicas_behind_the_proxy(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["init"]["command"] == ["init"]
    assert services["init"]["depends_on"]["db"]["condition"] == "service_healthy"
    apps = app_services(compose)
    assert len(apps) >= 2, sorted(services)
    urls = set()
    for service in apps.values():
        assert service["depends_on"]["init"]["condition"] == "service_completed_successfully"
        assert "./deploy/secrets.toml:/app/.streamlit/secrets.toml:ro" in service["volumes"]
        urls.add(service["environment"]["DATABASE_URL"])
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql://")
    assert services["init"]["environment"]["DATABASE_URL"] in urls

    db = services["db"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    # The image's pg_dump is of the server's major version (backups)
    major = re.fullmatch(r"postgres:(\d+)", db["image"])
    assert major and f"postgresql-client-{major.group(1)}" in " ".join(instructions("RUN"))


def test_the_proxy_knows_every_replica_and_nothing_else(compose: dict[str, Any]) -> None:
    proxy = compose["services"]["proxy"]
    template = TEMPLATE.read_text()
    assert (
        "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro"
        in proxy["volumes"]
    )
    # Every placeholder of the template is set, and every setting is a placeholder
    placeholders = set(re.findall(r"\$\{(POLKU_[A-Z0-9_]+)\}", template))
    assert placeholders == set(proxy["environment"])
    replicas = {
        key.removeprefix("POLKU_").lower(): value
        for key, value in proxy["environment"].items()
        if re.fullmatch(r"POLKU_APP\d+", key)
    }
    apps = app_services(compose)
    assert set(replicas.values()) == {f"{name}:{APP_PORT}" for name in apps}
    assert set(proxy["depends_on"]) == set(apps)
    # One upstream per replica, and the cookie's map names each of them
    assert set(re.findall(r"upstream polku_(\w+) \{", template)) == set(replicas)
    cookie_map = re.search(r"map \$cookie_polku_replica \$polku_replica \{(.*?)\}", template, re.S)
    assert cookie_map
    assert set(re.findall(r"(?m)^\s*(app\d+)\s+\1;", cookie_map.group(1))) == set(replicas)
    split = re.search(r"split_clients .*? \$polku_new_replica \{(.*?)\}", template, re.S)
    assert split and set(re.findall(r"\b(app\d+);", split.group(1))) == set(replicas)


def test_the_proxy_template_carries_streamlits_websocket_over_https() -> None:
    template = TEMPLATE.read_text()
    for line in (
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $polku_connection;",
        "proxy_set_header Host $http_host;",
        "proxy_buffering off;",
        "proxy_pass http://polku_$polku_replica;",
    ):
        assert line in template, line
    timeout = re.search(r"proxy_read_timeout (\d+)([smhd]);", template)
    assert timeout and timeout.group(2) in "hd", "a websocket must outlive nginx's 60 s default"
    assert re.search(r"listen \$\{POLKU_HTTPS_PORT\} ssl", template)
    cookie = re.search(r'add_header Set-Cookie "polku_replica=\$polku_replica;([^"]*)"', template)
    assert cookie and {"Secure", "HttpOnly"} <= {p.strip() for p in cookie.group(1).split(";")}
