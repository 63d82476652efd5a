"""`python -m polku ...`: the command line of Polku.

    python -m polku init [--sample] [--scale N] [--seed S]
    python -m polku kpis [--municipality CODE] [--as-of YYYY-MM-DD] [--target-group CODE] [--json]
    python -m polku finance [--as-of YYYY-MM-DD] [--json]
    python -m polku finance --payment-application PERIOD --out FILE.xlsx
    python -m polku user add EMAIL --role ROLE [--municipality CODE ...] | remove | list
    python -m polku import KIND FILE [--dry-run]       (KIND: clients, episodes, outcomes, ...)
    python -m polku export --format xlsx|csv|parquet [--language fi|en] DIR
    python -m polku digest [--dry-run] [--to EMAIL] [--as-of YYYY-MM-DD]
    python -m polku report followup --period CODE --out FILE.xlsx|FILE.pdf [--lang fi|en]
    python -m polku report final --out FILE.xlsx|FILE.pdf [--lang fi|en]
    python -m polku report board [--municipality CODE|all] [--as-of DAY] [--lang en] --out FILE.pdf
    python -m polku backup FILE | restore FILE
    python -m polku retention --before YYYY-MM-DD [--dry-run] [--force]

Errors are one line on stderr and a non-zero exit; personal data are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from models import FINAL_REPORT, ROLES
from polku import (
    access,
    audit,
    db,
    exports,
    i18n,
    ingest,
    metrics,
    money,
    payment_application,
    report_documents,
    reporting,
    users,
)
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


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


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
        "--scale",
        type=_positive_number,
        help="sample size in the project's planned size (1 = its client target, 10 = ten "
        "times); default: the project as it stands on the sample's day ([demo] as_of)",
    )
    init.add_argument("--seed", type=int, default=2026, help="random seed of the sample")
    init.set_defaults(handler=cmd_init)

    kpis = sub.add_parser(
        "kpis", parents=[common], help="the indicators against their targets, as on the dashboard"
    )
    kpis.add_argument("--municipality", metavar="CODE", help="a municipality code; default: region")
    kpis.add_argument("--as-of", type=_iso_date, default=None, help="YYYY-MM-DD; default: today")
    kpis.add_argument("--target-group", metavar="CODE", help="only clients of this target group")
    kpis.add_argument("--json", action="store_true", help="a JSON list, one object per indicator")
    kpis.set_defaults(handler=cmd_kpis)

    finance = sub.add_parser(
        "finance", parents=[common], help="costs, financing, budget use and forecast to a day"
    )
    finance.add_argument("--as-of", type=_iso_date, default=None, help="YYYY-MM-DD; default: today")
    finance.add_argument("--json", action="store_true", help="one JSON object")
    finance.add_argument(
        "--payment-application",
        metavar="PERIOD",
        help="write the payment application's attachment of this payment period, e.g. MK1",
    )
    finance.add_argument("--out", type=Path, help="the .xlsx file of --payment-application")
    finance.set_defaults(handler=cmd_finance)

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
    add.add_argument(
        "--digest",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the weekly digest e-mail on or off (default: a new user off, a user as is)",
    )
    add.set_defaults(handler=cmd_user_add)
    remove = user_sub.add_parser("remove", parents=[common], help="remove a user")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_user_remove)
    listing = user_sub.add_parser("list", parents=[common], help="list the users")
    listing.set_defaults(handler=cmd_user_list)

    load = sub.add_parser(
        "import", parents=[common], help="import a CSV or .xlsx file: all rows or none"
    )
    load.add_argument("kind", choices=ingest.KIND_NAMES, help="the kind of data in the file")
    load.add_argument("file", help="a .csv or .xlsx file (see data/sample/KIND.csv)")
    load.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    load.set_defaults(handler=cmd_import)

    out = sub.add_parser(
        "export", parents=[common], help="export every table (the command acts as the system)"
    )
    out.add_argument("--format", required=True, choices=exports.FORMATS)
    out.add_argument(
        "--language",
        choices=i18n.LANGUAGES,
        default=None,
        help="the names in the xlsx and csv files (default: POLKU_LANGUAGE, else fi)",
    )
    out.add_argument("directory", metavar="DIR", help="created if missing")
    out.set_defaults(handler=cmd_export)
    add_digest_command(sub, common)

    report = sub.add_parser("report", help="a report to the funder as .xlsx or .pdf")
    report_sub = report.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    followup = report_sub.add_parser(
        "followup", parents=[common], help="the follow-up report of a payment period"
    )
    followup.add_argument("--period", required=True, metavar="CODE", help="e.g. MK1")
    final = report_sub.add_parser("final", parents=[common], help="the final report")
    for command in (followup, final):
        command.add_argument(
            "--out", required=True, type=Path, help="FILE.xlsx or FILE.pdf: the format"
        )
        command.add_argument(
            "--lang",
            choices=i18n.LANGUAGES,
            default=None,
            help="the document's language (default: POLKU_LANGUAGE, else fi)",
        )
        command.set_defaults(handler=cmd_report)
    board = report_sub.add_parser(
        "board", parents=[common], help="the board pack of a municipality or the region (PDF)"
    )
    board.add_argument(
        "--municipality", metavar="CODE", help="a municipality code; omitted or 'all': the region"
    )
    board.add_argument("--as-of", type=_iso_date, default=None, help="YYYY-MM-DD; default: today")
    board.add_argument("--out", required=True, type=Path, help="FILE.pdf")
    board.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=None,
        help="the document's language (default: POLKU_LANGUAGE, else fi)",
    )
    board.set_defaults(handler=cmd_board)
    add_reliability_commands(sub, common)
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
            if args.scale is None:
                result = sample.load_sample(session, seed=args.seed)
            else:
                result = sample.load_sample(session, scale=args.scale, seed=args.seed, unit="plan")
        print(result.summary())
    engine.dispose()
    return 0


def _engine(args: argparse.Namespace):
    engine = db.make_engine(args.database_url)
    db.upgrade(engine)
    access.audit_refusals_to(audit.refusal_writer(engine))
    return engine


def cmd_kpis(args: argparse.Namespace) -> int:
    engine = _engine(args)
    known = set(metrics.municipalities(engine)["code"])
    if args.municipality is not None and args.municipality not in known:
        raise users.UserError("users.error.municipality", value=args.municipality)
    as_of = args.as_of or metrics.today()
    frame = metrics.kpis(engine, users.SYSTEM, args.municipality, as_of, args.target_group)
    records = [
        {
            "indicator": row["indicator"],
            "kind": row["kind"],
            "actual": int(row["actual"]) if row["kind"] == "count" else row["actual"],
            "target": row["target"],
            "expected": row["expected"],
            "share_of_target": row["share_of_target"],
            "ahead": bool(row["ahead"]),
            **(
                {"numerator": int(row["numerator"]), "denominator": int(row["denominator"])}
                if row["kind"] == "rate"
                else {}
            ),
        }
        for row in frame.to_dict("records")
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        print(f"{args.municipality or 'region'} {as_of.isoformat()}")
        for r in records:
            print(f"  {r['indicator']:<28} {r['actual']:>10.4g} / {r['target']:<10.4g}")
    return 0


def finance_figures(engine, actor: access.Actor, as_of: date) -> dict:
    """The main money figures of polku/money.py on `as_of`, as JSON-ready values."""
    use = money.budget_use(engine, actor, as_of)
    ahead = money.forecast(engine, actor, as_of)
    periods = money.costs_by_period(engine, actor, as_of)
    return {
        "as_of": as_of.isoformat(),
        "salary_model": money.rules(engine).salary_model,
        "budget": {
            k: getattr(use, k) for k in ("salary_budget", "flat_rate_budget", "total_budget")
        },
        "costs": {k: getattr(use, k) for k in money.AMOUNTS},
        "used_share": use.used_share,
        "planned_total": use.planned_total,
        "ahead_of_plan": use.ahead_of_plan,
        "forecast": None
        if ahead is None
        else {
            "monthly_pace": ahead.monthly_pace,
            "forecast_total": ahead.forecast_total,
            "difference": ahead.difference,
        },
        "payment_periods": [
            {**row, "start": row["start"].isoformat(), "end": row["end"].isoformat()}
            for row in periods.to_dict("records")
        ],
        "municipalities": money.municipal_financing(engine, actor, as_of)[
            ["code", "share", "amount"]
        ].to_dict("records"),
        "cost_per_result": money.cost_per_result(engine, actor, as_of).to_dict("records"),
    }


def cmd_finance(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.payment_application:
        if args.out is None:
            raise payment_application.UnknownPeriod("--payment-application needs --out FILE.xlsx")
        lang = i18n.language(get_settings().language)
        path = payment_application.write_workbook(
            engine, users.SYSTEM, args.payment_application, args.out, lang
        )
        print(path)
        return 0
    as_of = args.as_of or metrics.today()
    figures = finance_figures(engine, users.SYSTEM, as_of)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(f"{as_of.isoformat()} ({figures['salary_model']})")
        for key, value in figures["costs"].items():
            print(f"  {key:<20} {value:>14,.2f}")
        print(f"  {'planned_total':<20} {figures['planned_total']:>14,.2f}")
        print(f"  {'total_budget':<20} {figures['budget']['total_budget']:>14,.2f}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    engine = _engine(args)
    data = users.UserInput(
        args.email, args.name, args.role, tuple(args.municipality), weekly_digest=args.digest
    )
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


def cmd_import(args: argparse.Namespace) -> int:
    lang = get_settings().language
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"polku: {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    report = ingest.import_file(
        _engine(args), users.SYSTEM, args.kind, data, path.name, dry_run=args.dry_run
    )
    # One problem per line, errors and warnings alike, in the default language
    for problem in report.problems:
        line = problem.text(lang)
        if not problem.is_error:
            line = i18n.t("ingest.warning.prefix", lang, text=line)
        print(line, file=sys.stderr)
    if not report.ok:
        print(f"polku: {report.summary(lang)}", file=sys.stderr)
        return EXIT_FAILURE
    print(report.summary(lang))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    lang = args.language or i18n.language(get_settings().language)
    result = exports.export(_engine(args), users.SYSTEM, args.format, args.directory, lang=lang)
    for path in result.files:
        print(path)
    return 0


# --- python -m polku digest: the weekly digest e-mail (polku/digest.py) ------------------------


def add_digest_command(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    digest_parser = sub.add_parser(
        "digest", parents=[common], help="e-mail the weekly digest to the users who opted in"
    )
    digest_parser.add_argument(
        "--dry-run", action="store_true", help="print who would get what; send nothing"
    )
    digest_parser.add_argument(
        "--to", metavar="EMAIL", help="only this active user (opted in or not)"
    )
    digest_parser.add_argument(
        "--as-of", type=_iso_date, default=None, help="YYYY-MM-DD; default: today"
    )
    digest_parser.set_defaults(handler=cmd_digest)


def cmd_digest(args: argparse.Namespace) -> int:
    from polku import digest

    lang = i18n.language(get_settings().language)
    outcome = digest.run(_engine(args), as_of=args.as_of, to=args.to, dry_run=args.dry_run)
    for email, role in outcome.skipped:
        print(i18n.t("digest.skipped", lang, email=email, role=i18n.code_label("role", role, lang)))
    for mail in outcome.mails:
        counts = " ".join(f"{kind}={n}/{late}" for kind, (n, late) in mail.counts.items())
        print(f"{mail.to}\t{mail.subject}\t{counts}")
    count = i18n.fmt_int(len(outcome.mails), lang)
    print(i18n.t("digest.sent" if outcome.sent else "digest.dry_run", lang, count=count))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    lang = args.lang or i18n.language(get_settings().language)
    suffix = args.out.suffix.lower().lstrip(".")
    if suffix not in report_documents.FORMATS:
        message = i18n.t("report_document.error.suffix", lang, path=args.out)
        print(f"polku: {message}", file=sys.stderr)
        return EXIT_USAGE
    engine = _engine(args)
    code = FINAL_REPORT if args.report_command == "final" else args.period
    known = reporting.codes(engine)
    if code not in known:
        known_periods = ", ".join(c for c in known if c != FINAL_REPORT)
        message = i18n.t("report_document.error.period", lang, value=code, known=known_periods)
        print(f"polku: {message}", file=sys.stderr)
        return EXIT_USAGE
    # An approved report states the figures it was approved with
    stated = reporting.stated(engine, users.SYSTEM, code)
    context = report_documents.document_context(
        engine, code, stated.state, stated.approved_on, lang
    )
    figures = stated.figures
    write = report_documents.pdf if suffix == "pdf" else report_documents.workbook
    content = write(figures, context, lang)
    try:
        args.out.write_bytes(content)
    except OSError as exc:
        print(f"polku: {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    print(args.out)
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """The board pack as the system user (an admin: no small-count suppression); a director's
    pack comes from the overview page, as the director sees it."""
    lang = args.lang or i18n.language(get_settings().language)
    engine = _engine(args)
    code = None if args.municipality in (None, "all") else args.municipality
    if code is not None and code not in set(metrics.municipalities(engine)["code"]):
        message = i18n.t("users.error.municipality", lang, value=code)
        print(f"polku: {message}", file=sys.stderr)
        return EXIT_USAGE
    from polku import board_pack

    content = board_pack.board_pack(engine, users.SYSTEM, code, args.as_of or metrics.today(), lang)
    try:
        args.out.write_bytes(content)
    except OSError as exc:
        print(f"polku: {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILURE
    print(args.out)
    return 0


# --- Backup, restore and retention (polku/backup.py, polku/retention.py) ---


def add_reliability_commands(sub, common: argparse.ArgumentParser) -> None:
    keep = sub.add_parser(
        "backup", parents=[common], help="back up the whole database into FILE (app may run)"
    )
    keep.add_argument("file", type=Path, metavar="FILE")
    keep.set_defaults(handler=cmd_backup)
    back = sub.add_parser(
        "restore", parents=[common], help="replace the whole database with the backup FILE"
    )
    back.add_argument("file", type=Path, metavar="FILE")
    back.set_defaults(handler=cmd_restore)
    forget = sub.add_parser(
        "retention",
        parents=[common],
        help="anonymise the clients who left before a day, as [retention] of the project says",
    )
    forget.add_argument("--before", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    forget.add_argument("--dry-run", action="store_true", help="print the counts; change nothing")
    forget.add_argument(
        "--force", action="store_true", help="also before the funder's retention period ends"
    )
    forget.set_defaults(handler=cmd_retention)


def cmd_backup(args: argparse.Namespace) -> int:
    from polku import backup

    engine = db.make_engine(args.database_url)
    result = backup.backup(engine, users.SYSTEM, args.file)
    lang = get_settings().language
    print(i18n.t("backup.done", lang, file=str(result.path), size=i18n.fmt_int(result.size, lang)))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from polku import backup

    engine = db.make_engine(args.database_url)
    result = backup.restore(engine, users.SYSTEM, args.file)
    engine.dispose()
    print(i18n.t("backup.restored", get_settings().language, file=str(result.path)))
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from polku import retention

    engine = _engine(args)
    counts = retention.run(
        engine,
        users.SYSTEM,
        args.before,
        dry_run=args.dry_run,
        force=args.force,
        today=metrics.today(),
    )
    lang = get_settings().language
    numbers = {k: i18n.fmt_int(v, lang) for k, v in vars(counts).items()}
    key = "retention.dry_run" if args.dry_run else "retention.done"
    print(i18n.t(key, lang, day=i18n.fmt_date(args.before, lang), **numbers))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "init" and args.scale is not None and not args.sample:
        parser.error("--scale needs --sample")
    try:
        return int(args.handler(args))
    except users.UserError as exc:
        print(f"polku: {exc.text(get_settings().language)}", file=sys.stderr)
    except access.AccessDenied as exc:  # already in the audit log
        print(f"polku: {i18n.t(exc.key, get_settings().language)}", file=sys.stderr)
    except (ProjectFileError, money.MoneyRulesMissing, payment_application.UnknownPeriod) as exc:
        print(f"polku: {exc}", file=sys.stderr)
    except (db.DatabaseError, SQLAlchemyError) as exc:
        print(f"polku: {_database_failure(exc)}", file=sys.stderr)
    return EXIT_FAILURE


def _database_failure(exc: Exception) -> str:
    """One line: what is wrong with the database, in the user's language, and the driver's
    reason (its first line names the constraint; the statement's parameters are not printed)."""
    reason = str(exc) if isinstance(exc, db.DatabaseError) else getattr(exc, "orig", None)
    first = (str(reason or type(exc).__name__).strip().splitlines() or [""])[0]
    key = db.failure_key(exc)
    if key is None:
        return f"database error: {first}"
    return f"{i18n.t(key, i18n.language(get_settings().language))} ({first})"


if __name__ == "__main__":
    sys.exit(main())
