"""`GET /healthz`: within a second, whether the product can take commands, and
if not, why; how far each read model has got.

The store is probed in a worker thread with a deadline, one probe at a time,
so a database that does not answer (a dead network path holds a connection
attempt for seconds) makes the probe late, not the answer. A store fault that
the last command met (a full disk, while reads still work) counts until a
command succeeds again.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import runtime
from web.texts import error_text, pick_language

router = APIRouter(tags=["ops"])

PROBE_SECONDS = 0.8
# A read model this many events behind the log is reported (it still catches up).
BEHIND_LIMIT = 1000


class Probe:
    """At most one store probe in flight; a late one is reused, not repeated."""

    def __init__(self) -> None:
        self.pending: Future[int] | None = None

    async def position(self, request: Request) -> int:
        if self.pending is None or self.pending.done():
            self.pending = asyncio.get_running_loop().run_in_executor(
                None, runtime(request).log.max_position
            )  # type: ignore[assignment]
            self.pending.add_done_callback(_consume)  # type: ignore[union-attr]
        return await asyncio.wait_for(asyncio.shield(self.pending), PROBE_SECONDS)  # type: ignore[arg-type]


def _consume(future: Any) -> None:
    if not future.cancelled():
        future.exception()  # a failed probe is reported by the request that waited for it


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 when commands can be taken (status ok, or degraded when a read model
    is stalled or far behind); 503 when the store is unreachable or the last
    command met a store fault. `problems` lists each with a code and a sentence."""
    rt = runtime(request)
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    problems: list[dict[str, Any]] = []

    def problem(code: str, **params: object) -> None:
        problems.append({"code": code, "detail": error_text(code, lang, **params), **params})

    probe: Probe = request.app.state.__dict__.setdefault("health_probe", Probe())
    position: int | None
    try:
        position = await probe.position(request)
    except Exception:  # unreachable or too slow: either way, no commands
        position = None
        problem("store_unreachable")
    fault = request.app.state.store_health.fault
    if fault is not None and position is not None:
        problem(fault.code)
    views = rt.projections.status()
    for name, view in views.items():
        view["behind"] = max(0, (position or view["position"]) - view["position"])
        if view["stalled_at"] is not None:
            problem("projection_stalled", view=name, at=view["stalled_at"])
        elif view["behind"] > BEHIND_LIMIT:
            problem("projection_behind", view=name, events=view["behind"])
    if getattr(rt.projections, "backoff", 0) and position is not None:
        problem("projections_retrying")
    refused = position is None or fault is not None
    status = "unavailable" if refused else "degraded" if problems else "ok"
    body = {"status": status, "position": position, "projections": views, "problems": problems}
    if problems:
        body |= {"code": problems[0]["code"], "detail": problems[0]["detail"]}
    headers = {"Retry-After": "5"} if refused else None
    return JSONResponse(body, status_code=503 if refused else 200, headers=headers)
