"""`python -m polku ...`: the command line of Polku.

    python -m polku init [--sample] [--scale N] [--seed S]

Errors are one line on stderr and a non-zero exit; personal data are never printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from polku import db
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (db.DatabaseError, ProjectFileError) as exc:
        print(f"polku: {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        # The driver's message names the constraint; the statement's parameters are not printed
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(f"polku: database error: {reason}".splitlines()[0], file=sys.stderr)
    return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
