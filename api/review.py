"""Post-incident review: the page, its JSON, the report, and pinning key moments.

Everything is read through `projections.review.ReviewViews` (the timeline
read model, moments from checkpoints, the figures), one per application.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from api.commands import Accepted, Command, done
from api.deps import actor_or_none, allowed, runtime
from api.pages import templates
from crisis.errors import CrisisError, NotFound, Refused
from crisis.people.model import PERMISSIONS, Actor
from crisis.review import service
from crisis.review.model import MAX_NOTE
from projections.board.audience import audience
from projections.review import STEPS
from projections.timeline import KINDS
from reports.narrate import describe, when
from reports.review import formatting, render_report, report_data
from web.texts import catalogue, error_text, pick_language

router = APIRouter(tags=["review"])
Reviewer = Annotated[Actor, Depends(allowed("review"))]
Pinner = Annotated[Actor, Depends(allowed("pin_moment"))]
OSLO = ZoneInfo("Europe/Oslo")
PAGE = 500  # timeline lines per page
# Positions, steps and offsets beyond any log: SQLite's integers end at 2**63
# (the fuzzer found an offset past that answered 500).
LAST = 2**53


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))


# Pinning


class Pin(Command):
    position: int = Field(
        ge=1, le=LAST, description="The log position of the incident's event to pin."
    )
    note: str = Field(max_length=MAX_NOTE, description="Why the moment matters.")


class Unpin(Command):
    position: int = Field(ge=1, le=LAST)


@router.post("/api/review/{incident_id}/pins", status_code=201, response_model=Accepted)
def pin(
    incident_id: UUID,
    body: Pin,
    actor: Pinner,
    request: Request,
) -> Accepted:
    """Pin a key moment: an event of its own; the history is never edited."""
    return done(
        request,
        lambda log: service.pin_moment(
            log, actor, incident_id, position=body.position, note=body.note
        ),
    )


@router.post("/api/review/{incident_id}/pins/remove", response_model=Accepted)
def unpin(
    incident_id: UUID,
    body: Unpin,
    actor: Pinner,
    request: Request,
) -> Accepted:
    return done(
        request, lambda log: service.remove_pin(log, actor, incident_id, position=body.position)
    )


# JSON


@router.get("/api/review/board")
def board_at_moment(
    request: Request,
    actor: Reviewer,
    incident: str | None = None,
    index: Annotated[int | None, Query(ge=0, le=LAST)] = None,
    position: Annotated[int | None, Query(ge=0, le=LAST)] = None,
    at: str | None = Query(
        None, description="ISO time; without an offset it is read as Oslo time."
    ),
) -> dict[str, Any]:
    """The board as it stood at a moment (one incident's replay step `index`, a log
    `position`, or a time `at`), with the event that made it so, in words."""
    review, lang = runtime(request).review, _lang(request)
    moment = review.moment(
        incident, index=index, position=position, at=_time(at), shown=audience(actor)
    )
    if moment is None:
        raise NotFound("moment_not_found")
    channels = runtime(request).channels.names()
    line = moment["line"]
    pins = review.pins(incident) if incident else {}
    local = datetime.fromisoformat(moment["at"]).astimezone(OSLO)
    return {
        **moment,
        "line": {
            **line,
            "description": describe(line, lang, channels),
            "when": when(line["at"], lang),
            "channel_name": channels.get(line["channel"] or "", line["channel"]),
        },
        "at_local": local.strftime("%Y-%m-%dT%H:%M"),
        "pin": pins.get(moment["position"]),
    }


@router.get("/api/review/{incident_id}/timeline")
def timeline(
    incident_id: str,
    request: Request,
    actor: Reviewer,
    kind: Annotated[list[str] | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=LAST)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = PAGE,
) -> dict[str, Any]:
    """The incident's events as readable lines, in log order, optionally of some kinds only."""
    review, lang = runtime(request).review, _lang(request)
    kinds = _kinds(kind)
    lines = review.lines(incident_id, kinds, offset, limit, shown=audience(actor))
    channels = runtime(request).channels.names()
    return {
        "total": review.count(incident_id, kinds),
        "offset": offset,
        "lines": [
            {**line, "description": describe(line, lang, channels), "when": when(line["at"], lang)}
            for line in lines
        ],
    }


