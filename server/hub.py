"""Fans board changes out to websocket clients without letting one slow
screen hold up the rest.

Each client has its own bounded queue and sender, and sees what its role may
(`projections.board.audience`); a department's client gets a fresh board when
an incident comes to serve its department or stops, and a client of the whole
board when a closed incident reopens (it held only its header), since changes
alone could not bring what it had left out up to date.

A client whose queue fills is dropped: what was queued is forgotten, it is
told to resync (with the position of the last change it was sent) and hung
up on. A client whose socket takes no message for `stall_seconds` (it
stopped reading) is hung up on too, and its memory freed. Either reconnects
with its position and gets what it missed from the recent-changes buffer, or
a fresh board if that no longer reaches back far enough.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from projections.board import Doc
from projections.board.audience import ALL, SERVING, Audience, serving
from projections.board.changes import Message, board_text, messages
from projections.runner import Change, ViewRunner

QUEUE_SIZE = 256  # changes waiting for one client before it is dropped
HEAD = (*SERVING, "phase")  # header fields that decide what a client holds
RECENT = 5000  # changes kept for clients that reconnect ...
RECENT_BYTES = 32 * 1024 * 1024  # ... within this much memory


class Resync:
    """Queued for a client that fell behind: it is told to fetch a fresh board."""


RESYNC = Resync()
Item = tuple[int, str] | Resync | None  # (position, message), RESYNC, or None: hang up


class Client:
    def __init__(self, incident: str | None, position: int, audience: Audience = ALL) -> None:
        self.incident = incident
        self.audience = audience
        self.position = position  # of the last change queued
        self.sent = position  # of the last change handed to the socket
        self.queue: asyncio.Queue[Item] = asyncio.Queue()
        self.dropped = asyncio.Event()
        self.stalled = False  # its socket took nothing for too long
        self.sending_since: float | None = None  # loop time the send under way began
        self.task: asyncio.Task[Any] | None = None  # its sender
        # Writes a message at once if the socket can take it (`server.websocket.send_now`).
        self.send_now: Callable[[str], bool] = lambda _text: False

    def wants(self, position: int, incident: str) -> bool:
        return position > self.position and self.incident in (None, incident)

    def offer(self, position: int, text: str) -> None:
        """Write the message now if nothing is queued or being sent before it and
        the socket takes it; otherwise queue it for the client's sender."""
        if self.dropped.is_set():
            return
        idle = self.sending_since is None and self.queue.empty()
        if idle and self.send_now(text):
            self.position = self.sent = position
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            self._drop()
            return
        self.queue.put_nowait((position, text))
        self.position = position

    def stall(self) -> None:
        """The socket stopped taking messages: forget the queue, hang up."""
        self.stalled = True
        self.dropped.set()
        self._empty()

    def _drop(self) -> None:
        self.dropped.set()
        self._empty()
        self.queue.put_nowait(RESYNC)
        self.queue.put_nowait(None)

    def _empty(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()


class Hub:
    def __init__(self, board: ViewRunner, stall_seconds: float = 10.0) -> None:
        self.board = board
        self.stall_seconds = stall_seconds
        self.clients: set[Client] = set()
        self.recent: deque[Message] = deque()
        self.recent_bytes = 0
        # A client may resume from `floor` on: every change after it is in `recent`.
        self.floor = board.position + 1
        self._watchdog: asyncio.Task[None] | None = None
        # Which departments serve each incident and its phase, as of the last change published.
        self.heads: dict[str, Doc] = {}

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Receive the board's changes on `loop`. Call once the board has
        caught up: a client from before this process gets a fresh board."""

        def hand_over(changes: list[Change]) -> None:
            loop.call_soon_threadsafe(self.publish, changes)

        self.board.on_change(hand_over)
        self.floor = self.board.position + 1
        _, self.heads = self.board.read(
            lambda board: {h["id"]: {f: h.get(f) for f in HEAD} for h in board.headers()}
        )

    def publish(self, changes: list[Change]) -> None:
        if any(c.forgets for c in changes):  # recent changes may hold erased personal data
            self.recent.clear()
            self.recent_bytes = 0
            self.floor = max(self.floor, min(c.position for c in changes) - 1)
        for message in messages(changes):
            self._remember(message)
            new = message.incident not in self.heads
            before = self._served(message.incident)
            head = self.heads.setdefault(message.incident, {})
            closed = head.get("phase") == "closed"
            head.update({f: message.header[f] for f in HEAD if f in message.header})
            after = self._served(message.incident)
            reopened = closed and head.get("phase") != "closed"
            for client in self.clients:
                if not client.wants(message.position, message.incident):
                    continue
                sees = client.audience.sees(after)
                rescoped = not new and sees != client.audience.sees(before)
                if rescoped or (reopened and sees and client.incident is None):
                    self._fresh_board(client)
                elif sees:
                    client.offer(message.position, message.text(client.audience))

    def _served(self, incident: str) -> frozenset[str]:
        return serving(self.heads.get(incident, {}))

    def _fresh_board(self, client: Client) -> None:
        position, docs = self.board.snapshot_json(client.incident, client.audience.view)
        client.offer(position, board_text(position, docs))

    def join(self, incident: str | None, since: int | None, audience: Audience = ALL) -> Client:
        """A new client, its queue primed with what it missed or a fresh board."""
        if since is not None and self.floor <= since <= self.board.position:
            client = Client(incident, since, audience)
            missed = [m for m in self.recent if client.wants(m.position, m.incident)]
            if len(missed) <= QUEUE_SIZE // 2 and not any(
                _changes_what_it_holds(m, client) for m in missed
            ):
                for message in missed:
                    if audience.sees(self._served(message.incident)):
                        client.offer(message.position, message.text(audience))
                self.clients.add(client)
                return client
        position, docs = self.board.snapshot_json(incident, audience.view)
        client = Client(incident, position, audience)
        client.queue.put_nowait((position, board_text(position, docs)))
        self.clients.add(client)
        return client

    def leave(self, client: Client) -> None:
        self.clients.discard(client)

    def _remember(self, message: Message) -> None:
        self.recent.append(message)
        self.recent_bytes += len(message.text())
        while len(self.recent) > RECENT or self.recent_bytes > RECENT_BYTES:
            old = self.recent.popleft()
            self.recent_bytes -= len(old.text())
            self.floor = max(self.floor, old.position)

    async def serve(self, client: Client, send: Callable[[str], Awaitable[Any]]) -> None:
        """Send the client's queue until it is told to hang up, or its socket
        takes nothing for `stall_seconds` (the watchdog then cancels us)."""
        loop = asyncio.get_running_loop()
        self._watch(loop)
        client.task = asyncio.current_task()
        try:
            while (item := await client.queue.get()) is not None:
                position = client.sent
                if item is RESYNC:
                    text = json.dumps({"type": "resync", "position": client.sent})
                else:
                    position, text = item  # type: ignore[misc]
                client.sending_since = loop.time()
                await send(text)
                client.sending_since = None
                client.sent = position
        except asyncio.CancelledError:
            if not client.stalled:
                raise

    def _watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """One watchdog for every client's send, rather than a timeout each:
        at a thousand screens a timeout per send costs more than the send."""
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = loop.create_task(self._hang_up_stalled(loop))

    async def _hang_up_stalled(self, loop: asyncio.AbstractEventLoop) -> None:
        while self.clients:
            await asyncio.sleep(self.stall_seconds / 4)
            since = loop.time() - self.stall_seconds
            for client in list(self.clients):
                began = client.sending_since
                if began is not None and began < since and client.task is not None:
                    client.stall()
                    client.task.cancel()


def _changes_what_it_holds(message: Message, client: Client) -> bool:
    """Whether a missed change may change which incidents the client holds, or
    how much of them (a fresh board is sent instead of the changes)."""
    if client.audience.department is not None and SERVING & message.header.keys():
        return True
    return client.incident is None and "phase" in message.header
