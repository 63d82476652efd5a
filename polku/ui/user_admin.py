"""The Käyttäjät page's writes: each save or removal is one transaction through polku.users,
and a refusal comes back as the text to show (it may quote what was typed: plain text)."""

from __future__ import annotations

from sqlalchemy import Engine

from models import ROLES
from polku import db, users
from polku.access import Actor
from polku.ui.state import lang
from polku.ui.text import plain

__all__ = ["ROLES", "remove", "save"]


def save(engine: Engine, viewer: Actor, user: users.UserInput) -> str | None:
    """Add or change the user; None when saved, else why not."""
    try:
        with db.session_scope(engine) as session:
            users.save_user(session, viewer, user)
    except users.UserError as problem:
        return plain(problem.text(lang()))
    return None


def remove(engine: Engine, viewer: Actor, email: str) -> str | None:
    """Remove the user; None when removed, else why not."""
    try:
        with db.session_scope(engine) as session:
            users.remove_user(session, viewer, email)
    except users.UserError as problem:
        return plain(problem.text(lang()))
    return None
