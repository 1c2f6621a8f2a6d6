"""The board over the wire: a real `crisis serve`, real websocket clients."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import threading
import time

import httpx
import pytest
import websockets

from server.hub import QUEUE_SIZE
from tests import scenario
from tests.servers.test_faults import allow_connections, end_connections
from tests.servers.test_faults import on_postgres as on_postgres  # a fixture


async def next_message(ws, timeout: float = 5.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def ws_url(server, query: str = "") -> str:
    return f"ws://127.0.0.1:{server.port}/ws/board{query}"


def auth(server) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token('comms')}"}


class Watcher:
    """A websocket client that keeps the board the way the page does."""

    def __init__(self, ws, since: int | None = None, incidents: dict | None = None) -> None:
        self.ws = ws
        self.position = since
        self.incidents: dict[str, dict] = dict(incidents or {})
        self.messages: list[dict] = []

    @classmethod
    async def open(cls, server, query: str = "", **state) -> Watcher:
        return cls(
            await websockets.connect(
                ws_url(server, query), additional_headers=auth(server), max_size=None
            ),
            **state,
        )

    async def resume(self, server) -> Watcher:
        """The same screen, reconnected with its position."""
        return await Watcher.open(
            server, f"?since={self.position}", since=self.position, incidents=self.incidents
        )

    async def read(self, timeout: float = 5.0) -> dict:
        message = await next_message(self.ws, timeout)
        self.messages.append(message)
        if message["type"] == "board":
            self.incidents = {doc["id"]: doc for doc in message["incidents"]}
        elif message["type"] == "change":
            assert self.position is None or message["position"] > self.position, "out of order"
            merge(self.incidents, message)
        else:
            return message
        self.position = message["position"]
        return message

    async def read_until(self, position: int, timeout: float = 5.0) -> None:
        while self.position is None or self.position < position:
            await self.read(timeout)

    def changes(self, after: int = 0) -> list[dict]:
        return [m for m in self.messages if m["type"] == "change" and m["position"] > after]


def merge(incidents: dict[str, dict], change: dict) -> None:
    """Protocol 2: set the changed header fields, replace the touched items whole."""
    doc = incidents.setdefault(change["incident"], {"id": change["incident"]})
    doc.update(change["header"])
    for kind, items in change["items"].items():
        doc.setdefault(kind, {}).update(items)
    for kind, ids in change["removed"].items():
        for item in ids:
            doc.get(kind, {}).pop(item, None)


def board_of(server) -> dict[str, dict]:
    body = httpx.get(f"{server.url}/api/board", headers=auth(server)).json()
    return {doc["id"]: doc for doc in body["incidents"]}


async def act(server, user: str, path: str, body: dict | None = None) -> int:
    """Run a command from a thread; the log position it wrote."""
    return (await asyncio.to_thread(server.ok, user, path, body))["position"]


async def submit(server, incident: str, text: str) -> int:
    return await act(server, "vav", f"/api/incidents/{incident}/facts", {"text": text})


def test_approval_arrives_over_the_websocket(server):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident)

    async def watch() -> dict:
        async with websockets.connect(ws_url(server), additional_headers=auth(server)) as ws:
            first = await next_message(ws)
            assert first["type"] == "board"
            assert first["incidents"][0]["facts"][fact]["status"] == "verified"
            await asyncio.to_thread(server.ok, "comms", f"/api/facts/{fact}/approve")
            change = await next_message(ws)
            assert change["position"] > first["position"]
            return change

    change = asyncio.run(watch())
    assert change["type"] == "change"
    assert change["incident"] == incident
    assert change["items"]["facts"][fact]["status"] == "approved"


def test_websocket_refuses_anyone_not_logged_in(server):
    async def connect(headers: dict) -> None:
        async with websockets.connect(ws_url(server), additional_headers=headers):
            pass

    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        with pytest.raises(websockets.InvalidStatus) as refused:
            asyncio.run(connect(headers))
        assert refused.value.response.status_code == 403


def test_board_is_the_same_after_a_restart(server):
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident)
    scenario.published_post(server, incident, [fact])
    before = board_of(server)
    server.stop()
    server.start()
    after = board_of(server)
    assert after == before
    assert after[incident]["facts"][fact]["status"] == "approved"


def test_a_client_that_reconnects_ends_with_the_same_board_as_one_that_never_left(server):
    boil = scenario.open_incident(server)
    storm = scenario.open_incident(server, title="Storm", department="bym")

    async def run() -> None:
        steady, leaver = await Watcher.open(server), await Watcher.open(server)
        position = await submit(server, boil, "Før bruddet")
        await steady.read_until(position)
        await leaver.read_until(position)
        since = leaver.position
        await leaver.ws.close()

        for i in range(3):  # missed, on both incidents
            await submit(server, boil, f"Mens skjermen var borte {i}")
            position = await act(server, "bym", f"/api/incidents/{storm}/facts", {"text": f"{i}"})
        back = await leaver.resume(server)
        await back.read_until(position)
        await steady.read_until(position)
        assert back.messages == steady.changes(after=since)  # exactly what it missed, in order
        assert len(back.messages) == 6

        position = await submit(server, boil, "Etter at skjermen kom tilbake")
        await back.read_until(position)
        await steady.read_until(position)
        assert back.incidents == steady.incidents == board_of(server)
        for ws in (back.ws, steady.ws):
            await ws.close()

    asyncio.run(run())


def test_a_client_from_before_a_restart_gets_a_fresh_board(server):
    """The server may have restarted with a new board layout: never patch old docs."""
    incident = scenario.open_incident(server)

    async def position_now() -> int:
        watcher = await Watcher.open(server)
        await watcher.read()
        await watcher.ws.close()
        return watcher.position

    since = asyncio.run(position_now())
    server.stop()
    server.start()

    async def reconnect() -> dict:
        watcher = await Watcher.open(server, f"?since={since}", since=since)
        first = await watcher.read()
        await watcher.ws.close()
        return first

    first = asyncio.run(reconnect())
    assert first["type"] == "board" and first["position"] == since
    assert [doc["id"] for doc in first["incidents"]] == [incident]


def test_a_client_can_watch_one_incident(server):
    boil = scenario.open_incident(server)
    storm = scenario.open_incident(server, title="Storm", department="bym")

    async def run() -> Watcher:
        watcher = await Watcher.open(server, f"?incident={boil}")
        await watcher.read()
        await act(server, "bym", f"/api/incidents/{storm}/facts", {"text": "Ikke for meg"})
        position = await submit(server, boil, "For meg")
        await watcher.read_until(position)
        await watcher.ws.close()
        return watcher

    watcher = asyncio.run(run())
    assert [m["type"] for m in watcher.messages] == ["board", "change"]
    assert list(watcher.incidents) == [boil]
    assert [f["text"] for f in watcher.incidents[boil]["facts"].values()] == ["For meg"]


async def stalled_client(server):
    """A client that never reads, with as little buffering as the OS allows."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    sock.setblocking(False)
    return await websockets.connect(
        ws_url(server), sock=sock, additional_headers=auth(server), max_queue=1, compression=None
    )


