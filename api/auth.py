"""Logging in: a session cookie for the pages, a bearer token for integrations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import SESSION_COOKIE, NotAuthenticated, credentials, current_actor, runtime
from crisis.people.model import Actor

router = APIRouter(tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    id: str
    name: str
    role: str
    department: str | None


@router.post("/auth/token", response_model=Token)
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request) -> Token:
    accounts = runtime(request).accounts
    actor = accounts.authenticate(form.username, form.password)
    if actor is None:
        raise NotAuthenticated("bad_login")
    return Token(access_token=accounts.open_session(actor))


@router.post("/login", include_in_schema=False)
def login(
    username: Annotated[str, Form()], password: Annotated[str, Form()], request: Request
) -> RedirectResponse:
    accounts = runtime(request).accounts
    actor = accounts.authenticate(username, password)
    if actor is None:
        return RedirectResponse("/login?failed=1", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        accounts.open_session(actor),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> RedirectResponse:
    token, _ = credentials(request)
    if token:
        runtime(request).accounts.close_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/api/me", response_model=Me)
def me(actor: Annotated[Actor, Depends(current_actor)]) -> Me:
    return Me(id=actor.id, name=actor.name, role=actor.role.value, department=actor.department)
