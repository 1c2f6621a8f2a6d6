"""Fans board changes out to websocket clients without letting one slow
screen hold up the rest.

Each client has its own bounded queue and sender. A client whose queue fills
is told to resync and is dropped; it reconnects with its last position and
gets what it missed from the recent-changes buffer, or a fresh board.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import Any

from projections.runner import BoardRunner, Change

QUEUE_SIZE = 256
RECENT = 5000


class Client:
    def __init__(self, incident: str | None, position: int) -> None:
        self.incident = incident
        self.position = position
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_SIZE)
        self.lagging = False

    def wants(self, position: int, incident: str) -> bool:
        return position > self.position and self.incident in (None, incident)

    def offer(self, position: int, text: str) -> None:
        if self.lagging:
            return
        try:
            self.queue.put_nowait(text)
            self.position = position
        except asyncio.QueueFull:
            self.lagging = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(json.dumps({"type": "resync", "position": self.position}))
            self.queue.put_nowait(None)  # then hang up


class Hub:
    def __init__(self, board: BoardRunner) -> None:
        self.board = board
        self.clients: set[Client] = set()
        self.recent: deque[tuple[int, str, str]] = deque(maxlen=RECENT)
        self.floor = board.position

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Receive the runner's changes on `loop` (called from its thread)."""
        self.floor = self.board.position
        self.board.on_change(lambda changes: loop.call_soon_threadsafe(self.publish, changes))

    def publish(self, changes: list[Change]) -> None:
        for change in changes:
            incident = change.incident["id"]
            text = json.dumps(
                {"type": "change", "position": change.position, "incident": change.incident}
            )
            if len(self.recent) == self.recent.maxlen:
                self.floor = self.recent[0][0]
            self.recent.append((change.position, incident, text))
            for client in self.clients:
                if client.wants(change.position, incident):
                    client.offer(change.position, text)

    def join(self, incident: str | None, since: int | None) -> Client:
        """A new client, its queue primed with what it missed or a fresh board."""
        if since is not None and self.floor <= since <= self.board.position:
            client = Client(incident, since)
            missed = [(p, t) for p, about, t in self.recent if client.wants(p, about)]
            if len(missed) <= QUEUE_SIZE // 2:
                for position, text in missed:
                    client.offer(position, text)
                self.clients.add(client)
                return client
        position, docs = self.board.snapshot(incident)
        client = Client(incident, position)
        client.queue.put_nowait(
            json.dumps({"type": "board", "position": position, "incidents": docs})
        )
        self.clients.add(client)
        return client

    def leave(self, client: Client) -> None:
        self.clients.discard(client)


async def serve(client: Client, send: Any) -> None:
    """Send the client's queue until it is told to hang up."""
    while (text := await client.queue.get()) is not None:
        await send(text)
