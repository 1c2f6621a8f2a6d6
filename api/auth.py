"""Logging in: a session cookie for the pages, a bearer token for integrations
and scripts. Editors and admins need a second factor (TOTP), others may
choose one: the login page asks for the code (or, the first time, sets up
the authenticator app), and `POST /auth/token` takes it as the form field
`totp`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from access import second_factor
from access.accounts import Pending
from access.refusals import NotAuthenticated, TooManyAttempts
from api.deps import (
    PENDING_COOKIE,
    SESSION_COOKIE,
    actor_or_none,
    address,
    allowed,
    credentials,
    runtime,
)
from api.errors import Problem
from api.pages import render
from crisis.errors import CrisisError
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
    channel: str | None = None


_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": Problem,
        "description": "Wrong username, password or code (one message for all)",
    },
    429: {
        "model": Problem,
        "description": "Too many failed attempts; Retry-After says when to try again",
    },
}


@router.post("/auth/token", response_model=Token, responses=_REFUSALS)
def token(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    totp: Annotated[
        str | None,
        Form(
            max_length=40,
            description="The 6-digit code from the authenticator app, or a recovery code. "
            "Required for editor and admin, and for anyone who has set up two-factor login.",
        ),
    ] = None,
    grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
) -> Token:
    """OAuth2 password flow: a bearer token for the API (idle and absolute timeouts apply)."""
    accounts = runtime(request).accounts
    return Token(access_token=accounts.log_in(username, password, totp, address(request)))


@router.get("/api/me", response_model=Me)
def me(actor: Annotated[Actor, Depends(allowed("view_self"))]) -> Me:
    return Me(
        id=actor.id,
        name=actor.name,
        role=actor.role.value,
        department=actor.department,
        channel=actor.channel,
    )


# The login pages


def _login_page(
    request: Request, name: str, error: CrisisError | None = None, **ctx: object
) -> HTMLResponse:
    status = error.status if error else 200
    return render(request, name, status_code=status, error=error, **ctx)


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def _logged_in(request: Request, session: str) -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, session)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return _login_page(request, "login.html")


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    accounts = runtime(request).accounts
    try:
        token, stage = accounts.start_login(username, password, address(request))
    except (NotAuthenticated, TooManyAttempts) as refused:
        return _login_page(request, "login.html", refused)
    if stage == "full":
        return _logged_in(request, token)
    response = RedirectResponse(f"/login/{stage}", status_code=303)
    _set_cookie(request, response, PENDING_COOKIE, token)
    return response


@router.get("/login/code", include_in_schema=False)
def code_page(request: Request) -> Response:
    if _pending(request, "code") is None:
        return RedirectResponse("/login", status_code=303)
    return _login_page(request, "login_code.html")


@router.post("/login/code", include_in_schema=False)
def code(request: Request, code: Annotated[str, Form(max_length=40)]) -> Response:
    accounts = runtime(request).accounts
    try:
        session = accounts.pass_code(
            request.cookies.get(PENDING_COOKIE, ""), code, address(request)
        )
    except (NotAuthenticated, TooManyAttempts) as refused:
        page = "login.html" if refused.code == "login_expired" else "login_code.html"
        return _login_page(request, page, refused)
    return _logged_in(request, session)


@router.get("/login/enrol", include_in_schema=False)
def enrol_page(request: Request) -> Response:
    pending = _pending(request, "enrol")
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    return _enrol_page(request, pending.username)


def _enrol_page(request: Request, username: str, error: CrisisError | None = None) -> HTMLResponse:
    secret = runtime(request).accounts.enrolment_secret(request.cookies.get(PENDING_COOKIE, ""))
    uri = second_factor.provisioning_uri(secret, username)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return _login_page(
        request,
        "login_enrol.html",
        error,
        secret=grouped,
        uri=uri,
        qr=second_factor.qr_code(uri),
    )


@router.post("/login/enrol", include_in_schema=False)
def enrol(request: Request, code: Annotated[str, Form(max_length=40)]) -> Response:
    accounts = runtime(request).accounts
    pending = _pending(request, "enrol")
    if pending is None:
        return _login_page(request, "login.html", NotAuthenticated("login_expired"))
    try:
        session, codes = accounts.complete_enrolment(
            request.cookies.get(PENDING_COOKIE, ""), code, address(request)
        )
    except (NotAuthenticated, TooManyAttempts) as refused:
        return _enrol_page(request, pending.username, refused)
    previous, from_cookie = credentials(request)
    if previous and from_cookie:
        accounts.close_session(previous)
    response = render(request, "recovery_codes.html", codes=codes)
    _set_cookie(request, response, SESSION_COOKIE, session)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


def _pending(request: Request, stage: str) -> Pending | None:
    pending = runtime(request).accounts.pending(request.cookies.get(PENDING_COOKIE, ""))
    return pending if pending is not None and pending.stage == stage else None


@router.get("/account", include_in_schema=False)
def account_page(request: Request) -> Response:
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    status = runtime(request).accounts.stage_after_password(actor)
    return render(request, "account.html", actor=actor, enrolled=status == "code")


@router.post("/account/two-factor", include_in_schema=False)
def start_two_factor(
    request: Request,
    password: Annotated[str, Form(max_length=200)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """A logged-in person sets up (or replaces) their authenticator app, with
    their password and (to replace one) the current code or a recovery code.
    Setting up the new app ends the person's other sessions."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    accounts = runtime(request).accounts
    try:
        pending = accounts.start_enrolment(actor, password, code or None, address(request))
    except (NotAuthenticated, TooManyAttempts) as refused:
        enrolled = accounts.stage_after_password(actor) == "code"
        return render(
            request, "account.html", refused.status, refused, actor=actor, enrolled=enrolled
        )
    response = RedirectResponse("/login/enrol", status_code=303)
    _set_cookie(request, response, PENDING_COOKIE, pending)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request) -> RedirectResponse:
    accounts = runtime(request).accounts
    token, _ = credentials(request)
    for ended in (token, request.cookies.get(PENDING_COOKIE)):
        if ended:
            accounts.close_session(ended)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response
