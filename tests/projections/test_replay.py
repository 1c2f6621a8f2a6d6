"""Replay: the board at any moment equals what the live board showed then."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from projections import replay
from tests import scenario


@pytest.fixture
def captured(api, clock):
    """Run a whole incident (rumours, inquiries, a correction, a retraction) and a
    second one, capturing the live board and the time after each step."""
    moments = []

    def capture():
        moments.append((clock.now(), api.board()))
        clock.advance(minutes=7)

    scenario.whole_incident(api, capture)
    other = scenario.open_incident(api, title="Oljeutslipp ved Bygdøy", department="bym")
    capture()
    api.ok("comms", f"/api/incidents/{other}/phase", {"phase": "resolved"})
    capture()
    return moments


def test_the_scenario_reaches_every_part_of_the_board(captured):
    """The captured moments cover rumours, inquiries, corrections and retractions."""
    _, live = captured[-1]
    incident = next(i for i in live["incidents"] if i["title"].startswith("Kokevarsel"))
    assert {r["status"] for r in incident["rumours"].values()} == {"closed"}
    assert {i["status"] for i in incident["inquiries"].values()} == {
        "answered",
        "referred",
        "moderated",
    }
    assert {p["status"] for p in incident["posts"].values()} == {"published", "retracted"}
    assert [f["revision"] for f in incident["facts"].values()] == [2]


def runtime(api):
    return api.client.app.state.runtime


def test_replay_by_position_and_by_time_equals_the_live_board(api, captured):
    rt = runtime(api)
    for at, live in captured:
        by_position = replay.board_at(rt.log, rt.board.store, position=live["position"])
        by_time = replay.board_at(rt.log, rt.board.store, at=at)
        assert by_position.as_json()["incidents"] == live["incidents"]
        assert by_time.position == live["position"]
        assert by_time.as_json()["incidents"] == live["incidents"]


def test_replay_command_prints_the_board_as_it_stood(api, captured, settings):
    at, live = captured[2]
    incident = live["incidents"][0]["id"]
    for moment in (str(live["position"]), at.isoformat()):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "api.cli",
                "replay",
                "--at",
                moment,
                "--incident",
                incident,
                "--data-dir",
                str(settings.data_dir),
                *(["--database-url", settings.database_url] if settings.database_url else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        printed = json.loads(out)
        assert printed["position"] == live["position"]
        assert printed["incidents"] == live["incidents"]


def test_replay_refuses_a_time_without_offset(settings):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "replay",
            "--at",
            "2026-11-23T10:00",
            "--data-dir",
            str(settings.data_dir),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "offset" in result.stderr


def test_checkpointed_replay_equals_replay_from_the_start(api, captured, monkeypatch):
    rt = runtime(api)
    last = captured[-1][1]["position"]
    from_start = {
        p: replay.board_at(rt.log, rt.board.store, position=p).as_json() for p in range(1, last + 1)
    }
    monkeypatch.setattr(replay, "EVERY", 3)
    replay.board_at(rt.log, rt.board.store)  # writes checkpoints at 3, 6, 9, ...
    saved = replay.Checkpoints(rt.board.store)
    assert saved.nearest(position=last, at=None).position == last - last % 3
    for p in range(1, last + 1):
        assert replay.board_at(rt.log, rt.board.store, position=p).as_json() == from_start[p]


def test_the_live_board_leaves_checkpoints_as_it_goes(api, monkeypatch):
    monkeypatch.setattr(replay, "EVERY", 4)
    incident = scenario.open_incident(api)
    for n in range(4):
        scenario.approved_fact(api, incident, f"Fakta {n}")
    rt = runtime(api)
    last = api.board()["position"]
    saved = replay.Checkpoints(rt.board.store)
    nearest = saved.nearest(position=last, at=None)
    assert nearest.position > 0  # written by the live runner, no replay has run
    assert (
        nearest.as_json()["incidents"]
        == replay.board_at(rt.log, rt.board.store, position=nearest.position).as_json()["incidents"]
    )


def test_a_checkpoint_stores_only_the_incidents_changed_since_the_one_before(log, people, settings):
    """A board of years holds hundreds of closed incidents: a checkpoint that
    rewrote them all would cost more with every incident ever handled."""
    from projections.store import ViewStore
    from tests import flow

    store = ViewStore(settings.views_url)
    quiet, busy = flow.incident(log, people), flow.incident(log, people)
    saved = replay.Checkpoints(store)
    first = replay.board_at(log, store)
    saved.save(first.position, first.at, first.board)
    flow.fact(log, people, busy)
    later = replay.board_at(log, store)
    saved.save(later.position, later.at, later.board)
    with store.engine.connect() as conn:
        stored = conn.execute(
            replay.checkpoint_docs.select().where(
                replay.checkpoint_docs.c.position == later.position
            )
        ).all()
    assert [r.incident for r in stored] == [str(busy)]
    restored = saved.nearest(position=later.position, at=None)
    assert restored.as_json() == later.as_json()
    assert sorted(restored.board.incidents) == sorted([str(quiet), str(busy)])
    store.close()


def test_one_incident_replayed_alone_equals_its_part_of_the_whole_board(api, captured, monkeypatch):
    """The review page replays one incident: from that incident's checkpointed
    doc and its own events only, the same doc a whole-board replay gives."""
    rt = runtime(api)
    last = captured[-1][1]["position"]
    incidents = [doc["id"] for doc in captured[-1][1]["incidents"]]
    assert len(incidents) == 2
    monkeypatch.setattr(replay, "EVERY", 4)
    replay.board_at(rt.log, rt.board.store)  # checkpoints at 4, 8, 12, ...
    for p in range(1, last + 1):
        whole = replay.board_at(rt.log, rt.board.store, position=p)
        for incident in incidents:
            alone = replay.board_at(rt.log, rt.board.store, position=p, incident=incident)
            assert list(alone.board.incidents) in ([], [incident])
            assert alone.as_json(incident) == whole.as_json(incident), (p, incident)
