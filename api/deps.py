"""Request dependencies: the runtime, the actor behind a request, and the
one gate every API route passes: `allowed(command)`, which checks the
permission matrix (`crisis.people.model.PERMISSIONS`) before the route runs.

A route declares its command as a dependency,
`actor: Annotated[Actor, Depends(allowed("approve_fact"))]`; that is also how
`commands_of(app)` and the matrix test know which command each route runs.
The department and channel scope of an item is checked by the service,
which loads the item (`actor.require(command, department=..., channel=...)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection

from access.refusals import NotAuthenticated
from crisis.errors import Forbidden
from crisis.people.model import PERMISSIONS, Actor
from server.runtime import Runtime

__all__ = ["NotAuthenticated", "allowed", "commands_of", "current_actor", "not_gated", "runtime"]

SESSION_COOKIE = "crisis_session"
PENDING_COOKIE = "crisis_pending"  # a login waiting for its second factor
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def runtime(conn: HTTPConnection) -> Runtime:
    return conn.app.state.runtime


def credentials(conn: HTTPConnection) -> tuple[str | None, bool]:
    """The session or bearer token, and whether it came from a cookie."""
    header = conn.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return conn.cookies.get(SESSION_COOKIE), True


def actor_or_none(conn: HTTPConnection) -> Actor | None:
    token, _ = credentials(conn)
    return runtime(conn).accounts.actor_for(token) if token else None


def address(conn: HTTPConnection) -> str | None:
    return conn.client.host if conn.client else None


def same_origin(conn: HTTPConnection) -> bool:
    """False for a request a browser says came from another site. Browsers
    send Origin (and Sec-Fetch-Site) on every POST; other clients send neither."""
    if conn.headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        return False
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    given = urlsplit(origin)
    # http://host is another origin than https://host (a page on plain http
    # must not act on the TLS site); a websocket's ws/wss pair with http/https.
    scheme = {"ws": "http", "wss": "https"}.get(conn.url.scheme, conn.url.scheme)
    return given.scheme == scheme and given.netloc == conn.headers.get("host")


# How often a websocket checks that its person may still watch (env: for tests).
RECHECK_SECONDS = float(os.environ.get("CRISIS_ACCESS_RECHECK_SECONDS") or 60)


async def while_allowed(conn: HTTPConnection, command: str) -> None:
    """Return once the connection's person may no longer run `command`: at
    once when access changes in this process (logout, revocation), and by a
    periodic check for changes made through another server process."""
    accounts = runtime(conn).accounts
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()
    stop_listening = accounts.on_change(lambda: loop.call_soon_threadsafe(changed.set))
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), RECHECK_SECONDS)
            changed.clear()
            actor = await asyncio.to_thread(actor_or_none, conn)
            if actor is None or not actor.may(command):
                return
    finally:
        stop_listening()


def current_actor(request: Request) -> Actor:
    """The logged-in person. Cookie-authenticated changes must carry
    X-Requested-With, which a forged cross-site form cannot set (and a
    cross-site script cannot either without a CORS permission we never give)."""
    token, from_cookie = credentials(request)
    actor = runtime(request).accounts.actor_for(token) if token else None
    if actor is None:
        raise NotAuthenticated("not_authenticated")
    unsafe = from_cookie and request.method not in SAFE_METHODS
    if unsafe and (not request.headers.get("x-requested-with") or not same_origin(request)):
        raise Forbidden("csrf")
    return actor


@dataclass(frozen=True)
class Allowed:
    """The dependency that lets a request through only if the actor's role may
    run `command`. Being a value, it also records which command a route runs."""

    command: str

    def __post_init__(self) -> None:
        if self.command not in PERMISSIONS:
            raise KeyError(f"{self.command!r} is not in the permission matrix")

    def __call__(self, request: Request) -> Actor:
        actor = current_actor(request)
        actor.require_role(self.command)
        return actor


def allowed(command: str) -> Allowed:
    return Allowed(command)


@dataclass(frozen=True)
class NotGated:
    """Marks an /api route that no person's role gates, and says why (e.g. a
    channel's webhook, checked by its HMAC signature instead). Does nothing
    at run time; the matrix test accepts the route only with this mark:
    `@router.post(..., dependencies=[Depends(not_gated("signed by the channel"))])`."""

    reason: str

    def __call__(self) -> None:
        return None


def not_gated(reason: str) -> NotGated:
    return NotGated(reason)


@dataclass(frozen=True)
class Gated:
    """One HTTP route and the command it declares (None: it declares none),
    or why no command gates it."""

    path: str
    methods: frozenset[str]
    path_params: dict[str, Any]  # name -> its annotation
    command: str | None
    not_gated: str | None = None


def commands_of(app: FastAPI) -> Iterator[Gated]:
    """Every HTTP route of the app with the command it declares."""
    for path, route in api_routes(app):
        calls = [d.call for d in _dependants(route.dependant)]
        gates = [c.command for c in calls if isinstance(c, Allowed)]
        reasons = [c.reason for c in calls if isinstance(c, NotGated)]
        params = {p.name: p.field_info.annotation for p in route.dependant.path_params}
        yield Gated(
            path,
            frozenset(route.methods or ()),
            params,
            gates[0] if gates else None,
            reasons[0] if reasons else None,
        )


def api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    contexts = getattr(routing, "iter_route_contexts", None)  # FastAPI >= 0.160 nests routers
    if contexts is None:
        yield from ((r.path, r) for r in app.routes if isinstance(r, APIRoute))
        return
    for context in contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context.path, context.original_route


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)