@router.get("/api/review/{incident_id}/figures")
def figures(incident_id: str, request: Request, actor: Reviewer) -> dict[str, Any]:
    """The figures the page and the report show, computed by the same code."""
    result = runtime(request).review.figures(incident_id)
    if result is None:
        raise NotFound("incident_not_found", id=incident_id)
    return result


@router.get("/api/review/{incident_id}/report.json")
def report_json(incident_id: str, request: Request, actor: Reviewer) -> dict[str, Any]:
    """The report's data: what `crisis review --format json` writes."""
    channels = runtime(request).channels.names()
    shown = audience(actor)
    data = report_data(runtime(request).review, incident_id, _lang(request), channels, shown)
    if data is None:
        raise NotFound("incident_not_found", id=incident_id)
    return data


# Pages


@router.get("/review", include_in_schema=False)
def index_page(request: Request) -> Response:
    actor = _reviewer(request)
    if isinstance(actor, Response):
        return actor
    lang = _lang(request)
    opened = runtime(request).review.incidents()
    return templates.TemplateResponse(
        request,
        "review/index.html",
        {**formatting(lang, {}, None), "actor": actor, "incidents": opened},
    )


@router.get("/review/{incident_id}", include_in_schema=False)
def review_page(
    incident_id: str,
    request: Request,
    kind: Annotated[list[str] | None, Query()] = None,
    page: Annotated[int, Query(ge=0, le=LAST // PAGE)] = 0,
) -> Response:
    actor = _reviewer(request)
    if isinstance(actor, Response):
        return actor
    review, lang = runtime(request).review, _lang(request)
    doc, figures = review.final(incident_id), review.figures(incident_id)
    if doc is None:
        return _message(request, 404, "incident_not_found", id=incident_id)
    channels = runtime(request).channels.names()
    kinds = _kinds(kind)
    total = review.count(incident_id, kinds)
    shown = audience(actor)
    lines = review.lines(incident_id, kinds, page * PAGE, PAGE, shown=shown)
    pins = review.pins(incident_id)
    context = {
        **formatting(lang, channels, figures),
        "actor": actor,
        "can_pin": actor.role in PERMISSIONS["pin_moment"],
        "incident": shown.doc(doc),
        "figures": figures,
        "definitions": catalogue(lang)["figures"],
        "kinds": KINDS,
        "chosen": kinds or [],
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "total": total,
        "lines": [{**line, "description": describe(line, lang, channels)} for line in lines],
        "pins": [
            {"position": p, **pin, "event": describe(line, lang, channels) if line else ""}
            for p, pin in pins.items()
            for line in [review.line_at(p, shown=shown)]
        ],
        "pinned": pins,
        "steps": review.timeline.count(incident_id, STEPS),
        "channels": channels,
        "labels": catalogue(lang)["ui"],
    }
    return templates.TemplateResponse(request, "review/page.html", context)


@router.get("/review/{incident_id}/report.html", include_in_schema=False)
def report_page(incident_id: str, request: Request) -> Response:
    """The printable, self-contained report, as `crisis review` writes it."""
    actor = _reviewer(request)
    if isinstance(actor, Response):
        return actor
    channels = runtime(request).channels.names()
    data = report_data(
        runtime(request).review, incident_id, _lang(request), channels, audience(actor)
    )
    if data is None:
        return _message(request, 404, "incident_not_found", id=incident_id)
    html = render_report(data, channels, templates.env)
    return HTMLResponse(html, headers={"Content-Security-Policy": _report_policy(html)})


def _report_policy(html: str) -> str:
    """The report is one file with its styles inline: allow exactly those, and nothing else."""
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in styles
    )
    return (
        f"default-src 'none'; style-src {hashes}; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _reviewer(request: Request) -> Actor | Response:
    """The logged-in person allowed to review, or the response to give instead."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    try:
        actor.require("review")
    except CrisisError as refused:
        return _message(request, refused.status, refused.code, **refused.params)
    return actor


def _message(request: Request, status: int, code: str, **params: object) -> HTMLResponse:
    lang = _lang(request)
    return templates.TemplateResponse(
        request,
        "review/message.html",
        {**formatting(lang, {}, None), "message": error_text(code, lang, **params)},
        status_code=status,
    )


def _kinds(kinds: list[str] | None) -> list[str] | None:
    chosen = [k for k in kinds or [] if k in KINDS]
    return chosen or None


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refused("moment_time_invalid") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=OSLO)
