"""Board messages are compressed once for every screen: permessage-deflate
without context takeover, so the same change deflates to the same bytes on
every connection, and no socket keeps a compressor between messages."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode

from server import websocket
from tests import scenario
from tests.servers.test_live_board import auth, next_message, ws_url


def _negotiated(offer: str) -> websocket.PerMessageDeflate:
    """What the server agrees to for a client's offer, as in a handshake."""
    from websockets.headers import parse_extension

    ((_, params),) = parse_extension(offer)
    return websocket.SharedDeflateFactory().process_request_params(params, [])[1]


@pytest.mark.once  # the socket's compression, whatever the store
def test_a_change_is_deflated_once_for_all_screens_and_every_screen_reads_it():
    browser = "permessage-deflate; client_max_window_bits"
    screens = [_negotiated(browser) for _ in range(3)]
    assert all(s.local_no_context_takeover and s.remote_no_context_takeover for s in screens)
    websocket._shared.cache_clear()
    text = json.dumps({"type": "change", "text": "Kokevarsel for Grorud " * 40}).encode()
    frames = [s.encode(Frame(Opcode.TEXT, text)) for s in screens]
    info = websocket._shared.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert len({f.data for f in frames}) == 1 and len(frames[0].data) < len(text) / 4
    # A client that agreed to no context takeover reads each of them (and the next).
    client = ClientPerMessageDeflateFactory().process_response_params(
        [
            ("server_no_context_takeover", None),
            ("client_no_context_takeover", None),
            ("server_max_window_bits", "12"),
            ("client_max_window_bits", "12"),
        ],
        [],
    )
    for frame in [*frames, screens[0].encode(Frame(Opcode.TEXT, b'{"type":"next"}'))]:
        frame = Frame(frame.opcode, frame.data, frame.fin, frame.rsv1)
        assert client.decode(frame).data in (text, b'{"type":"next"}')


def test_the_board_socket_negotiates_no_context_takeover(server):
    """A real server and client: the handshake says so, and changes arrive whole."""

    async def watch() -> tuple[str, dict]:
        async with websockets.connect(ws_url(server), additional_headers=auth(server)) as ws:
            await next_message(ws)
            await asyncio.to_thread(scenario.open_incident, server)
            return ws.response.headers["Sec-WebSocket-Extensions"], await next_message(ws)

    agreed, change = asyncio.run(watch())
    assert "server_no_context_takeover" in agreed and "client_no_context_takeover" in agreed
    assert change["type"] == "change"
