"""The boil-water notice, step by step over the API, for tests to build on."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Protocol

from eventsourcing.domain import Aggregate

import crisis


class Poster(Protocol):
    def ok(self, username: str, path: str, json: object = None) -> dict: ...


class Reader(Poster, Protocol):
    def get(self, username: str, path: str) -> Any: ...


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


def every_event(api: Reader) -> list[str]:
    """Incidents taken through every kind of event there is, over the HTTP API,
    for tests that rebuild and compare the read models and for the board page.
    When you add an event kind, add a step here: tests/test_projections.py
    fails while any kind is missing."""
    incident = open_incident(api)  # Incident.Opened
    fact = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": "E. coli er påvist."})["id"]
    api.ok("vav", f"/api/facts/{fact}/verify")  # Fact.Submitted, Fact.Verified
    api.ok("comms", f"/api/facts/{fact}/approve")  # Fact.Approved
    scope = approved_fact(api, incident, "Gjelder bare Grorud, Stovner og Alna.")
    website = published_post(api, incident, [fact])  # Post.Drafted, .Approved, .Published
    facebook = published_post(api, incident, [fact, scope], channel="facebook", links_to=website)
    _change_incident(api, incident)
    _channel_registry(api)
    _revise_facts(api, incident, [fact, scope], website, facebook)
    _rumours_and_inquiries(api, incident, fact)
    _saved_replies_and_review(api, incident, fact)
    _personal_data(api, incident)
    _records(api, incident)
    verified_fact(api, incident, "Vannverket spyler ledningsnettet.")  # waits for approval
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "monitoring"})
    other = open_incident(api, title="Storm i Nordstrand", department="bym", severity="moderate")
    api.ok("bym", f"/api/incidents/{other}/facts", {"text": "Trær over veien.", "verify": True})
    reason = {"department": "vav", "reason": "Overvann i kummene."}
    api.ok("comms", f"/api/incidents/{other}/department", reason)  # DepartmentAssigned
    return [incident, other]


def _saved_replies_and_review(api: Poster, incident: str, fact: str) -> None:
    """Saved replies (Started, ReplySaved, ReplyRemoved) and review pins (Started,
    MomentPinned, PinRemoved)."""
    replies = f"/api/incidents/{incident}/saved-replies"
    keep = {"title": "Koking", "text": "Kok vannet i minst ett minutt.", "cites": [fact]}
    position = api.ok("comms", replies, keep)["position"]
    drop = api.ok("comms", replies, {"title": "Utgår", "text": "Midlertidig svar."})["id"]
    api.ok("comms", f"{replies}/remove", {"reply_id": drop})
    pins = f"/api/review/{incident}/pins"
    api.ok("reviewer", pins, {"position": position, "note": "Første ferdige svar."})
    api.ok("reviewer", f"{pins}/remove", {"position": position})
    api.ok("reviewer", pins, {"position": position, "note": "Tilbake på listen over øyeblikk."})


def _records(api: Reader, incident: str) -> None:
    """Sitreps: Started, DraftSaved, Issued; ArchiveExported (the zip download)."""
    base = f"/api/incidents/{incident}/sitreps"
    api.ok("comms", f"{base}/1", {"situation": "Kokevarsel gjelder."})
    api.ok("comms", f"{base}/1/issue")
    download = api.get("comms", f"/api/incidents/{incident}/archive")
    assert download.status_code == 200, download.text


def _personal_data(api: Poster, incident: str) -> None:
    """A resident's sensitive text removed by staff; another resident's data erased."""
    inquiries = f"/api/incidents/{incident}/inquiries"
    body = {"channel": "facebook", "handle": "@ida", "text": "Barnet mitt har diaré, hva gjør jeg?"}
    asked = api.ok("comms", inquiries, body)["id"]
    api.ok("comms", f"/api/inquiries/{asked}/redact", {"reason": "Helseopplysninger"})
    body = {"channel": "facebook", "handle": "@eva", "text": "Slett meg, takk."}
    erased = api.ok("comms", inquiries, body)["id"]
    api.ok("editor", f"/api/inquiries/{erased}/erase", {"note": "Forespørsel"})


def _change_incident(api: Poster, incident: str) -> None:
    path = f"/api/incidents/{incident}"
    api.ok("comms", f"{path}/severity", {"severity": "extreme"})  # SeverityChanged
    api.ok("comms", f"{path}/areas", {"areas": ["Grorud", "Stovner", "Alna", "Furuset"]})
    api.ok("comms", f"{path}/supporting", {"departments": ["hel"]})  # SupportingDepartmentsChanged
    api.ok("comms", f"{path}/crisis-mode", {"on": True, "sla_minutes": 30})  # CrisisModeSwitched
    api.ok("editor", f"{path}/four-eyes", {"on": True})  # FourEyesSwitched


def _channel_registry(api: Poster) -> None:
    """ChannelRegistry: Seeded (with the first change), ChannelAdded, -Changed, -Retired."""
    api.ok("admin", "/api/channels", {"key": "tiktok", "name": "TikTok", "role": "Korte videoer."})
    api.ok("admin", "/api/channels/tiktok/change", {"advised_chars": 150})
    api.ok("admin", "/api/channels/tiktok/retire", {"reason": "Brukes ikke lenger."})


def _revise_facts(
    api: Poster, incident: str, facts: list[str], website: str, facebook: str
) -> None:
    """A correction puts both posts up for follow-up; one is followed up, the
    other retracted with an apology. Withdrawing the second fact leaves the
    first post to follow up again. A draft is discarded."""
    fact, scope = facts
    correction = {"text": "E. coli er påvist i Grorud.", "reason": "Prøven gjaldt Grorud."}
    api.ok("vav", f"/api/facts/{fact}/correct", correction)  # Fact.Corrected
    api.ok("comms", f"/api/facts/{fact}/approve")
    note = {"item": facebook, "note": "Innlegget nevner ikke bydel; står seg."}
    api.ok("comms", f"/api/facts/{fact}/follow-up", note)  # Fact.FollowedUp
    retraction = {"reason": "Feil om utbredelsen.", "apology": "Vi beklager.", "cites": [fact]}
    apology = api.ok("comms", f"/api/posts/{website}/retract", retraction)["id"]  # Post.Retracted
    api.ok("editor", f"/api/posts/{apology}/approve")
    api.ok("comms", f"/api/posts/{apology}/publish")
    api.ok("vav", f"/api/facts/{scope}/withdraw", {"reason": "Furuset er også berørt."})
    draft = {"channel": "website", "text": "Utkast som ikke brukes.", "cites": [fact]}
    post = api.ok("comms", f"/api/incidents/{incident}/posts", draft)["id"]
    api.ok("comms", f"/api/posts/{post}/discard", {"reason": "Dobbelt opp."})  # Post.Discarded


def _rumours_and_inquiries(api: Poster, incident: str, fact: str) -> None:
    watch = f"/api/incidents/{incident}/watch-list"
    api.ok("comms", watch, {"phrase": "giftig"})  # WatchList.Started, .PhraseAdded
    api.ok("comms", watch, {"phrase": "kokt"})
    api.ok("comms", f"{watch}/remove", {"phrase": "kokt"})  # WatchList.PhraseRemoved
    claim = {"claim": "Vannet er giftig selv etter koking.", "channel": "facebook", "reach": 800}
    rumour = api.ok("comms", f"/api/incidents/{incident}/rumours", claim)["id"]  # Recorded
    asked = inquiry(api, incident, "Er vannet giftig selv om jeg koker det?")  # Inquiry.Received
    api.ok("comms", f"/api/inquiries/{asked}/triage", {"category": "possible_rumour"})
    api.ok("comms", f"/api/inquiries/{asked}/assign", {})  # Inquiry.Assigned
    holding = {"text": "Takk, vi sjekker og kommer tilbake."}
    api.ok("comms", f"/api/inquiries/{asked}/holding-reply", holding)  # HoldingReplySent
    sighting = {"channel": "facebook", "where": "Kommentarfeltet", "reach": 40, "inquiry_id": asked}
    api.ok("comms", f"/api/rumours/{rumour}/sightings", sighting)  # Rumour.Sighted
    api.ok("comms", f"/api/rumours/{rumour}/assess", {"assessment": "false"})  # Rumour.Assessed
    answer = {"text": "Nei, kokt vann er trygt å drikke.", "cites": [fact]}
    api.ok("comms", f"/api/inquiries/{asked}/answer", answer)  # Inquiry.Answered
    api.ok("comms", f"/api/rumours/{rumour}/correct", {"inquiry_id": asked})  # Rumour.Corrected
    api.ok("comms", f"/api/rumours/{rumour}/close", {"resolution": "Dementert."})  # Closed
    api.ok("comms", f"/api/inquiries/{asked}/archive-worthy", {"reason": "Typisk spørsmål."})
    own = inquiry(api, incident, "Når får jeg svar på søknaden min?")
    referral = {"to": "postmottak", "reply": "Skriv til postmottak, så svarer de deg."}
    api.ok("comms", f"/api/inquiries/{own}/refer", referral)  # Inquiry.Referred
    rude = inquiry(api, incident, "Dere er noen idioter alle sammen.")
    api.ok("comms", f"/api/inquiries/{rude}/escalate", {"reason": "Trusler?"})  # Escalated
    api.ok("comms", f"/api/inquiries/{rude}/triage", {"category": "abusive"})  # Inquiry.Triaged
    hidden = {"action": "hide", "reason": "Kommentaren bryter med våre regler for hets."}
    api.ok("comms", f"/api/inquiries/{rude}/moderate", hidden)  # Inquiry.Moderated
    inquiry(api, incident, "Gjelder kokevarselet Furuset?")  # still waiting


def inquiry(api: Poster, incident: str, text: str, channel: str = "facebook") -> str:
    body = {"channel": channel, "handle": "@kari.n", "text": text}
    return api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]


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


def domain_event_classes() -> list[type]:
    """Every event class of every aggregate in the domain (`crisis`), not of
    aggregates elsewhere (the benchmark's baseline has one)."""
    for module in pkgutil.walk_packages(crisis.__path__, "crisis."):
        importlib.import_module(module.name)
    found, aggregates = [], list(Aggregate.__subclasses__())
    while aggregates:
        aggregate = aggregates.pop()
        aggregates.extend(aggregate.__subclasses__())
        if aggregate.__module__.startswith("crisis."):
            found += [
                member
                for name, member in vars(aggregate).items()
                if isinstance(member, type)
                and issubclass(member, Aggregate.Event)
                and name not in ("Event", "Created")
            ]
    return found
