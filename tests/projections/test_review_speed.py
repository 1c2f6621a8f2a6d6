"""Stepping through the log for the review page: a checkpoint or the kept
moment plus a short tail, never a pass over the whole log; and always the
same board as a replay from the start."""

from __future__ import annotations

import json
import random

import pytest

from projections import replay
from projections.board.audience import ALL
from projections.review import ReviewViews
from projections.store import ViewStore
from tests import flow


@pytest.fixture
def long_log(log, people, clock):
    incident = flow.incident(log, people)
    for n in range(8):
        clock.advance(minutes=3)
        fact = flow.fact(log, people, incident, f"Faktum {n}")
        flow.published(log, people, incident, [fact], text=f"Innlegg {n}")
    return incident


@pytest.fixture
def reads(log, monkeypatch):
    """How many events the log has handed out since the last reset."""
    counted = {"events": 0}
    select = log.recorder.select_notifications

    def counting(*args, **kwargs):
        found = select(*args, **kwargs)
        counted["events"] += len(found)
        return found

    monkeypatch.setattr(log.recorder, "select_notifications", counting)
    return counted


def test_steps_read_only_a_short_tail(log, settings, long_log, reads, monkeypatch):
    monkeypatch.setattr(replay, "EVERY", 10)
    store = ViewStore(settings.views_url)
    views = ReviewViews(log, store)
    end = views.refresh()
    assert end > 40
    views.moments.read(end, lambda m: None)  # one pass, leaving checkpoints at 10, 20, ...

    def cost(position: int) -> int:
        reads["events"] = 0
        assert views.moments.read(position, lambda m: m.position) == position
        return reads["events"]

    assert cost(end) == 0  # the kept moment
    assert cost(13) == 3  # back: checkpoint 10, then 11..13
    assert cost(14) == 1  # a step forward: only the event stepped over
    assert cost(19) == 5
    assert cost(25) == 5  # a checkpoint (20) is nearer than the kept moment (19)
    assert cost(3) == 3  # before the first checkpoint: from the start, 3 events
    store.close()


def test_stepping_in_any_order_shows_the_board_a_full_replay_shows(
    log, settings, long_log, monkeypatch
):
    monkeypatch.setattr(replay, "EVERY", 7)
    store = ViewStore(settings.views_url)
    views = ReviewViews(log, store)
    end = views.refresh()
    positions = list(range(1, end + 1)) * 2
    random.Random(6).shuffle(positions)
    for position in positions:
        stepped = views.moments.read(position, lambda m: json.dumps(m.board.incidents))
        fresh = replay.Moment(0, None, replay.board.Board())
        replay.advance(log, replay.Checkpoints(store), fresh, position)
        assert json.loads(stepped) == fresh.board.incidents, position
    store.close()


def test_a_page_step_is_the_incident_event_and_the_board_after_it(log, settings, long_log):
    store = ViewStore(settings.views_url)
    views = ReviewViews(log, store)
    first = views.moment(str(long_log), index=0, shown=ALL)
    assert (first["line"]["type"], first["previous"], first["next"]) == ("Incident.Opened", None, 1)
    assert first["incident"]["facts"] == {}
    third = views.moment(str(long_log), index=first["next"] + 1, shown=ALL)
    assert third["line"]["type"] == "Fact.Verified"
    assert next(iter(third["incident"]["facts"].values()))["status"] == "verified"
    by_position = views.moment(str(long_log), position=third["position"], shown=ALL)
    assert by_position["index"] == 2
    last = views.moment(str(long_log), index=10_000, shown=ALL)
    assert (last["index"], last["next"]) == (last["count"] - 1, None)
    store.close()
