"""The FastAPI application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api import (
    admin,
    auth,
    board,
    channels,
    desks,
    docs,
    errors,
    facts,
    guards,
    incidents,
    inquiries,
    pages,
    posts,
    privacy,
    public,
    records,
    replies,
    review,
    rumours,
    webhooks,
)
from api.deps import runtime
from web import WEB
from access.policy import AccessPolicy
from server.runtime import Runtime
from server.settings import Settings
from crisis.clock import Clock


def create_app(
    settings: Settings, clock: Clock | None = None, policy: AccessPolicy | None = None
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = Runtime.open(settings, clock, policy)
        rt.start(asyncio.get_running_loop())
        app.state.runtime = rt
        yield
        rt.close()

    app = FastAPI(
        title="crisis",
        summary="Crisis communication coordinator for Norwegian municipalities",
        lifespan=lifespan,
        docs_url=None,  # served by api.docs from our own origin (strict CSP)
        redoc_url=None,
    )
    errors.install(app)
    guards.install(app, policy or AccessPolicy.from_env())
    for module in (
        auth,
        admin,
        incidents,
        facts,
        posts,
        channels,
        rumours,
        inquiries,
        privacy,
        replies,
        webhooks,
        board,
        pages,
        desks,
        public,
        review,
        records,
    ):
        # The JSON API documents its refusal body; the public pages and feeds their own.
        refusals = {} if module is public else errors.REFUSALS
        app.include_router(module.router, responses=refusals)
    app.include_router(admin.pages)
    docs.install(app)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    @app.get("/healthz", tags=["ops"])
    def healthz(request: Request) -> JSONResponse:
        """Answers 200 when the event store is reachable, with how far each read
        model has got (`stalled_at`: the event it cannot apply, see the log)."""
        rt = runtime(request)
        try:
            position = rt.log.max_position()
        except Exception as exc:  # the store is what we report on
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        return JSONResponse(
            {"status": "ok", "position": position, "projections": rt.projections.status()}
        )

    return app
