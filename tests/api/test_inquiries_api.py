"""Rumours, inquiries, the channel webhook and the load view over HTTP."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from access.policy import AccessPolicy
from api.webhooks import SECRETS_FILE, sign
from crisis.inquiries.service import MAX_BATCH
from tests import scenario
from tests.api.test_api import refused

SECRET = "facebook-webhook-secret-for-tests"
ENV_SECRET = "x-secret-from-the-environment-32b"


@pytest.fixture
def secrets(settings):
    (settings.data_dir / SECRETS_FILE).write_text(json.dumps({"facebook": SECRET}))


def deliver(api, body, channel="facebook", secret=SECRET, query="", signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.client.post(
        f"/api/webhooks/{channel}{query}",
        content=raw,
        headers={
            "Content-Type": "application/json",
            "X-Crisis-Signature": signature if signature is not None else sign(secret, raw),
        },
    )


def batch(incident, *ids):
    return [
        {
            "external_id": i,
            "handle": f"@person{i}",
            "text": f"Gjelder det Furuset? ({i})",
            "incident_id": incident,
        }
        for i in ids
    ]


def inquiries(api):
    return api.board()["incidents"][0]["inquiries"]


def test_signed_batch_is_accepted_and_a_retry_adds_nothing(api, secrets):
    incident = scenario.open_incident(api)
    first = deliver(api, batch(incident, "a", "b"))
    assert first.status_code == 200, first.text
    assert (first.json()["accepted"], first.json()["duplicates"]) == (2, 0)
    assert {i["handle"] for i in inquiries(api).values()} == {"@persona", "@personb"}
    position = api.position()
    retry = deliver(api, batch(incident, "a", "b"))
    assert (retry.json()["accepted"], retry.json()["duplicates"]) == (0, 2)
    assert [i["status"] for i in retry.json()["items"]] == ["duplicate", "duplicate"]
    assert [i["id"] for i in retry.json()["items"]] == [i["id"] for i in first.json()["items"]]
    assert api.position() == position


def test_incident_from_the_query_string(api, secrets):
    incident = scenario.open_incident(api)
    items = [{k: v for k, v in m.items() if k != "incident_id"} for m in batch(incident, "q")]
    assert deliver(api, items, query=f"?incident={incident}").json()["accepted"] == 1
    before = api.position()
    response = deliver(api, batch(None, "r"))
    assert response.status_code == 422 and response.json()["code"] == "webhook_incident_required"
    assert api.position() == before


def test_bad_or_missing_signature_is_refused(api, secrets):
    incident = scenario.open_incident(api)
    before = api.position()
    for signature in ("", "sha256=" + "0" * 64, sign("another-secret", b"[]")):
        response = deliver(api, batch(incident, "a"), signature=signature)
        assert response.status_code == 401 and response.json()["code"] == "bad_signature"
    # A signature over other bytes than those sent does not match either.
    raw = json.dumps(batch(incident, "a")).encode()
    response = deliver(api, raw + b" ", signature=sign(SECRET, raw))
    assert response.status_code == 401
    assert api.position() == before


def test_channel_without_a_secret_takes_no_deliveries(api, secrets):
    incident = scenario.open_incident(api)
    response = deliver(api, batch(incident, "a"), channel="x", secret="guess")
    assert response.status_code == 403 and response.json()["code"] == "webhook_not_configured"
    # An anonymous caller is not told how channels are configured.
    assert "CRISIS_" not in response.text and "webhook-secrets" not in response.text


def test_secret_from_the_environment(api, monkeypatch):
    monkeypatch.setenv("CRISIS_WEBHOOK_SECRET_X", ENV_SECRET)
    incident = scenario.open_incident(api)
    response = deliver(api, batch(incident, "1"), channel="x", secret=ENV_SECRET)
    assert response.status_code == 200 and response.json()["accepted"] == 1
    assert next(iter(inquiries(api).values()))["channel"] == "x"


def test_nothing_about_the_person_beyond_the_handle(api, secrets):
    incident = scenario.open_incident(api)
    before = api.position()
    items = batch(incident, "a")
    items[0] |= {"name": "Kari Nordmann", "email": "kari@example.no"}
    response = deliver(api, items)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert "name" in response.json()["detail"]
    assert api.position() == before


def test_batch_size_and_body_size_are_bounded(api, secrets):
    incident = scenario.open_incident(api)
    before = api.position()
    response = deliver(api, batch(incident, *map(str, range(MAX_BATCH + 1))))
    assert response.status_code == 422 and response.json()["code"] == "batch_too_large"
    response = deliver(api, b"[" + b" " * AccessPolicy().max_body_bytes + b"]")
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    assert api.position() == before


def test_a_full_batch_of_500_in_one_delivery(api, secrets):
    incident = scenario.open_incident(api)
    before = api.position()
    response = deliver(api, batch(incident, *map(str, range(MAX_BATCH))))
    assert response.json()["accepted"] == MAX_BATCH
    assert api.position() == before + MAX_BATCH
    assert len(inquiries(api)) == MAX_BATCH


def test_staff_intake_and_handling_over_http(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    inquiry = api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@ola", "text": "Gjelder det hele byen?"},
    )["id"]
    editor_id = api.get("editor", "/api/me").json()["id"]
    api.ok("comms", f"/api/inquiries/{inquiry}/assign", {"assignee_id": editor_id})
    api.ok("editor", f"/api/inquiries/{inquiry}/holding-reply", {"text": "Vi sjekker."})
    follow = api.get("editor", f"/api/incidents/{incident}/follow-up").json()["inquiries"]
    assert [i["id"] for i in follow] == [inquiry]
    api.ok(
        "editor", f"/api/inquiries/{inquiry}/answer", {"text": "Nei, tre bydeler.", "cites": [fact]}
    )
    item = inquiries(api)[inquiry]
    assert item["assigned_to"]["name"] == "Ola Redaktør"
    assert item["answer"]["signature"] == "Ola Redaktør"
    assert api.get("editor", f"/api/incidents/{incident}/follow-up").json()["inquiries"] == []


def test_refusals_over_http_explain_why(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    inquiry = api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@ola", "text": "Klage på gebyret, saksnr 2026/123"},
    )["id"]
    api.ok("comms", f"/api/inquiries/{inquiry}/triage", {"category": "case_handling"})
    body = refused(
        api,
        "comms",
        f"/api/inquiries/{inquiry}/answer",
        {"text": "Vi ser på saken.", "cites": [fact]},
        422,
        "never_case_handling",
    )
    assert "Aldri saksbehandling i sosiale medier" in body["detail"]
    vav_id = api.get("vav", "/api/me").json()["id"]
    refused(
        api,
        "comms",
        f"/api/inquiries/{inquiry}/assign",
        {"assignee_id": vav_id},
        422,
        "assignee_cannot_answer",
    )
    refused(
        api,
        "comms",
        f"/api/inquiries/{inquiry}/assign",
        {"assignee_id": "nobody"},
        404,
        "person_not_found",
    )
    refused(
        api,
        "comms",
        f"/api/inquiries/{inquiry}/moderate",
        {"action": "delete", "reason": "Uenig."},
        422,
        "moderation_not_allowed",
    )


def test_rumour_flow_over_http(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    api.ok("comms", f"/api/incidents/{incident}/watch-list", {"phrase": "giftig"})
    rumour = api.ok(
        "comms",
        f"/api/incidents/{incident}/rumours",
        {
            "claim": "Vannet er giftig selv kokt",
            "channel": "facebook",
            "where": "Grorud-gruppa",
            "reach": 800,
        },
    )["id"]
    api.ok(
        "comms",
        f"/api/rumours/{rumour}/sightings",
        {"channel": "x", "where": "@nyheter", "reach": 200},
    )
    api.ok(
        "comms",
        f"/api/rumours/{rumour}/assess",
        {"assessment": "false", "note": "Kokt vann er trygt."},
    )
    clock.advance(minutes=25)
    post = scenario.published_post(api, incident, [fact], text="Kokt vann er trygt å drikke.")
    api.ok("comms", f"/api/rumours/{rumour}/correct", {"post_id": post})
    [listed] = api.get("comms", f"/api/incidents/{incident}/rumours").json()["rumours"]
    assert listed["reach"] == 1000 and len(listed["sightings"]) == 2
    assert listed["minutes_to_correction"] == 25
    refused(
        api,
        "comms",
        f"/api/rumours/{rumour}/close",
        {"resolution": ""},
        422,
        "rumour_resolution_required",
    )
    api.ok(
        "comms", f"/api/rumours/{rumour}/close", {"resolution": "Rettet på nettsiden og Facebook."}
    )
    assert api.get("comms", f"/api/incidents/{incident}/rumours").json()["rumours"] == []
    doc = api.board()["incidents"][0]
    assert doc["watch_list"] == ["giftig"]


def test_load_endpoint_moves_with_the_clock(api, secrets, clock):
    incident = scenario.open_incident(api)
    deliver(api, batch(incident, "1", "2"))
    api.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "x", "handle": "@journalist", "text": "Hvor mange er berørt?"},
    )
    load = api.get("reviewer", f"/api/incidents/{incident}/load").json()
    assert load["crisis_mode"] is False and load["target_minutes"] == 24 * 60
    assert load["channels"]["facebook"]["received_15m"] == 2
    assert load["channels"]["facebook"]["backlog"] == 2
    assert load["channels"]["x"]["backlog"] == 1
    clock.advance(minutes=20)
    load = api.get("reviewer", f"/api/incidents/{incident}/load").json()
    assert load["channels"]["facebook"]["received_15m"] == 0
    assert load["channels"]["facebook"]["received_60m"] == 2
    assert load["channels"]["facebook"]["oldest_waiting_minutes"] == 20
    clock.advance(days=3, hours=6)
    assert (
        api.get("reviewer", f"/api/incidents/{incident}/load").json()["channels"]["x"]["breached"]
        == 1
    )
    queue = api.get("comms", f"/api/incidents/{incident}/inquiries").json()["inquiries"]
    assert {i["sla"]["answer"]["state"] for i in queue} == {"breached"}


def test_load_of_unknown_incident_is_404(api):
    response = api.get("comms", "/api/incidents/00000000-0000-0000-0000-000000000000/load")
    assert response.status_code == 404 and response.json()["code"] == "incident_not_found"


def test_openapi_documents_the_rumour_and_inquiry_commands(api):
    schema = api.client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/incidents/{incident_id}/rumours",
        "/api/rumours/{rumour_id}/sightings",
        "/api/rumours/{rumour_id}/assess",
        "/api/rumours/{rumour_id}/correct",
        "/api/rumours/{rumour_id}/close",
        "/api/incidents/{incident_id}/watch-list",
        "/api/incidents/{incident_id}/watch-list/remove",
        "/api/incidents/{incident_id}/inquiries",
        "/api/inquiries/{inquiry_id}/triage",
        "/api/inquiries/{inquiry_id}/assign",
        "/api/inquiries/{inquiry_id}/holding-reply",
        "/api/inquiries/{inquiry_id}/answer",
        "/api/inquiries/{inquiry_id}/refer",
        "/api/inquiries/{inquiry_id}/escalate",
        "/api/inquiries/{inquiry_id}/moderate",
        "/api/inquiries/{inquiry_id}/archive-worthy",
        "/api/incidents/{incident_id}/load",
        "/api/incidents/{incident_id}/follow-up",
        "/api/webhooks/{channel}",
    ):
        assert path in paths, path
    webhook = paths["/api/webhooks/{channel}"]["post"]
    body = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert body["maxItems"] == MAX_BATCH and "handle" in body["items"]["properties"]
    assert any(p["name"] == "x-crisis-signature" for p in webhook["parameters"])


def test_views_read_the_injected_clock(api, clock):
    incident = scenario.open_incident(api)
    path = f"/api/incidents/{incident}/load"
    assert datetime.fromisoformat(api.get("comms", path).json()["now"]) == clock.now()
    clock.advance(hours=1)
    assert datetime.fromisoformat(api.get("comms", path).json()["now"]) == clock.now()


@pytest.mark.parametrize(
    "content",
    ["{not json", '["facebook"]', '{"facebook": 12}', '{"facebook": "short"}'],
)
def test_a_broken_secrets_file_refuses_deliveries_with_503(api, settings, content):
    incident = scenario.open_incident(api)
    assert deliver(api, batch(incident, "a")).status_code == 403  # no file yet
    (settings.data_dir / SECRETS_FILE).write_text(content)
    before = api.position()
    response = deliver(api, batch(incident, "a"), secret="short")
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "webhook_secrets_invalid"
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "short" not in response.json()["detail"]
    assert api.position() == before
    (settings.data_dir / SECRETS_FILE).write_text(json.dumps({"facebook": SECRET}))
    assert deliver(api, batch(incident, "a")).status_code == 200  # fixed without a restart


def test_a_short_secret_in_the_environment_is_refused(api, monkeypatch):
    monkeypatch.setenv("CRISIS_WEBHOOK_SECRET_X", "x" * 31)
    incident = scenario.open_incident(api)
    response = deliver(api, batch(incident, "1"), channel="x", secret="x" * 31)
    assert response.status_code == 503 and response.json()["code"] == "webhook_secrets_invalid"


def test_control_characters_are_taken_out_of_what_residents_write(api, secrets):
    incident = scenario.open_incident(api)
    message = {
        "external_id": "c\x00 1",
        "handle": "@per\x1bson",
        "text": "Gjelder\x00 det \x1b[31mFuruset\x7f\x85?\nLinje to\tmed tab",
        "incident_id": incident,
    }
    assert deliver(api, [message]).status_code == 200
    (inquiry,) = inquiries(api).values()
    assert inquiry["text"] == "Gjelder det [31mFuruset?\nLinje to\tmed tab"
    assert inquiry["handle"] == "@person"
    only_controls = {**message, "external_id": "c2", "text": "\x00\x01"}
    response = deliver(api, [only_controls])
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
