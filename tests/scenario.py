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
    steps = whole_incident(api)  # most kinds, from facts to rumours and inquiries
    incident = steps["incident"]
    change = f"/api/incidents/{incident}"
    withdrawn = verified_fact(api, incident, "Gjelder hele byen.")
    api.ok("vav", f"/api/facts/{withdrawn}/withdraw", {"reason": "Feil."})
    fact = approved_fact(api, incident, "Vannet er trygt igjen fra fredag.")
    body = {"channel": "website", "text": "Utkast", "cites": [fact]}
    draft = api.ok("comms", f"{change}/posts", body)["id"]
    api.ok("comms", f"/api/posts/{draft}/discard", {"reason": "Erstattet."})
    moment = api.ok("comms", f"{change}/severity", {"severity": "extreme"})["position"]
    api.ok("comms", f"{change}/areas", {"areas": ["Grorud", "Stovner"]})
    api.ok("comms", f"{change}/supporting", {"departments": ["bym"]})
    api.ok("comms", f"{change}/department", {"department": "bym", "reason": "Ledningsbrudd"})
    api.ok("editor", f"{change}/four-eyes", {"on": True})
    api.ok("comms", f"{change}/watch-list/remove", {"phrase": "giftig"})
    body = {"title": "Koketid", "text": "Kok vannet i tre minutter.", "cites": [fact]}
    reply = api.ok("comms", f"{change}/saved-replies", body)["id"]
    api.ok("comms", f"{change}/saved-replies/remove", {"reply_id": reply})
    body = {"channel": "facebook", "handle": "@ida", "text": "Barnet mitt har diaré, hva gjør jeg?"}
    asked = api.ok("comms", f"{change}/inquiries", body)["id"]
    api.ok("comms", f"/api/inquiries/{asked}/assign", {})
    api.ok("comms", f"/api/inquiries/{asked}/escalate", {"reason": "Helse: svar fra legevakt."})
    api.ok("comms", f"/api/inquiries/{asked}/redact", {"reason": "Helseopplysninger"})
    api.ok("editor", f"/api/inquiries/{steps['question']}/erase", {"note": "Forespørsel"})
    api.ok("admin", "/api/channels", {"key": "tiktok", "name": "TikTok", "role": "Unge"})
    api.ok("admin", "/api/channels/tiktok/change", {"advice": "Kort video."})
    api.ok("admin", "/api/channels/tiktok/retire", {"reason": "Ikke i bruk."})
    api.ok("reviewer", f"/api/review/{incident}/pins", {"position": moment, "note": "Verre"})
    api.ok("reviewer", f"/api/review/{incident}/pins/remove", {"position": moment})
    api.ok("comms", f"{change}/phase", {"phase": "monitoring"})
    other = open_incident(api, title="Storm i Nordstrand", department="bym", severity="moderate")
    api.ok("bym", f"/api/incidents/{other}/facts", {"text": "Trær over veien.", "verify": True})
    return [incident, other]


def whole_incident(api: Poster, step: Any = lambda: None) -> dict[str, str]:
    """The boil-water notice through rumours, inquiries, a fact correction and a
    retraction with apology; `step()` is called after each part (e.g. to capture
    the board and move the clock)."""
    incident = open_incident(api)
    step()
    api.ok("comms", f"/api/incidents/{incident}/crisis-mode", {"on": True, "sla_minutes": 30})
    fact = approved_fact(api, incident, "Kok vannet i minst ett minutt.")
    step()
    website = published_post(api, incident, [fact], text="Kokevarsel: kok vannet.")
    facebook = published_post(
        api, incident, [fact], channel="facebook", links_to=website, text="Kok vannet!"
    )
    step()
    api.ok("comms", f"/api/incidents/{incident}/watch-list", {"phrase": "giftig"})
    rumour = api.ok(
        "comms",
        f"/api/incidents/{incident}/rumours",
        {"claim": "Vannet er giftig", "channel": "facebook", "where": "Gruppe", "reach": 300},
    )["id"]
    step()
    question = api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@jon", "text": "Er vannet giftig etter koking?"},
    )["id"]
    case = api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "x", "handle": "@per", "text": "Hva skjer med søknaden min?"},
    )["id"]
    spam = api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@bot", "text": "Kjøp billig vannfilter!"},
    )["id"]
    api.ok("comms", f"/api/inquiries/{question}/holding-reply", {"text": "Vi sjekker."})
    step()
    api.ok(
        "comms",
        f"/api/rumours/{rumour}/sightings",
        {"channel": "x", "where": "Tråd", "reach": 50, "inquiry_id": None},
    )
    api.ok(
        "comms",
        f"/api/rumours/{rumour}/assess",
        {"assessment": "false", "note": "Koking dreper E. coli."},
    )
    api.ok(
        "comms",
        f"/api/inquiries/{question}/answer",
        {"text": "Nei, kokt vann er trygt.", "cites": [fact]},
    )
    api.ok("comms", f"/api/rumours/{rumour}/correct", {"post_id": facebook})
    api.ok("comms", f"/api/inquiries/{case}/triage", {"category": "case_handling"})
    api.ok(
        "comms",
        f"/api/inquiries/{case}/refer",
        {"to": "postmottak", "reply": "Send det til postmottak."},
    )
    api.ok(
        "comms",
        f"/api/inquiries/{case}/archive-worthy",
        {"worthy": True, "reason": "Gjelder en søknad."},
    )
    api.ok("comms", f"/api/inquiries/{spam}/triage", {"category": "spam"})
    api.ok(
        "comms", f"/api/inquiries/{spam}/moderate", {"action": "delete", "reason": "Spam slettes."}
    )
    step()
    api.ok(
        "vav",
        f"/api/facts/{fact}/correct",
        {"text": "Kok vannet i minst tre minutter.", "reason": "Nytt råd fra Mattilsynet."},
    )
    api.ok("comms", f"/api/facts/{fact}/approve")
    step()
    apology = api.ok(
        "comms",
        f"/api/posts/{facebook}/retract",
        {
            "reason": "Feil koketid.",
            "apology": "Vi beklager: kok vannet i tre minutter.",
            "cites": [fact],
        },
    )["id"]
    api.ok("editor", f"/api/posts/{apology}/approve")
    api.ok("comms", f"/api/posts/{apology}/publish")
    api.ok(
        "comms", f"/api/facts/{fact}/follow-up", {"item": website, "note": "Nettsiden oppdatert."}
    )
    api.ok("comms", f"/api/rumours/{rumour}/close", {"resolution": "Rettet på Facebook og X."})
    step()
    return {
        "incident": incident,
        "fact": fact,
        "website": website,
        "facebook": facebook,
        "apology": apology,
        "rumour": rumour,
        "question": question,
        "case": case,
        "spam": spam,
    }
