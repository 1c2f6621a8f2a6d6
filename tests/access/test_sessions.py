"""Sessions: cookie flags, forged requests refused, logout and revocation at
once, idle and absolute timeouts (the injected clock moves, nobody waits)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.app import create_app
from tests import scenario
from tests.fixtures.users import PASSWORD

JSON_CALL = {"X-Requested-With": "crisis"}


def cookie_login(api, username="comms") -> str:
    response = api.client.post(
        "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    return response.cookies["crisis_session"]


def test_session_cookie_is_httponly_samesite_strict_and_secure_on_https(settings, people, clock):
    app = create_app(settings, clock)
    with TestClient(app, base_url="https://crisis.example") as client:
        response = client.post(
            "/login", data={"username": "comms", "password": PASSWORD}, follow_redirects=False
        )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
    assert "path=/" in cookie


def test_plain_http_cookie_is_not_marked_secure(api):
    response = api.client.post(
        "/login", data={"username": "comms", "password": PASSWORD}, follow_redirects=False
    )
    assert "secure" not in response.headers["set-cookie"].lower()


def test_cookie_changes_from_another_site_are_refused(api):
    cookie_login(api)
    before = api.position()
    for headers in (
        {},  # a plain cross-site form cannot add X-Requested-With
        {**JSON_CALL, "Origin": "https://evil.example"},
        {**JSON_CALL, "Origin": "https://testserver"},  # the same host, another scheme
        {**JSON_CALL, "Sec-Fetch-Site": "cross-site"},
    ):
        response = api.client.post("/api/incidents", json=scenario.INCIDENT, headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["code"] in ("csrf", "cross_site")
        assert len(response.json()["detail"]) > 20
    assert api.position() == before
    same_site = {**JSON_CALL, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert api.client.post("/api/incidents", json=scenario.INCIDENT, headers=same_site).is_success


def test_login_form_from_another_site_is_refused(api):
    response = api.client.post(
        "/login",
        data={"username": "comms", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and response.json()["code"] == "cross_site"
    assert "crisis_session" not in response.cookies


def test_bearer_requests_need_no_csrf_header(api):
    response = api.client.post(
        "/api/incidents",
        json=scenario.INCIDENT,
        headers={"Authorization": f"Bearer {api.token('comms')}", "Origin": "https://elsewhere"},
    )
    assert response.status_code == 201


def test_logout_ends_the_session_at_once(api):
    session = cookie_login(api)
    assert api.client.get("/api/me").status_code == 200
    api.client.post("/logout", follow_redirects=False)
    api.client.cookies.clear()
    stolen = api.client.get("/api/me", headers={"Cookie": f"crisis_session={session}"})
    assert stolen.status_code == 401


def test_bearer_logout_ends_the_token(api):
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    assert api.client.post("/logout", headers=headers, follow_redirects=False).status_code == 303
    assert api.client.get("/api/me", headers=headers).status_code == 401


def test_idle_session_ends_after_the_idle_timeout(api, clock):
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    for _ in range(3):  # in use: 50 minutes apart keeps it alive
        clock.advance(minutes=50)
        assert api.client.get("/api/me", headers=headers).status_code == 200
    clock.advance(minutes=61)
    response = api.client.get("/api/me", headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_no_session_outlives_the_absolute_timeout(api, clock):
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    for _ in range(14):  # 11 h 40 min of steady use
        clock.advance(minutes=50)
        assert api.client.get("/api/me", headers=headers).status_code == 200
    clock.advance(minutes=21)
    assert api.client.get("/api/me", headers=headers).status_code == 401


def test_revoked_person_is_out_at_once_everywhere(api):
    bearer = {"Authorization": f"Bearer {api.token('comms')}"}
    session = cookie_login(api)
    api.client.cookies.clear()
    revoked = api.ok("admin", "/api/admin/users/comms/revoke")
    assert revoked == {"username": "comms", "active": False, "sessions_ended": 2}
    assert api.client.get("/api/me", headers=bearer).status_code == 401
    assert (
        api.client.get("/api/me", headers={"Cookie": f"crisis_session={session}"}).status_code
        == 401
    )
    login = api.client.post("/auth/token", data={"username": "comms", "password": PASSWORD})
    assert login.status_code == 401 and login.json()["code"] == "bad_login"
    api.ok("admin", "/api/admin/users/comms/reinstate")
    again = api.client.post("/auth/token", data={"username": "comms", "password": PASSWORD})
    assert again.status_code == 200


def test_an_admin_cannot_lock_themselves_out(api):
    response = api.post("admin", "/api/admin/users/admin/revoke")
    assert response.status_code == 409 and response.json()["code"] == "cannot_revoke_self"
    assert api.get("admin", "/api/me").status_code == 200


def test_open_board_connection_closes_when_access_ends(api):
    for end in ("revoke", "logout"):
        api.tokens.pop("comms", None)
        headers = {"Authorization": f"Bearer {api.token('comms')}"}
        with api.client.websocket_connect("/ws/board", headers=headers) as ws:
            assert ws.receive_json()["type"] == "board"
            if end == "revoke":
                api.ok("admin", "/api/admin/users/comms/revoke")
            else:
                api.client.post("/logout", headers=headers)
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008
        if end == "revoke":
            api.ok("admin", "/api/admin/users/comms/reinstate")


def test_another_site_cannot_open_the_board_feed_with_the_cookie(api):
    session = cookie_login(api)
    api.client.cookies.clear()
    cookie = {"Cookie": f"crisis_session={session}"}
    with (
        pytest.raises(WebSocketDisconnect),
        api.client.websocket_connect(
            "/ws/board", headers={**cookie, "Origin": "https://evil.example"}
        ) as ws,
    ):
        ws.receive_json()
    with api.client.websocket_connect(
        "/ws/board", headers={**cookie, "Origin": "http://testserver"}
    ) as ws:
        assert ws.receive_json()["type"] == "board"
