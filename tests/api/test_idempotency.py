"""Idempotency-Key: a retry gets the first answer and writes nothing; the same
key for another request is refused; keys are per person and survive a restart."""

from __future__ import annotations

import json
import uuid

import sqlalchemy
from fastapi.testclient import TestClient

from access.idempotency import LEASE
from access.schema import idempotency_keys
from api.app import create_app
from tests import scenario
from tests.fixtures.servers import Api


def post(api: Api, user: str, path: str, body: dict, key: str | None):
    headers = {"Authorization": f"Bearer {api.token(user)}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(path, json=body, headers=headers)


def test_a_retry_with_the_key_gets_the_first_answer_and_writes_nothing(api):
    first = post(api, "comms", "/api/incidents", scenario.INCIDENT, "open-1")
    assert first.status_code == 201
    position = api.position()
    retry = post(api, "comms", "/api/incidents", scenario.INCIDENT, "open-1")
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert api.position() == position
    assert len(api.board()["incidents"]) == 1
    # Without a key, the same request is another command.
    assert post(api, "comms", "/api/incidents", scenario.INCIDENT, None).status_code == 201
    assert len(api.board()["incidents"]) == 2


def test_a_refusal_is_kept_too(api):
    incident = scenario.open_incident(api)
    path = f"/api/incidents/{incident}/severity"
    first = post(api, "comms", path, {"severity": "apocalyptic"}, "sev-1")
    assert first.status_code == 422
    again = post(api, "comms", path, {"severity": "apocalyptic"}, "sev-1")
    assert (again.status_code, again.json()) == (422, first.json())


def test_the_same_key_for_another_request_is_refused(api):
    incident = scenario.open_incident(api)
    path = f"/api/incidents/{incident}/facts"
    assert post(api, "vav", path, {"text": "E. coli er påvist."}, "fact-1").status_code == 201
    position = api.position()
    other = post(api, "vav", path, {"text": "Noe annet."}, "fact-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and other.json()["detail"]
    assert api.position() == position


def test_keys_are_per_person(api):
    incident = scenario.open_incident(api)
    body = {"text": "E. coli er påvist.", "verify": True}
    path = f"/api/incidents/{incident}/facts"
    assert post(api, "vav", path, body, "k").status_code == 201
    assert post(api, "bym", path, body, "k").status_code in (403, 201)  # ran, not replayed
    assert "idempotent-replayed" not in post(api, "bym", path, body, "k2").headers


def test_a_bad_key_is_refused(api):
    response = post(api, "comms", "/api/incidents", scenario.INCIDENT, "x" * 256)
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_invalid"
    assert api.board()["incidents"] == []


def test_keys_outlive_a_restart(api, settings, clock):
    first = post(api, "comms", "/api/incidents", scenario.INCIDENT, "open-restart")
    api.client.__exit__(None, None, None)
    with TestClient(create_app(settings, clock)) as client:
        again = Api(client, clock)
        retry = post(again, "comms", "/api/incidents", scenario.INCIDENT, "open-restart")
        assert (retry.status_code, retry.json()) == (201, first.json())
        assert len(again.board()["incidents"]) == 1


def test_keys_are_kept_a_day_at_least(api, clock):
    post(api, "comms", "/api/incidents", scenario.INCIDENT, "day")
    clock.advance(hours=24)
    retry = post(api, "comms", "/api/incidents", scenario.INCIDENT, "day")
    assert retry.headers.get("idempotent-replayed") == "true"


def forget_answer(settings, key: str, writes: str | None = None) -> None:
    """As if the server had died after the log's save, before the answer was kept."""
    engine = sqlalchemy.create_engine(settings.accounts_url)
    with engine.begin() as conn:
        values = {"status": None, "body": None}
        if writes is not None:
            values["writes"] = writes
        conn.execute(
            idempotency_keys.update().where(idempotency_keys.c.key == key).values(**values)
        )
    engine.dispose()


def test_after_a_crash_a_retry_is_told_what_was_written(api, settings, clock):
    first = post(api, "comms", "/api/incidents", scenario.INCIDENT, "crash-1")
    forget_answer(settings, "crash-1")
    position = api.position()
    waiting = post(api, "comms", "/api/incidents", scenario.INCIDENT, "crash-1")
    assert waiting.status_code == 409 and waiting.headers["retry-after"] == "1"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    retry = post(api, "comms", "/api/incidents", scenario.INCIDENT, "crash-1")
    assert retry.status_code == 201, retry.text
    assert retry.json()["id"] == first.json()["id"] and retry.json()["recovered"] is True
    assert api.position() == position
    assert len(api.board()["incidents"]) == 1


def test_after_a_crash_before_the_save_a_retry_runs_the_command(api, settings, clock):
    post(api, "comms", "/api/incidents", scenario.INCIDENT, "crash-2")
    never_saved = json.dumps([[str(uuid.uuid4()), 1, "2026-11-23T09:00:00+00:00"]])
    forget_answer(settings, "crash-2", never_saved)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    retry = post(api, "comms", "/api/incidents", scenario.INCIDENT, "crash-2")
    assert retry.status_code == 201 and "recovered" not in retry.json()
    assert len(api.board()["incidents"]) == 2  # the forged claim's command never reached the log
