"""API tokens for integrations: scoped to one department or one channel,
shown once, stored as a hash, revocable at once; and the access review."""

from __future__ import annotations

import pytest

from tests import scenario
from tests.api.test_api import refused


def issue(api, **body):
    return api.ok("admin", "/api/admin/tokens", {"label": "Fagsystem", **body})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.sqlite_files
def test_token_is_shown_once_and_stored_as_a_hash(api, settings):
    issued = issue(api, department="vav")
    assert issued["token"].startswith("crt_") and len(issued["token"]) > 40
    listing = api.get("admin", "/api/admin/tokens").json()
    assert [t["id"] for t in listing] == [issued["id"]]
    assert issued["token"] not in str(listing)
    expected = {"scope": "department", "scope_value": "vav", "created_by": "Anne Admin"}
    assert listing[0] | expected == listing[0]
    assert issued["token"].encode() not in (settings.data_dir / "accounts.sqlite").read_bytes()


def test_department_token_acts_for_its_department_only(api):
    vav = issue(api, department="vav", label="VAV laboratoriesystem")["token"]
    bym = issue(api, department="bym")["token"]
    incident = scenario.open_incident(api)  # vav is responsible
    before = api.position()
    other = api.client.post(
        f"/api/incidents/{incident}/facts", json={"text": "Feil etat."}, headers=bearer(bym)
    )
    assert other.status_code == 403 and other.json()["code"] == "other_department"
    assert api.position() == before
    own = api.client.post(
        f"/api/incidents/{incident}/facts", json={"text": "E. coli påvist."}, headers=bearer(vav)
    )
    assert own.status_code == 201
    fact = api.board()["incidents"][0]["facts"][own.json()["id"]]
    assert fact["submitted_by"] == "VAV laboratoriesystem (API-nøkkel)"


def test_channel_token_publishes_on_its_channel_only(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    body = {"channel": "website", "text": "Kokevarsel.", "cites": [fact]}
    post = api.ok("comms", f"/api/incidents/{incident}/posts", body)["id"]
    api.ok("editor", f"/api/posts/{post}/approve")
    facebook = issue(api, channel="facebook")["token"]
    website = issue(api, channel="website", label="Nettsidens publiseringssystem")["token"]
    before = api.position()
    wrong = api.client.post(f"/api/posts/{post}/publish", json={}, headers=bearer(facebook))
    assert wrong.status_code == 403 and wrong.json()["code"] == "other_channel"
    assert api.position() == before
    right = api.client.post(f"/api/posts/{post}/publish", json={}, headers=bearer(website))
    assert right.status_code == 200
    # A channel token does nothing else: not even read the board.
    assert api.client.get("/api/board", headers=bearer(website)).status_code == 403
    me = api.client.get("/api/me", headers=bearer(website)).json()
    assert me["role"] == "integration" and me["channel"] == "website"


def test_revoked_token_stops_at_once(api):
    issued = issue(api, department="vav")
    assert api.client.get("/api/me", headers=bearer(issued["token"])).status_code == 200
    revoke = api.post("admin", f"/api/admin/tokens/{issued['id']}/revoke")
    assert revoke.status_code == 204
    assert api.client.get("/api/me", headers=bearer(issued["token"])).status_code == 401
    listing = api.get("admin", "/api/admin/tokens").json()
    assert listing[0]["revoked_by"] == "Anne Admin" and listing[0]["revoked_at"]


def test_a_token_needs_exactly_one_known_scope(api):
    refused(api, "admin", "/api/admin/tokens", {"label": "x"}, 422, "token_scope_required")
    both = {"label": "x", "department": "vav", "channel": "website"}
    refused(api, "admin", "/api/admin/tokens", both, 422, "token_scope_required")
    refused(
        api,
        "admin",
        "/api/admin/tokens",
        {"label": "x", "channel": "myspace"},
        422,
        "unknown_channel",
    )
    refused(api, "admin", "/api/admin/tokens/nope/revoke", {}, 404, "token_not_found")


def test_access_review_lists_everyone_with_last_login(api, clock):
    api.token("vav")
    people = {p["username"]: p for p in api.get("admin", "/api/admin/users").json()}
    assert set(people) == {"comms", "editor", "vav", "bym", "reviewer", "admin"}
    assert (
        people["vav"] | {"role": "department", "department": "vav", "active": True}
        == (people["vav"])
    )
    assert people["vav"]["last_login_at"].startswith("2026-11-23T09:00")
    assert people["bym"]["last_login_at"] is None
    assert people["admin"]["two_factor"] is True


def test_admin_page_lists_people_and_tokens(api):
    issue(api, channel="sms", label="SMS-leverandør")
    page = api.get("admin", "/admin")
    assert page.status_code == 200
    assert 'data-user="vav"' in page.text and "SMS-leverandør" in page.text
    assert 'src="/static/admin.js"' in page.text and "<script>" not in page.text


def test_a_token_for_every_active_channel_and_none_for_a_retired_one(api):
    added = api.post(
        "admin", "/api/channels", {"key": "tiktok", "name": "TikTok", "role": "Video."}
    )
    assert added.status_code == 201, added.text
    token = issue(api, channel="tiktok")
    assert token["scope_value"] == "tiktok"
    assert "TikTok" in api.get("admin", "/admin").text  # offered on the admin page
    api.ok("admin", "/api/channels/linkedin/retire", {"reason": "Vi bruker ikke LinkedIn."})
    refused(
        api,
        "admin",
        "/api/admin/tokens",
        {"label": "x", "channel": "linkedin"},
        422,
        "unknown_channel",
    )
