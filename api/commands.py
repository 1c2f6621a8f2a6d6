"""What every command route shares: strict request bodies, and a response
that waits, within a bound, until the board has applied the change, so the
person who acted sees it on their board at once.

Command routes are plain `def` functions because the event store is
synchronous (they run in the threadpool).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import runtime
from crisis.log import CrisisLog, Saved
from web.texts import pick_language, warning_text

# Any logged-in person. An /api route declares the command it runs instead,
# `Annotated[Actor, Depends(allowed("approve_fact"))]` (api.deps), so the
# permission matrix gates it; tests/test_access_matrix.py fails otherwise.
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class Command(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Versioned(Command):
    version: int | None = Field(None, description="The version you saw; refused if stale.")


class Warning(BaseModel):
    """Advice from the guidelines: the command was carried out, but consider this."""

    code: str
    detail: str
    params: dict[str, Any]


class Accepted(BaseModel):
    id: UUID
    version: int
    position: int
    warnings: list[Warning] = Field(default_factory=list)


def done(request: Request, act: Callable[[CrisisLog], Saved]) -> Accepted:
    """Run the command, wait for the read models to apply it, answer what was written."""
    rt = runtime(request)
    saved = act(rt.log)
    rt.projections.wait(saved.position)
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return Accepted(
        id=saved.id,
        version=saved.version,
        position=saved.position,
        warnings=[
            Warning(
                code=w["code"],
                detail=warning_text(w["code"], lang, **w["params"]),
                params=w["params"],
            )
            for w in saved.warnings
        ],
    )


def version_of(body: Versioned | None) -> int | None:
    return body.version if body else None
