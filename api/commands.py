"""What every command route shares: strict request bodies, and a response
that waits, within a bound, until the board has applied the change, so the
person who acted sees it on their board at once.

Command routes are plain `def` functions because the event store is
synchronous (they run in the threadpool).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import current_actor, runtime
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor

ActorDep = Annotated[Actor, Depends(current_actor)]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


class Command(BaseModel):
    """A request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Versioned(Command):
    version: int | None = Field(None, description="The version you saw; refused if stale.")


class Accepted(BaseModel):
    id: UUID
    version: int
    position: int


def done(request: Request, act: Callable[[CrisisLog], Saved]) -> Accepted:
    """Run the command, wait for the read models to apply it, answer what was written."""
    rt = runtime(request)
    saved = act(rt.log)
    rt.projections.wait(saved.position)
    return Accepted(id=saved.id, version=saved.version, position=saved.position)


def version_of(body: Versioned | None) -> int | None:
    return body.version if body else None
