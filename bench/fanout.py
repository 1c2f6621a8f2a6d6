"""Command accepted to change received by every one of N board clients, beside a
bare `websockets` broadcast of the same message to N clients.

One command at a time: the clock starts when the command is sent and stops
when the last of the N clients has the change it caused. The baseline sends
the very text of a change the board sent (its position swapped for a counter)
through bench/baseline_ws.py to the same number of `websockets` clients. The
clients skip decoding the JSON (they read the position from the head of the
message), so they cost both sides the same.
"""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench import servers
from bench.stores import Store
from bench.throughput import TEXT, open_incidents

POSITION = re.compile(rb'"position":\s*(\d+)')
CONNECT_AT_ONCE = 50


@dataclass
class Latencies:
    clients: int
    samples: list[float] = field(default_factory=list)  # seconds
    message_bytes: int = 0
    missed: int = 0  # rounds not complete within the timeout
    errors: list[str] = field(default_factory=list)  # dropped clients, the server's errors

    def problems(self, name: str) -> list[str]:
        """What makes this measurement no figure."""
        found = [f"{name}: {e}" for e in self.errors]
        if self.missed:
            found.append(f"{name}: {self.missed} rounds not on every client within 10 s")
        return found + ([f"{name}: measured nothing"] if not self.samples else [])

    def percentile(self, p: float) -> float:
        """Nearest rank."""
        ordered = sorted(self.samples)
        if not ordered:
            return float("nan")
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


class Clients:
    """N websocket clients noting the highest position each has received, and when."""

    def __init__(self) -> None:
        self.connections: list[ClientConnection] = []
        self.seen: list[tuple[int, float]] = []
        self.tasks: list[asyncio.Task] = []
        self.last_message = b""
        self.dropped = 0  # connections that ended before `close`
        self.closing = False

    async def open(self, url: str, n: int, headers: dict[str, str] | None = None) -> None:
        for start in range(0, n, CONNECT_AT_ONCE):
            batch = range(start, min(n, start + CONNECT_AT_ONCE))
            connections = await asyncio.gather(
                *(
                    connect(url, additional_headers=headers, max_size=None, open_timeout=60)
                    for _ in batch
                )
            )
            for connection in connections:
                self.seen.append((0, 0.0))
                self.connections.append(connection)
                self.tasks.append(asyncio.create_task(self._read(len(self.seen) - 1, connection)))

    async def _read(self, i: int, connection: ClientConnection) -> None:
        try:
            async for message in connection:
                data = message.encode() if isinstance(message, str) else message
                found = POSITION.search(data)
                if found:
                    self.seen[i] = (int(found.group(1)), time.monotonic())
                    self.last_message = data
        except Exception:  # counted below: a client the server dropped or failed
            pass
        if not self.closing:
            self.dropped += 1

    async def all_at(self, position: int, timeout: float) -> float | None:
        """When the last client reached `position` (None if not within the timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(p >= position for p, _ in self.seen):
                return max(t for _, t in self.seen)
            await asyncio.sleep(0.0005)
        return None

    async def close(self) -> None:
        self.closing = True
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(c.close() for c in self.connections), return_exceptions=True)


@contextmanager
def harness_collections_paused() -> Iterator[None]:
    """No garbage collection in this process while rounds are timed, as
    `timeit` does. Holding a thousand client connections, a full collection
    here took 130-150 ms, counted against whichever side's round it hit; the
    servers, ours and the baseline, collect as they always do."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def _crisis_rounds(
    server: servers.Process, incident: str, n: int, rounds: int, seconds: float
) -> tuple[Latencies, bytes]:
    token = servers.token(server)
    headers = {"Authorization": f"Bearer {token}"}
    clients = Clients()
    result = Latencies(n)
    ws_url = server.url.replace("http", "ws") + "/ws/board"
    await clients.open(ws_url, n, headers)
    await clients.all_at(1, 30)  # every client has its board
    body = {"channel": "facebook", "handle": "@kari", "text": TEXT}
    path = f"/api/incidents/{incident}/inquiries"
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as http:
        stop = time.monotonic() + seconds
        with harness_collections_paused():
            for _ in range(rounds):
                if time.monotonic() > stop:
                    break
                sent = time.monotonic()
                response = servers.check(await http.post(path, json=body))
                reached = await clients.all_at(response.json()["position"], 10)
                if reached is None:
                    result.missed += 1
                else:
                    result.samples.append(reached - sent)
                await asyncio.sleep(0.01)
    message = clients.last_message
    result.message_bytes = len(message)
    await asyncio.sleep(0)  # let readers of connections that ended count them
    if clients.dropped:
        result.errors.append(f"{clients.dropped} of {n} board clients dropped")
    await clients.close()
    return result, message


async def _baseline_rounds(
    server: servers.Process, message: bytes, n: int, rounds: int, seconds: float
) -> Latencies:
    clients = Clients()
    result = Latencies(n, message_bytes=len(message))
    base = server.url.replace("http", "ws")
    await clients.open(base + "/board", n)
    start = POSITION.search(message)
    if start is None:
        raise ValueError("the message carries no position to vary")
    async with connect(base + "/publish", max_size=None) as publisher:
        stop = time.monotonic() + seconds
        with harness_collections_paused():
            for position in range(1, rounds + 1):
                if time.monotonic() > stop:
                    break
                text = (
                    message[: start.start(1)] + str(position).encode() + message[start.end(1) :]
                ).decode()
                sent = time.monotonic()
                await publisher.send(text)
                reached = await clients.all_at(position, 10)
                if reached is None:
                    result.missed += 1
                else:
                    result.samples.append(reached - sent)
                await asyncio.sleep(0.01)
    if clients.dropped:
        result.errors.append(f"{clients.dropped} of {n} clients dropped")
    await clients.close()
    return result


def fanout(
    store: Store, folder: Path, sizes: list[int], rounds: int, seconds: float, inquiries: int
) -> list[tuple[Latencies, Latencies]]:
    """For each N: (crisis, baseline). The incident already holds `inquiries`
    inquiries, so the change message is the size of a live incident's doc."""
    incident = open_incidents(store, 1)[0]
    out: list[tuple[Latencies, bytes]] = []
    with servers.crisis(store) as server:
        _preload(server, incident, inquiries)
        for n in sizes:
            ours, message = asyncio.run(_crisis_rounds(server, incident, n, rounds, seconds))
            out.append((ours, message))
    for ours, _ in out:
        ours.errors += server.problems
    results = []
    with servers.baseline_ws(folder) as bare:
        for (ours, message), n in zip(out, sizes, strict=True):
            base = asyncio.run(_baseline_rounds(bare, message, n, rounds, seconds))
            results.append((ours, base))
    return results


def _preload(server: servers.Process, incident: str, inquiries: int) -> None:
    """Fill the incident with inquiries through one webhook delivery per 500."""
    import json

    from api.webhooks import sign

    for start in range(0, inquiries, 500):
        messages = [
            {"external_id": f"pre-{i}", "handle": f"@p{i}", "text": TEXT}
            for i in range(start, min(inquiries, start + 500))
        ]
        raw = json.dumps(messages).encode()
        response = httpx.post(
            f"{server.url}/api/webhooks/facebook?incident={incident}",
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-Crisis-Signature": sign(servers.WEBHOOK_SECRET, raw),
            },
            timeout=60,
        )
        servers.check(response)
