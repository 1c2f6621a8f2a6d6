"""Fans board changes out to websocket clients without letting one slow
screen hold up the rest.

Each client has its own bounded queue and sender. A client whose queue fills
is dropped: what was queued is forgotten, it is told to resync (with the
position of the last change it was sent) and hung up on. It reconnects with
its position and gets what it missed from the recent-changes buffer, or a
fresh board if that no longer reaches back far enough.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from projections.runner import Change, ViewRunner

QUEUE_SIZE = 256  # changes waiting for one client before it is dropped
RECENT = 5000  # changes kept for clients that reconnect ...
RECENT_BYTES = 32 * 1024 * 1024  # ... within this much memory


class Resync:
    """Queued for a client that fell behind: it is told to fetch a fresh board."""


RESYNC = Resync()
Item = tuple[int, str] | Resync | None  # (position, message), RESYNC, or None: hang up


class Client:
    def __init__(self, incident: str | None, position: int) -> None:
        self.incident = incident
        self.position = position  # of the last change queued
        self.sent = position  # of the last change handed to the socket
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self.dropped = asyncio.Event()

    def wants(self, position: int, incident: str) -> bool:
        return position > self.position and self.incident in (None, incident)

    def offer(self, position: int, text: str) -> None:
        if self.dropped.is_set():
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            self._drop()
            return
        self.queue.put_nowait((position, text))
        self.position = position

    def _drop(self) -> None:
        self.dropped.set()
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(RESYNC)
        self.queue.put_nowait(None)


class Hub:
    def __init__(self, board: ViewRunner) -> None:
        self.board = board
        self.clients: set[Client] = set()
        self.recent: deque[tuple[int, str, str]] = deque()
        self.recent_bytes = 0
        # A client may resume from `floor` on: every change after it is in `recent`.
        self.floor = board.position + 1

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Receive the board's changes on `loop`. Call once the board has
        caught up: a client from before this process gets a fresh board."""
        self.board.on_change(lambda changes: loop.call_soon_threadsafe(self.publish, changes))
        self.floor = self.board.position + 1

    def publish(self, changes: list[Change]) -> None:
        if any(c.forgets for c in changes):  # recent changes may hold erased personal data
            self.recent.clear()
            self.recent_bytes = 0
            self.floor = max(self.floor, min(c.position for c in changes) - 1)
        for change in changes:
            text = f'{{"type": "change", "position": {change.position}, "incident": {change.json}}}'
            self._remember(change.position, change.id, text)
            for client in self.clients:
                if client.wants(change.position, change.id):
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
        board = json.dumps({"type": "board", "position": position, "incidents": docs})
        client.queue.put_nowait((position, board))
        self.clients.add(client)
        return client

    def leave(self, client: Client) -> None:
        self.clients.discard(client)

    def _remember(self, position: int, incident: str, text: str) -> None:
        self.recent.append((position, incident, text))
        self.recent_bytes += len(text)
        while len(self.recent) > RECENT or self.recent_bytes > RECENT_BYTES:
            forgotten, _, old = self.recent.popleft()
            self.recent_bytes -= len(old)
            self.floor = max(self.floor, forgotten)


async def serve(client: Client, send: Callable[[str], Awaitable[Any]]) -> None:
    """Send the client's queue until it is told to hang up."""
    while (item := await client.queue.get()) is not None:
        if isinstance(item, Resync):
            await send(json.dumps({"type": "resync", "position": client.sent}))
        else:
            position, text = item
            await send(text)
            client.sent = position
