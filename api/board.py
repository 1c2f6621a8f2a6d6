"""The board over HTTP (a snapshot) and over a websocket (snapshot, then changes).

Websocket protocol, one JSON object per message:
  {"type": "board", "position": P, "incidents": [...]}  the board as of log position P
  {"type": "change", "position": P, "incident": {...}}  one incident as of position P
  {"type": "resync", "position": P}                     you fell behind: reconnect with since=P
Connect to /ws/board?incident=<id>&since=<P>; both optional.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect

from api.deps import actor_or_none, allowed, runtime, same_origin, while_allowed
from api.hub import serve
from crisis.people.model import Actor

router = APIRouter(tags=["board"])


@router.get("/api/board")
def board(
    request: Request,
    actor: Annotated[Actor, Depends(allowed("view_board"))],
    incident: str | None = None,
) -> dict[str, Any]:
    """The board as of its log position, for all incidents or one."""
    position, docs = runtime(request).board.snapshot(incident)
    return {"position": position, "incidents": docs}


@router.websocket("/ws/board")
async def board_feed(
    websocket: WebSocket, incident: str | None = None, since: int | None = None
) -> None:
    actor = await asyncio.to_thread(actor_or_none, websocket)
    if actor is None or not actor.may("view_board") or not same_origin(websocket):
        await websocket.close(code=1008)  # before accept: the handshake gets 403
        return
    hub = runtime(websocket).hub
    await websocket.accept()
    client = hub.join(incident, since)
    sender = asyncio.create_task(serve(client, websocket.send_text))
    receiver = asyncio.create_task(_until_closed(websocket))
    watcher = asyncio.create_task(while_allowed(websocket, "view_board"))
    try:
        await asyncio.wait({sender, receiver, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        hub.leave(client)
        for task in (sender, receiver, watcher):
            task.cancel()
        if not receiver.done() or sender.done():
            try:  # 1008: access ended (logout, revocation, timeout)
                await websocket.close(code=1008 if watcher.done() else 1000)
            except RuntimeError:
                pass


async def _until_closed(websocket: WebSocket) -> None:
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        return
