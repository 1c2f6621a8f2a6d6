"""The pages staff open in a browser."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import actor_or_none
from api.i18n import WEB, catalogue, pick_language

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=WEB / "templates")


def _render(request: Request, name: str, **context: object) -> HTMLResponse:
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return templates.TemplateResponse(
        request,
        name,
        {"lang": lang, "t": catalogue(lang)["ui"], "e": catalogue(lang)["errors"], **context},
    )


@router.get("/")
def board_page(request: Request) -> Response:
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    return _render(request, "board.html", actor=actor)


@router.get("/login")
def login_page(request: Request, failed: bool = False) -> HTMLResponse:
    return _render(request, "login.html", failed=failed)
