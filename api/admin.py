"""Access administration: the access review (who has access, their role and
department, second factor, last login), revoking a person's access at once,
and API tokens for integrations. Admin only (see the matrix)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, model_validator

from api.commands import Command, Short
from api.deps import actor_or_none, allowed, runtime
from api.pages import render
from crisis.channels import Channel
from crisis.channels.service import list_channels
from crisis.errors import Forbidden, Refused
from crisis.log import CrisisLog
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor

router = APIRouter(prefix="/api/admin", tags=["access"])
pages = APIRouter(include_in_schema=False)

Reviewer = Annotated[Actor, Depends(allowed("review_access"))]
Admin = Annotated[Actor, Depends(allowed("manage_access"))]
Username = Annotated[str, Path(max_length=64)]
TokenId = Annotated[str, Path(max_length=36)]


class Person(BaseModel):
    username: str
    name: str
    role: str
    department: str | None
    active: bool
    two_factor: bool
    two_factor_required: bool
    recovery_codes_left: int
    last_login_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None


class Revoked(BaseModel):
    username: str
    active: bool
    sessions_ended: int = 0


class IssueToken(Command):
    """Scope the token to exactly one department or one channel."""

    label: Short = Field(examples=["VAV fagsystem"])
    department: str | None = Field(None, max_length=20, examples=["vav"])
    channel: str | None = Field(None, max_length=20, examples=["website"])

    @model_validator(mode="after")
    def _one_scope(self) -> IssueToken:
        if (self.department is None) == (self.channel is None):
            raise Refused("token_scope_required")
        return self


class TokenIssued(BaseModel):
    id: str
    token: str = Field(description="Shown this once; only its hash is kept.")
    label: str
    scope: str
    scope_value: str


class TokenInfo(BaseModel):
    id: str
    label: str
    scope: str
    scope_value: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None


@router.get("/users", response_model=list[Person])
def users(actor: Reviewer, request: Request) -> list[dict[str, object]]:
    """Everyone with an account, for the twice-yearly access review."""
    return runtime(request).accounts.review()


@router.post("/users/{username}/revoke", response_model=Revoked)
def revoke_user(username: Username, actor: Admin, request: Request) -> Revoked:
    """End the person's access now: sessions and bearer tokens stop working at once."""
    ended = runtime(request).accounts.revoke(username, by=actor)
    return Revoked(username=username, active=False, sessions_ended=ended)


@router.post("/users/{username}/reinstate", response_model=Revoked)
def reinstate_user(username: Username, actor: Admin, request: Request) -> Revoked:
    runtime(request).accounts.reinstate(username)
    return Revoked(username=username, active=True)


@router.post("/users/{username}/reset-two-factor", response_model=Revoked)
def reset_two_factor(username: Username, actor: Admin, request: Request) -> Revoked:
    """For a lost phone: the person sets up a new authenticator at the next login."""
    runtime(request).accounts.reset_two_factor(username)
    return Revoked(username=username, active=True)


@router.get("/tokens", response_model=list[TokenInfo])
def tokens(actor: Reviewer, request: Request) -> list[dict[str, object]]:
    return runtime(request).accounts.tokens.listing()


@router.post("/tokens", status_code=201, response_model=TokenIssued)
def issue_token(body: IssueToken, actor: Admin, request: Request) -> TokenIssued:
    scope, value = ("department", body.department) if body.department else ("channel", body.channel)
    assert value is not None
    rt = runtime(request)
    issued = rt.accounts.tokens.issue(
        body.label, scope, value, by=actor, channels=active_channels(rt.log)
    )
    return TokenIssued(
        id=issued.id, token=issued.token, label=body.label, scope=scope, scope_value=value
    )


@router.post("/tokens/{token_id}/revoke", status_code=204)
def revoke_token(token_id: TokenId, actor: Admin, request: Request) -> None:
    runtime(request).accounts.tokens.revoke(token_id, by=actor)


@pages.get("/admin")
def admin_page(request: Request) -> Response:
    """The access review and API tokens; the buttons call the API above."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    if not actor.may("review_access"):
        refused = Forbidden("role_not_allowed", command="review_access", role=actor.role.value)
        return render(request, "forbidden.html", 403, refused, actor=actor)
    accounts = runtime(request).accounts
    return render(
        request,
        "admin.html",
        actor=actor,
        people=accounts.review(),
        tokens=accounts.tokens.listing(),
        departments=DEPARTMENTS,
        channels=active_channels(runtime(request).log),
    )


def active_channels(log: CrisisLog) -> dict[str, Channel]:
    """The channels an integration may have a token for: every active one in
    the registry, those an administrator added included."""
    return {c.key: c for c in list_channels(log) if c.status == "active"}
