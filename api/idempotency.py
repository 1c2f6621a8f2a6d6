"""`Idempotency-Key` on every command: one middleware around the API's
changing routes (POST, PUT, PATCH, DELETE under /api/), so no route repeats it.

A retry with the same key and the same request (method, path, body) gets the
first answer, status and body, with `Idempotent-Replayed: true`, and writes
nothing. The same key with another request is refused (422
`idempotency_key_reused`); while the first is still running, 409
`idempotency_key_in_progress`. Keys are per person or integration, so two
clients cannot collide. See `access.idempotency` for how they are kept.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access.idempotency import Answer, Claim
from api.deps import SAFE_METHODS, actor_or_none, api_routes, runtime
from api.errors import store_fault
from api.faults import STORE_FAULTS
from crisis.log import recording
from web.texts import error_text, pick_language

HEADER = b"idempotency-key"
MAX_KEY = 255
REFUSAL_STATUS = {
    "idempotency_key_invalid": 422,
    "idempotency_key_reused": 422,
    "idempotency_key_in_progress": 409,
}


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            await self._keyed(key, scope, receive, send)
        except STORE_FAULTS as exc:  # the key store itself failed: answer as any store fault
            response = await store_fault(Request(scope), exc)
            await response(scope, receive, send)

    async def _keyed(self, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        if not (0 < len(key) <= MAX_KEY and key.isprintable() and key.isascii()):
            await _refuse(scope, send, "idempotency_key_invalid")
            return
        body = await _body(receive)
        conn = HTTPConnection(scope)
        actor = await run_in_threadpool(actor_or_none, conn)
        if actor is None:  # the route answers 401 (or checks a signature); nothing to keep
            await self.app(scope, _replay(body), send)
            return
        keys = runtime(conn).idempotency
        fingerprint = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), body])
        ).hexdigest()
        claim: Claim = await run_in_threadpool(keys.claim, actor.id, key, fingerprint)
        if claim.writes is not None:
            log = runtime(conn).log
            written: bool = False
            if claim.writes:
                written = await run_in_threadpool(log.holds, list(claim.writes))
            if written:
                await _recovered(scope, send, claim, conn)
                return
            await run_in_threadpool(keys.retake, actor.id, key)
            claim = Claim(run=True)
        if claim.refusal:
            await _refuse(scope, send, claim.refusal)
            return
        if claim.answer:
            await _send(send, claim.answer, replayed=True)
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        token = recording.set(keys.noting(actor.id, key))
        try:
            await self.app(scope, _replay(body), keep)
        except BaseException:
            await run_in_threadpool(keys.release, actor.id, key)
            raise
        finally:
            recording.reset(token)
        status = started.get("status", 500)
        if status >= 500:  # nothing was written (a store fault): the retry runs it
            await run_in_threadpool(keys.release, actor.id, key)
            return
        headers = dict(started.get("headers", []))
        content_type = headers.get(b"content-type", b"application/json").decode("latin-1")
        answer = Answer(status, content_type, b"".join(chunks))
        await run_in_threadpool(keys.answer, actor.id, key, answer)


def _key(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
        return None
    if not scope["path"].startswith("/api/"):
        return None
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("latin-1").strip()
    return None


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _send(send: Send, answer: Answer, replayed: bool = False) -> None:
    headers = [
        (b"content-type", answer.content_type.encode("latin-1")),
        (b"content-length", str(len(answer.body)).encode()),
    ]
    if answer.status == 409:
        headers.append((b"retry-after", b"1"))
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _refuse(scope: Scope, send: Send, code: str) -> None:
    conn = HTTPConnection(scope)
    lang = pick_language(conn.headers.get("accept-language"), conn.cookies.get("lang"))
    body = json.dumps({"detail": error_text(code, lang), "code": code}).encode()
    await _send(send, Answer(REFUSAL_STATUS[code], "application/json", body))


async def _recovered(scope: Scope, send: Send, claim: Claim, conn: HTTPConnection) -> None:
    """The server died after the log saved the command and before its answer
    was kept: say what was written, as far as the log tells."""
    item_id, version, _ = (claim.writes or [])[-1]
    position = await run_in_threadpool(runtime(conn).log.max_position)
    status = next(
        (
            route.status_code or 200
            for path, route in api_routes(scope["app"])
            if scope["method"] in (route.methods or ())
            and compile_path(path)[0].fullmatch(scope["path"])
        ),
        200,
    )
    body = {"id": item_id, "version": version, "position": position, "warnings": []}
    answer = Answer(status, "application/json", json.dumps(body | {"recovered": True}).encode())
    await _send(send, answer, replayed=True)
