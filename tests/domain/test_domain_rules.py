"""The rules of the skeleton's flow, against the application services and a real SQLite log."""

from __future__ import annotations

from uuid import uuid4

import pytest

from crisis.errors import Conflict, Forbidden, NotFound, Refused
from crisis.facts.service import approve_fact, submit_fact, verify_fact
from crisis.incidents.service import change_phase
from crisis.log import CrisisLog
from crisis.posts.service import approve_post, draft_post, publish_post
from tests import flow


@pytest.fixture
def incident(log: CrisisLog, people) -> object:
    return flow.incident(log, people)


def test_every_event_records_who_and_when(log, people, incident, clock):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli påvist.").id
    stored = list(log.events.get(fact))
    assert stored[0].by == {"id": people["vav"].id, "name": "Vera Vann", "role": "department"}
    assert stored[0].at == clock.now()


def test_department_submits_and_verifies_comms_approves(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli påvist.").id
    verify_fact(log, people["vav"], fact)
    approve_fact(log, people["comms"], fact)
    assert log.repository.get(fact).status == "approved"


def test_fact_for_another_department_is_refused(log, people, incident):
    flow.refuses(
        log,
        Forbidden,
        "other_department",
        lambda: submit_fact(log, people["bym"], incident_id=incident, text="Feil etat."),
    )


def test_department_user_cannot_verify_other_departments_fact(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli.").id
    flow.refuses(log, Forbidden, "other_department", lambda: verify_fact(log, people["bym"], fact))


def test_department_user_cannot_approve(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli.", verify=True).id
    flow.refuses(log, Forbidden, "role_not_allowed", lambda: approve_fact(log, people["vav"], fact))


def test_comms_cannot_submit_facts_the_department_owns_them(log, people, incident):
    flow.refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: submit_fact(log, people["comms"], incident_id=incident, text="Kok vannet."),
    )


def test_unverified_fact_cannot_be_approved(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli.").id
    flow.refuses(
        log, Refused, "fact_not_verified", lambda: approve_fact(log, people["comms"], fact)
    )


def test_post_citing_unapproved_fact_is_refused(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli.", verify=True).id
    flow.refuses(
        log,
        Refused,
        "fact_not_approved",
        lambda: draft_post(
            log, people["comms"], incident_id=incident, channel="website", text="Hei", cites=[fact]
        ),
    )


def test_post_must_cite_a_fact(log, people, incident):
    flow.refuses(
        log,
        Refused,
        "post_needs_facts",
        lambda: draft_post(
            log, people["comms"], incident_id=incident, channel="website", text="Jeg tror", cites=[]
        ),
    )


def test_social_post_needs_a_website_post_to_link_to(log, people, incident):
    fact = flow.fact(log, people, incident)
    flow.refuses(
        log,
        Refused,
        "website_link_required",
        lambda: draft_post(
            log,
            people["comms"],
            incident_id=incident,
            channel="facebook",
            text="Kok!",
            cites=[fact],
        ),
    )


def test_social_post_is_not_published_before_the_website_post(log, people, incident):
    fact = flow.fact(log, people, incident)
    website = draft_post(
        log,
        people["comms"],
        incident_id=incident,
        channel="website",
        text="Kokevarsel.",
        cites=[fact],
    ).id
    facebook = draft_post(
        log,
        people["comms"],
        incident_id=incident,
        channel="facebook",
        text="Kok!",
        cites=[fact],
        links_to=website,
    ).id
    approve_post(log, people["editor"], facebook)
    flow.refuses(
        log, Refused, "website_first", lambda: publish_post(log, people["comms"], facebook)
    )
    approve_post(log, people["editor"], website)
    publish_post(log, people["comms"], website)
    publish_post(log, people["comms"], facebook)
    assert log.repository.get(facebook).status == "published"


def test_post_is_approved_by_an_editor_before_publishing(log, people, incident):
    fact = flow.fact(log, people, incident)
    post = draft_post(
        log,
        people["comms"],
        incident_id=incident,
        channel="website",
        text="Kokevarsel.",
        cites=[fact],
    ).id
    flow.refuses(
        log, Refused, "post_not_approved", lambda: publish_post(log, people["comms"], post)
    )
    flow.refuses(
        log, Forbidden, "role_not_allowed", lambda: approve_post(log, people["comms"], post)
    )


def test_inactive_channel_is_refused(log, people, incident):
    fact = flow.fact(log, people, incident)
    flow.refuses(
        log,
        Refused,
        "channel_inactive",
        lambda: draft_post(
            log,
            people["comms"],
            incident_id=incident,
            channel="instagram",
            text="Hei",
            cites=[fact],
        ),
    )


def test_unknown_incident_is_not_found(log, people):
    flow.refuses(
        log,
        NotFound,
        "incident_not_found",
        lambda: submit_fact(log, people["vav"], incident_id=uuid4(), text="E. coli."),
    )


def test_stale_version_is_a_conflict(log, people, incident):
    fact = submit_fact(log, people["vav"], incident_id=incident, text="E. coli.").id
    verify_fact(log, people["vav"], fact, version=1)
    flow.refuses(
        log, Conflict, "stale_version", lambda: approve_fact(log, people["comms"], fact, version=1)
    )


def test_reopening_needs_a_reason(log, people, incident):
    change_phase(log, people["comms"], incident, phase="resolved", reason="", version=None)
    flow.refuses(
        log,
        Refused,
        "reopen_needs_reason",
        lambda: change_phase(
            log, people["comms"], incident, phase="active", reason=" ", version=None
        ),
    )
