"""Incident settings, fact revisions and post corrections over HTTP."""

from __future__ import annotations

from tests import scenario
from tests.api.test_api import refused


def incident_doc(api, incident):
    return next(d for d in api.board()["incidents"] if d["id"] == incident)


def test_incident_settings_over_http_reach_the_board(api):
    incident = scenario.open_incident(api, phase="reported", supporting=["hel"])
    base = f"/api/incidents/{incident}"
    api.ok("comms", f"{base}/phase", {"phase": "active"})
    api.ok("comms", f"{base}/severity", {"severity": "extreme"})
    api.ok("comms", f"{base}/areas", {"areas": ["Grorud", "Stovner", "Alna", "Bjerke"]})
    api.ok("comms", f"{base}/supporting", {"departments": ["hel", "bym"]})
    api.ok("comms", f"{base}/crisis-mode", {"on": True, "sla_minutes": 30})
    api.ok("editor", f"{base}/four-eyes", {"on": True})
    api.ok("comms", f"{base}/department", {"department": "hel", "reason": "Helsespørsmål nå."})
    doc = incident_doc(api, incident)
    assert [p["phase"] for p in doc["phases"]] == ["reported", "active"]
    assert doc["severity"] == "extreme" and doc["areas"][-1] == "Bjerke"
    assert (doc["crisis_mode"], doc["sla_minutes"], doc["four_eyes"]) == (True, 30, True)
    assert (doc["department"], doc["supporting"]) == (
        "hel",
        [{"key": "bym", "name": "Bymiljøetaten"}],
    )


def test_incident_setting_refusals_over_http(api):
    incident = scenario.open_incident(api)
    base = f"/api/incidents/{incident}"
    refused(api, "comms", f"{base}/four-eyes", {"on": True}, 403, "role_not_allowed")
    refused(
        api,
        "comms",
        f"{base}/crisis-mode",
        {"on": True, "sla_minutes": 0},
        422,
        "sla_minutes_invalid",
    )
    refused(api, "comms", f"{base}/crisis-mode", {"on": False}, 409, "incident_unchanged")
    refused(
        api, "comms", f"{base}/supporting", {"departments": ["nasa"]}, 422, "unknown_department"
    )
    refused(
        api,
        "comms",
        f"{base}/department",
        {"department": "hel", "reason": ""},
        422,
        "reassignment_needs_reason",
    )


def test_fact_correction_and_follow_up_over_http(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident, "Gjelder Grorud.")
    post = scenario.published_post(api, incident, [fact])
    refused(
        api,
        "vav",
        f"/api/facts/{fact}/correct",
        {"text": "Gjelder Alna.", "reason": ""},
        422,
        "correction_needs_reason",
    )
    api.ok(
        "vav",
        f"/api/facts/{fact}/correct",
        {"text": "Gjelder Grorud og Alna.", "reason": "Ny prøve."},
    )
    doc = incident_doc(api, incident)
    assert doc["facts"][fact]["revision"] == 2
    assert [(f["item"], f["change"]) for f in doc["follow_up"]] == [(post, "corrected")]
    api.ok("comms", f"/api/facts/{fact}/follow-up", {"item": post, "note": "Rettet på nettsiden."})
    assert incident_doc(api, incident)["follow_up"] == []
    api.ok("vav", f"/api/facts/{fact}/withdraw", {"reason": "Opphevet."})
    doc = incident_doc(api, incident)
    assert doc["facts"][fact]["status"] == "withdrawn"
    assert [f["change"] for f in doc["follow_up"]] == ["withdrawn"]


def test_draft_answers_with_warnings_in_the_readers_language(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    website = scenario.published_post(api, incident, [fact])
    body = {"channel": "x", "text": "Kok vannet. " * 13, "cites": [fact], "links_to": website}
    answer = api.ok("comms", f"/api/incidents/{incident}/posts", body)
    (warning,) = answer["warnings"]
    assert warning["code"] == "long_post" and warning["params"]["advised"] == 140
    assert "140" in warning["detail"] and "anbefales" in warning["detail"]
    english = api.client.post(
        f"/api/incidents/{incident}/posts",
        json=body,
        headers={"Authorization": f"Bearer {api.token('comms')}", "Accept-Language": "en"},
    ).json()
    assert "advised" in english["warnings"][0]["detail"]
    assert incident_doc(api, incident)["posts"][answer["id"]]["warnings"][0]["code"] == "long_post"
    refused(
        api,
        "comms",
        f"/api/incidents/{incident}/posts",
        {**body, "text": "a" * 281},
        422,
        "post_too_long",
    )


def test_retract_and_discard_over_http(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    website = scenario.published_post(api, incident, [fact])
    wrong = scenario.published_post(api, incident, [fact], channel="facebook", links_to=website)
    apology = api.ok(
        "comms",
        f"/api/posts/{wrong}/retract",
        {"reason": "Feil område.", "apology": "Vi beklager feilen.", "cites": [fact]},
    )["id"]
    draft = api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": "Utkast.", "cites": [fact]},
    )["id"]
    api.ok("comms", f"/api/posts/{draft}/discard", {"reason": "Dobbelt."})
    posts = incident_doc(api, incident)["posts"]
    assert (posts[wrong]["status"], posts[wrong]["corrected_by"]) == ("retracted", apology)
    assert (posts[apology]["corrects"], posts[apology]["status"]) == (wrong, "draft")
    assert posts[draft]["status"] == "discarded"


def test_openapi_documents_the_new_commands(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/incidents/{incident_id}/severity",
        "/api/incidents/{incident_id}/areas",
        "/api/incidents/{incident_id}/department",
        "/api/incidents/{incident_id}/supporting",
        "/api/incidents/{incident_id}/crisis-mode",
        "/api/incidents/{incident_id}/four-eyes",
        "/api/facts/{fact_id}/correct",
        "/api/facts/{fact_id}/withdraw",
        "/api/facts/{fact_id}/follow-up",
        "/api/posts/{post_id}/retract",
        "/api/posts/{post_id}/discard",
        "/api/channels",
        "/api/channels/{key}/change",
        "/api/channels/{key}/retire",
    ):
        assert path in paths, path
