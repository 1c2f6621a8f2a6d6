"""The channel registry over HTTP."""

from __future__ import annotations

from tests.api.test_api import refused


def test_anyone_can_read_the_channels_with_their_expectations(api):
    body = api.client.get("/api/channels").json()
    channels = {c["key"]: c for c in body["channels"]}
    assert channels["website"]["canonical"] and channels["website"]["publishing"]
    assert channels["snapchat"]["status"] == "inactive" and not channels["snapchat"]["publishing"]
    assert "saksbehandling" in channels["x"]["expectations"]
    assert channels["x"]["editor"] == "Kommunaldirektør for BLK"


def test_admin_changes_and_retires_over_http(api):
    api.ok("admin", "/api/channels/sms/change", {"max_segments": 2, "editor": "Beredskapssjef"})
    api.ok("admin", "/api/channels/linkedin/retire", {"reason": "Vi bruker ikke LinkedIn lenger."})
    added = api.post(
        "admin",
        "/api/channels",
        {"key": "tiktok", "name": "TikTok", "role": "Video.", "dialogue": False},
    )
    assert added.status_code == 201, added.text
    channels = {c["key"]: c for c in api.client.get("/api/channels").json()["channels"]}
    assert channels["sms"]["max_segments"] == 2 and channels["sms"]["editor"] == "Beredskapssjef"
    assert channels["linkedin"]["status"] == "retired"
    assert channels["tiktok"]["dialogue"] is False


def test_channel_changes_are_refused_for_others_and_for_nonsense(api):
    refused(api, "comms", "/api/channels/sms/change", {"max_segments": 9}, 403, "role_not_allowed")
    refused(api, "admin", "/api/channels/sms/change", {"colour": "red"}, 422, "invalid_input")
    refused(
        api, "admin", "/api/channels/sms/change", {"max_segments": 0}, 422, "channel_limit_invalid"
    )
    refused(api, "admin", "/api/channels/nope/change", {"name": "Nope"}, 404, "channel_not_found")
    refused(
        api, "admin", "/api/channels", {"key": "x", "name": "X", "role": "r"}, 422, "invalid_input"
    )
