"""Baseline: a bare websocket broadcast (the `websockets` library, on uvloop as
uvicorn runs). Clients connect to /board; each message sent to /publish goes
to all of them with `websockets.broadcast`.
`python -m bench.baseline_ws --port P`."""

from __future__ import annotations

import argparse

import uvloop
from websockets.asyncio.server import ServerConnection, broadcast, serve

clients: set[ServerConnection] = set()


async def handler(connection: ServerConnection) -> None:
    if connection.request and connection.request.path.startswith("/publish"):
        async for message in connection:
            broadcast(clients, message)
        return
    clients.add(connection)
    try:
        await connection.wait_closed()
    finally:
        clients.discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_size=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(main(parser.parse_args().port))
