"""Real server processes on 127.0.0.1: `crisis serve`, and the baselines
(bench/baseline_app.py, bench/baseline_ws.py), each started the same way and
stopped at the end; with their peak memory from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.stores import PASSWORD, Store

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "bench-webhook-secret-of-32-bytes-at-least"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server subprocess on a free port, ready when `ready_path` answers."""

    def __init__(self, args: list[str], log_file: Path, ready_path: str | None = "/healthz"):
        self.port = free_port()
        self.args = [sys.executable, "-m", *args, "--port", str(self.port)]
        self.log_file = log_file
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None
        self.problems: list[str] = []  # what went wrong in the server, once stopped
        self._log_from = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 600) -> Process:
        env = os.environ | {"CRISIS_WEBHOOK_SECRET_FACEBOOK": WEBHOOK_SECRET}
        self._log_from = self.log_file.stat().st_size if self.log_file.exists() else 0
        self.process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log_file.open("ab"),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.args} exited; see {self.log_file}")
            try:
                if self._ready():
                    return self
            except (httpx.HTTPError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.args} did not start within {timeout} s")

    def _ready(self) -> bool:
        if self.ready_path is None:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        return httpx.get(self.url + self.ready_path, timeout=5).status_code == 200

    def stop(self) -> None:
        """Stop the server and note what went wrong while it ran: an exit of its
        own, and every error it logged since it started (a 5xx logs one)."""
        if not self.process:
            return
        if self.process.poll() is not None:
            self.problems.append(f"{self.args[2]} exited with {self.process.returncode}")
        else:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with self.log_file.open("rb") as log:
            log.seek(self._log_from)
            lines = log.read().decode(errors="replace").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith(("Traceback", "ERROR"))]
        if starts:
            # A traceback ends with the exception: the first line after it not indented.
            first = next(
                (line for line in lines[starts[0] + 1 :] if line and not line[0].isspace()),
                lines[starts[0]],
            )
            self.problems.append(f"{len(starts)} errors in the server's log (first: {first[:300]})")

    def cpu_seconds(self) -> float:
        """CPU time of all the server's threads so far (/proc schedstat, in ns)."""
        assert self.process is not None, "not started"
        tasks = Path(f"/proc/{self.process.pid}/task")
        total = 0
        for task in tasks.iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError):  # a thread that just ended
                continue
        return total / 1e9

    def memory(self) -> dict[str, float]:
        """Resident memory now and at its peak (VmHWM), in MB."""
        if self.process is None:
            raise RuntimeError("not started")
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        fields = {line.split(":")[0]: line.split(":")[1] for line in status}
        return {
            k: int(fields[v].split()[0]) / 1024 for k, v in (("rss", "VmRSS"), ("peak", "VmHWM"))
        }

    def __enter__(self) -> Process:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def _store_args(store: Store) -> list[str]:
    url = store.settings.database_url
    return ["--data-dir", str(store.settings.data_dir), *(["--database-url", url] if url else [])]


def crisis(store: Store) -> Process:
    """`crisis serve` on the store, as in production."""
    log = store.settings.data_dir / "server.log"
    return Process(["api.cli", "serve", *_store_args(store)], log)


def baseline_app(store: Store) -> Process:
    """The minimal FastAPI endpoint, one `save` per request, served by uvicorn the same way."""
    log = store.settings.data_dir / "baseline.log"
    return Process(["bench.baseline_app", *_store_args(store)], log)


def baseline_ws(folder: Path) -> Process:
    return Process(["bench.baseline_ws"], folder / "baseline_ws.log", ready_path=None)


def check(response: httpx.Response) -> httpx.Response:
    """The response, if it succeeded: anything else is an error of the benchmark."""
    if response.status_code not in (200, 201):
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code}: {response.text[:200]}"
        )
    return response


def token(server: Process, username: str = "comms") -> str:
    response = httpx.post(
        f"{server.url}/auth/token",
        data={"username": username, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["access_token"]
