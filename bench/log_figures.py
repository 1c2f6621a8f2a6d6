"""Figures over the whole generated log: rebuilding the read models, replaying
the board at a moment, and the server's memory with many board clients.

Rebuild: `projections.rebuild.rebuild` (every read model, with the replay
checkpoints the live board leaves), beside reading and decoding the same
notifications with the library alone. Replay: `projections.replay.board_at`
at random positions (from the checkpoints the rebuild left), beside a pass
from the start of the log to the same position.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import httpx

from bench import servers
from bench.fanout import Clients
from bench.stores import Store
from bench.throughput import TEXT
from crisis.log import CrisisLog
from projections import board
from projections.rebuild import rebuild
from projections.replay import Moment, advance, board_at
from projections.runner import BATCH
from projections.store import ViewStore


@dataclass
class Rebuilt:
    events: int
    seconds: float
    baseline_seconds: float
    incidents: int
    board_bytes: int  # the whole board as JSON

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def baseline_rate(self) -> float:
        return self.events / self.baseline_seconds


def read_and_decode(log: CrisisLog) -> int:
    """The library alone: every notification read and decoded, in the runner's batches."""
    count, position = 0, 0
    while notifications := log.recorder.select_notifications(start=position + 1, limit=BATCH):
        for n in notifications:
            log.mapper.to_domain_event(n)
        count += len(notifications)
        position = notifications[-1].id
    return count


def rebuild_figure(store: Store) -> Rebuilt:
    log = store.log()
    views = ViewStore(store.settings.views_url)
    try:
        started = time.monotonic()
        events = read_and_decode(log)
        baseline = time.monotonic() - started
        started = time.monotonic()
        projections = rebuild(log, views)
        seconds = time.monotonic() - started
        rows = projections["board"].model.rows
        size = sum(len(views_json) for views_json in _row_texts(views))
        return Rebuilt(events, seconds, baseline, len(rows), size)
    finally:
        log.close()
        views.close()


def _row_texts(views: ViewStore) -> list[str]:
    from sqlalchemy import select

    from projections.store import rows

    with views.engine.connect() as conn:
        return [r.doc for r in conn.execute(select(rows.c.doc).where(rows.c.view == "board"))]


@dataclass
class Replayed:
    positions: list[int]
    seconds: list[float]  # board_at, per position
    baseline_position: int
    baseline_seconds: float  # from the start of the log to baseline_position

    @property
    def worst(self) -> float:
        return max(self.seconds)

    @property
    def median(self) -> float:
        return sorted(self.seconds)[len(self.seconds) // 2]


class _NoCheckpoints:
    """Replay from the start, leaving nothing behind."""

    def save(self, *_: object) -> None:
        pass


def replay_figure(store: Store, moments: int, seed: int = 9) -> Replayed:
    """`board_at` at random positions (checkpoints from the rebuild), and one pass
    from the start to the first of them."""
    log = store.log()
    views = ViewStore(store.settings.views_url)
    try:
        end = log.max_position()
        rng = random.Random(seed)
        positions = [rng.randint(1, end) for _ in range(moments)]
        seconds = []
        for position in positions:
            started = time.monotonic()
            moment = board_at(log, views, position=position)
            seconds.append(time.monotonic() - started)
            assert moment.position == position
        started = time.monotonic()
        from_start = advance(log, _NoCheckpoints(), Moment(0, None, board.Board()), positions[0])
        baseline = time.monotonic() - started
        assert from_start.position == positions[0]
        return Replayed(positions, seconds, positions[0], baseline)
    finally:
        log.close()
        views.close()


@dataclass
class Memory:
    clients: int
    startup_mb: float  # peak after start (catching up the read models)
    peak_mb: float  # peak at the end
    rss_mb: float  # resident at the end
    commands: int
    whole_board_bytes: int = 0  # what a client without ?incident= would be sent first
    notes: list[str] = field(default_factory=list)


def memory_figure(store: Store, clients: int, commands: int) -> Memory:
    """`crisis serve` on the whole log, a new incident opened, `clients` board
    clients following it (as the desks do: `?incident=`), then `commands`
    inquiries to it, each fanned out to every client."""
    with servers.crisis(store) as server:
        startup = server.memory()["peak"]
        headers = {"Authorization": f"Bearer {servers.token(server)}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            incident = http.post(
                "/api/incidents",
                json={
                    "kind": "storm",
                    "title": "Storm over Oslo",
                    "areas": ["Frogner"],
                    "department": "bym",
                    "severity": "severe",
                },
            ).json()["id"]
            whole = len(http.get("/api/board").content)

            async def follow() -> None:
                board_clients = Clients()
                url = server.url.replace("http", "ws") + f"/ws/board?incident={incident}"
                await board_clients.open(url, clients, headers)
                await board_clients.all_at(1, 60)
                async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
                    for _ in range(commands):
                        response = await client.post(
                            f"/api/incidents/{incident}/inquiries",
                            json={"channel": "facebook", "handle": "@kari", "text": TEXT},
                        )
                        response.raise_for_status()
                        await board_clients.all_at(response.json()["position"], 30)
                await board_clients.close()

            asyncio.run(follow())
        end = server.memory()
    return Memory(clients, startup, end["peak"], end["rss"], commands, whole)
