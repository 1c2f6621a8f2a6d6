"""Request dependencies: the runtime, and the actor behind a request."""

from __future__ import annotations

from fastapi import Request
from starlette.requests import HTTPConnection

from api.runtime import Runtime
from crisis.errors import CrisisError, Forbidden
from crisis.people.model import Actor

SESSION_COOKIE = "crisis_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class NotAuthenticated(CrisisError):
    status = 401


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


def current_actor(request: Request) -> Actor:
    """The logged-in person. Cookie-authenticated changes must carry
    X-Requested-With, which a forged cross-site form cannot set."""
    token, from_cookie = credentials(request)
    actor = runtime(request).accounts.actor_for(token) if token else None
    if actor is None:
        raise NotAuthenticated("not_authenticated")
    if (
        from_cookie
        and request.method not in SAFE_METHODS
        and not request.headers.get("x-requested-with")
    ):
        raise Forbidden("csrf")
    return actor
