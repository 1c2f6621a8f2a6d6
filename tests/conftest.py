"""Shared fixtures: a real SQLite data folder, real users, a clock tests move."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from access import accounts as accounts_tables
from access.accounts import Accounts
from api.app import create_app
from crisis.clock import ManualClock
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role
from server.settings import Settings

PASSWORD = "test-password-123"
USERS = (
    ("comms", "Kari Kommunikasjon", Role.COMMS, None),
    ("editor", "Ola Redaktør", Role.EDITOR, None),
    ("vav", "Vera Vann", Role.DEPARTMENT, "vav"),
    ("bym", "Bjørn Bymiljø", Role.DEPARTMENT, "bym"),
    ("reviewer", "Rune Revisor", Role.REVIEWER, None),
    ("admin", "Anne Admin", Role.ADMIN, None),
)


# Editors and admins log in with two factors; these are their authenticator keys.
TOTP_SECRETS = {
    "editor": "EDITORTESTKEY234EDITORTESTKEY234",
    "admin": "ADMINTESTKEY2345ADMINTESTKEY2345",
}


class Authenticator:
    """The test users' authenticator app. A code is never accepted twice and
    one step of clock drift is allowed, so each login gets the next unused step."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def code(self, username: str, now: datetime | None = None) -> str | None:
        secret = TOTP_SECRETS.get(username)
        if secret is None:
            return None
        totp = pyotp.TOTP(secret)
        step = max(
            totp.timecode(now or datetime.now(UTC)), self.last.get(username, -9) + 1
        )
        self.last[username] = step
        return totp.generate_otp(step)

    def login_form(self, username: str, now: datetime | None = None) -> dict[str, str]:
        form = {"username": username, "password": PASSWORD}
        code = self.code(username, now)
        return form | {"totp": code} if code else form


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


STORE = os.environ.get("CRISIS_TEST_STORE", "sqlite")
ADMIN_URL = os.environ.get("CRISIS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"crisis_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The store the suite runs on: SQLite files, or with CRISIS_TEST_STORE=postgres
    a fresh PostgreSQL database per test."""
    return request.getfixturevalue("postgres_url") if STORE == "postgres" else None


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return Settings.from_env(tmp_path / "data", database_url)


@pytest.fixture(scope="session")
def _accounts_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Actor]]:
    """The test users, hashed once (argon2 is slow on purpose) and copied per test."""
    path = tmp_path_factory.mktemp("accounts") / "accounts.sqlite"
    accounts = Accounts(f"sqlite:///{path}")
    users = {
        u: accounts.add_user(u, name, role, PASSWORD, dept, TOTP_SECRETS.get(u))
        for u, name, role, dept in USERS
    }
    accounts.engine.dispose()
    return path, users


def copy_users(template_file: Path, settings: Settings) -> None:
    """Put the test users (hashed once per session) into the settings' account store."""
    template = sqlalchemy.create_engine(f"sqlite:///{template_file}")
    with template.connect() as conn:
        rows = [r._asdict() for r in conn.execute(sqlalchemy.select(accounts_tables.users))]
    template.dispose()
    accounts = Accounts(settings.accounts_url)
    with accounts.engine.begin() as conn:
        conn.execute(accounts_tables.users.insert(), rows)
    accounts.engine.dispose()


@pytest.fixture
def people(settings: Settings, _accounts_file: tuple[Path, dict[str, Actor]]) -> dict[str, Actor]:
    path, users = _accounts_file
    copy_users(path, settings)
    return users


@pytest.fixture
def log(settings: Settings, clock: ManualClock) -> Iterator[CrisisLog]:
    app = CrisisLog(env=settings.event_store_env, clock=clock)
    yield app
    app.close()


class Api:
    """A test client that acts as one of the test users at a time."""

    def __init__(self, client: TestClient, clock: ManualClock) -> None:
        self.client = client
        self.clock = clock
        self.authenticator = Authenticator()
        self.tokens: dict[str, str] = {}
        self.last_used: dict[str, datetime] = {}

    def login_form(self, username: str) -> dict[str, str]:
        return self.authenticator.login_form(username, self.clock.now())

    def token(self, username: str) -> str:
        """A session for the user; a new one when the test has moved the clock
        past the idle timeout since the last use (tests of the timeouts log in
        themselves)."""
        last = self.last_used.get(username)
        stale = last is not None and self.clock.now() - last > timedelta(minutes=30)
        if username not in self.tokens or stale:
            response = self.client.post("/auth/token", data=self.login_form(username))
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        self.last_used[username] = self.clock.now()
        return self.tokens[username]

    def post(self, username: str, path: str, json: object = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}"}
        return self.client.post(path, json=json if json is not None else {}, headers=headers)

    def get(self, username: str, path: str) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.token(username)}"})

    def ok(self, username: str, path: str, json: object = None) -> dict:
        response = self.post(username, path, json)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def board(self) -> dict:
        return self.get("comms", "/api/board").json()

    def position(self) -> int:
        return self.client.get("/healthz").json()["position"]


