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
    user.set_defaults(run=_add_user)

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


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app

    settings = Settings.from_env(args.data_dir)
    print(f"crisis: data in {settings.data_dir}", flush=True)
    print(f"crisis: open http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


def _demo(args: argparse.Namespace) -> None:
    from api import demo

    if args.data_dir is None:
        args.data_dir = DEFAULT_DEMO_DIR
    shutil.rmtree(args.data_dir, ignore_errors=True)
    password = os.environ.get("CRISIS_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    demo.load(Settings.from_env(args.data_dir), password)
    print("crisis demo: a boil-water notice for Grorud, Stovner and Alna is loaded.")
    print(f"crisis demo: log in as comms, editor, vav, reviewer or admin, password {password!r}")
    for username, secret in demo.DEMO_TOTP_SECRETS.items():
        print(
            f"crisis demo: {username} also needs a code from an authenticator app with the key "
            f"{secret} (or: python3 -c 'import pyotp; print(pyotp.TOTP(\"{secret}\").now())')"
        )
    _serve(args)


def _add_user(args: argparse.Namespace) -> int:
    from api.accounts import Accounts
    from crisis.people.model import TWO_FACTOR_ROLES, Role

    password = os.environ.get("CRISIS_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("crisis: a password needs at least 10 characters", file=sys.stderr)
        return 2
    accounts = Accounts(Settings.from_env(args.data_dir).accounts_url)
    accounts.add_user(args.username, args.name, Role(args.role), password, args.department)
    print(f"crisis: added {args.username} ({args.role})")
    if Role(args.role) in TWO_FACTOR_ROLES:
        print("crisis: this role logs in with two factors; the first web login sets up the app")
    return 0


if __name__ == "__main__":
    sys.exit(main())
