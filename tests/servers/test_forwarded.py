"""X-Forwarded-For names the client only when a configured proxy sent it
(`CRISIS_TRUSTED_PROXIES`): otherwise a caller could pick the address the
login throttle counts and never be held up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.servers import Server, free_port


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setenv("CRISIS_LOGIN_FAILURES_PER_ADDRESS", "3")
    started: list[Server] = []

    def start(proxies: str) -> Server:
        monkeypatch.setenv("CRISIS_TRUSTED_PROXIES", proxies)
        folder = tmp_path / f"data{len(started)}"
        folder.mkdir()
        started.append(Server(folder, free_port()).start())
        return started[-1]

    yield start
    for srv in started:
        srv.stop()


def failed_logins(srv: Server) -> list[int]:
    """Four failed logins, for four accounts, each claiming another address."""
    return [
        httpx.post(
            f"{srv.url}/auth/token",
            data={"username": f"nobody{i}", "password": "wrong-password"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
            timeout=30,
        ).status_code
        for i in range(4)
    ]


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(serve) -> None:
    assert failed_logins(serve("")) == [401, 401, 401, 429]


def test_a_configured_proxy_names_the_client(serve) -> None:
    assert failed_logins(serve("127.0.0.1")) == [401, 401, 401, 401]
