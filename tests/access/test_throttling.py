"""Login throttling per account and per address, and no hint of which
usernames exist: the same answer, in about the same time."""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from access.accounts import Accounts
from access.policy import AccessPolicy
from api.app import create_app
from crisis.people.model import Role
from tests.fixtures.servers import Api
from tests.fixtures.users import PASSWORD


def attempt(api, username, password="wrong-password", address=None):
    client = api.client
    if address:  # the test client's address is fixed; a proxy header is not trusted
        client = TestClient(api.client.app, client=(address, 50000))
    return client.post("/auth/token", data={"username": username, "password": password})


def test_five_failures_lock_the_account_for_a_while(api, clock):
    for _ in range(5):
        assert attempt(api, "comms").status_code == 401
    before = api.position()
    locked = attempt(api, "comms", PASSWORD)
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "too_many_attempts" and "15 minutter" in body["detail"]
    assert locked.headers["retry-after"] == "900"
    assert api.position() == before
    assert attempt(api, "vav", PASSWORD).status_code == 200  # others are not held up
    page = api.client.post("/login", data={"username": "comms", "password": PASSWORD})
    assert page.status_code == 429 and "For mange mislykkede innlogginger" in page.text
    assert "crisis_session" not in page.cookies
    clock.advance(minutes=16)
    assert attempt(api, "comms", PASSWORD).status_code == 200


def test_a_success_clears_the_account_count(api):
    for _ in range(4):
        attempt(api, "comms")
    assert attempt(api, "comms", PASSWORD).status_code == 200
    for _ in range(4):
        attempt(api, "comms")
    assert attempt(api, "comms", PASSWORD).status_code == 200


def test_one_address_trying_many_accounts_is_held_up(settings, people, clock):
    policy = AccessPolicy(failures_per_address=6)  # the default is 20; fewer hashes to wait for
    with TestClient(create_app(settings, clock, policy)) as client:
        api = Api(client, clock)
        for n in range(6):
            assert attempt(api, f"guess{n}", address="203.0.113.9").status_code == 401
        held = attempt(api, "comms", PASSWORD, address="203.0.113.9")
        assert held.status_code == 429 and held.json()["code"] == "too_many_attempts"
        assert attempt(api, "comms", PASSWORD, address="198.51.100.7").status_code == 200


def test_unknown_and_known_usernames_get_the_same_answer(api):
    for _ in range(2):
        unknown = attempt(api, "nobody-here")
        known = attempt(api, "reviewer")
        assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert attempt(api, "nobody-here").json() == attempt(api, "reviewer").json()
    page_unknown = api.client.post("/login", data={"username": "x1", "password": "y"})
    page_known = api.client.post("/login", data={"username": "vav", "password": "y"})
    assert page_unknown.status_code == page_known.status_code == 401
    assert page_unknown.text == page_known.text


def test_unknown_usernames_take_as_long_as_known_ones(api, clock, settings):
    # A user hashed at the product's cost (the test users' hashes are cheap).
    accounts = Accounts(settings.accounts_url)
    accounts.add_user("real-cost", "Ekte Kostnad", Role.COMMS, "another-password-123")
    accounts.engine.dispose()

    def timed(username):
        started = time.perf_counter()
        attempt(api, username)
        clock.advance(minutes=20)  # stay under the throttle
        return time.perf_counter() - started

    unknown = statistics.median(timed("nobody-here") for _ in range(5))
    known = statistics.median(timed("real-cost") for _ in range(5))
    assert 0.3 < unknown / known < 3, (unknown, known)  # skipping the hash: ~0.01
