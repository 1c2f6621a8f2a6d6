"""The desks: the pages where each role does its work (department facts, the
comms inbox, compose, rumours, admin), and the language switch.

Each page is a shell rendered here (labels, the incident picker, static
forms); its ES module fills it from the board websocket and acts through the
JSON API, so the pages hold no rule of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import actor_or_none, runtime
from api.pages import render, templates
from crisis.inquiries.model import CATEGORIES, MODERATION_ACTIONS, REFERRAL_TARGETS
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor, Role
from crisis.rumours.model import ASSESSMENTS
from web.texts import LANGUAGES, catalogue, pick_language

router = APIRouter(include_in_schema=False)

_PUBLISHERS = {Role.COMMS, Role.EDITOR}


@dataclass(frozen=True)
class Desk:
    key: str  # the catalogue label and the template name
    path: str
    roles: frozenset[Role]


DESKS = (
    Desk("board", "/", frozenset(Role)),
    Desk("desk_facts", "/desks/facts", frozenset({Role.DEPARTMENT, *_PUBLISHERS})),
    Desk("desk_inbox", "/desks/inbox", frozenset(_PUBLISHERS)),
    Desk("desk_compose", "/desks/compose", frozenset(_PUBLISHERS)),
    Desk("desk_rumours", "/desks/rumours", frozenset(_PUBLISHERS)),
    Desk("desk_admin", "/desks/admin", frozenset({Role.ADMIN})),
)
_BY_KEY = {d.key: d for d in DESKS}


def desk_links(actor: Actor | None, current: str) -> list[dict[str, Any]]:
    """The pages this person may use, for the navigation in base.html."""
    if actor is None:
        return []
    return [
        {"label": d.key, "href": d.path, "current": d.path == current}
        for d in DESKS
        if actor.role in d.roles
    ]


templates.env.globals["desk_links"] = desk_links


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    """Remember the chosen language in the `lang` cookie the pages read, and go back."""
    target = next if _local(next) else "/"
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _local(path: str) -> bool:
    parts = urlsplit(path)
    return path.startswith("/") and not path.startswith("//") and not parts.netloc


@router.get("/desks/facts")
def facts_desk(request: Request, incident: str | None = None) -> Response:
    return _desk(request, "desk_facts", incident)


@router.get("/desks/inbox")
def inbox_desk(request: Request, incident: str | None = None) -> Response:
    return _desk(
        request,
        "desk_inbox",
        incident,
        categories=CATEGORIES,
        referral_targets=[(k, DEPARTMENTS.get(k, "")) for k in REFERRAL_TARGETS],
        moderation_actions=MODERATION_ACTIONS,
    )


@router.get("/desks/compose")
def compose_desk(request: Request, incident: str | None = None) -> Response:
    return _desk(request, "desk_compose", incident)


@router.get("/desks/rumours")
def rumours_desk(request: Request, incident: str | None = None) -> Response:
    return _desk(request, "desk_rumours", incident, assessments=ASSESSMENTS)


@router.get("/desks/admin")
def admin_desk(request: Request) -> Response:
    return _desk(request, "desk_admin", None, departments=DEPARTMENTS, pick_incident=False)


def _desk(
    request: Request,
    key: str,
    incident: str | None,
    pick_incident: bool = True,
    **context: Any,
) -> Response:
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    desk = _BY_KEY[key]
    if actor.role not in desk.roles:
        return render(request, "desks/forbidden.html", 403, actor=actor, desk=desk)
    rt = runtime(request)
    incidents = rt.board.read(lambda b: _incidents(b.headers(), actor))[1] if pick_incident else []
    chosen = next((i for i in incidents if i["id"] == incident), None)
    if chosen is None and incident is None and incidents:
        chosen = incidents[0]
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return render(
        request,
        f"desks/{key.removeprefix('desk_')}.html",
        actor=actor,
        desk=desk,
        incidents=incidents,
        incident=chosen,
        asked=incident,
        pick=pick_incident,
        channels=[c for c in rt.channels.all() if c.status != "retired"],
        client={
            "ui": catalogue(lang)["ui"],
            "warnings": catalogue(lang).get("warnings", {}),
            "channels": rt.channels.names(),
        },
        **context,
    )


def _incidents(docs: Iterable[dict[str, Any]], actor: Actor) -> list[dict[str, Any]]:
    """Incidents not closed, newest first; a department sees those it has facts in."""
    mine = [
        {"id": d["id"], "title": d["title"], "phase": d["phase"], "opened_at": d["opened_at"]}
        for d in docs
        if d["phase"] != "closed"
        and (
            actor.role is not Role.DEPARTMENT
            or actor.department == d["department"]
            or actor.department in {s["key"] for s in d.get("supporting", [])}
        )
    ]
    return sorted(mine, key=lambda d: d["opened_at"], reverse=True)
