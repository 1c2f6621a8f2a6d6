"""The review's JSON: the board at a moment with its event in words, the timeline."""

from __future__ import annotations

from tests import scenario


def test_board_at_a_moment_by_step_position_or_time(api, clock):
    incident = scenario.open_incident(api)
    clock.advance(minutes=10)
    fact = scenario.verified_fact(api, incident, "E. coli er påvist.")
    clock.advance(minutes=10)
    api.ok("comms", f"/api/facts/{fact}/approve")
    base = f"/api/review/board?incident={incident}"

    step = api.get("reviewer", f"{base}&index=1").json()
    assert (step["index"], step["count"], step["previous"], step["next"]) == (1, 4, 0, 2)
    assert step["line"]["type"] == "Fact.Submitted"
    assert step["line"]["description"] == (
        "Vera Vann sendte inn faktaopplysningen «E. coli er påvist.» for Vann- og avløpsetaten."
    )
    assert step["line"]["when"] == "23. nov. 2026 kl. 10:10"
    assert step["incident"]["facts"][fact]["status"] == "submitted"

    english = api.client.get(
        f"{base}&index=3",
        headers={"Authorization": f"Bearer {api.token('reviewer')}", "Accept-Language": "en"},
    ).json()
    assert english["line"]["description"] == (
        "Kari Kommunikasjon approved the fact “E. coli er påvist.” (revision 1) for publishing."
    )
    assert english["incident"]["facts"][fact]["status"] == "approved"

    # A time between events: the board after the last event at or before it;
    # without an offset the time is read as Oslo time (UTC+1 in November).
    before_fact = api.get("reviewer", f"{base}&at=2026-11-23T10:05").json()
    assert before_fact["line"]["type"] == "Incident.Opened"
    assert before_fact["incident"]["facts"] == {}
    with_offset = api.get("reviewer", f"{base}&at=2026-11-23T09:15:00%2B00:00").json()
    assert with_offset["line"]["type"] == "Fact.Verified"
    by_position = api.get("reviewer", f"{base}&position={with_offset['position']}").json()
    assert by_position["index"] == with_offset["index"] == 2

    # Without an incident: the whole board, stepping through the whole log.
    whole = api.get("reviewer", f"/api/review/board?position={by_position['position']}").json()
    assert [doc["id"] for doc in whole["incidents"]] == [incident]


def test_review_json_refuses_bad_input_and_other_roles(api):
    incident = scenario.open_incident(api)
    bad = api.get("reviewer", f"/api/review/board?incident={incident}&at=yesterday")
    assert bad.status_code == 422
    assert "ISO" in bad.json()["detail"]
    assert api.get("vav", f"/api/review/board?incident={incident}&index=0").status_code == 403
    assert api.get("vav", f"/api/review/{incident}/figures").status_code == 403
    assert api.get("reviewer", "/api/review/board?incident=unknown").status_code == 404
    assert api.get("reviewer", "/api/review/unknown/figures").status_code == 404
    for role in ("comms", "editor", "admin", "reviewer"):
        assert api.get(role, f"/api/review/{incident}/timeline").status_code == 200, role


def test_timeline_json_filters_by_kind(api):
    incident = scenario.open_incident(api)
    scenario.approved_fact(api, incident)
    facts = api.get("reviewer", f"/api/review/{incident}/timeline?kind=fact").json()
    assert facts["total"] == 3
    assert [line["type"] for line in facts["lines"]] == [
        "Fact.Submitted",
        "Fact.Verified",
        "Fact.Approved",
    ]
    assert all(line["description"] and line["when"] for line in facts["lines"])


def test_the_board_at_a_moment_shows_a_reviewer_no_resident(api):
    """What a role sees of a board is decided in one place, for replays too: a
    reviewer gets no handle, and a text only where it was flagged archive-worthy."""
    incident = scenario.open_incident(api)
    plain = scenario.inquiry(api, incident, "Kan jeg dusje?")
    kept = scenario.inquiry(api, incident, "Naboen ble syk.")
    api.ok("comms", f"/api/inquiries/{kept}/archive-worthy", {"reason": "Viktig"})
    for query in (f"incident={incident}&position=999999", "position=999999"):
        moment = api.get("reviewer", f"/api/review/board?{query}").json()
        docs = [moment["incident"]] if "incident" in moment else moment["incidents"]
        (doc,) = [d for d in docs if d["id"] == incident]
        inquiries = doc["inquiries"]
        assert "handle" not in inquiries[plain] and "text" not in inquiries[plain]
        assert inquiries[kept]["text"] == "Naboen ble syk." and "handle" not in inquiries[kept]
    staff = api.get("comms", f"/api/review/board?incident={incident}&position=999999").json()
    assert staff["incident"]["inquiries"][plain]["handle"] == "@kari.n"
