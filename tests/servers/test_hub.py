"""The hub's hand-over of changes to one screen, without a server (the wire is
in test_live_board)."""

from __future__ import annotations

from server.hub import Client


def test_a_change_is_written_at_once_only_when_nothing_is_before_it():
    """A change goes straight to the socket when the socket takes it and nothing
    is queued or being sent before it; otherwise it waits in the client's queue
    for its sender, so a screen gets its changes in order."""
    written: list[str] = []
    socket = {"takes": True}

    def send_now(text: str) -> bool:
        if socket["takes"]:
            written.append(text)
        return socket["takes"]

    client = Client(None, 0)
    client.send_now = send_now
    client.offer(1, "a")
    assert written == ["a"] and client.queue.empty() and client.sent == 1 == client.position
    socket["takes"] = False  # its buffer is above the high-water mark
    client.offer(2, "b")
    socket["takes"] = True
    client.offer(3, "c")  # "b" is still queued: "c" may not overtake it
    assert written == ["a"]
    assert [client.queue.get_nowait() for _ in range(2)] == [(2, "b"), (3, "c")]
    client.sending_since = 1.0  # the sender is writing one (a whole board, say)
    client.offer(4, "d")
    assert written == ["a"] and client.queue.get_nowait() == (4, "d")
    assert client.position == 4 and client.sent == 1  # queued, not yet handed to the socket
