"""Incident phases, severity, areas, departments, crisis mode and four eyes:
each a command, an event and a board field."""

from __future__ import annotations

import json
import sqlite3

import pytest

from crisis.errors import Conflict, Forbidden, Refused
from crisis.facts.service import correct_fact, submit_fact
from crisis.incidents import service
from server.runtime import open_log
from tests import flow
from tests.flow import refuses


@pytest.fixture
def incident(log, people):
    return flow.incident(log, people)


def test_an_incident_can_open_as_reported_and_the_board_keeps_the_phase_history(log, people):
    incident = flow.incident(log, people, phase="reported")
    service.change_phase(log, people["comms"], incident, phase="active", reason="", version=None)
    service.change_phase(
        log, people["editor"], incident, phase="resolved", reason="Rent vann.", version=None
    )
    service.change_phase(
        log,
        people["comms"],
        incident,
        phase="active",
        reason="Ny prøve viser E. coli.",
        version=None,
    )
    doc = flow.doc(log, incident)
    assert doc["phase"] == "active"
    assert [(p["phase"], p["reason"]) for p in doc["phases"]] == [
        ("reported", ""),
        ("active", ""),
        ("resolved", "Rent vann."),
        ("active", "Ny prøve viser E. coli."),
    ]
    assert doc["phases"][2]["by"] == "Ola Redaktør"


def test_an_incident_cannot_open_in_a_later_phase(log, people):
    refuses(
        log,
        Refused,
        "opening_phase_invalid",
        lambda: flow.incident(log, people, phase="resolved"),
    )


def test_moving_back_from_closed_needs_a_reason_and_closed_refuses_changes(log, people, incident):
    comms = people["comms"]
    service.change_phase(log, comms, incident, phase="closed", reason="", version=None)
    refuses(
        log,
        Refused,
        "reopen_needs_reason",
        lambda: service.change_phase(log, comms, incident, phase="active", reason="", version=None),
    )
    refuses(
        log,
        Refused,
        "incident_closed",
        lambda: service.change_severity(log, comms, incident, severity="minor"),
    )
    refuses(
        log,
        Refused,
        "incident_closed",
        lambda: service.switch_crisis_mode(log, comms, incident, on=True),
    )
    service.change_phase(log, comms, incident, phase="active", reason="Nye funn.", version=None)
    service.change_severity(log, comms, incident, severity="minor")


def test_severity_and_areas_change_on_the_board(log, people, incident):
    service.change_severity(log, people["comms"], incident, severity="extreme")
    service.change_areas(log, people["comms"], incident, areas=["Grorud", "Stovner"])
    doc = flow.doc(log, incident)
    assert (doc["severity"], doc["areas"]) == ("extreme", ["Grorud", "Stovner"])


def test_bad_severity_areas_and_no_op_changes_are_refused(log, people, incident):
    comms = people["comms"]
    refuses(
        log,
        Refused,
        "unknown_severity",
        lambda: service.change_severity(log, comms, incident, severity="huge"),
    )
    refuses(
        log, Refused, "areas_required", lambda: service.change_areas(log, comms, incident, areas=[])
    )
    refuses(
        log,
        Refused,
        "areas_required",
        lambda: service.change_areas(log, comms, incident, areas=[" "]),
    )
    refuses(
        log,
        Conflict,
        "incident_unchanged",
        lambda: service.change_severity(log, comms, incident, severity="severe"),
    )


def test_departments_reviewers_and_admins_cannot_change_incidents(log, people, incident):
    for user in ("vav", "reviewer", "admin"):
        refuses(
            log,
            Forbidden,
            "role_not_allowed",
            lambda user=user: service.change_severity(
                log, people[user], incident, severity="minor"
            ),
        )


def test_supporting_departments_may_submit_facts_of_their_own(log, people, incident):
    refuses(
        log,
        Forbidden,
        "other_department",
        lambda: submit_fact(log, people["bym"], incident_id=incident, text="Vannposter i parken."),
    )
    service.set_supporting_departments(log, people["comms"], incident, departments=["bym", "hel"])
    fact = submit_fact(log, people["bym"], incident_id=incident, text="Vannposter i parken.").id
    assert log.repository.get(fact).department == "bym"
    doc = flow.doc(log, incident)
    assert doc["supporting"] == [
        {"key": "bym", "name": "Bymiljøetaten"},
        {"key": "hel", "name": "Helseetaten"},
    ]


def test_supporting_departments_must_be_known_distinct_and_not_the_responsible(
    log, people, incident
):
    comms = people["comms"]
    for departments, code in (
        (["vav"], "responsible_not_supporting"),
        (["bym", "bym"], "supporting_duplicate"),
        (["nasa"], "unknown_department"),
    ):
        refuses(
            log,
            Refused,
            code,
            lambda d=departments: service.set_supporting_departments(
                log, comms, incident, departments=d
            ),
        )


