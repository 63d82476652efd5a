"""The weekly digest: an e-mail to each user who opted in (User.weekly_digest) with the counts
of their work queue (polku/work_queue.py), its first items and a link to the app.

Privacy: a mail holds no client codes or other client-level data. It is built only from
work_queue.summaries, which counts the client kinds (bonus follow-ups, clients without a status
change) per municipality and never names a client. There is no language per user, so every
mail is Finnish with the same text in English below it (the interface's two languages).

SMTP settings come from the environment (polku/config.py: POLKU_SMTP_HOST, _PORT, _STARTTLS,
_USER, _PASSWORD, _SENDER; POLKU_APP_URL for the link). `python -m polku digest` runs it.
"""

from __future__ import annotations

import html
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from models import User, UserMunicipality
from polku import i18n, metrics, project, work_queue
from polku.access import ADMIN, COORDINATOR, Actor
from polku.config import Settings, get_settings
from polku.users import UserError

TOP_ITEMS = 10
LANGUAGES = ("fi", "en")  # each mail: Finnish first, English below
QUEUE_ROLES = (ADMIN, COORDINATOR)  # the roles that have a work queue


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    counts: dict[str, tuple[int, int]]  # per kind: (items, overdue)

    def message(self, sender: str) -> EmailMessage:
        """A multipart/alternative message: plain text, and the same as HTML."""
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = self.to
        msg["Subject"] = self.subject
        msg.set_content(self.text)
        msg.add_alternative(self.html, subtype="html")
        return msg


@dataclass
class Outcome:
    """What a run made: the mails (sent unless a dry run), and the users skipped (e-mails)."""

    mails: list[Mail] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, role)
    sent: bool = False


def recipients(engine: Engine, to: str | None = None) -> list[Actor]:
    """The active users who opted in (or only the active user `to`, opted in or not), as
    actors with their municipalities; UserError when `to` is no active user."""
    with Session(engine) as session:
        query = select(User).where(col(User.active))
        if to is None:
            query = query.where(col(User.weekly_digest))
        else:
            query = query.where(func.lower(User.email) == to.strip().lower())
        users = session.exec(query.order_by(col(User.email))).all()
        links = session.exec(select(UserMunicipality)).all()
    if to is not None and not users:
        raise UserError("digest.error.unknown", value=to)
    codes: dict[int, set[str]] = {}
    for link in links:
        codes.setdefault(link.user_id, set()).add(link.municipality_code)
    return [Actor(u.email, u.role, frozenset(codes.get(u.id or 0, set())), u.name) for u in users]


def _place(actor: Actor, names: dict[str, str], lang: str) -> str:
    if actor.role == ADMIN:
        return i18n.t("tasks.scope.all", lang)
    return ", ".join(sorted(names.get(c, c) for c in actor.municipalities))


