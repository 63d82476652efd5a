"""`python -m polku ...`: the command line of Polku.

    python -m polku init [--sample] [--scale N] [--seed S]

Errors are one line on stderr and a non-zero exit; personal data are never printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from models import ROLES
from polku import db, i18n, users
from polku.config import get_settings
from polku.project import ProjectFileError, load_project

EXIT_USAGE = 2
EXIT_FAILURE = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 100: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--database-url", help="overrides DATABASE_URL")
    parser = _Parser(prog="python -m polku", description="Polku command line")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    init = sub.add_parser(
        "init", parents=[common], help="create or migrate the database, load the project plan"
    )
    init.add_argument("--sample", action="store_true", help="also load synthetic sample data")
    init.add_argument(
        "--scale", type=_positive_number, default=1.0, help="sample size; 1 = today's project"
    )
    init.add_argument("--seed", type=int, default=2026, help="random seed of the sample")
    init.set_defaults(handler=cmd_init)

    user = sub.add_parser("user", help="manage the users who may sign in")
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = user_sub.add_parser("add", parents=[common], help="add a user or change one")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--municipality",
        action="append",
        default=[],
        metavar="CODE",
        help="municipality code, e.g. 167; repeat for several",
    )
    add.add_argument("--name", default="", help="display name (default: the e-mail)")
    add.set_defaults(handler=cmd_user_add)
    remove = user_sub.add_parser("remove", parents=[common], help="remove a user")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_user_remove)
    listing = user_sub.add_parser("list", parents=[common], help="list the users")
    listing.set_defaults(handler=cmd_user_list)
    return parser


def cmd_init(args: argparse.Namespace) -> int:
    engine = db.make_engine(args.database_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        report = load_project(session)
    if report.unchanged:
        print("Projektin määrittely on ajan tasalla. / The project definition is up to date.")
    else:
        added = sum(report.added.values())
        changed = sum(report.changed.values())
        print(f"Projektin määrittely ladattu: {added} lisätty, {changed} muutettu.")
    if args.sample:
        from polku import sample

        with db.session_scope(engine) as session:
            result = sample.load_sample(session, scale=args.scale, seed=args.seed)
        print(result.summary())
    engine.dispose()
    return 0


def _engine(args: argparse.Namespace):
    engine = db.make_engine(args.database_url)
    db.upgrade(engine)
    return engine


def cmd_user_add(args: argparse.Namespace) -> int:
    engine = _engine(args)
    data = users.UserInput(args.email, args.name, args.role, tuple(args.municipality))
    with db.session_scope(engine) as session:
        user = users.save_user(session, users.SYSTEM, data)
        print(f"{user.email}: {user.role}")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    with db.session_scope(_engine(args)) as session:
        users.remove_user(session, users.SYSTEM, args.email)
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    frame = users.list_users(_engine(args), users.SYSTEM)
    print(frame.to_string(index=False) if len(frame) else "-")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except users.UserError as exc:
        print(f"polku: {i18n.t(exc.key, get_settings().language, **exc.params)}", file=sys.stderr)
    except (db.DatabaseError, ProjectFileError) as exc:
        print(f"polku: {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        # The driver's message names the constraint; the statement's parameters are not printed
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(f"polku: database error: {reason}".splitlines()[0], file=sys.stderr)
    return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
