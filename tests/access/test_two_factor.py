"""Two-factor login (TOTP, RFC 6238): required for editor and admin, optional
for others; enrolment shows the key once; recovery codes work once each."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.fixtures.users import PASSWORD, TOTP_SECRETS


def token_response(api, username, totp=None):
    data = {"username": username, "password": PASSWORD} | ({"totp": totp} if totp else {})
    return api.client.post("/auth/token", data=data)


def code_at(username, clock, steps=0):
    totp = pyotp.TOTP(TOTP_SECRETS[username])
    return totp.generate_otp(totp.timecode(clock.now()) + steps)


@pytest.mark.parametrize("username", ["editor", "admin"])
def test_token_needs_the_code_for_editor_and_admin(api, clock, username):
    missing = token_response(api, username)
    assert missing.status_code == 401 and missing.json()["code"] == "code_required"
    wrong = token_response(api, username, "000000")
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_code"
    right = token_response(api, username, code_at(username, clock))
    assert right.status_code == 200 and right.json()["token_type"] == "bearer"


def test_a_code_is_accepted_once(api, clock):
    code = code_at("editor", clock)
    assert token_response(api, "editor", code).status_code == 200
    replay = token_response(api, "editor", code)
    assert replay.status_code == 401 and replay.json()["code"] == "bad_code"


def test_one_step_of_clock_drift_is_allowed_two_are_not(api, clock):
    assert token_response(api, "editor", code_at("editor", clock, -1)).status_code == 200
    assert token_response(api, "admin", code_at("admin", clock, -2)).status_code == 401
    assert token_response(api, "admin", code_at("admin", clock, +1)).status_code == 200


def test_wrong_password_with_right_code_says_only_wrong_login(api, clock):
    response = api.client.post(
        "/auth/token",
        data={"username": "editor", "password": "wrong", "totp": code_at("editor", clock)},
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_login"


def test_login_page_asks_for_the_code(api, clock):
    client = api.client
    first = client.post(
        "/login", data={"username": "editor", "password": PASSWORD}, follow_redirects=False
    )
    assert first.status_code == 303 and first.headers["location"] == "/login/code"
    assert "crisis_session" not in first.cookies
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/me").status_code == 401  # halfway is not logged in
    page = client.get("/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.text
    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 401 and "Koden stemmer ikke" in wrong.text
    done = client.post(
        "/login/code", data={"code": code_at("editor", clock)}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/api/me").json()["role"] == "editor"


def test_halfway_login_expires(api, clock):
    api.client.post("/login", data={"username": "editor", "password": PASSWORD})
    clock.advance(minutes=6)
    late = api.client.post("/login/code", data={"code": code_at("editor", clock)})
    assert late.status_code == 401 and "tok for lang tid" in late.text
    assert api.client.get("/api/me").status_code == 401


def test_guessing_codes_is_throttled(api, clock):
    for _ in range(5):
        assert token_response(api, "editor", "111111").status_code == 401
    throttled = token_response(api, "editor", code_at("editor", clock))
    assert throttled.status_code == 429


def enrol(client, username):
    """Log in on the page and set up the authenticator; answer (secret, codes)."""
    first = client.post(
        "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert first.headers["location"] == "/login/enrol"
    page = client.get("/login/enrol")
    assert 'src="data:image/svg+xml' in page.text  # the QR code, no external image
    uri = re.search(r'data-uri="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert client.get("/login/enrol").text.count(uri.split("secret=")[1][:16]) >= 1  # stable
    return pyotp.parse_uri(uri)


@pytest.mark.sqlite_files
def test_an_editor_without_an_authenticator_must_enrol_first(api, clock, settings):
    api.ok("admin", "/api/admin/users/editor/reset-two-factor")
    refused = token_response(api, "editor")
    assert refused.status_code == 401
    assert refused.json()["code"] == "two_factor_enrolment_required"
    totp = enrol(api.client, "editor")
    assert totp.issuer == "Krisekommunikasjon" and totp.name == "editor"
    wrong = api.client.post("/login/enrol", data={"code": "000000"})
    assert wrong.status_code == 401 and api.client.get("/api/me").status_code == 401
    done = api.client.post("/login/enrol", data={"code": totp.at(clock.now())})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", done.text)
    assert len(codes) == 10
    assert api.client.get("/api/me").json()["role"] == "editor"
    stored = (settings.data_dir / "accounts.sqlite").read_bytes()
    assert not any(code.encode() in stored for code in codes)  # only hashes are kept
    # A recovery code stands in for the app's code, once.
    assert token_response(api, "editor", codes[0]).status_code == 200
    assert token_response(api, "editor", codes[0].upper()).status_code == 401
    clock.advance(seconds=30)
    assert token_response(api, "editor", totp.at(clock.now())).status_code == 200


def test_two_factor_is_optional_for_comms_and_then_required(api, clock):
    assert token_response(api, "comms").status_code == 200
    api.client.post("/login", data={"username": "comms", "password": PASSWORD})
    account = api.client.get("/account")
    assert "ikke slått på" in account.text
    start = api.client.post(
        "/account/two-factor", data={"password": PASSWORD}, follow_redirects=False
    )
    assert start.headers["location"] == "/login/enrol"
    page = api.client.get("/login/enrol")
    uri = re.search(r'data-uri="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    totp = pyotp.parse_uri(uri)
    assert api.client.post("/login/enrol", data={"code": totp.at(clock.now())}).status_code == 200
    assert "er slått på" in api.client.get("/account").text
    assert token_response(api, "comms").json()["code"] == "code_required"
    clock.advance(seconds=30)
    assert token_response(api, "comms", totp.at(clock.now())).status_code == 200


def test_review_shows_who_lacks_a_required_second_factor(api):
    api.ok("admin", "/api/admin/users/editor/reset-two-factor")
    people = {p["username"]: p for p in api.get("admin", "/api/admin/users").json()}
    assert people["editor"]["two_factor"] is False
    assert people["editor"]["two_factor_required"] is True
    assert people["admin"]["two_factor"] is True
    assert people["comms"]["two_factor_required"] is False


def enrol_new_app(api, clock, form):
    start = api.client.post("/account/two-factor", data=form, follow_redirects=False)
    if start.status_code != 303:
        return start
    page = api.client.get("/login/enrol")
    uri = re.search(r'data-uri="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    return api.client.post("/login/enrol", data={"code": pyotp.parse_uri(uri).at(clock.now())})


def test_replacing_the_app_takes_the_password_and_the_current_code(api, clock):
    other = api.token("editor")  # another session of the same person, e.g. on a lost laptop
    login = api.client.post("/login", data={"username": "editor", "password": PASSWORD})
    assert login.status_code in (200, 303)
    api.client.post("/login/code", data={"code": code_at("editor", clock, 1)})
    assert api.client.get("/api/me").json()["role"] == "editor"
    for form, status in (
        ({}, 401),  # a session alone is not enough
        ({"password": PASSWORD}, 401),  # nor the password without the current code
        ({"password": "wrong-password", "code": code_at("editor", clock, 2)}, 401),
    ):
        refused = enrol_new_app(api, clock, form)
        assert refused.status_code == status, form
        assert 'role="alert"' in refused.text
    assert api.client.get("/login/enrol", follow_redirects=False).status_code != 200
    clock.advance(seconds=90)
    done = enrol_new_app(api, clock, {"password": PASSWORD, "code": code_at("editor", clock)})
    assert done.status_code == 200 and "<code>" in done.text
    assert api.client.get("/api/me").json()["role"] == "editor"  # this session goes on
    ended = api.client.get("/api/me", headers={"Authorization": f"Bearer {other}"})
    assert ended.status_code == 401  # the others have ended
