"""The public outputs, no login: the incident pages, Atom feeds and CAP messages.

Everything here is rendered from the public view (`projections.public`),
never from the event store. Responses carry an ETag (a hash of the body, so
it changes exactly when what the public sees changes), Last-Modified and a
short public cache lifetime; a matching If-None-Match gets 304.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime
from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from api.deps import runtime
from api.errors import REFUSALS
from crisis.channels import Channel
from projections.public import Doc, Publisher, atom, cap, current, moment
from web.texts import LANGUAGES, WEB, catalogue, pick_language

router = APIRouter(
    prefix="/public",
    tags=["public"],
    responses={
        304: {"description": "Not modified since the client's copy (ETag, Last-Modified)"},
        404: {"description": "No such incident, or not public (yet)"},
        422: REFUSALS[422],
    },
)
templates = Jinja2Templates(directory=WEB / "templates")

CACHE_CONTROL = "public, max-age=60"
ATOM = "application/atom+xml"
OSLO = ZoneInfo("Europe/Oslo")
Route = Callable[..., Response]


def readable(path: str, summary: str) -> Callable[[Route], Route]:
    """GET, documented, and HEAD for caches and link checkers."""

    def register(route: Route) -> Route:
        router.add_api_route(path, route, methods=["HEAD"], include_in_schema=False)
        return router.get(path, summary=summary, response_class=Response)(route)

    return register


@readable("", "The current incidents (HTML)")
def index(request: Request) -> Response:
    incidents = runtime(request).public.incidents()
    listed = current(incidents)
    return _page(request, "public/index.html", _last_modified(incidents), incidents=listed)


@readable("/incidents/{incident_id}", "One incident's public page")
def incident_page(incident_id: str, request: Request) -> Response:
    incident = runtime(request).public.incident(incident_id)
    if incident is None:
        return _page(request, "public/not_found.html", None, status=404)
    return _page(
        request,
        "public/incident.html",
        moment(incident["updated_at"]),
        i=incident,
        channels=where_to_ask(runtime(request).channels.all(), _lang(request)),
    )


@readable("/feed.atom", "Updates of all incidents (Atom)")
def feed(request: Request) -> Response:
    return _atom(request, atom.updates, "feed.atom", "public_feed")


@readable("/incidents/{incident_id}/feed.atom", "One incident's updates (Atom)")
def incident_feed(incident_id: str, request: Request) -> Response:
    return _atom(request, atom.updates, "feed.atom", "public_feed", incident_id)


@readable("/cap.atom", "CAP messages of all incidents (Atom)")
def cap_feed(request: Request) -> Response:
    return _atom(request, atom.cap, "cap.atom", "public_cap_feed")


@readable("/incidents/{incident_id}/cap.atom", "One incident's CAP messages (Atom)")
def incident_cap_feed(incident_id: str, request: Request) -> Response:
    return _atom(request, atom.cap, "cap.atom", "public_cap_feed", incident_id)


@readable("/incidents/{incident_id}/cap/{identifier}.xml", "One CAP 1.2 message")
def cap_message(incident_id: str, identifier: str, request: Request) -> Response:
    """404 for an unknown message, 410 for one withdrawn with its retracted post."""
    incident = runtime(request).public.incident(incident_id)
    messages = {m["identifier"]: m for m in (incident or {}).get("messages", [])}
    message = messages.get(identifier)
    if incident is None or message is None:
        return Response(status_code=404)
    if message["withdrawn"]:
        return Response(status_code=410)
    texts = {lang: catalogue(lang)["ui"] for lang in LANGUAGES}
    body = cap.alert(incident, message, publisher(request), texts)
    return _cached(request, body, cap.MEDIA_TYPE, moment(message["sent"]))


def where_to_ask(channels: list[Channel], lang: str) -> list[dict[str, str]]:
    """The channels where the public can ask us, each with what to expect there:
    the registry's own text (bokmål), else the catalogue's."""
    t = catalogue(lang)["ui"]
    return [
        {
            "name": c.name,
            "expectation": (lang == "nb" and c.expectations)
            or t.get(f"public_expect_{c.key}", t["public_expect"]),
        }
        for c in channels
        if c.publishing and c.dialogue
    ]


def publisher(request: Request) -> Publisher:
    """The publishing municipality; CRISIS_PUBLIC_URL fixes the address used in links."""
    base = os.environ.get("CRISIS_PUBLIC_URL") or str(request.base_url)
    return Publisher(
        name=os.environ.get("CRISIS_PUBLIC_NAME", "Oslo kommune"),
        sender=os.environ.get("CRISIS_CAP_SENDER", "oslo.kommune.no"),
        base_url=base.rstrip("/"),
    )


def _page(
    request: Request, name: str, modified: datetime | None, status: int = 200, **context: object
) -> Response:
    lang = _lang(request)
    html = render(name, lang, **context)
    response = _cached(request, html.encode(), "text/html; charset=utf-8", modified, status)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return response


def _atom(
    request: Request, build: Callable, name: str, title: str, incident_id: str | None = None
) -> Response:
    """A feed of all public incidents, or of one (404 until it is public)."""
    t, pub = _nb(), publisher(request)
    if incident_id is None:
        incidents = runtime(request).public.incidents()
        page = f"{pub.base_url}/public"
        about = atom.Feed(name, t[f"{title}_all"].format(name=pub.name), f"{page}/{name}", page)
    else:
        incident = runtime(request).public.incident(incident_id)
        if incident is None:
            return Response(status_code=404)
        incidents, page = [incident], pub.page(incident_id)
        about = atom.Feed(
            f"{name}:{incident_id}",
            t[title].format(title=incident["title"]),
            f"{page}/{name}",
            page,
        )
    return _cached(request, build(incidents, about, pub, t), ATOM, _last_modified(incidents))


def render(name: str, lang: str, **context: object) -> str:
    """A public page as HTML, in `lang` (the texts the public wrote stay bokmål)."""
    t = catalogue(lang)["ui"]
    return templates.get_template(name).render(
        lang=lang, t=t, when=lambda iso: _when(iso, lang), **context
    )


def _cached(
    request: Request, body: bytes, media_type: str, modified: datetime | None, status: int = 200
) -> Response:
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.replace(microsecond=0), usegmt=True)
    if status == 200 and _fresh(request, tag, modified):
        return Response(status_code=304, headers=headers)
    content = b"" if request.method == "HEAD" else body
    response = Response(content, status_code=status, media_type=media_type, headers=headers)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(body))
    return response


def _fresh(request: Request, tag: str, modified: datetime | None) -> bool:
    """Whether the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if (match := request.headers.get("if-none-match")) is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return tag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since and modified is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"), request.query_params.get("lang"))


def _nb() -> dict[str, str]:
    """Feeds are in bokmål, the language of the texts they carry."""
    return catalogue("nb")["ui"]


def _last_modified(incidents: list[Doc]) -> datetime | None:
    return max((moment(i["updated_at"]) for i in incidents), default=None)


def _when(iso: str, lang: str) -> str:
    """A time as people in Norway read it, on Oslo's clock."""
    t = catalogue(lang)["ui"]
    return babel_datetime(moment(iso), t["public_time_format"], tzinfo=OSLO, locale=lang)
