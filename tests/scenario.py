"""The boil-water notice, step by step over the API, for tests to build on."""

from __future__ import annotations

from typing import Any, Protocol


class Poster(Protocol):
    def ok(self, username: str, path: str, json: object = None) -> dict: ...


INCIDENT = {
    "kind": "boil-water notice",
    "title": "Kokevarsel for Grorud, Stovner og Alna",
    "areas": ["Grorud", "Stovner", "Alna"],
    "department": "vav",
    "severity": "severe",
}


def open_incident(api: Poster, **overrides: Any) -> str:
    return api.ok("comms", "/api/incidents", {**INCIDENT, **overrides})["id"]


def verified_fact(api: Poster, incident: str, text: str = "E. coli er påvist.") -> str:
    return api.ok("vav", f"/api/incidents/{incident}/facts", {"text": text, "verify": True})["id"]


def approved_fact(api: Poster, incident: str, text: str = "Kok vannet i ett minutt.") -> str:
    fact = verified_fact(api, incident, text)
    api.ok("comms", f"/api/facts/{fact}/approve")
    return fact


def published_post(
    api: Poster,
    incident: str,
    facts: list[str],
    channel: str = "website",
    links_to: str | None = None,
    text: str = "Kok vannet.",
) -> str:
    body = {"channel": channel, "text": text, "cites": facts, "links_to": links_to}
    post = api.ok("comms", f"/api/incidents/{incident}/posts", body)["id"]
    api.ok("editor", f"/api/posts/{post}/approve")
    api.ok("comms", f"/api/posts/{post}/publish")
    return post


def every_event(api: Poster) -> list[str]:
    """Incidents taken through every kind of event there is, for tests that
    rebuild and compare the read models. When you add an event kind, add a step
    here: tests/test_projections.py fails while any kind is missing."""
    incident = open_incident(api)  # Incident.Opened
    fact = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": "E. coli er påvist."})["id"]
    api.ok("vav", f"/api/facts/{fact}/verify")  # Fact.Submitted, Fact.Verified
    api.ok("comms", f"/api/facts/{fact}/approve")  # Fact.Approved
    website = published_post(api, incident, [fact])  # Post.Drafted, .Approved, .Published
    published_post(api, incident, [fact], channel="facebook", links_to=website)
    verified_fact(api, incident, "Gjelder bare Grorud, Stovner og Alna.")
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "monitoring"})
    other = open_incident(api, title="Storm i Nordstrand", department="bym", severity="moderate")
    api.ok("bym", f"/api/incidents/{other}/facts", {"text": "Trær over veien.", "verify": True})
    return [incident, other]
