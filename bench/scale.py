"""The cost of one command as its incident grows: an incident holding many
inquiries beside an empty one, on the same server in the same run.

The big incident is written through the library in batches (as
bench/generate.py writes its log), then `crisis serve` starts on the store.
Commands alternate between the two incidents in blocks, so both see the same
machine. For each: the p50 of one inquiry POST (sent to the change reaching a
board client that follows that incident), the server's CPU per command (all
its threads, from /proc, over the blocks), the bytes of the change message
the client received (uncompressed), and the p50 of `GET /load`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench import servers
from bench.stores import Store
from bench.throughput import TEXT, open_incidents
from crisis.inquiries.model import Inquiry

POSITION = re.compile(rb'"position":\s*(\d+)')
BATCH = 2000
BLOCK = 5  # commands in a row on one incident


@dataclass
class Side:
    """One incident's figures."""

    inquiries: int
    command_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0  # per command
    message_bytes: list[int] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)

    @property
    def command_p50(self) -> float:
        return statistics.median(self.command_ms) if self.command_ms else 0.0

    @property
    def load_p50(self) -> float:
        return statistics.median(self.load_ms) if self.load_ms else 0.0

    @property
    def largest_message(self) -> int:
        return max(self.message_bytes, default=0)


@dataclass
class Scaled:
    big: Side
    empty: Side
    errors: list[str] = field(default_factory=list)


def fill(store: Store, incident: str, inquiries: int) -> None:
    """`inquiries` inquiries into the incident, saved through the library in batches."""
    log = store.log()
    by = {"id": "integration:facebook", "name": "facebook", "role": "integration"}
    try:
        for start in range(0, inquiries, BATCH):
            batch = [
                Inquiry.receive(
                    log.vault,
                    incident_id=UUID(incident),
                    channel="facebook",
                    external_id=f"scale-{n}",
                    handle=f"@person{n}",
                    text=TEXT,
                    watch_match=None,
                    by=by,
                    at=datetime.now(UTC),
                )
                for n in range(start, min(inquiries, start + BATCH))
            ]
            log.record(*batch)
    finally:
        log.close()


def scale(store: Store, inquiries: int, rounds: int, loads: int) -> Scaled:
    big, empty = open_incidents(store, 2)
    fill(store, big, inquiries)
    result = Scaled(Side(inquiries), Side(0))
    with servers.crisis(store) as server:
        asyncio.run(_measure(server, {big: result.big, empty: result.empty}, rounds, loads))
    result.errors += server.problems
    return result


async def _measure(
    server: servers.Process, sides: dict[str, Side], rounds: int, loads: int
) -> None:
    headers = {"Authorization": f"Bearer {servers.token(server)}"}
    body = {"channel": "facebook", "handle": "@kari", "text": TEXT}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
        followers = {i: await Follower.open(server, i, headers) for i in sides}
        try:
            cpu = dict.fromkeys(sides, 0.0)
            for block in range(0, 2 * rounds, BLOCK):
                incident = list(sides)[(block // BLOCK) % 2]
                side, follower = sides[incident], followers[incident]
                before = server.cpu_seconds()
                for _ in range(BLOCK):
                    follower.received = 0
                    sent = time.monotonic()
                    response = await http.post(f"/api/incidents/{incident}/inquiries", json=body)
                    servers.check(response)
                    await follower.reach(response.json()["position"])
                    side.command_ms.append((time.monotonic() - sent) * 1000)
                    side.message_bytes.append(follower.received)
                cpu[incident] += server.cpu_seconds() - before
            for incident, side in sides.items():
                side.cpu_ms = cpu[incident] * 1000 / max(1, len(side.command_ms))
                for _ in range(loads):
                    sent = time.monotonic()
                    servers.check(await http.get(f"/api/incidents/{incident}/load"))
                    side.load_ms.append((time.monotonic() - sent) * 1000)
        finally:
            for follower in followers.values():
                await follower.close()


class Follower:
    """A board client following one incident: the position it has reached and
    the bytes it received since `received` was last reset."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.position = 0
        self.received = 0
        self.arrived = asyncio.Event()
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, server: servers.Process, incident: str, headers: dict) -> Follower:
        url = server.url.replace("http", "ws") + f"/ws/board?incident={incident}"
        follower = cls(await connect(url, additional_headers=headers, max_size=None))
        await asyncio.wait_for(follower.arrived.wait(), 60)  # its board
        return follower

    async def _read(self) -> None:
        async for message in self.connection:
            data = message.encode() if isinstance(message, str) else message
            self.received += len(data)
            found = POSITION.search(data)
            if found:
                self.position = max(self.position, int(found.group(1)))
            self.arrived.set()

    async def reach(self, position: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.position < position:
            if self.task.done():
                raise RuntimeError(f"board client dropped: {self.task.exception()!r}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the change at {position} did not arrive in {timeout} s")
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), 0.5)

    async def close(self) -> None:
        self.task.cancel()
        await self.connection.close()
