"""The FastAPI application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from access.policy import AccessPolicy
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
    health,
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
from api.idempotency import Idempotency
from crisis.clock import Clock
from server.runtime import Runtime, settle_heap
from server.settings import Settings
from web import WEB


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    policy: AccessPolicy | None = None,
    *,
    whole_process: bool = False,
) -> FastAPI:
    """The app; `whole_process` when it is all its process serves (`crisis
    serve`), so what it loads at start may be set aside from garbage collection."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = Runtime.open(settings, clock, policy)
        rt.start(asyncio.get_running_loop())
        app.state.runtime = rt
        if whole_process:
            # FastAPI builds each route's models on the first request that reaches
            # its router (some 100 pydantic adapters, 0.15-0.5 s): build them (with
            # the schema) at start, not in someone's first request.
            app.openapi()
            settle_heap()
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
    app.add_middleware(Idempotency)  # inside the guards: after the origin check and body limit
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
        records,  # before desks: /incidents/{id}/sitrep is not the desk `/incidents/{id}/{name}`
        desks,
        public,
        review,
        health,
    ):
        # The JSON API documents its refusal body; the public pages and feeds their own.
        refusals = {} if module in (public, health) else errors.REFUSALS
        app.include_router(module.router, responses=refusals)
    app.include_router(admin.pages)
    docs.install(app)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    return app
