"""The skeleton's flow and refusals through the HTTP API (FastAPI's test client)."""

from __future__ import annotations

import time
from uuid import uuid4

from tests import scenario


def refused(api, username, path, json, status, code):
    """The request is refused with a readable message and writes nothing."""
    before = api.position()
    response = api.post(username, path, json)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert len(body["detail"]) > 20 and body["detail"] != code
    assert api.position() == before
    return body


def test_boil_water_flow_end_to_end(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    website = scenario.published_post(api, incident, [fact])
    facebook = scenario.published_post(api, incident, [fact], channel="facebook", links_to=website)
    doc = api.board()["incidents"][0]
    assert doc["facts"][fact]["status"] == "approved"
    assert doc["facts"][fact]["approved_by"] == "Kari Kommunikasjon"
    assert doc["posts"][website]["status"] == "published"
    assert (
        doc["posts"][facebook] | {"channel": "facebook", "status": "published", "links_to": website}
        == doc["posts"][facebook]
    )
    assert doc["posts"][facebook]["cites"] == [{"fact": fact, "revision": 1}]


def test_command_response_waits_for_the_board(api):
    incident = scenario.open_incident(api)
    accepted = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": "E. coli."})
    board = api.board()
    assert board["position"] >= accepted["position"]
    assert accepted["id"] in board["incidents"][0]["facts"]


def test_social_post_before_website_post_is_refused(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    website = api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": "Kokevarsel.", "cites": [fact]},
    )["id"]
    facebook = api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "facebook", "text": "Kok!", "cites": [fact], "links_to": website},
    )["id"]
    api.ok("editor", f"/api/posts/{facebook}/approve")
    body = refused(api, "comms", f"/api/posts/{facebook}/publish", {}, 422, "website_first")
    assert "nettside" in body["detail"]


def test_post_citing_unapproved_fact_is_refused(api):
    incident = scenario.open_incident(api)
    fact = scenario.verified_fact(api, incident)
    refused(
        api,
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": "Hei", "cites": [fact]},
        422,
        "fact_not_approved",
    )


def test_department_user_approving_is_forbidden(api):
    incident = scenario.open_incident(api)
    fact = scenario.verified_fact(api, incident)
    refused(api, "vav", f"/api/facts/{fact}/approve", {}, 403, "role_not_allowed")


def test_fact_for_another_department_is_forbidden(api):
    incident = scenario.open_incident(api)
    refused(
        api, "bym", f"/api/incidents/{incident}/facts", {"text": "Feil."}, 403, "other_department"
    )


def test_unknown_incident_is_404(api):
    refused(
        api,
        "vav",
        f"/api/incidents/{uuid4()}/facts",
        {"text": "E. coli."},
        404,
        "incident_not_found",
    )


def test_invalid_input_and_unknown_fields_are_refused(api):
    refused(
        api, "comms", "/api/incidents", {**scenario.INCIDENT, "areas": []}, 422, "invalid_input"
    )
    refused(
        api, "comms", "/api/incidents", {**scenario.INCIDENT, "colour": "red"}, 422, "invalid_input"
    )
    refused(
        api,
        "comms",
        "/api/incidents",
        {**scenario.INCIDENT, "severity": "huge"},
        422,
        "unknown_severity",
    )


def test_stale_version_is_409_with_current_version(api):
    incident = scenario.open_incident(api)
    fact = api.ok("vav", f"/api/incidents/{incident}/facts", {"text": "E. coli."})["id"]
    api.ok("vav", f"/api/facts/{fact}/verify", {"version": 1})
    body = refused(api, "comms", f"/api/facts/{fact}/approve", {"version": 1}, 409, "stale_version")
    assert body["current_version"] == 2


def test_english_messages_on_request(api):
    response = api.client.post(
        f"/api/incidents/{uuid4()}/facts",
        json={"text": "x"},
        headers={"Authorization": f"Bearer {api.token('vav')}", "Accept-Language": "en"},
    )
    assert response.json()["detail"].startswith("No incident with id")


def test_requests_without_login_are_401(api):
    response = api.client.post("/api/incidents", json=scenario.INCIDENT)
    assert response.status_code == 401
    assert api.client.get("/api/board").status_code == 401


def test_bad_password_is_refused_without_saying_which_part(api):
    wrong_user = api.client.post("/auth/token", data={"username": "nobody", "password": "x"})
    wrong_password = api.client.post("/auth/token", data={"username": "comms", "password": "x"})
    assert wrong_user.status_code == wrong_password.status_code == 401
    assert wrong_user.json() == wrong_password.json()


def test_cookie_login_needs_csrf_header_for_changes(api):
    login = api.client.post(
        "/login",
        data={"username": "comms", "password": "test-password-123"},
        follow_redirects=False,
    )
    assert login.status_code == 303
    assert "httponly" in login.headers["set-cookie"].lower()
    without = api.client.post("/api/incidents", json=scenario.INCIDENT)
    assert without.status_code == 403 and without.json()["code"] == "csrf"
    with_header = api.client.post(
        "/api/incidents", json=scenario.INCIDENT, headers={"X-Requested-With": "crisis"}
    )
    assert with_header.status_code == 201


def test_health_and_openapi_document_every_command(api):
    health = api.client.get("/healthz").json()
    assert (health["status"], health["problems"]) == ("ok", [])
    assert {v["behind"] for v in health["projections"].values()} == {0}
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/incidents",
        "/api/incidents/{incident_id}/facts",
        "/api/facts/{fact_id}/approve",
        "/api/incidents/{incident_id}/posts",
        "/api/posts/{post_id}/publish",
        "/auth/token",
        "/api/board",
        "/healthz",
    ):
        assert path in paths


def test_health_names_a_stalled_read_model_until_it_catches_up(api, monkeypatch):
    """A read model that cannot apply an event stops just before it; `/healthz`
    says which and where (commands are still taken), and clears once it applies."""
    from projections.channels import ChannelList

    applies = ChannelList.apply

    def fragile(self, event, position):
        if type(event).__qualname__ == "ChannelRegistry.ChannelChanged":
            raise ValueError("cannot apply this")
        return applies(self, event, position)

    monkeypatch.setattr(ChannelList, "apply", fragile)
    position = api.ok("admin", "/api/channels/sms/change", {"max_segments": 2})["position"]
    health = api.client.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert (body["status"], body["code"]) == ("degraded", "projection_stalled")
    assert body["projections"]["channels"] == {
        "position": position - 1,
        "stalled_at": position,
        "behind": 1,
    }
    assert body["detail"] == (
        f"Lesemodellen channels har stoppet før hendelse {position}; se serverloggen."
    )
    monkeypatch.undo()
    deadline = time.monotonic() + 10
    while api.client.get("/healthz").json()["status"] != "ok":  # retried after a backoff
        assert time.monotonic() < deadline, "the read model did not catch up"
        time.sleep(0.2)


def test_security_headers_on_pages(api):
    response = api.client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
