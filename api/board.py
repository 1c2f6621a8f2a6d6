"""The board over HTTP (a snapshot) and over a websocket (snapshot, then changes).

Websocket protocol 3, one JSON object per message (see README, "Live board"):
  {"type": "board", "protocol": 3, "position": P, "incidents": [...]}
      the board as of log position P (closed incidents by their header only,
      unless asked for by id)
  {"type": "change", "position": P, "incident": id, "header": {...},
   "items": {kind: {id: item}}, "removed": {kind: [id]}}
      what one incident's events up to position P changed (`projections.board.changes`)
  {"type": "resync", "position": P}   you fell behind: reconnect with since=P
Connect to /ws/board?incident=<id>&since=<P>; both optional. Positions only
grow; each change carries the position of the last event that changed it.
What each role sees is decided in `projections.board.audience`.
Close codes: 1008 access ended (logout, revocation), 1013 try again later
(fell behind, or the store is unreachable).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, WebSocket, WebSocketDisconnect

from api.deps import actor_or_none, allowed, runtime, same_origin, while_allowed
from crisis.people.model import Actor
from projections.board.audience import audience
from projections.board.changes import PROTOCOL
from server.websocket import SEND_NOW

router = APIRouter(tags=["board"])

RESYNC_GRACE = 5.0  # seconds a dropped client has to read its resync message
CLOSE_TIMEOUT = 1.0


@router.get("/api/board")
def board(
    request: Request,
    actor: Annotated[Actor, Depends(allowed("view_board"))],
    incident: str | None = None,
) -> Response:
    """The board as of its log position, for all incidents or one, as your role may see it."""
    position, docs = runtime(request).board.snapshot_json(incident, audience(actor).view)
    body = b'{"protocol":%d,"position":%d,"incidents":%s}' % (PROTOCOL, position, docs)
    return Response(body, media_type="application/json")


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
    client = hub.join(incident, since, audience(actor))
    client.send_now = websocket.scope.get("extensions", {}).get(SEND_NOW, client.send_now)
    sender = asyncio.create_task(hub.serve(client, websocket.send_text))
    receiver = asyncio.create_task(_until_closed(websocket))
    watcher = asyncio.create_task(while_allowed(websocket, "view_board"))
    dropped = asyncio.create_task(client.dropped.wait())
    try:
        finished, _ = await asyncio.wait(
            {sender, receiver, watcher, dropped}, return_when=asyncio.FIRST_COMPLETED
        )
        if dropped in finished:  # let the resync through if the client still reads
            await asyncio.wait({sender, receiver}, timeout=RESYNC_GRACE)
    finally:
        hub.leave(client)
        for task in (sender, receiver, watcher, dropped):
            task.cancel()
        if not receiver.done() and not client.stalled:  # a stalled socket takes no close
            await _close(websocket, code=_close_code(watcher, client.dropped.is_set()))


def _close_code(watcher: asyncio.Task[None], dropped: bool) -> int:
    """1008: access ended (logout, revocation, timeout); 1013: try again later
    (fell behind, or access could not be checked because the store is unreachable)."""
    if watcher.done() and not watcher.cancelled():
        return 1013 if watcher.exception() is not None else 1008
    return 1013 if dropped else 1000


async def _until_closed(websocket: WebSocket) -> None:
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        return


async def _close(websocket: WebSocket, code: int) -> None:
    """Close, but never wait long on a client whose socket is full."""
    with contextlib.suppress(TimeoutError, RuntimeError, OSError):
        await asyncio.wait_for(websocket.close(code=code), CLOSE_TIMEOUT)
