"""Shared fixtures: a real SQLite data folder, real users, a clock tests move."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.accounts import Accounts
from api.app import create_app
from api.settings import Settings
from crisis.clock import ManualClock
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role

PASSWORD = "test-password-123"
USERS = (
    ("comms", "Kari Kommunikasjon", Role.COMMS, None),
    ("editor", "Ola Redaktør", Role.EDITOR, None),
    ("vav", "Vera Vann", Role.DEPARTMENT, "vav"),
    ("bym", "Bjørn Bymiljø", Role.DEPARTMENT, "bym"),
    ("reviewer", "Rune Revisor", Role.REVIEWER, None),
    ("admin", "Anne Admin", Role.ADMIN, None),
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(tmp_path / "data")


@pytest.fixture(scope="session")
def _accounts_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Actor]]:
    """The test users, hashed once (argon2 is slow on purpose) and copied per test."""
    path = tmp_path_factory.mktemp("accounts") / "accounts.sqlite"
    accounts = Accounts(f"sqlite:///{path}")
    users = {u: accounts.add_user(u, name, role, PASSWORD, dept) for u, name, role, dept in USERS}
    accounts.engine.dispose()
    return path, users


@pytest.fixture
def people(settings: Settings, _accounts_file: tuple[Path, dict[str, Actor]]) -> dict[str, Actor]:
    path, users = _accounts_file
    shutil.copy(path, settings.data_dir / "accounts.sqlite")
    return users


@pytest.fixture
def log(settings: Settings, clock: ManualClock) -> Iterator[CrisisLog]:
    app = CrisisLog(env=settings.event_store_env, clock=clock)
    yield app
    app.close()


class Api:
    """A test client that acts as one of the test users at a time."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post(
                "/auth/token", data={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
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
        yield Api(client)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A real `crisis serve` process on a free port."""

    data_dir: Path
    port: int
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
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
                f"{self.url}/auth/token", data={"username": username, "password": PASSWORD}
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
    srv = Server(settings.data_dir, free_port()).start()
    yield srv
    srv.stop()


os.environ.setdefault("CRISIS_DEMO_PASSWORD", PASSWORD)

pytest_plugins = ["tests.browser"]