def stalling_after(server, monkeypatch, seconds: str) -> None:
    """Restart the server so that it hangs up on a socket that takes nothing for `seconds`."""
    server.stop()
    monkeypatch.setenv("CRISIS_BOARD_STALL_SECONDS", seconds)
    server.start()


def big_facts(server, incident: str, count: int) -> None:
    for i in range(count):  # each about 10 KB on the board (the text and its history)
        scenario.verified_fact(server, incident, f"{i} " + "Vannprøve. " * 450)


@pytest.mark.once  # the hub's handling of a socket, whatever the store
def test_a_client_that_stops_reading_does_not_delay_the_others(server, monkeypatch):
    stalling_after(server, monkeypatch, "2")
    incidents = [scenario.open_incident(server, title=f"Hendelse {n}") for n in range(3)]
    for incident in incidents:
        big_facts(server, incident, 12)
    each = (QUEUE_SIZE + 150) // len(incidents)  # enough to fill the socket buffers, then the queue
    flood = each * len(incidents)
    answered: dict[int, float] = {}
    long_text = "Vannprøve. " * 450  # each change carries about 10 KB (the fact and its history)

    def submit_again_and_again(incident: str) -> None:
        vav = {"Authorization": f"Bearer {server.token('vav')}"}
        with httpx.Client(base_url=server.url, headers=vav, timeout=10) as client:
            for i in range(each):
                response = client.post(
                    f"/api/incidents/{incident}/facts", json={"text": f"{i} {long_text}"}
                )
                assert response.status_code == 201, response.text
                answered[response.json()["position"]] = time.monotonic()

    async def run() -> None:
        stalled = await stalled_client(server)
        steady = await Watcher.open(server)
        await steady.read()
        received: dict[int, float] = {}
        commands = [
            threading.Thread(target=submit_again_and_again, args=(incident,))
            for incident in incidents
        ]
        for thread in commands:
            thread.start()
        while len(received) < flood:
            message = await steady.read(timeout=10)
            received[message["position"]] = time.monotonic()
        for thread in commands:
            await asyncio.to_thread(thread.join)

        assert sorted(received) == sorted(answered)  # every change, none twice
        lag = max(received[p] - answered[p] for p in answered)
        assert lag < 2.0, f"a change reached the reading client {lag:.1f} s after its command"

        # The stalled client was dropped: what reaches it is a run of changes in
        # order, then a resync naming the last of them, or the connection just ends.
        tail = Watcher(stalled)
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                message = await tail.read(timeout=10)
                if message["type"] == "resync":
                    assert message["position"] == tail.position
        assert len(tail.changes()) < flood
        assert tail.position is None or tail.position < steady.position

        # It reconnects with its position (if it got a board) and catches up.
        back = await (tail.resume(server) if tail.position else Watcher.open(server))
        await back.read_until(steady.position)
        assert back.incidents == steady.incidents
        await back.ws.close()
        await steady.ws.close()

    asyncio.run(run())


