"""The event log under concurrent commands: grouped commits, exact conflicts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from crisis.errors import Conflict
from crisis.facts.service import approve_fact, submit_fact
from crisis.incidents.service import open_incident


def _open(log, actor, n):
    return open_incident(
        log,
        actor,
        kind="storm",
        title=f"Storm {n}",
        areas=["Alna"],
        department="vav",
        severity="moderate",
    )


def test_concurrent_commands_all_land_with_distinct_positions(log, people):
    with ThreadPoolExecutor(16) as pool:
        saved = list(pool.map(lambda n: _open(log, people["comms"], n), range(200)))
    positions = [s.position for s in saved]
    assert len(set(positions)) == 200
    assert log.max_position() == 200
    stored = {str(n.originator_id) for n in log.recorder.select_notifications(start=1, limit=500)}
    assert stored == {str(s.id) for s in saved}


def test_concurrent_changes_to_one_item_one_wins_the_rest_conflict(log, people):
    incident = _open(log, people["comms"], 0).id
    facts = [
        submit_fact(log, people["vav"], incident_id=incident, text=f"Fakta {n}", verify=True).id
        for n in range(5)
    ]

    def approve(fact):
        try:
            return approve_fact(log, people["comms"], fact, version=2)
        except Conflict as conflict:
            return conflict

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(approve, [f for f in facts for _ in range(4)]))
    wins = [r for r in results if not isinstance(r, Conflict)]
    assert len(wins) == len(facts)
    assert {w.id for w in wins} == set(facts)
    assert all(log.repository.get(f).version == 3 for f in facts)