def test_responsibility_moves_with_a_reason_and_old_facts_keep_their_owner(log, people, incident):
    comms = people["comms"]
    old = submit_fact(log, people["vav"], incident_id=incident, text="E. coli påvist.").id
    service.set_supporting_departments(log, comms, incident, departments=["hel"])
    refuses(
        log,
        Refused,
        "reassignment_needs_reason",
        lambda: service.assign_department(log, comms, incident, department="hel", reason=""),
    )
    service.assign_department(log, comms, incident, department="hel", reason="Nå et helsespørsmål.")
    assert log.repository.get(old).department == "vav"
    refuses(
        log,
        Forbidden,
        "other_department",
        lambda: submit_fact(log, people["vav"], incident_id=incident, text="Ny prøve."),
    )
    correct_fact(
        log,
        people["vav"],
        old,
        text="E. coli påvist i to prøver.",
        reason="Ny prøve.",
        version=None,
    )
    doc = flow.doc(log, incident)
    assert (doc["department"], doc["department_name"]) == ("hel", "Helseetaten")
    assert doc["supporting"] == []


def test_crisis_mode_with_a_target_in_minutes(log, people, incident):
    comms = people["comms"]
    assert flow.doc(log, incident)["crisis_mode"] is False
    assert flow.doc(log, incident)["sla_minutes"] == 60
    service.switch_crisis_mode(log, comms, incident, on=True)
    service.switch_crisis_mode(log, comms, incident, on=True, sla_minutes=30)
    doc = flow.doc(log, incident)
    assert (doc["crisis_mode"], doc["sla_minutes"]) == (True, 30)
    service.switch_crisis_mode(log, comms, incident, on=False)
    assert flow.doc(log, incident)["sla_minutes"] == 30  # the target is kept for next time
    assert log.repository.get(incident).crisis_mode is False


def test_crisis_mode_target_must_be_sensible(log, people, incident):
    for minutes in (0, -5, 100_000):
        refuses(
            log,
            Refused,
            "sla_minutes_invalid",
            lambda m=minutes: service.switch_crisis_mode(
                log, people["comms"], incident, on=True, sla_minutes=m
            ),
        )
    refuses(
        log,
        Conflict,
        "incident_unchanged",
        lambda: service.switch_crisis_mode(log, people["comms"], incident, on=False),
    )


def test_only_the_editor_sets_four_eyes(log, people, incident):
    refuses(
        log,
        Forbidden,
        "role_not_allowed",
        lambda: service.switch_four_eyes(log, people["comms"], incident, on=True),
    )
    service.switch_four_eyes(log, people["editor"], incident, on=True)
    assert flow.doc(log, incident)["four_eyes"] is True


def test_switching_four_eyes_off_takes_a_second_person(log, people, incident):
    """One editor cannot switch it off, approve their own post and switch it on again."""
    service.switch_four_eyes(log, people["editor"], incident, on=True)
    refuses(
        log,
        Forbidden,
        "four_eyes_off_needs_second_person",
        lambda: service.switch_four_eyes(log, people["editor"], incident, on=False),
    )
    assert flow.doc(log, incident)["four_eyes"] is True
    service.switch_four_eyes(log, people["admin"], incident, on=False)
    assert flow.doc(log, incident)["four_eyes"] is False


@pytest.mark.sqlite_files
def test_events_stored_before_v2_still_load(log, people, settings, clock):
    """Incidents and posts written before phases-at-opening and cited revisions existed."""
    incident = flow.incident(log, people)
    fact = flow.fact(log, people, incident)
    post = flow.draft(log, people, incident, [fact]).id
    db = sqlite3.connect(settings.event_store_env["SQLITE_DBNAME"])
    for topic, fields in (
        ("Opened", ("phase", "supporting")),
        ("Drafted", ("revisions", "corrects", "warnings")),
    ):
        for rowid, state in db.execute(
            "select rowid, state from stored_events where topic like ?", (f"%.{topic}",)
        ).fetchall():
            data = json.loads(state)
            for field in (*fields, "class_version"):
                data.pop(field)
            db.execute(
                "update stored_events set state = ? where rowid = ?",
                (json.dumps(data).encode(), rowid),
            )
    db.commit()
    db.close()
    fresh = open_log(settings, clock)
    try:
        assert fresh.repository.get(incident).phase == "active"
        assert fresh.repository.get(post).revisions == [1]
        assert flow.doc(fresh, incident)["posts"][str(post)]["cites"] == [
            {"fact": str(fact), "revision": 1}
        ]
    finally:
        fresh.close()


def test_areas_are_named_once(log, people):
    opened = service.open_incident(
        log,
        people["comms"],
        kind="storm",
        title="Storm",
        areas=["Grorud", " grorud", "Alna", "Alna "],
        department="vav",
        severity="severe",
    )
    assert flow.doc(log, opened.id)["areas"] == ["Grorud", "Alna"]
    refuses(
        log,
        Conflict,
        "incident_unchanged",
        lambda: service.change_areas(
            log, people["comms"], opened.id, areas=["Grorud", "Alna", "grorud"]
        ),
    )
    service.change_areas(log, people["comms"], opened.id, areas=["Stovner", "Stovner"])
    assert flow.doc(log, opened.id)["areas"] == ["Stovner"]
