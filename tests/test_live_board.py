"""The board over the wire: a real `crisis serve`, real websocket clients."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests import scenario


async def next_message(ws, timeout: float = 5.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def ws_url(server, query: str = "") -> str:
    return f"ws://127.0.0.1:{server.port}/ws/board{query}"


def test_approval_arrives_over_the_websocket(server):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident)

    async def watch() -> dict:
        headers = {"Authorization": f"Bearer {server.token('comms')}"}
        async with websockets.connect(ws_url(server), additional_headers=headers) as ws:
            first = await next_message(ws)
            assert first["type"] == "board"
            assert first["incidents"][0]["facts"][fact]["status"] == "verified"
            await asyncio.to_thread(server.ok, "comms", f"/api/facts/{fact}/approve")
            change = await next_message(ws)
            assert change["position"] > first["position"]
            return change

    change = asyncio.run(watch())
    assert change["type"] == "change"
    assert change["incident"]["facts"][fact]["status"] == "approved"


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
    headers = {"Authorization": f"Bearer {server.token('comms')}"}
    before = httpx.get(f"{server.url}/api/board", headers=headers).json()
    server.stop()
    server.start()
    headers = {"Authorization": f"Bearer {server.token('comms')}"}
    after = httpx.get(f"{server.url}/api/board", headers=headers).json()
    assert after == before
    assert after["incidents"][0]["facts"][fact]["status"] == "approved"
