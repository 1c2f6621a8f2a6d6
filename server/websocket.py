"""The server's websocket connections: uvicorn's, hanging up on a peer that
stopped reading.

Once a connection's unsent bytes pass the transport's high-water mark, a peer
that does not take any of them within `stall_seconds` has its connection
aborted: its buffer is freed and the app sees it disconnect (the hub drops
it; the screen reconnects with its position). asyncio's `transport.close()`
would instead wait for those bytes to drain, which they never do, so a
connection closed any other way while bytes are still unsent (the app is
done with it, or it missed its keepalive pings) is aborted after a grace.
The kernel's send buffer is bounded too (`SEND_BUFFER`).

Compression (permessage-deflate, as browsers offer it) runs without context
takeover in both directions (`SharedDeflate`): each message is compressed on
its own, so the same change compresses to the same bytes for every screen and
is compressed once, not once per connection, and no connection keeps a
compressor (or decompressor) between messages. At a thousand screens that
is the difference between one deflate per change and a thousand, and some
50 KB of zlib state per socket.
"""

from __future__ import annotations

import logging
import socket
import zlib
from asyncio import BaseTransport, TimerHandle
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import Frame, Opcode
from websockets.server import ServerProtocol
from websockets.typing import ExtensionParameter

from server.settings import DEFAULT_STALL_SECONDS

SEND_NOW = "crisis.send_now"  # the scope extension that offers `send_now`
GRACE_SECONDS = 1.0
# The kernel's send buffer per connection (Linux doubles it): fixed rather than
# grown up to 4 MB, so a thousand stalled screens cannot pin gigabytes.
SEND_BUFFER = 128 * 1024
WINDOW_BITS, MEM_LEVEL = 12, 5  # uvicorn's own settings
SHARED_UP_TO = 256 * 1024  # larger messages (a whole board) are compressed each time


class SharedDeflate(PerMessageDeflate):
    """permessage-deflate whose messages are compressed once for all connections
    (a negotiated window of the same size gives the same bytes)."""

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode not in (Opcode.TEXT, Opcode.BINARY) or not frame.fin:
            return super().encode(frame)
        data = bytes(frame.data)
        bits = self.local_max_window_bits
        deflated = _shared(data, bits) if len(data) <= SHARED_UP_TO else _deflated(data, bits)
        return Frame(frame.opcode, deflated, True, True, frame.rsv2, frame.rsv3)


class SharedDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self) -> None:
        super().__init__(
            server_no_context_takeover=True,
            client_no_context_takeover=True,
            server_max_window_bits=WINDOW_BITS,
            client_max_window_bits=WINDOW_BITS,
            compress_settings={"memLevel": MEM_LEVEL},
        )

    def process_request_params(
        self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, agreed = super().process_request_params(params, accepted_extensions)
        assert agreed.local_no_context_takeover  # we asked for it: the peer must accept
        shared = SharedDeflate(
            agreed.remote_no_context_takeover,
            agreed.local_no_context_takeover,
            agreed.remote_max_window_bits,
            agreed.local_max_window_bits,
            agreed.compress_settings,
        )
        return response, shared


def _deflated(data: bytes, window_bits: int) -> bytes:
    """One message compressed on its own; the closing empty block dropped (RFC 7692)."""
    encoder = zlib.compressobj(wbits=-window_bits, memLevel=MEM_LEVEL)
    return (encoder.compress(data) + encoder.flush(zlib.Z_SYNC_FLUSH))[:-4]


_shared = lru_cache(maxsize=16)(_deflated)  # the last few changes, as every screen gets them


class WebSocketProtocol(WebSocketsSansIOProtocol):
    stall_seconds = DEFAULT_STALL_SECONDS
    _stall: TimerHandle | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.config.ws_per_message_deflate:
            self.conn = ServerProtocol(
                extensions=[SharedDeflateFactory()],
                max_size=self.config.ws_max_size,
                logger=logging.getLogger("uvicorn.error"),
            )

    @classmethod
    def stalling_after(cls, seconds: float) -> type[WebSocketProtocol]:
        """This protocol, hanging up on a peer that takes nothing for `seconds`."""
        return type(cls.__name__, (cls,), {"stall_seconds": seconds})

    def connection_made(self, transport: BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        super().connection_made(transport)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall is None:
            self._stall = self.loop.call_later(self.stall_seconds, self.transport.abort)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        super().connection_lost(exc)

    async def run_asgi(self) -> None:
        # An ASGI server extension: the app may write a message at once (see `send_now`).
        self.scope["extensions"][SEND_NOW] = self.send_now  # type: ignore[assignment]
        await super().run_asgi()
        self._abort_later()

    def send_now(self, text: str) -> bool:
        """Write a text message now, if the connection is open and its buffer
        below the high-water mark; False if not (the caller sends it the usual
        way, which waits for the buffer to drain). A thousand screens' changes
        are then written in one pass of the event loop, as `websockets.broadcast`
        does, instead of a task switch and Starlette's send per screen."""
        if not (self.handshake_complete and self.writable.is_set()) or self.close_sent:
            return False
        if self.initial_response is not None or self.transport.is_closing():
            return False
        try:
            self.conn.send_text(text.encode())
        except InvalidState:
            return False
        self.transport.write(b"".join(self.conn.data_to_send()))
        return True

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._abort_later()

    def _abort_later(self) -> None:
        self.loop.call_later(GRACE_SECONDS, self._abort_if_stuck)

    def _abort_if_stuck(self) -> None:
        if self.transport.get_write_buffer_size():
            self.transport.abort()
