"""Two people acting on the same item at once, against a real server with real
threads: one succeeds, the others get 409 with the current version, and
nothing is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from uuid import UUID, uuid4

import httpx
import pytest

from crisis.facts.model import Fact
from server.runtime import open_log
from tests import scenario


def at_once(server, calls):
    """Send (username, path, body) requests from as many threads, released together."""
    tokens = {username: server.token(username) for username, _, _ in calls}
    start = threading.Barrier(len(calls))

    def send(call):
        username, path, body = call
        with httpx.Client(base_url=server.url, timeout=20) as client:
            start.wait()
            return client.post(
                path, json=body, headers={"Authorization": f"Bearer {tokens[username]}"}
            )

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def stored(server, fact_id) -> Fact:
    log = open_log(server.settings)
    try:
        return log.repository.get(UUID(fact_id))
    finally:
        log.close()


@pytest.mark.parametrize("threads", [2, 8])
def test_same_fact_approved_at_once_one_wins_the_rest_get_409(server, threads):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident)  # version 2: submitted, verified
    approvers = ["comms", "editor"] * (threads // 2)
    responses = at_once(
        server, [(who, f"/api/facts/{fact}/approve", {"version": 2}) for who in approvers]
    )
    won = [r for r in responses if r.status_code == 200]
    lost = [r for r in responses if r.status_code != 200]
    assert len(won) == 1, [r.text for r in responses]
    assert won[0].json()["version"] == 3
    for response in lost:
        assert response.status_code == 409, response.text
        body = response.json()
        assert body["code"] in ("stale_version", "changed_meanwhile")
        assert body["current_version"] == 3
        assert len(body["detail"]) > 20
    item = stored(server, fact)
    assert item.version == 3 and item.status == "approved"


def test_people_working_on_different_items_at_once_all_succeed(server):
    incident = scenario.open_incident(server)
    texts = [f"Prøve {n} fra høydebassenget viser E. coli." for n in range(8)]
    responses = at_once(
        server, [("vav", f"/api/incidents/{incident}/facts", {"text": t}) for t in texts]
    )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    board = httpx.get(
        f"{server.url}/api/board", headers={"Authorization": f"Bearer {server.token('comms')}"}
    ).json()
    facts = board["incidents"][0]["facts"]
    assert sorted(f["text"] for f in facts.values()) == sorted(texts)


def test_a_save_that_lost_the_race_reports_the_current_version(log, people):
    """The narrow case the threads hit now and then: both loaded before either saved."""
    from datetime import datetime

    from crisis.errors import Conflict

    fact = Fact.submit(
        incident_id=uuid4(), department="vav", text="E. coli.", by={}, at=datetime.now(UTC)
    )
    fact.verify(by={}, at=datetime.now(UTC))
    log.record(fact)
    first, second = log.load(Fact, fact.id, 2), log.load(Fact, fact.id, 2)
    first.approve(by={}, at=datetime.now(UTC))
    second.approve(by={}, at=datetime.now(UTC))
    log.record(first)
    before = log.max_position()
    with pytest.raises(Conflict) as lost:
        log.record(second)
    assert lost.value.code == "changed_meanwhile" and lost.value.params == {"current": 3}
    assert log.max_position() == before
