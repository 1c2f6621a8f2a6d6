"""Faults on real servers: a full disk, a database that ends connections or
refuses them. Every command answers 2xx or 503 with a code and Retry-After
(never a plain 500); what was acknowledged is kept, nothing is written twice,
`/healthz` says what is wrong, and the read models match the log afterwards."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from server.settings import Settings
from tests import scenario
from tests.fixtures.servers import Server, free_port
from tests.fixtures.stores import ADMIN_URL, fresh_postgres
from tests.fixtures.users import copy_users
from tests.servers.mounts import tmpfs

TEXT = "Vannprøven fra høydebassenget viser E. coli. " * 100  # about 4.5 KB per fact


class Client:
    """Commands as the department's person, recording every answer."""

    def __init__(self, server: Server, incident: str) -> None:
        self.server, self.incident = server, incident
        self.acknowledged: list[str] = []

    def submit(self, text: str, key: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.server.token('vav')}"}
        if key:
            headers["Idempotency-Key"] = key
        response = httpx.post(
            f"{self.server.url}/api/incidents/{self.incident}/facts",
            json={"text": text},
            headers=headers,
            timeout=30,
        )
        assert response.status_code in (201, 409, 503), response.text
        if response.status_code == 409:  # the key's first request is still running
            assert response.json()["code"] == "idempotency_key_in_progress"
        elif response.status_code == 503:
            assert_unavailable(response)
        else:
            self.acknowledged.append(response.json()["id"])
        return response

    def facts_on_board(self) -> list[str]:
        body = httpx.get(
            f"{self.server.url}/api/board",
            headers={"Authorization": f"Bearer {self.server.token('comms')}"},
            timeout=10,
        ).json()
        (doc,) = [d for d in body["incidents"] if d["id"] == self.incident]
        return list(doc["facts"])


def assert_unavailable(response: httpx.Response, code: str | None = None) -> None:
    """A 503 a program can act on: JSON with a sentence and a code, and when to retry."""
    body = response.json()
    assert body["code"] in ({code} if code else {"store_unavailable", "store_full"}), body
    assert body["detail"] and body["code"] not in body["detail"]
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["x-content-type-options"] == "nosniff"


def health(server: Server) -> httpx.Response:
    return httpx.get(f"{server.url}/healthz", timeout=1.5)  # it answers within a second


def projections_check(settings: Settings) -> subprocess.CompletedProcess:
    store = ["--database-url", settings.database_url] if settings.database_url else []
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "projections",
            "check",
            "--data-dir",
            str(settings.data_dir),
            *store,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def until_accepted(client: Client, text: str, key: str | None = None) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.submit(text, key)
        if response.status_code == 201:
            return response
        time.sleep(float(response.headers["retry-after"]) / 5)
    raise AssertionError("the store did not come back within a minute")


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    out.write(b"\0" * size)
                    os.fsync(out.fileno())
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler


@pytest.fixture
def on_small_disk(tmp_path: Path, _accounts_file) -> Iterator[tuple[Server, Path]]:
    with tmpfs(tmp_path / "disk", "size=48m") as disk:
        settings = Settings.from_env(disk / "data")
        copy_users(_accounts_file[0], settings)
        srv = Server(settings.data_dir, free_port()).start()
        try:
            yield srv, disk
        finally:
            srv.stop()


@pytest.mark.sqlite_files
def test_a_full_disk_answers_503_and_loses_nothing(on_small_disk) -> None:
    srv, disk = on_small_disk
    client = Client(srv, scenario.open_incident(srv))
    client.submit(TEXT)
    filler = fill(disk)
    refused = [client.submit(f"{i} {TEXT}") for i in range(200)]
    refused = [r for r in refused if r.status_code == 503]
    assert refused, "a full disk never refused a command"
    assert {r.json()["code"] for r in refused} == {"store_full"}
    unhealthy = health(srv)
    assert unhealthy.status_code == 503
    assert unhealthy.json()["code"] == "store_full"
    assert unhealthy.json()["status"] == "unavailable"

    filler.unlink()
    until_accepted(client, "after the disk was freed")
    assert health(srv).json()["status"] in ("ok", "degraded")
    assert sorted(client.facts_on_board()) == sorted(client.acknowledged)
    srv.stop()
    assert projections_check(srv.settings).returncode == 0


