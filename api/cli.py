"""The `crisis` command."""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys

from api.settings import Settings

DEFAULT_DEMO_DIR = "demo-data"
DEFAULT_DEMO_PASSWORD = "kokevarsel"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="crisis",
        description="Crisis communication coordinator for Norwegian municipalities.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the server on a data folder",
        description="Run the server on a data folder (SQLite event store and read models). "
        "The folder comes from --data-dir, else CRISIS_DATA_DIR, else ./data.",
    )
    _server_options(serve, default_dir=None)
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo",
        help="run the server on a fresh demo folder with a boil-water notice loaded",
        description="Wipe the demo folder, load the boil-water scenario and its users "
        "(comms, editor, vav, reviewer, admin; password from CRISIS_DEMO_PASSWORD), then serve.",
    )
    _server_options(demo, default_dir=DEFAULT_DEMO_DIR)
    demo.set_defaults(run=_demo)

    user = commands.add_parser(
        "add-user",
        help="add a person who can log in",
        description="Add a user; the password is read from CRISIS_PASSWORD or asked for.",
    )
    user.add_argument("username")
    user.add_argument("--name", required=True, help="display name, recorded on every event")
    user.add_argument(
        "--role", required=True, choices=["comms", "editor", "department", "reviewer", "admin"]
    )
    user.add_argument("--department", help="for role department: the department key, e.g. vav")
    user.add_argument("--data-dir", help="data folder (default: CRISIS_DATA_DIR or ./data)")
    _store_option(user)
    user.set_defaults(run=_add_user)

    replay = commands.add_parser(
        "replay",
        help="print the board as it stood at a moment, as JSON",
        description="Print the board as it stood at a moment of the log, computed by the same "
        "code that fed the live board. The moment is an ISO time (e.g. 2026-11-23T10:15:00+01:00) "
        "or a log position (an integer).",
    )
    replay.add_argument("--at", required=True, help="ISO time with offset, or log position")
    replay.add_argument("--incident", help="only this incident")
    replay.add_argument("--data-dir", help="data folder (default: CRISIS_DATA_DIR or ./data)")
    _store_option(replay)
    replay.set_defaults(run=_replay)

    review = commands.add_parser(
        "review",
        help="write an incident's review report (HTML or JSON)",
        description="Write the post-incident review of one incident: the figures with their "
        "definitions, charts, the timeline, the pinned moments, the facts as finally stated and "
        "the archive-worthy inquiries. HTML is one self-contained, printable file.",
    )
    review.add_argument("incident", help="the incident's id")
    review.add_argument("--out", help="file to write (default: standard output)")
    review.add_argument("--format", choices=["html", "json"], default="html")
    review.add_argument("--lang", choices=["nb", "en"], default="nb")
    review.add_argument("--data-dir", help="data folder (default: CRISIS_DATA_DIR or ./data)")
    _store_option(review)
    review.set_defaults(run=_review)

    checkpoints = commands.add_parser(
        "checkpoints",
        help="prepare replay checkpoints and the review timeline in one pass",
        description="Read the log once, writing a board checkpoint every few thousand events "
        "and bringing the review timeline up to date, so replays and the review page start fast.",
    )
    checkpoints.add_argument("--data-dir", help="data folder (default: CRISIS_DATA_DIR or ./data)")
    _store_option(checkpoints)
    checkpoints.set_defaults(run=_checkpoints)

    args = parser.parse_args(argv)
    return args.run(args) or 0


def _server_options(parser: argparse.ArgumentParser, default_dir: str | None) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--data-dir", default=default_dir, help="data folder (default: CRISIS_DATA_DIR or ./data)"
    )
    _store_option(parser)


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        help="postgresql://user:password@host:port/db for the event store and read models "
        "(default: CRISIS_DATABASE_URL, else SQLite files in the data folder)",
    )


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app

    settings = Settings.from_env(args.data_dir, args.database_url)
    store = "PostgreSQL" if settings.on_postgres else f"SQLite in {settings.data_dir}"
    print(f"crisis: data in {store}", flush=True)
    print(f"crisis: open http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


def _demo(args: argparse.Namespace) -> int:
    from api import demo

    if args.data_dir is None:
        args.data_dir = DEFAULT_DEMO_DIR
    shutil.rmtree(args.data_dir, ignore_errors=True)
    password = os.environ.get("CRISIS_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    settings = Settings.from_env(args.data_dir, args.database_url)
    if not demo.load(settings, password):
        print(
            "crisis demo: the database already holds events; the demo needs an empty one.",
            file=sys.stderr,
        )
        return 2
    print("crisis demo: a boil-water notice for Grorud, Stovner and Alna is loaded.")
    print(f"crisis demo: log in as comms, editor, vav, reviewer or admin, password {password!r}")
    _serve(args)
    return 0


def _add_user(args: argparse.Namespace) -> int:
    from api.accounts import Accounts
    from crisis.people.model import Role

    password = os.environ.get("CRISIS_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("crisis: a password needs at least 10 characters", file=sys.stderr)
        return 2
    accounts = Accounts(Settings.from_env(args.data_dir, args.database_url).accounts_url)
    accounts.add_user(args.username, args.name, Role(args.role), password, args.department)
    print(f"crisis: added {args.username} ({args.role})")
    return 0


def _replay(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from crisis.log import CrisisLog
    from projections.replay import board_at
    from projections.store import ViewStore

    position, at = None, None
    if args.at.isdigit():
        position = int(args.at)
    else:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            print(
                f"crisis: --at must be an ISO time or a log position, not {args.at!r}",
                file=sys.stderr,
            )
            return 2
        if at.tzinfo is None:
            print("crisis: give the time with its offset, e.g. +01:00", file=sys.stderr)
            return 2
    settings = Settings.from_env(args.data_dir, args.database_url)
    log, store = CrisisLog(env=settings.event_store_env), ViewStore(settings.views_url)
    try:
        moment = board_at(log, store, position=position, at=at)
    finally:
        log.close()
        store.close()
    print(json.dumps(moment.as_json(args.incident), ensure_ascii=False, indent=2))
    return 0


def _review(args: argparse.Namespace) -> int:
    import json

    from api.narrate import channel_names
    from api.report import render_report, report_data
    from crisis.log import CrisisLog
    from projections.review import ReviewViews
    from projections.store import ViewStore

    settings = Settings.from_env(args.data_dir, args.database_url)
    log, store = CrisisLog(env=settings.event_store_env), ViewStore(settings.views_url)
    try:
        channels = channel_names(log)
        data = report_data(ReviewViews(log, store), args.incident, args.lang, channels)
        if data is None:
            print(f"crisis: no incident {args.incident!r} in the log", file=sys.stderr)
            return 2
        if args.format == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            text = render_report(data, channels)
    finally:
        log.close()
        store.close()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
        print(f"crisis: wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _checkpoints(args: argparse.Namespace) -> int:
    from crisis.log import CrisisLog
    from projections.replay import EVERY, board_at
    from projections.store import ViewStore
    from projections.timeline import Timeline

    settings = Settings.from_env(args.data_dir, args.database_url)
    log, store = CrisisLog(env=settings.event_store_env), ViewStore(settings.views_url)
    try:
        position = board_at(log, store).position
        Timeline(store).catch_up(log)
    finally:
        log.close()
        store.close()
    print(f"crisis: checkpoints every {EVERY} events up to position {position}; timeline ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
