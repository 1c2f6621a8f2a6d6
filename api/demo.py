"""The demo scenario: a boil-water notice for three Oslo districts."""

from __future__ import annotations

from uuid import UUID

from access.accounts import Accounts
from crisis.facts.service import approve_fact, correct_fact, submit_fact
from crisis.incidents.service import open_incident, switch_crisis_mode, switch_four_eyes
from crisis.inquiries.service import (
    Message,
    receive_delivery,
    send_holding_reply,
    triage_inquiry,
)
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role
from crisis.posts.service import approve_post, draft_post, publish_post, retract_post
from crisis.rumours.service import add_watch_phrase, assess_rumour, record_rumour, sight_rumour
from server.runtime import open_log
from server.settings import Settings

# Editors and admins must log in with a second factor. The demo users come
# already enrolled with these published keys, so anyone can try the demo:
# add a key to an authenticator app (or compute codes with pyotp). Never use
# these keys, or the demo password, for real accounts.
DEMO_TOTP_SECRETS = {
    "editor": "DEMOEDITORKOKEVARSELOSLOKOMMUNE2",
    "admin": "DEMOADMINKOKEVARSELOSLOKOMMUNE23",
}

DEMO_USERS = (
    ("comms", "Kari Nordmann (kommunikasjon)", Role.COMMS, None),
    ("editor", "Ola Redaktør (ansvarlig redaktør)", Role.EDITOR, None),
    ("vav", "Vera Vann (Vann- og avløpsetaten)", Role.DEPARTMENT, "vav"),
    ("reviewer", "Rune Revisor (evaluering)", Role.REVIEWER, None),
    ("admin", "Anne Admin (systemansvarlig)", Role.ADMIN, None),
)


def load(settings: Settings, password: str) -> bool:
    """Load the demo users and scenario; False if the store is not empty."""
    log = open_log(settings)
    accounts = Accounts(settings.accounts_url)
    try:
        if log.max_position():
            return False
        people = {
            username: accounts.add_user(
                username, name, role, password, department, DEMO_TOTP_SECRETS.get(username)
            )
            for username, name, role, department in DEMO_USERS
        }
        _scenario(log, people)
        return True
    finally:
        log.close()
        accounts.engine.dispose()


def _scenario(log: CrisisLog, people: dict[str, Actor]) -> None:
    comms, editor, vav = people["comms"], people["editor"], people["vav"]
    incident = open_incident(
        log,
        comms,
        kind="boil-water notice",
        title="Kokevarsel: E. coli i drikkevannet",
        areas=["Grorud", "Stovner", "Alna"],
        department="vav",
        severity="severe",
        supporting=["hel"],
    ).id
    switch_crisis_mode(log, comms, incident, on=True, sla_minutes=30)
    switch_four_eyes(log, editor, incident, on=True)

    def fact(text: str) -> UUID:
        return submit_fact(log, vav, incident_id=incident, text=text, verify=True).id

    found = fact("E. coli er påvist i vannprøver fra Grorud høydebasseng etter kraftig regn.")
    boil = fact(
        "Vannet må kokes i minst ett minutt før det brukes til drikke, matlaging og tannpuss."
    )
    fact("Kokevarselet gjelder bare Grorud, Stovner og Alna, ikke hele byen.")
    for approved in (found, boil):
        approve_fact(log, comms, approved)

    website = draft_post(
        log,
        comms,
        incident_id=incident,
        channel="website",
        cites=[found, boil],
        text="Kokevarsel for Grorud, Stovner og Alna: E. coli er påvist i drikkevannet. "
        "Kok vannet i minst ett minutt før du drikker det, lager mat eller pusser tennene.",
    ).id
    approve_post(log, editor, website)
    publish_post(log, comms, website)
    facebook = draft_post(
        log,
        comms,
        incident_id=incident,
        channel="facebook",
        cites=[boil],
        links_to=website,
        text="Kok vannet! Kokevarsel for Grorud, Stovner og Alna. Les mer på oslo.kommune.no.",
    ).id
    approve_post(log, editor, facebook)
    x = draft_post(
        log,
        comms,
        incident_id=incident,
        channel="x",
        cites=[found],
        links_to=website,
        text="E. coli i drikkevannet fra Grorud høydebasseng. Kok vannet. "
        "https://www.oslo.kommune.no/kokevarsel",
    ).id
    approve_post(log, editor, x)
    publish_post(log, comms, x)
    correct_fact(
        log,
        vav,
        found,
        text="E. coli er påvist i vannprøver fra Grorud og Romsås høydebasseng etter kraftig regn.",
        reason="Nye prøvesvar fra Romsås.",
        version=None,
    )
    approve_fact(log, comms, found)
    retract_post(
        log,
        comms,
        x,
        reason="Nevnte bare Grorud høydebasseng; Romsås er også berørt.",
        apology="Vi beklager: E. coli er også påvist i Romsås høydebasseng. Kok vannet. "
        "https://www.oslo.kommune.no/kokevarsel",
        cites=[found],
    )
    draft_post(
        log,
        comms,
        incident_id=incident,
        channel="sms",
        cites=[boil],
        links_to=website,
        text="Oslo kommune: «Kokevarsel» for Grorud, Stovner og Alna. Kok vannet i minst ett "
        "minutt før du drikker det. Les mer på oslo.kommune.no.",
    )
    _rumours_and_inquiries(log, comms, incident)


def _rumours_and_inquiries(log: CrisisLog, comms: Actor, incident: UUID) -> None:
    for phrase in ("giftig", "hele byen"):
        add_watch_phrase(log, comms, incident, phrase=phrase)
    rumour = record_rumour(
        log,
        comms,
        incident_id=incident,
        claim="Vannet er giftig selv etter koking.",
        channel="facebook",
        where="Nabolagsgruppe for Grorud",
        reach=1500,
    ).id
    sight_rumour(log, comms, rumour, channel="x", where="Lokalavisens tråd", reach=4000)
    assess_rumour(
        log, comms, rumour, assessment="false", note="Koking i ett minutt dreper E. coli."
    )
    record_rumour(
        log,
        comms,
        incident_id=incident,
        claim="Kokevarselet gjelder hele byen.",
        channel="facebook",
        where="Kommentarer på kommunens side",
        reach=600,
    )
    delivered = receive_delivery(
        log,
        "facebook",
        [
            Message(incident, "fb-1001", "@lise.h", "Gjelder kokevarselet Furuset?"),
            Message(incident, "fb-1002", "@jon88", "Er vannet giftig selv om jeg koker det?"),
            Message(incident, "fb-1003", "@mona", "Fjern bildet av meg ved vannposten, takk."),
            Message(incident, "fb-1004", "@per.a", "Takk for rask beskjed!"),
        ],
    )
    ids = {external_id: inquiry for external_id, inquiry, _ in delivered.results}
    triage_inquiry(log, comms, ids["fb-1003"], category="photo_removal_request")
    triage_inquiry(log, comms, ids["fb-1004"], category="praise")
    send_holding_reply(log, comms, ids["fb-1001"], text="Takk! Vi sjekker og svarer deg snart.")
