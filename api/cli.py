"""The `crisis` command."""

from __future__ import annotations

import argparse
import faulthandler
import fcntl
import getpass
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

from server.settings import DataFolderError, Settings

if TYPE_CHECKING:  # imported where used, so `crisis --help` starts fast
    from crisis.log import CrisisLog
    from projections.runner import Projections
    from projections.store import ViewStore

DEFAULT_DEMO_DIR = "demo-data"
DEFAULT_DEMO_PASSWORD = "kokevarsel"
SHUTDOWN_SECONDS = 5
# Written into a folder `crisis demo` made, so a later demo may wipe it: it
# never deletes a folder it did not make (which may hold real data).
DEMO_MARKER = ".crisis-demo"
# Account seeds, data keys and residents' messages: nobody else on the machine
# may read what the product writes (files 0600, folders 0700).
UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    if not faulthandler.is_enabled():  # a crash in a C library prints where it happened
        faulthandler.enable()
    os.umask(UMASK)
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
    _store_options(user)
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
    _store_options(replay)
    replay.set_defaults(run=_replay)

    projections = commands.add_parser(
        "projections",
        help="rebuild or check the read models (board, ...) while the server is stopped",
        description="The read models are rebuilt from the event log, which is never changed.",
    )
    actions = projections.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild",
        help="rebuild every read model from the log and switch over to it",
        description="Rebuild every read model from the event log into a fresh store, then "
        "replace the live store with it in one step. Run it while the server is stopped.",
    )
    _store_options(rebuild)
    rebuild.set_defaults(run=_rebuild)
    check = actions.add_parser(
        "check",
        help="compare the live read models with a rebuild; exit 1 on any difference",
        description="Rebuild every read model into a scratch store and compare it row by row "
        "with the live store, printing each difference. Exits 1 if there is any. "
        "Run it while the server is stopped; it changes nothing.",
    )
    _store_options(check)
    check.set_defaults(run=_check)

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
    review.add_argument(
        "--with-residents",
        action="store_true",
        help="include residents' handles and texts, as comms sees them (default: as a reviewer "
        "sees them: no handles, texts only of archive-worthy inquiries)",
    )
    _store_options(review)
    review.set_defaults(run=_review)

    archive = commands.add_parser(
        "archive",
        help="write an incident's Noark 5 archive extract into a folder",
        description="Write a Noark 5 archive extract (arkivuttrekk) of one incident: "
        "arkivstruktur.xml, endringslogg.xml, arkivuttrekk.xml (ADDML) and one PDF/A document "
        "per published post, retraction, approved fact revision and archive-worthy inquiry "
        "and reply. The same incident at the same log position gives the same bytes.",
    )
    archive.add_argument("incident", help="the incident's id")
    archive.add_argument("--out", required=True, help="folder to write the extract into")
    archive.add_argument(
        "--position", type=int, help="log position to extract at (default: its latest change)"
    )
    archive.add_argument(
        "--creator", default="Kommunen", help="the archive creator's name (arkivskaperNavn)"
    )
    _store_options(archive)
    archive.set_defaults(run=_archive)

    report = commands.add_parser(
        "sitrep",
        help="write a situation report (the communications part) as JSON, HTML or PDF",
        description="Write a situation report of one incident: an issued one (--number), or "
        "the next one as it stands, its figures for a period from the log (by default since "
        "the last report ended, until now) with the draft's sections.",
    )
    report.add_argument("incident", help="the incident's id")
    report.add_argument("--number", type=int, help="an issued report's number")
    report.add_argument("--from", dest="start", help="the period's start (ISO time with offset)")
    report.add_argument("--to", dest="end", help="the period's end (ISO time with offset)")
    report.add_argument("--format", choices=["json", "html", "pdf"], default="json")
    report.add_argument("--lang", choices=["nb", "en"], default="nb")
    report.add_argument("--out", required=True, help="file to write")
    _store_options(report)
    report.set_defaults(run=_sitrep)

    checkpoints = commands.add_parser(
        "checkpoints",
        help="prepare replay checkpoints and the review timeline in one pass",
        description="Read the log once, writing a board checkpoint every few thousand events "
        "and bringing the review timeline up to date, so replays and the review page start fast.",
    )
    _store_options(checkpoints)
    checkpoints.set_defaults(run=_checkpoints)

    retention = commands.add_parser(
        "retention",
        help="erase residents' personal data whose retention time is up",
        description="Erase the personal data (handle, message id, text) of inquiries in "
        "incidents closed at least CRISIS_RETENTION_DAYS days ago (default 90), except those "
        "flagged archive-worthy. The server does this hourly; this does it now. Safe to run "
        "while the server runs.",
    )
    retention.add_argument(
        "--days", type=int, help="retention time in days (default: CRISIS_RETENTION_DAYS or 90)"
    )
    _store_options(retention)
    retention.set_defaults(run=_retention)

    args = parser.parse_args(argv)
    try:
        return args.run(args) or 0
    except DataFolderError as exc:
        print(f"crisis: {exc}", file=sys.stderr)
        return 2


