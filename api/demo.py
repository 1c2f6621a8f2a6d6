"""The demo scenario: a boil-water notice for three Oslo districts."""

from __future__ import annotations

from api.accounts import Accounts
from api.settings import Settings
from crisis.facts.service import approve_fact, submit_fact
from crisis.incidents.service import open_incident
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role
from crisis.posts.service import approve_post, draft_post, publish_post

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


def load(settings: Settings, password: str) -> None:
    accounts = Accounts(settings.accounts_url)
    people = {
        username: accounts.add_user(
            username, name, role, password, department, DEMO_TOTP_SECRETS.get(username)
        )
        for username, name, role, department in DEMO_USERS
    }
    log = CrisisLog(env=settings.event_store_env)
    try:
        _scenario(log, people)
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
    ).id

    def fact(text: str) -> object:
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