@pytest.fixture
def api(settings: Settings, people: dict[str, Actor], clock: ManualClock) -> Iterator[Api]:
    with TestClient(create_app(settings, clock)) as client:
        yield Api(client, clock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A real `crisis serve` process on a free port."""

    data_dir: Path
    port: int
    database_url: str | None = None
    process: subprocess.Popen | None = None
    authenticator: Authenticator = field(default_factory=Authenticator)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def settings(self) -> Settings:
        return Settings(self.data_dir, self.database_url)

    def start(self) -> Server:
        store = ["--database-url", self.database_url] if self.database_url else []
        command = ["serve", "--port", str(self.port), "--data-dir", str(self.data_dir), *store]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", *command],
            stdout=subprocess.DEVNULL,
            stderr=(self.data_dir / "server.log").open("ab"),
        )
        deadline = time.monotonic() + 60  # a loaded machine imports slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("crisis serve did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)

    def token(self, username: str) -> str:
        """A bearer token, logged in once per user (argon2 is slow on purpose)."""
        if username not in self.tokens:
            response = httpx.post(
                f"{self.url}/auth/token", data=self.authenticator.login_form(username)
            )
            response.raise_for_status()
            self.tokens[username] = response.json()["access_token"]
        return self.tokens[username]

    def ok(self, username: str, path: str, json: object = None) -> dict:
        response = httpx.post(
            f"{self.url}{path}",
            json=json or {},
            timeout=10,
            headers={"Authorization": f"Bearer {self.token(username)}"},
        )
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def server(settings: Settings, people: dict[str, Actor]) -> Iterator[Server]:
    srv = Server(settings.data_dir, free_port(), settings.database_url).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shared_server(
    tmp_path_factory: pytest.TempPathFactory, _accounts_file: tuple[Path, dict[str, Actor]]
) -> Iterator[Server]:
    """One real server for all tests of a module (the browser tests), to keep the
    suite fast. Its tests must not assume an empty board, and leave it running."""
    with ExitStack() as stack:
        url = stack.enter_context(fresh_postgres()) if STORE == "postgres" else None
        settings = Settings.from_env(tmp_path_factory.mktemp("shared") / "data", url)
        copy_users(_accounts_file[0], settings)
        srv = Server(settings.data_dir, free_port(), settings.database_url).start()
        stack.callback(srv.stop)
        yield srv


os.environ.setdefault("CRISIS_DEMO_PASSWORD", PASSWORD)

pytest_plugins = ["tests.browser"]


def store_options(settings: Settings) -> list[str]:
    """The `crisis` command-line options that point at the settings' store."""
    return ["--database-url", settings.database_url] if settings.database_url else []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive Chromium are marked `browser`: what they check (pages,
    keyboard, accessibility) does not depend on the store, so the PostgreSQL
    pass of bin/test leaves them out."""
    for item in items:
        if {"page", "browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if STORE == "postgres" and item.get_closest_marker("sqlite_files"):
            item.add_marker(
                pytest.mark.skip(reason="reads the SQLite files; runs in the SQLite pass")
            )