def _server_options(parser: argparse.ArgumentParser, default_dir: str | None) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    _store_options(parser, default_dir)


def _store_options(parser: argparse.ArgumentParser, default_dir: str | None = None) -> None:
    """Where the data is: every command that opens the stores takes these."""
    parser.add_argument(
        "--data-dir", default=default_dir, help="data folder (default: CRISIS_DATA_DIR or ./data)"
    )
    parser.add_argument(
        "--database-url",
        help="postgresql://user:password@host:port/db for the event store and read models "
        "(default: CRISIS_DATABASE_URL, else SQLite files in the data folder)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(args.data_dir, args.database_url)


def _lock_file(settings: Settings) -> IO[str]:
    try:
        return open(settings.data_dir / "serve.lock", "a")
    except OSError as exc:
        raise DataFolderError(settings.data_dir, exc) from None


@contextmanager
def _data_folder(settings: Settings) -> Iterator[IO[str] | None]:
    """Hold the data folder's lock (one server at a time; maintenance only while
    none runs). Yields None if another process holds it."""
    with _lock_file(settings) as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield lock


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from server.webhook_secrets import SecretsError, WebhookSecrets
    from server.websocket import WebSocketProtocol

    settings = _settings(args)
    with _data_folder(settings) as held:
        if held is None:
            print(f"crisis: a server is already running on {settings.data_dir}", file=sys.stderr)
            return 2
        try:
            WebhookSecrets(settings.data_dir).check()
        except SecretsError as exc:
            print(f"crisis: {exc}", file=sys.stderr)
            return 2
        store = "PostgreSQL" if settings.on_postgres else f"SQLite in {settings.data_dir}"
        print(f"crisis: data in {store}", flush=True)
        print(f"crisis: open http://{args.host}:{args.port}/", flush=True)
        proxies = os.environ.get("CRISIS_TRUSTED_PROXIES", "").strip()
        uvicorn.run(
            create_app(settings, whole_process=True),
            host=args.host,
            port=args.port,
            log_level="warning",
            ws=WebSocketProtocol.stalling_after(settings.stall_seconds),
            # X-Forwarded-For names the client only when a configured proxy sent it;
            # otherwise any local process could pick the address the login throttle counts.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies or None,
            # A screen that stopped reading never lets its connection finish closing.
            timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        )
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from projections.store import ViewStore, remove_sqlite, replace_sqlite, sqlite_url
    from projections.views import VIEWS

    settings = _settings(args)
    with _data_folder(settings) as held:
        if held is None:
            return _server_running(settings)
        started = time.monotonic()
        live: str | Path
        if settings.on_postgres:  # the server is stopped: rebuild the tables in place
            live = "PostgreSQL"
            projections = _rebuilt_into(settings, ViewStore(settings.views_url))
        else:
            live = settings.views_path
            fresh = live.with_name(live.name + ".new")
            remove_sqlite(fresh)
            projections = _rebuilt_into(settings, ViewStore(sqlite_url(fresh)))
            replace_sqlite(fresh, settings.views_path)
    for name, status in projections.status().items():
        rows = _rows(len(projections[name].model.rows))
        print(f"crisis: rebuilt {name}: {rows}, log position {status['position']}")
    for view in VIEWS:
        if not view.follows:
            print(f"crisis: emptied {view.name}: it fills up from the log when next read")
    print(f"crisis: switched {live} over in {time.monotonic() - started:.1f} s")
    return 0


def _check(args: argparse.Namespace) -> int:
    from projections.rebuild import differences, read_ones, rebuild
    from projections.store import ViewStore, sqlite_url

    settings = _settings(args)
    with _data_folder(settings) as held:
        if held is None:
            return _server_running(settings)
        if not settings.on_postgres and not settings.views_path.exists():
            print(f"crisis: no read models in {settings.data_dir} yet", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="crisis-check-") as scratch_dir:
            scratch = ViewStore(sqlite_url(Path(scratch_dir) / "views.sqlite"))
            live = ViewStore(settings.views_url)
            try:
                with _event_log(settings) as events:
                    projections = rebuild(events, scratch)
                    runners = {**projections.runners, **read_ones(events, scratch)}
                    read_ones(events, live)  # as a read would: the timeline catches up
                found = list(differences(live, scratch))
            finally:
                scratch.close()
                live.close()
    for line in found:
        print(line)
    if found:
        print(f"crisis: {len(found)} differences between the live read models and the log")
        return 1
    for name, runner in runners.items():
        rows = _rows(len(runner.model.rows))
        print(f"crisis: {name} matches the log ({rows}, log position {runner.position})")
    return 0


def _rebuilt_into(settings: Settings, store: ViewStore) -> Projections:
    from projections.rebuild import rebuild

    try:
        with _event_log(settings) as events:
            return rebuild(events, store)
    finally:
        store.close()


@contextmanager
def _event_log(settings: Settings) -> Iterator[CrisisLog]:
    from server.runtime import open_log

    events = open_log(settings)
    try:
        yield events
    finally:
        events.close()


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _server_running(settings: Settings) -> int:
    print(f"crisis: a server is running on {settings.data_dir}; stop it first", file=sys.stderr)
    return 2


def _demo(args: argparse.Namespace) -> int:
    from api import demo

    if args.data_dir is None:
        args.data_dir = DEFAULT_DEMO_DIR
    refusal = _demo_refusal(Path(args.data_dir))
    if refusal:
        print(f"crisis demo: {refusal}", file=sys.stderr)
        return 2
    shutil.rmtree(args.data_dir, ignore_errors=True)
    Path(args.data_dir).mkdir(mode=0o700, parents=True)
    (Path(args.data_dir) / DEMO_MARKER).write_text("made by crisis demo; wiped by the next\n")
    password = os.environ.get("CRISIS_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    settings = _settings(args)
    if not demo.load(settings, password):
        print(
            "crisis demo: the database already holds events; the demo needs an empty one.",
            file=sys.stderr,
        )
        return 2
    print("crisis demo: a boil-water notice for Grorud, Stovner and Alna is loaded.")
    print(f"crisis demo: log in as comms, editor, vav, reviewer or admin, password {password!r}")
    for username, secret in demo.DEMO_TOTP_SECRETS.items():
        print(
            f"crisis demo: {username} also needs a code from an authenticator app with the key "
            f"{secret} (or: {totp_command(secret)})"
        )
    return _serve(args)


def _demo_refusal(folder: Path) -> str | None:
    """Why the demo may not wipe `folder`: it holds something the demo did not
    make, or a server is running on it."""
    if not folder.exists():
        return None
    if not folder.is_dir() or (any(folder.iterdir()) and not (folder / DEMO_MARKER).exists()):
        return (
            f"{folder} was not made by crisis demo and may hold real data; "
            "give an empty or new folder with --data-dir"
        )
    settings = Settings(folder.resolve())
    with _data_folder(settings) as held:
        if held is None:
            return f"a server is running on {folder}; stop it first"
    return None


def totp_command(secret: str) -> str:
    """A shell command printing the current code for `secret`, with this
    interpreter (the one that has pyotp) as a path typed from here."""
    relative = os.path.relpath(sys.executable)
    python = sys.executable if relative.startswith("..") else relative
    return f"{python} -c 'import pyotp; print(pyotp.TOTP(\"{secret}\").now())'"


def _add_user(args: argparse.Namespace) -> int:
    from access.accounts import Accounts
    from crisis.people.model import TWO_FACTOR_ROLES, Role

    password = os.environ.get("CRISIS_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("crisis: a password needs at least 10 characters", file=sys.stderr)
        return 2
    accounts = Accounts(_settings(args).accounts_url)
    accounts.add_user(args.username, args.name, Role(args.role), password, args.department)
    print(f"crisis: added {args.username} ({args.role})")
    if Role(args.role) in TWO_FACTOR_ROLES:
        print("crisis: this role logs in with two factors; the first web login sets up the app")
    return 0


def _replay(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from projections.replay import board_at
    from projections.store import ViewStore
    from server.runtime import open_log

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
    settings = _settings(args)
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        moment = board_at(log, store, position=position, at=at, incident=args.incident)
    finally:
        log.close()
        store.close()
    print(json.dumps(moment.as_json(args.incident), ensure_ascii=False, indent=2))
    return 0


def _review(args: argparse.Namespace) -> int:
    import json

    from crisis.channels.service import channel_names
    from projections.board.audience import ALL, REVIEW
    from projections.review import ReviewViews
    from projections.store import ViewStore
    from reports.review import render_report, report_data
    from server.runtime import open_log
    from web import template_environment

    settings = Settings.from_env(args.data_dir, args.database_url)
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        channels = channel_names(log)
        shown = ALL if args.with_residents else REVIEW
        data = report_data(ReviewViews(log, store), args.incident, args.lang, channels, shown)
        if data is None:
            print(f"crisis: no incident {args.incident!r} in the log", file=sys.stderr)
            return 2
        if args.format == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        else:
            text = render_report(data, channels, template_environment())
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


def _archive(args: argparse.Namespace) -> int:
    from projections.store import ViewStore
    from reports import archive
    from server.runtime import open_log
    from web import template_environment

    settings = _settings(args)
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        extract = archive.build(
            log, store, args.incident, template_environment(), args.position, args.creator
        )
    finally:
        log.close()
        store.close()
    if extract is None:
        print(f"crisis: no incident {args.incident!r} in the log", file=sys.stderr)
        return 2
    written = archive.write(extract, Path(args.out))
    print(
        f"crisis: wrote {len(written)} files of the extract at position {extract.position} "
        f"to {args.out}",
        file=sys.stderr,
    )
    return 0


def _sitrep(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from crisis.channels.service import channel_names
    from projections.store import ViewStore
    from reports import sitrep
    from reports.archive.documents import render_pdf
    from server.runtime import open_log
    from web import template_environment

    try:
        start, end = (datetime.fromisoformat(t) if t else None for t in (args.start, args.end))
    except ValueError:
        print("crisis: --from and --to must be ISO times with an offset", file=sys.stderr)
        return 2
    if any(t is not None and t.tzinfo is None for t in (start, end)):
        print("crisis: give the time with its offset, e.g. +01:00", file=sys.stderr)
        return 2
    settings = _settings(args)
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        channels = channel_names(log)
        if args.number:
            report = sitrep.issued_report(log, store, args.incident, args.number)
        else:
            report = sitrep.draft_report(log, store, args.incident, channels, start, end)
    finally:
        log.close()
        store.close()
    if report is None:
        print(f"crisis: no such report of incident {args.incident!r}", file=sys.stderr)
        return 2
    if args.format == "json":
        content = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode()
    else:
        html = sitrep.render_report(report, channels, args.lang, template_environment())
        content = render_pdf(html) if args.format == "pdf" else html.encode()
    Path(args.out).write_bytes(content)
    print(f"crisis: wrote {args.out}", file=sys.stderr)
    return 0


def _retention(args: argparse.Namespace) -> int:
    from projections.replay import board_at
    from projections.store import ViewStore
    from server.retention import erase_due
    from server.runtime import open_log

    settings = _settings(args)
    days = settings.retention_days if args.days is None else args.days
    if days < 0:
        print("crisis: --days cannot be negative", file=sys.stderr)
        return 2
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        board = board_at(log, store).board  # as of the end of the log, whatever the server saw
        erased = erase_due(log, board.incidents.values(), days)
    finally:
        log.close()
        store.close()
    print(f"crisis: erased the personal data of {len(erased)} inquiries ({days} days retention)")
    return 0


def _checkpoints(args: argparse.Namespace) -> int:
    from projections.replay import EVERY, board_at
    from projections.store import ViewStore
    from projections.timeline import Timeline
    from server.runtime import open_log

    settings = Settings.from_env(args.data_dir, args.database_url)
    log, store = open_log(settings), ViewStore(settings.views_url)
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