def compose(
    engine: Engine,
    actor: Actor,
    as_of: date,
    app_url: str,
    rules: project.WorkQueueRules,
    names: dict[str, str],
) -> Mail:
    """The digest of one user (admin or coordinator): counts per kind and the first items."""
    items = work_queue.work_queue(engine, actor, as_of, rules=rules)
    counts = work_queue.counts(items)
    lines = work_queue.summaries(items, rules.stale_client_months)[:TOP_ITEMS]
    link = f"{app_url.rstrip('/')}/{work_queue.TASKS_PAGE}"
    total = sum(n for n, _ in counts.values())
    late = sum(o for _, o in counts.values())

    def subject(lang: str) -> str:
        return i18n.t(
            "digest.subject",
            lang,
            date=i18n.fmt_date(as_of, lang),
            count=i18n.fmt_int(total, lang),
            overdue=i18n.fmt_int(late, lang),
        )

    def where(code: str | None, lang: str) -> str:
        return names.get(code, code) if code else i18n.t("app.region", lang)

    def line(s: work_queue.Summary, lang: str) -> str:
        deadline = s.deadline(lang)
        flag = i18n.t("tasks.flag.overdue", lang, deadline=deadline) if s.overdue else deadline
        return " · ".join(p for p in (flag, where(s.municipality, lang), s.label(lang)) if p)

    def count_line(kind: str, lang: str) -> str:
        n, overdue = counts[kind]
        return i18n.t(
            "digest.count_line",
            lang,
            kind=i18n.t(f"tasks.kind.{kind}", lang),
            count=i18n.fmt_int(n, lang),
            overdue=i18n.fmt_int(overdue, lang),
        )

    def text_part(lang: str) -> str:
        out = [
            i18n.t("digest.greeting", lang, name=actor.name or actor.email),
            "",
            i18n.t(
                "digest.intro",
                lang,
                date=i18n.fmt_date(as_of, lang),
                place=_place(actor, names, lang),
            ),
            *(f"- {count_line(kind, lang)}" for kind in work_queue.KINDS),
            "",
        ]
        if lines:
            out += [i18n.t("digest.top", lang), *(f"- {line(s, lang)}" for s in lines), ""]
        else:
            out += [i18n.t("digest.empty", lang), ""]
        out += [i18n.t("digest.open", lang, url=link), "", i18n.t("digest.footer", lang)]
        return "\n".join(out)

    def html_part(lang: str) -> str:
        e = html.escape
        intro = i18n.t(
            "digest.intro", lang, date=i18n.fmt_date(as_of, lang), place=_place(actor, names, lang)
        )
        parts = [
            f'<section lang="{lang}">',
            f"<p>{e(i18n.t('digest.greeting', lang, name=actor.name or actor.email))}</p>",
            f"<p>{e(intro)}</p>",
            "<ul>",
            *(f"<li>{e(count_line(kind, lang))}</li>" for kind in work_queue.KINDS),
            "</ul>",
        ]
        if lines:
            parts += [f"<p><strong>{e(i18n.t('digest.top', lang))}</strong></p>", "<ul>"]
            parts += [f"<li>{e(line(s, lang))}</li>" for s in lines]
            parts.append("</ul>")
        else:
            parts.append(f"<p>{e(i18n.t('digest.empty', lang))}</p>")
        parts += [
            f'<p><a href="{e(link, quote=True)}">{e(i18n.t("digest.link", lang))}</a></p>',
            f"<p><small>{e(i18n.t('digest.footer', lang))}</small></p>",
            "</section>",
        ]
        return "\n".join(parts)

    rule = "\n\n" + "-" * 40 + "\n\n"
    return Mail(
        to=actor.email,
        subject=" / ".join(subject(lang) for lang in LANGUAGES),
        text=rule.join(text_part(lang) for lang in LANGUAGES),
        html="<!DOCTYPE html>\n<html><body>\n"
        + "\n<hr>\n".join(html_part(lang) for lang in LANGUAGES)
        + "\n</body></html>\n",
        counts=counts,
    )


def build(
    engine: Engine, as_of: date | None = None, to: str | None = None, app_url: str | None = None
) -> Outcome:
    """Every digest of this run, not sent: one per recipient with a work queue."""
    as_of = as_of or metrics.today()
    app_url = app_url or get_settings().app_url
    rules = project.work_queue_rules()
    frame = metrics.municipalities(engine)
    names = {str(c): str(n) for c, n in zip(frame["code"], frame["name"], strict=True)}
    outcome = Outcome()
    for actor in recipients(engine, to):
        if actor.role not in QUEUE_ROLES:
            outcome.skipped.append((actor.email, actor.role))
            continue
        outcome.mails.append(compose(engine, actor, as_of, app_url, rules, names))
    return outcome


def send(mails: Sequence[Mail], settings: Settings | None = None) -> None:
    """Send the mails over one SMTP connection (STARTTLS and sign-in as configured)."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        raise UserError("digest.error.smtp_host")
    if not mails:
        return
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            for mail in mails:
                smtp.send_message(mail.message(settings.smtp_sender))
    except (OSError, smtplib.SMTPException) as failure:
        raise UserError("digest.error.smtp", reason=str(failure).splitlines()[0]) from failure


def run(
    engine: Engine, *, as_of: date | None = None, to: str | None = None, dry_run: bool = False
) -> Outcome:
    """Build every digest and send it (a dry run sends nothing)."""
    outcome = build(engine, as_of, to)
    if not dry_run:
        send(outcome.mails)
        outcome.sent = True
    return outcome