@pytest.fixture
def on_postgres(tmp_path: Path, _accounts_file) -> Iterator[tuple[Server, str]]:
    with fresh_postgres() as url:
        settings = Settings.from_env(tmp_path / "data", url)
        copy_users(_accounts_file[0], settings)
        srv = Server(settings.data_dir, free_port(), url).start()
        try:
            yield srv, url.rsplit("/", 1)[1]
        finally:
            allow_connections(srv_db := url.rsplit("/", 1)[1], True)
            srv.stop()
            del srv_db


def admin(sql: str, *params: object) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql, params)


def end_connections(dbname: str) -> None:
    admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        dbname,
    )


def allow_connections(dbname: str, allowed: bool) -> None:
    admin(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS {str(allowed).lower()}')


def test_connections_ended_by_the_database_are_replaced(on_postgres) -> None:
    srv, dbname = on_postgres
    client = Client(srv, scenario.open_incident(srv))
    for i in range(5):
        client.submit(f"before {i}")
        end_connections(dbname)
        until_accepted(client, f"after {i}")
    assert health(srv).status_code == 200
    assert sorted(client.facts_on_board()) == sorted(client.acknowledged)
    srv.stop()
    assert projections_check(srv.settings).returncode == 0


def test_a_database_that_refuses_connections_answers_503(on_postgres) -> None:
    srv, dbname = on_postgres
    client = Client(srv, scenario.open_incident(srv))
    client.submit("before the outage")
    allow_connections(dbname, False)
    end_connections(dbname)
    refused = client.submit("during the outage")
    assert refused.status_code == 503
    assert_unavailable(refused, "store_unavailable")
    unhealthy = health(srv)
    assert unhealthy.status_code == 503
    assert unhealthy.json()["code"] in ("store_unreachable", "store_unavailable")
    for answer in (refused, unhealthy):  # a sentence of ours, not the driver's error
        assert "accepting connections" not in answer.text and "psycopg" not in answer.text

    allow_connections(dbname, True)
    until_accepted(client, "after the outage")
    deadline = time.monotonic() + 30
    while health(srv).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert health(srv).status_code == 200
    assert sorted(client.facts_on_board()) == sorted(client.acknowledged)
    srv.stop()
    assert projections_check(srv.settings).returncode == 0


def submit_many(srv: Server, incident: str, keyed: bool, count: int) -> dict[str, str | None]:
    """Send `count` facts from four threads while the server is killed; the
    outcome of each: its id if acknowledged, None if the answer was lost."""
    outcomes: dict[str, str | None] = {}
    token = srv.token("vav")

    def one(n: int) -> None:
        text = f"fact {n}"
        headers = {"Authorization": f"Bearer {token}"}
        if keyed:
            headers["Idempotency-Key"] = f"fact-{n}"
        try:
            response = httpx.post(
                f"{srv.url}/api/incidents/{incident}/facts",
                json={"text": text},
                headers=headers,
                timeout=10,
            )
            assert response.status_code in (201, 503), response.text
            outcomes[text] = response.json()["id"] if response.status_code == 201 else None
        except httpx.HTTPError:
            outcomes[text] = None

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(one, n) for n in range(count)]
        while sum(f.done() for f in futures) < count // 3:
            time.sleep(0.01)
        srv.stop(signal.SIGKILL)
        for f in futures:
            f.result()
    return outcomes


@pytest.mark.parametrize("keyed", [True, False], ids=["with-keys", "without-keys"])
def test_retries_after_sigkill(server, keyed) -> None:
    incident = scenario.open_incident(server)
    outcomes = submit_many(server, incident, keyed, 60)
    acknowledged = {text: i for text, i in outcomes.items() if i}
    lost = [text for text, i in outcomes.items() if i is None]
    assert acknowledged and lost, "the kill did not fall within the run"
    server.start()
    client = Client(server, incident)
    for text in lost:
        n = text.split()[1]
        response = until_accepted(client, text, f"fact-{n}" if keyed else None)
        if keyed and response.json().get("recovered"):
            acknowledged[text] = response.json()["id"]
    on_board = client.facts_on_board()
    assert set(acknowledged.values()) <= set(on_board)  # no acknowledged write lost
    if keyed:  # each fact exactly once
        assert len(on_board) == len(outcomes)
    server.stop()
    assert projections_check(server.settings).returncode == 0
