"""The weekly digest (`python -m polku digest`) through a real SMTP server started here
(aiosmtpd) on real databases: who gets a mail, each mail's scope and parts, no client code
anywhere in it, --dry-run sends nothing, --to sends one."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, insert, select, update
from sqlmodel import Session
from sqlmodel import select as sql_select

from models import User, metadata
from polku import cli, i18n
from polku.config import get_settings
from tests.test_app import add_user

AS_OF = date(2027, 6, 15)
JOENSUU, LIEKSA = "167", "422"
K_JOENSUU, K_LIEKSA = "k.joensuu@example.fi", "k.lieksa@example.fi"
ADMIN, GONE, DIRECTOR = "admin@example.fi", "gone@example.fi", "director@example.fi"

_client = metadata.tables["client"]
_item = metadata.tables["checklist_item"]


class _Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802  (aiosmtpd's name)
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {
        "POLKU_SMTP_HOST": "127.0.0.1",
        "POLKU_SMTP_PORT": str(port),
        "POLKU_SMTP_STARTTLS": "false",
        "POLKU_SMTP_SENDER": "polku@example.fi",
        "POLKU_APP_URL": "https://polku.example.fi",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield handler
    controller.stop()
    get_settings.cache_clear()


def _digest(url: str, *args: str) -> int:
    return cli.main(["digest", "--database-url", url, "--as-of", AS_OF.isoformat(), *args])


def _opt_in(url: str, *emails: str) -> None:
    with Session(engine := _engine(url)) as s:
        for e in emails:
            user = s.exec(sql_select(User).where(User.email == e)).one()
            user.weekly_digest = True
            s.add(user)
        s.commit()
    engine.dispose()


def _engine(url: str) -> Engine:
    from polku import db

    return db.make_engine(url)


@pytest.fixture
def people(db_url: str) -> str:
    """Coordinators of Joensuu and Lieksa (opted in), an admin (not), an inactive coordinator
    and a director (opted in); Joensuu has 2 stale clients and Lieksa 3, each an overdue item."""
    add_user(db_url, K_JOENSUU, "coordinator", JOENSUU)
    add_user(db_url, K_LIEKSA, "coordinator", LIEKSA)
    add_user(db_url, ADMIN, "admin")
    add_user(db_url, GONE, "coordinator", JOENSUU)
    add_user(db_url, DIRECTOR, "director", JOENSUU)
    _opt_in(db_url, K_JOENSUU, K_LIEKSA, GONE, DIRECTOR)
    engine = _engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            update(metadata.tables["app_user"])
            .where(metadata.tables["app_user"].c.email == GONE)
            .values(active=False)
        )
        entry = AS_OF - timedelta(days=300)
        rows = [("JNS", JOENSUU, 2), ("LKS", LIEKSA, 3)]
        for prefix, code, n in rows:
            conn.execute(
                insert(_client),
                [
                    {
                        "code": f"{prefix}-{i:03d}",
                        "municipality_code": code,
                        "birth_year": 1985,
                        "entry_date": entry,
                    }
                    for i in range(n)
                ],
            )
            first = conn.execute(
                select(_item.c.id).where(_item.c.municipality_code == code).order_by(_item.c.id)
            ).scalar()
            conn.execute(
                update(_item)
                .where(_item.c.id == first)
                .values(due_date=AS_OF - timedelta(days=5), status="in_progress")
            )
    engine.dispose()
    return db_url


def _parts(raw: bytes) -> tuple[EmailMessage, str, str]:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",))
    page = message.get_body(("html",))
    assert text is not None and page is not None
    return message, text.get_content(), page.get_content()


def _client_codes(url: str) -> list[str]:
    engine = _engine(url)
    with engine.connect() as conn:
        codes = list(conn.execute(select(_client.c.code)).scalars())
    engine.dispose()
    return codes


def _stale(count: int, lang: str) -> str:
    return i18n.t("tasks.summary.stale_client", lang, count=str(count), months="6")


def test_the_digest_goes_to_the_opted_in_active_users_with_their_own_scope(
    people: str, inbox: _Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _digest(people) == 0
    by_recipient = {tuple(rcpt): raw for rcpt, raw in inbox.received}
    assert set(by_recipient) == {(K_JOENSUU,), (K_LIEKSA,)}
    codes = _client_codes(people)
    assert len(codes) == 5
    for (recipient,), raw in by_recipient.items():
        message, text, page = _parts(raw)
        assert message["To"] == recipient and message["From"] == "polku@example.fi"
        assert "Polku" in message["Subject"]
        whole = raw.decode("utf-8", "replace") + text + page
        assert not [code for code in codes if code in whole]
        assert (
            "https://polku.example.fi/tehtavat" in text
            and "https://polku.example.fi/tehtavat" in page
        )
        mine, other = (2, 3) if recipient == K_JOENSUU else (3, 2)
        for body in (text, page):
            assert _stale(mine, "fi") in body and _stale(mine, "en") in body
            assert _stale(other, "fi") not in body
        assert ("Lieksa" in text) == (recipient == K_LIEKSA)
        assert ("Joensuu" in text) == (recipient == K_JOENSUU)
    out = capsys.readouterr().out
    assert i18n.t("digest.sent", "fi", count="2") in out
    assert DIRECTOR in out  # skipped: no work queue


def test_a_dry_run_sends_nothing_and_says_what_it_would(
    people: str, inbox: _Inbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _digest(people, "--dry-run") == 0
    assert inbox.received == []
    out = capsys.readouterr().out
    assert K_JOENSUU in out and K_LIEKSA in out and GONE not in out
    assert i18n.t("digest.dry_run", "fi", count="2") in out
    assert not [code for code in _client_codes(people) if code in out]


def test_to_sends_one_mail_to_the_named_user(people: str, inbox: _Inbox) -> None:
    assert _digest(people, "--to", ADMIN) == 0
    assert [rcpt for rcpt, _ in inbox.received] == [[ADMIN]]
    _, text, _ = _parts(inbox.received[0][1])
    # The admin's scope: both municipalities' stale clients
    assert _stale(2, "fi") in text and _stale(3, "fi") in text
    assert _digest(people, "--to", GONE) == 1  # inactive: refused
    assert len(inbox.received) == 1


def test_user_add_sets_the_opt_in(people: str) -> None:
    assert (
        cli.main(["user", "add", ADMIN, "--role", "admin", "--digest", "--database-url", people])
        == 0
    )
    assert (
        cli.main(
            [
                "user",
                "add",
                K_JOENSUU,
                "--role",
                "coordinator",
                "--municipality",
                JOENSUU,
                "--no-digest",
                "--database-url",
                people,
            ]
        )
        == 0
    )
    assert (
        cli.main(
            [
                "user",
                "add",
                K_LIEKSA,
                "--role",
                "coordinator",
                "--municipality",
                LIEKSA,
                "--database-url",
                people,
            ]
        )
        == 0
    )
    engine = _engine(people)
    with Session(engine) as s:
        opted = {u.email: u.weekly_digest for u in s.exec(sql_select(User))}
    engine.dispose()
    assert opted[ADMIN] is True and opted[K_JOENSUU] is False and opted[K_LIEKSA] is True
