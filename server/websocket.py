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
"""

from __future__ import annotations

import socket
from asyncio import BaseTransport, TimerHandle

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from server.settings import DEFAULT_STALL_SECONDS

GRACE_SECONDS = 1.0
# The kernel's send buffer per connection (Linux doubles it): fixed rather than
# grown up to 4 MB, so a thousand stalled screens cannot pin gigabytes.
SEND_BUFFER = 128 * 1024


class WebSocketProtocol(WebSocketsSansIOProtocol):
    stall_seconds = DEFAULT_STALL_SECONDS
    _stall: TimerHandle | None = None

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
        await super().run_asgi()
        self._abort_later()

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._abort_later()

    def _abort_later(self) -> None:
        self.loop.call_later(GRACE_SECONDS, self._abort_if_stuck)

    def _abort_if_stuck(self) -> None:
        if self.transport.get_write_buffer_size():
            self.transport.abort()
