"""The data folder: never wiped unless the demo made it, never shared by two
servers, owner-only, and a clear sentence when it cannot be used."""

from __future__ import annotations

import fcntl
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pyotp

from api.cli import DEMO_MARKER, main, totp_command
from api.demo import DEMO_TOTP_SECRETS
from tests.fixtures.servers import Server, free_port
from tests.servers.mounts import tmpfs


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "events.sqlite").write_bytes(b"the municipality's real log")
    assert main(["demo", "--data-dir", str(folder)]) == 2
    assert (folder / "events.sqlite").read_bytes() == b"the municipality's real log"
    assert not (folder / DEMO_MARKER).exists()


def test_demo_refuses_a_folder_a_server_holds(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / DEMO_MARKER).write_text("made by crisis demo")
    (folder / "events.sqlite").write_bytes(b"the running demo's log")
    with open(folder / "serve.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as `crisis serve` holds it
        assert main(["demo", "--data-dir", str(folder)]) == 2
    assert (folder / "events.sqlite").read_bytes() == b"the running demo's log"


def test_serve_on_a_read_only_folder_says_so_without_a_traceback(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "ro", "size=1m") as folder:
        done = cli("serve", "--port", str(free_port()), "--data-dir", str(folder))
    assert done.returncode == 2
    assert "cannot use the data folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_on_a_folder_that_cannot_be_made_says_so(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    done = cli("serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "a-file" / "d"))
    assert done.returncode == 2
    assert "cannot use the data folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_file_the_server_writes_is_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    logs = tmp_path / "logs"
    logs.mkdir()
    srv = Server(folder, free_port())
    # Server.start writes its own log into the data folder; give it the folder first.
    folder.mkdir(mode=0o755)
    srv.start()
    try:
        assert httpx.get(f"{srv.url}/healthz", timeout=5).status_code == 200
    finally:
        srv.stop()
    written = [p for p in folder.rglob("*") if p.name != "server.log"]
    assert {p.name for p in written} >= {"events.sqlite", "views.sqlite", "accounts.sqlite"}
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"


def test_serve_refuses_to_start_with_a_broken_secrets_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "webhook-secrets.json").write_text('{"facebook": "too-short"}')
    done = cli("serve", "--port", str(free_port()), "--data-dir", str(folder))
    assert done.returncode == 2
    assert "shorter than 32 bytes" in done.stderr and "too-short" not in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_prints_a_totp_command_that_works_as_printed() -> None:
    secret = DEMO_TOTP_SECRETS["editor"]
    command = totp_command(secret)
    assert command.startswith((".venv/bin/python ", sys.executable))
    printed = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    assert pyotp.TOTP(secret).verify(printed.stdout.strip(), valid_window=1)
