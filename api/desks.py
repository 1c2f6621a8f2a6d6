"""The desks: the pages where each role does its work (department facts, the
comms inbox, compose, rumours, admin), and the language switch.

Each page is a shell rendered here (labels, the incident picker, static
forms); its ES module fills it from the board websocket and acts through the
JSON API, so the pages hold no rule of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import actor_or_none, runtime
from api.pages import render, templates
from crisis.incidents.model import OPENING_PHASES, PHASES, SEVERITIES
from crisis.inquiries.model import CATEGORIES, MODERATION_ACTIONS, REFERRAL_TARGETS
from crisis.people.departments import DEPARTMENTS
from crisis.people.model import Actor, Role
from crisis.rumours.model import ASSESSMENTS
from reports.charts import volume_chart
from reports.narrate import when
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


def desk_links(
    actor: Actor | None, current: str, incident: str | None = None
) -> list[dict[str, Any]]:
    """The pages this person may use, for the navigation in base.html. Inside an
    incident the desks keep to it (`/incidents/{id}/inbox`), so following a link
    never lands on another incident."""
    if actor is None:
        return []
    links = []
    for d in DESKS:
        if actor.role not in d.roles:
            continue
        href = d.path
        if incident and d.key == "board":
            links.append(_link("board", "/", current))
            href = f"/incidents/{incident}"
            links.append(_link("incident_page", href, current))
            continue
        if incident and d.key in SCOPED:
            href = f"/incidents/{incident}/{d.key.removeprefix('desk_')}"
        links.append(_link(d.key, href, current))
    if actor.may("approve_post"):
        links.append(_link("approvals_link", "/approvals", current))
    if actor.may("review"):
        links.append(_link("review_link", "/review", current))
    return links


def waiting_posts(request: Request) -> list[dict[str, Any]]:
    """Drafts waiting for the editor, in open incidents, the oldest first."""
    docs = runtime(request).board.snapshot()[1]
    waiting = [
        {**post, "incident": {"id": d["id"], "title": d["title"]}}
        for d in docs
        if d["phase"] != "closed"
        for post in d.get("posts", {}).values()
        if post["status"] == "draft"
    ]
    return sorted(waiting, key=lambda p: (p["channel"] != "website", p["updated_at"]))


def _link(label: str, href: str, current: str) -> dict[str, Any]:
    return {"label": label, "href": href, "current": href == current}


SCOPED = ("desk_facts", "desk_inbox", "desk_compose", "desk_rumours")


def local_time(value: datetime | str | None, lang: str) -> str:
    """One date format on every page: Oslo time through Babel (stored times are UTC)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return when(value, lang)


templates.env.globals.update(
    desk_links=desk_links,
    local_time=local_time,
    waiting_count=lambda request: len(waiting_posts(request)),
    departments_registry=DEPARTMENTS,
    severities_registry=SEVERITIES,
    opening_phases=OPENING_PHASES,
)


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


def _extras(key: str) -> dict[str, Any]:
    """What a desk's static forms need besides the incident."""
    if key == "desk_inbox":
        return {
            "categories": CATEGORIES,
            "referral_targets": [(k, DEPARTMENTS.get(k, "")) for k in REFERRAL_TARGETS],
            "moderation_actions": MODERATION_ACTIONS,
        }
    if key == "desk_rumours":
        return {"assessments": ASSESSMENTS}
    return {}


@router.get("/desks/{name}")
def unscoped_desk(request: Request, name: str, incident: str | None = None) -> Response:
    """`/desks/inbox?incident=X` is `/incidents/X/inbox`; without an incident the
    page asks which one (it never picks one by itself)."""
    key = f"desk_{name}"
    if key == "desk_admin":
        return admin_desk(request)
    if key not in SCOPED:
        return _not_found(request)
    if incident:
        return RedirectResponse(f"/incidents/{incident}/{name}", status_code=303)
    return _desk(request, key, None, **_extras(key))


@router.get("/incidents/{incident}/{name}")
def scoped_desk(request: Request, incident: str, name: str) -> Response:
    key = f"desk_{name}"
    if key not in SCOPED:
        return _not_found(request)
    return _desk(request, key, incident, **_extras(key))


def _not_found(request: Request) -> Response:
    return render(request, "forbidden.html", 404, actor=actor_or_none(request))


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


@router.get("/incidents/{incident}")
def incident_page(request: Request, incident: str) -> Response:
    """One incident: its live board and, for comms and editors, the controls that steer it."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    _, docs = runtime(request).board.snapshot(incident)
    doc = docs[0] if docs else None
    if doc is None:
        return render(request, "forbidden.html", 404, actor=actor)
    return render(
        request,
        "incident.html",
        actor=actor,
        incident=doc,
        departments=DEPARTMENTS,
        severities=SEVERITIES,
        phases=PHASES,
        channels=runtime(request).channels.names(),
    )


@router.get("/approvals")
def approvals_page(request: Request) -> Response:
    """The editor's queue: every post waiting for approval, across open incidents."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    if not actor.may("approve_post"):
        desk = Desk("approvals_link", "/approvals", frozenset({Role.EDITOR}))
        return render(request, "desks/forbidden.html", 403, actor=actor, desk=desk)
    return render(
        request,
        "approvals.html",
        actor=actor,
        posts=waiting_posts(request),
        channels=runtime(request).channels.names(),
    )


CHART_HOURS = 6
CHART_BUCKET_MINUTES = 30


def recent_volume(inquiries: Iterable[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Inquiries received per channel in each half hour of the last hours, the
    whole window shown even where nothing came (the shape reports/charts draws)."""
    step = timedelta(minutes=CHART_BUCKET_MINUTES)
    count = CHART_HOURS * 60 // CHART_BUCKET_MINUTES
    start = now - count * step
    series: dict[str, list[int]] = {}
    for item in inquiries:
        at = datetime.fromisoformat(item["received_at"])
        if start <= at < now + step:
            row = series.setdefault(item["channel"], [0] * (count + 1))
            row[min(int((at - start) / step), count)] += 1
    return {
        "bucket_minutes": CHART_BUCKET_MINUTES,
        "buckets": [(start + n * step).isoformat() for n in range(count + 1)] if series else [],
        "channels": dict(sorted(series.items())),
    }


@router.get("/charts/{incident}/load.svg")
def load_chart(request: Request, incident: str) -> Response:
    """Inquiries received per channel over the last hours, drawn on the server
    as SVG: shows without JavaScript, prints, and fits the page's CSP."""
    actor = actor_or_none(request)
    if actor is None or not actor.may("view_board"):
        return Response(status_code=401)
    rt = runtime(request)
    _, docs = rt.board.snapshot(incident)
    if not docs:
        return Response(status_code=404)
    inquiries = docs[0].get("inquiries", {}).values()
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    channels = rt.channels.names()
    counts = recent_volume(inquiries, rt.log.clock.now())
    chart = volume_chart(counts, channels, lang, catalogue(lang)["ui"])
    body = str(chart) or _EMPTY_CHART.format(catalogue(lang)["ui"]["no_inquiries"])
    return Response(
        body.replace('<svg class="chart" ', "<svg ", 1),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=60"},
    )


_EMPTY_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 60" font-family="sans-serif">'
    '<text x="10" y="35" font-size="16" fill="#4d4d4d">{}</text></svg>'
)
