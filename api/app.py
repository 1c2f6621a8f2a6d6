"""The FastAPI application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api import (
    auth,
    board,
    channels,
    errors,
    facts,
    incidents,
    inquiries,
    pages,
    posts,
    public,
    review,
    rumours,
    webhooks,
)
from api.deps import runtime
from api.i18n import WEB
from api.runtime import Runtime
from api.settings import Settings
from crisis.clock import Clock


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = Runtime.open(settings, clock)
        rt.hub.attach(asyncio.get_running_loop())
        rt.board.start()
        app.state.runtime = rt
        yield
        rt.close()

    app = FastAPI(
        title="crisis",
        summary="Crisis communication coordinator for Norwegian municipalities",
        lifespan=lifespan,
    )
    errors.install(app)
    for module in (
        auth,
        incidents,
        facts,
        posts,
        channels,
        rumours,
        inquiries,
        webhooks,
        board,
        pages,
        public,
        review,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    @app.get("/healthz", tags=["ops"])
    def healthz(request: Request) -> JSONResponse:
        """Answers 200 when the event store is reachable."""
        try:
            position = runtime(request).log.max_position()
        except Exception as exc:  # the store is what we report on
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        return JSONResponse({"status": "ok", "position": position})

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
