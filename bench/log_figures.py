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
from crisis.accountable import Accountable
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
        size = sum(len(text) for text in _row_texts(views).values())
        return Rebuilt(events, seconds, baseline, len(rows), size)
    finally:
        log.close()
        views.close()


def _row_texts(views: ViewStore) -> dict[str, str]:
    """The board's stored rows, id -> JSON text: incident headers (`<incident>`)
    and their items (`<incident>/<part>/<id>`)."""
    from sqlalchemy import select

    from projections.store import rows

    query = select(rows.c.id, rows.c.doc).where(rows.c.view == "board")
    with views.engine.connect() as conn:
        return {r.id: r.doc for r in conn.execute(query)}


@dataclass
class Replayed:
    positions: list[int]
    incidents: list[str]  # the newest incident at each moment: the one replayed
    seconds: list[float]  # board_at(position, incident), as the review page asks
    whole_board_seconds: list[float]  # board_at(position): every incident
    baseline_position: int
    baseline_seconds: float  # from the start of the log to baseline_position

    @property
    def worst(self) -> float:
        return max(self.seconds)


class _NoCheckpoints:
    """Replay from the start, leaving nothing behind."""

    def save(self, position: int, at: str, state: board.Board) -> None:
        pass


def replay_figure(store: Store, moments: int, seed: int = 9) -> Replayed:
    """At random positions (checkpoints from the rebuild): `board_at` of the
    newest incident then (what the review page shows), and of the whole board;
    and one pass from the start of the log to the first of them."""
    log = store.log()
    views = ViewStore(store.settings.views_url)
    try:
        end = log.max_position()
        opened = sorted((d["opened_at"], i) for i, d in _final_board(views).items())
        rng = random.Random(seed)
        result = Replayed([], [], [], [], 0, 0.0)
        for _ in range(moments):
            position = rng.randint(1, end)
            (n,) = log.recorder.select_notifications(start=position, limit=1)
            event = log.mapper.to_domain_event(n)
            assert isinstance(event, Accountable.Event)
            at = event.at.isoformat()
            incident = [i for when, i in opened if when <= at][-1]
            started = time.monotonic()
            moment = board_at(log, views, position=position, incident=incident)
            result.seconds.append(time.monotonic() - started)
            assert moment.position == position and incident in moment.board.incidents
            started = time.monotonic()
            whole = board_at(log, views, position=position)
            result.whole_board_seconds.append(time.monotonic() - started)
            assert whole.as_json(incident) == moment.as_json(incident)
            # Free the whole board (a thousand incidents) before the next timed replay:
            # kept alive, it made a full garbage collection there take a second.
            del whole, moment
            result.positions.append(position)
            result.incidents.append(incident)
        started = time.monotonic()
        first = result.positions[0]
        from_start = advance(log, _NoCheckpoints(), Moment(0, None, board.Board()), first)
        result.baseline_seconds = time.monotonic() - started
        result.baseline_position = first
        assert from_start.as_json(result.incidents[0]) == moment_json(log, views, result, 0)
        return result
    finally:
        log.close()
        views.close()


def moment_json(log: CrisisLog, views: ViewStore, replayed: Replayed, i: int) -> dict:
    incident = replayed.incidents[i]
    return board_at(log, views, position=replayed.positions[i], incident=incident).as_json(incident)


def _final_board(views: ViewStore) -> dict[str, dict]:
    import json

    headers = (text for id_, text in _row_texts(views).items() if "/" not in id_)
    return {doc["id"]: doc for doc in map(json.loads, headers)}


@dataclass
class Memory:
    clients: int
    startup_mb: float  # peak after start (catching up the read models)
    peak_mb: float  # peak at the end
    rss_mb: float  # resident at the end
    commands: int
    errors: list[str] = field(default_factory=list)


def memory_figure(store: Store, clients: int, commands: int) -> Memory:
    """`crisis serve` on the whole log, a new incident opened, `clients` board
    clients following it (as the desks do: `?incident=`), then `commands`
    inquiries to it, each fanned out to every client."""
    with servers.crisis(store) as server:
        startup = server.memory()["peak"]
        headers = {"Authorization": f"Bearer {servers.token(server)}"}
        errors: list[str] = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            incident = servers.check(
                http.post(
                    "/api/incidents",
                    json={
                        "kind": "storm",
                        "title": "Storm over Oslo",
                        "areas": ["Frogner"],
                        "department": "bym",
                        "severity": "severe",
                    },
                )
            ).json()["id"]

            async def follow() -> None:
                board_clients = Clients()
                url = server.url.replace("http", "ws") + f"/ws/board?incident={incident}"
                await board_clients.open(url, clients, headers)
                if await board_clients.all_at(1, 60) is None:
                    errors.append("not every board client had its board within 60 s")
                async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
                    for _ in range(commands):
                        response = await client.post(
                            f"/api/incidents/{incident}/inquiries",
                            json={"channel": "facebook", "handle": "@kari", "text": TEXT},
                        )
                        servers.check(response)
                        if await board_clients.all_at(response.json()["position"], 30) is None:
                            errors.append("a change did not reach every client within 30 s")
                if board_clients.dropped:
                    errors.append(f"{board_clients.dropped} of {clients} board clients dropped")
                await board_clients.close()

            asyncio.run(follow())
        end = server.memory()
    return Memory(clients, startup, end["peak"], end["rss"], commands, errors + server.problems)