@pytest.mark.once  # the hub's handling of a socket, whatever the store
def test_a_client_that_stops_reading_is_hung_up_on_though_nothing_else_happens(server, monkeypatch):
    """Its socket stops taking the board: within the stall time (and a grace) the
    server aborts the connection, freeing what it held unsent."""
    stalling_after(server, monkeypatch, "1")
    incident = scenario.open_incident(server)
    big_facts(server, incident, 60)  # a board of about 600 KB: more than the socket buffers
    board = len(httpx.get(f"{server.url}/api/board", headers=auth(server)).content)

    with socket.socket() as sock:  # a websocket handshake, then never a read
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /ws/board HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Authorization: Bearer {server.token('comms')}\r\n\r\n"
            ).encode()
        )
        time.sleep(4)  # the stall time, the grace, and some
        sock.settimeout(10)  # a connection still open would time out below
        received = 0
        with pytest.raises((ConnectionResetError, EOFError)):
            while chunk := sock.recv(65536):
                received += len(chunk)
            raise EOFError
    assert received < board  # it was hung up on before it had the board

    steady = httpx.get(f"{server.url}/api/board", headers=auth(server))
    assert steady.status_code == 200  # the server itself carries on


def test_board_connections_closed_because_the_store_is_unreachable_get_1013(
    on_postgres,
    monkeypatch,
):
    """1013 (try again later), not 1008 (access ended): an API client must not
    read a database outage as a logout."""
    srv, dbname = on_postgres
    srv.stop()
    monkeypatch.setenv("CRISIS_ACCESS_RECHECK_SECONDS", "1")
    srv.start()

    async def run() -> int:
        watcher = await Watcher.open(srv)
        await watcher.read()
        allow_connections(dbname, False)
        end_connections(dbname)
        try:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await watcher.read(timeout=20)
        finally:
            allow_connections(dbname, True)
        return closed.value.rcvd.code

    assert asyncio.run(run()) == 1013
