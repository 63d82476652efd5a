"""Failures before the app can show a page end in the not-ready page, never in Streamlit's own
listing of app_pages/ (which would run every page file) and never in a traceback; a SQLite file
deleted under the running app is noticed instead of saves going into the unlinked file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from polku import audit, db, i18n
from tests.test_app import ADMIN_EMAIL, _use_database, add_user, signed_in_app

PAGE_TITLES = {i18n.t(key, "fi") for key in ("page.overview", "page.checklists", "page.users")}


def _not_ready(at: AppTest) -> str:
    """The not-ready page's error; fails when anything else (a page, a traceback) was drawn."""
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [i18n.t("db.not_ready.title", "fi")]
    assert not PAGE_TITLES & {t.value for t in at.title}
    return at.error[0].value


@pytest.mark.parametrize(
    "url",
    ["not a url", "sqlite+nosuchdriver:///x.db", "postgresql://u@h:notaport/db"],
    ids=["words", "driver", "port"],
)
def test_a_malformed_database_url_gives_the_not_ready_page(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_database(monkeypatch, url)
    assert _not_ready(signed_in_app().run()) == i18n.t("db.bad_url", "fi")


def test_a_read_only_database_gives_the_not_ready_page(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_user(db_url, ADMIN_EMAIL, "admin")
    engine = db.make_engine(db_url)
    if engine.dialect.name == "sqlite":
        path = Path(make_url(db_url).database or "")
        with engine.connect() as conn:  # fold the WAL in: a read-only file has none
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        # root ignores file modes: the query-string flag makes SQLite itself refuse writes
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
        os.chmod(path, stat.S_IRUSR)
    else:
        with engine.begin() as conn:
            name = make_url(db_url).database
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        engine.dispose()
        url = db_url
    _use_database(monkeypatch, url)
    # the sign-in is the first write: it is refused by the database
    assert _not_ready(signed_in_app().run()) == i18n.t("db.read_only", "fi")


def test_an_over_long_e_mail_is_refused_access_not_a_crash(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_database(monkeypatch, db_url)
    email = "x" * 300 + "@example.fi"
    at = signed_in_app(email).run()
    assert not at.exception
    assert at.title[0].value == i18n.t("auth.no_access.title", "fi")
    rows = audit.recent(db.make_engine(db_url))
    assert list(rows["action"]) == ["sign_in_refused"]
    assert email.startswith(rows["user_email"][0])


def test_an_unexpected_failure_before_navigation_gives_the_not_ready_page(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_database(monkeypatch, db_url)
    add_user(db_url, ADMIN_EMAIL, "admin")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("anything")

    monkeypatch.setattr(audit, "record", broken)
    assert _not_ready(signed_in_app().run()) == i18n.t("db.failed", "fi")


def _sqlite_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def test_a_deleted_sqlite_file_is_noticed_not_written_to(
    sqlite_backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_backend.prepared()
    add_user(url, ADMIN_EMAIL, "admin")
    _use_database(monkeypatch, url)
    at = signed_in_app().run()
    assert at.title[0].value == i18n.t("page.overview", "fi")
    for file in _sqlite_files(Path(make_url(url).database or "")):
        file.unlink()
    # the next interaction: the app's pooled connections still hold the unlinked file
    at.run()
    assert _not_ready(at) == i18n.t("db.vanished", "fi")
    assert not Path(make_url(url).database or "").exists()


def test_a_replaced_sqlite_file_is_refused_until_the_app_restarts(sqlite_backend) -> None:
    url = sqlite_backend.prepared()
    path = Path(make_url(url).database or "")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action) VALUES ('old file')"))
    replacement = sqlite_backend.prepared()  # e.g. a backup copied into place
    os.replace(make_url(replacement).database or "", path)
    with pytest.raises(db.DatabaseVanished), engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (action) VALUES ('lost')"))
    with pytest.raises(db.DatabaseVanished), engine.connect() as conn:  # reads too
        conn.execute(text("SELECT action FROM audit_log"))
    engine.dispose()
