"""The pages staff open in a browser."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import actor_or_none, runtime
from crisis.errors import CrisisError
from projections.board.audience import audience
from web import template_environment
from web.texts import catalogue, error_text, pick_language

router = APIRouter(include_in_schema=False)
CHARTS = 2  # load charts on the board's first screen
templates = Jinja2Templates(env=template_environment())


def render(
    request: Request,
    name: str,
    status_code: int = 200,
    error: CrisisError | None = None,
    **context: object,
) -> HTMLResponse:
    """A page in the reader's language; `error` is shown as a sentence from the catalogue."""
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    message = error_text(error.code, lang, **error.params) if error else None
    return templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": catalogue(lang)["ui"],
            "e": catalogue(lang)["errors"],
            "warnings": catalogue(lang).get("warnings", {}),
            "error": message,
            **context,
        },
        status_code=status_code,
    )


@router.api_route("/", methods=["GET", "HEAD"])  # HEAD: uptime checks
def board_page(request: Request) -> Response:
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    _, seen = runtime(request).board.snapshot(view=audience(actor).view)
    open_incidents = [d for d in seen if d["phase"] != "closed"]
    return render(
        request,
        "board.html",
        actor=actor,
        # The response load of the newest open incidents, drawn on the server.
        charted=sorted(open_incidents, key=lambda d: d["opened_at"], reverse=True)[:CHARTS],
        # Channel names as the registry has them, for channels added since.
        channels=runtime(request).channels.names(),
    )
