"""Read models: exactly once, resumable, rebuilt and checked from the log."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from uuid import UUID

import httpx
import pytest
import sqlalchemy

from crisis.facts.service import submit_fact
from crisis.incidents.service import open_incident
from projections import board
from projections.events import opened_event
from projections.runner import Projections
from projections.store import Stored, ViewMoved, ViewStore
from projections.view import View
from projections.views import VIEWS
from server.runtime import open_log
from server.settings import Settings
from tests import scenario
from tests.fixtures.stores import store_options
from tests.scenario import INCIDENT


def crisis_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            *args,
            "--data-dir",
            str(settings.data_dir),
            *store_options(settings),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def every_event_kind() -> set[str]:
    """The topic of every kind of event the domain defines."""
    return {f"{c.__module__}:{c.__qualname__}" for c in scenario.domain_event_classes()}


def logged_kinds(settings: Settings) -> set[str]:
    events = open_log(settings)
    try:
        return {n.topic for n in events.recorder.select_notifications(start=1, limit=10**6)}
    finally:
        events.close()


def board_of(server) -> dict:
    headers = {"Authorization": f"Bearer {server.token('comms')}"}
    return httpx.get(f"{server.url}/api/board", headers=headers).json()


def actions(doc: dict) -> int:
    return sum(person["actions"] for person in doc["working"].values())


def assert_items_only_handlers_keep_headers(settings: Settings) -> None:
    """A handler registered with `header=False` is not followed by a comparison
    of the header: it must leave every header field as it was."""
    events = open_log(settings)
    kinds = board.items_only()
    seen: set[type] = set()
    try:
        live = board.Board()
        for n in events.recorder.select_notifications(start=1, limit=10**6):
            event = opened_event(events, n)
            before = {i: json.dumps(board.header(d)) for i, d in live.incidents.items()}
            changed = live.apply(event, n.id)
            if type(event) in kinds:
                seen.add(type(event))
                after = board.header(live.incidents[changed[0]])
                assert after.pop("position") == n.id and after.pop("updated_at")
                was = json.loads(before[changed[0]])
                del was["position"], was["updated_at"]
                assert was == after, f"{type(event).__qualname__} changed the header"
    finally:
        events.close()
    assert seen == kinds, "every items-only kind of event is in the scenario"


# --- rebuild and check -------------------------------------------------------


def test_rebuild_equals_live_after_every_kind_of_event(server, settings):
    scenario.every_event(server)
    before = board_of(server)
    server.stop()
    missing = every_event_kind() - logged_kinds(settings)
    assert not missing, f"add a step producing {missing} to tests/scenario.every_event"

    assert_items_only_handlers_keep_headers(settings)

    checked = crisis_cli(settings, "projections", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "board matches the log (" in checked.stdout
    assert "timeline matches the log (" in checked.stdout

    rebuilt = crisis_cli(settings, "projections", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not settings.views_path.with_name("views.sqlite.new").exists()
    server.start()
    assert board_of(server) == before  # the rebuilt board is the live one


def test_check_prints_each_difference_and_fails(server, settings):
    first = scenario.open_incident(server)
    second = scenario.open_incident(server, title="Storm")
    server.ok("comms", f"/api/incidents/{first}/phase", {"phase": "monitoring"})
    server.stop()
    engine = sqlalchemy.create_engine(settings.views_url)  # either store
    with engine.begin() as db:
        query = sqlalchemy.text("select doc from view_rows where id = :id")
        doc = json.loads(db.execute(query, {"id": first}).scalar_one())
        doc["phase"] = "closed"
        update = sqlalchemy.text("update view_rows set doc = :doc where id = :id")
        db.execute(update, {"doc": json.dumps(doc), "id": first})
        db.execute(sqlalchemy.text("delete from view_rows where id = :id"), {"id": second})
    engine.dispose()

    checked = crisis_cli(settings, "projections", "check")
    assert checked.returncode == 1
    assert f"board/{first}.phase: live 'closed', rebuilt 'monitoring'" in checked.stdout
    assert f"board/{second}: missing from the live store" in checked.stdout

    # The timeline is kept the same way, in its own table: the check brought it
    # up to date (as a read would) and compares it too.
    with engine.begin() as db:
        opened = "select position from timeline_lines where incident = :id and kind = 'incident'"
        line = db.execute(sqlalchemy.text(opened), {"id": second}).scalar_one()
        retitle = "update timeline_lines set doc = replace(doc, 'Storm', 'Sol') where position = :p"
        db.execute(sqlalchemy.text(retitle), {"p": line})
    engine.dispose()
    checked = crisis_cli(settings, "projections", "check")
    assert f"timeline/line/{line}.params.title: live 'Sol', rebuilt 'Storm'" in checked.stdout

    rebuilt = crisis_cli(settings, "projections", "rebuild")
    assert rebuilt.returncode == 0
    assert "emptied timeline: it fills up from the log when next read" in rebuilt.stdout
    assert crisis_cli(settings, "projections", "check").returncode == 0


def test_maintenance_refuses_while_the_server_runs(server, settings):
    scenario.open_incident(server)
    for action in ("rebuild", "check"):
        result = crisis_cli(settings, "projections", action)
        assert result.returncode == 2
        assert "stop it first" in result.stderr
    second = crisis_cli(settings, "serve", "--port", "1")
    assert second.returncode == 2 and "already running" in second.stderr


# --- exactly once, across a crash ----------------------------------------------


def test_killed_mid_stream_every_answered_command_is_on_the_board_once(server, settings):
    incident = scenario.open_incident(server)
    answered: list[str] = []
    enough = threading.Event()

    def stream() -> None:
        headers = {"Authorization": f"Bearer {server.token('vav')}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=5) as client:
            for i in range(100_000):
                try:
                    response = client.post(
                        f"/api/incidents/{incident}/facts", json={"text": f"Måling {i}"}
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                assert response.status_code == 201, response.text
                answered.append(response.json()["id"])
                if len(answered) == 40:
                    enough.set()

    sender = threading.Thread(target=stream)
    sender.start()
    assert enough.wait(30)
    server.stop(signal.SIGKILL)
    sender.join(10)
    assert not sender.is_alive()

    server.start()
    doc = board_of(server)["incidents"][0]
    assert set(answered) <= set(doc["facts"])
    assert actions(doc) == 1 + len(doc["facts"])  # each event counted once: opened + one per fact
    server.stop()
    checked = crisis_cli(settings, "projections", "check")
    assert checked.returncode == 0, checked.stdout


# --- the machinery, on a real SQLite log and store ----------------------------


@pytest.fixture
def store(settings):
    views = ViewStore(settings.views_url)
    yield views
    views.close()


def some_events(log, people, facts: int = 3) -> UUID:
    incident = open_incident(log, people["comms"], **INCIDENT).id
    for i in range(facts):
        submit_fact(log, people["vav"], incident_id=incident, text=f"Fakta {i}")
    return incident


def test_a_restarted_view_resumes_where_it_stopped(log, people, store):
    incident = some_events(log, people)
    Projections(log, store, VIEWS).pull()
    submit_fact(log, people["vav"], incident_id=incident, text="Etter omstart")
    resumed = Projections(log, store, VIEWS)
    assert resumed["board"].position == 4
    resumed.pull()
    _, (doc,) = resumed["board"].snapshot()
    assert actions(doc) == 5 == resumed["board"].position
    assert store.read(board.VIEW).position == 5


def test_a_view_whose_layout_changed_rebuilds_itself_on_start(log, people, store):
    incident = some_events(log, people)
    Projections(log, store, VIEWS).pull()
    rebuilt = store.read(board.VIEW).docs
    with store.engine.begin() as conn:  # as an older version would have left it
        conn.exec_driver_sql("update view_tracking set layout = layout - 1")
        conn.exec_driver_sql('update view_rows set doc = \'{"old": "shape"}\'')
    projections = Projections(log, store, VIEWS)
    assert projections["board"].position == 0
    projections.pull()
    assert store.read(board.VIEW).docs == rebuilt
    assert store.read(board.VIEW).layout == board.LAYOUT
    assert projections["board"].snapshot(str(incident))[1][0]["title"] == INCIDENT["title"]


def test_a_save_the_store_is_already_past_writes_nothing(store):
    """Several processes follow one database: whoever is ahead writes, once."""
    store.load(board.VIEW)
    store.save("board", 0, 3, {"a": '{"n": 1}'})
    with pytest.raises(ViewMoved):
        store.save("board", 0, 3, {"a": '{"n": 2}'})  # another process, same batch
    with pytest.raises(ViewMoved):
        store.save("board", 0, 2, {"a": '{"n": 0}'})  # behind the store
    assert store.read(board.VIEW) == Stored(3, board.LAYOUT, {"a": {"n": 1}})
    # A process with a longer batch (rows changed after 0, up to 5) may move it on.
    store.save("board", 0, 5, {"a": '{"n": 2}'})
    assert store.read(board.VIEW) == Stored(5, board.LAYOUT, {"a": {"n": 2}})


class Fragile:
    """A read model that cannot apply a fact saying POISON (a bug in its code)."""

    def __init__(self, rows: dict) -> None:
        self.rows = rows

    def apply(self, event, position: int) -> tuple[str, ...]:
        if getattr(event, "text", "") == "POISON":
            raise ValueError("cannot apply this")
        self.rows[str(position)] = {"kind": type(event).__qualname__}
        return (str(position),)


class Mended(Fragile):
    def apply(self, event, position: int) -> tuple[str, ...]:
        self.rows[str(position)] = {"kind": type(event).__qualname__}
        return (str(position),)


def test_a_poison_event_stops_only_its_view_just_before_it_and_backs_off(
    log, people, store, caplog
):
    incident = some_events(log, people, facts=1)
    submit_fact(log, people["vav"], incident_id=incident, text="POISON")
    submit_fact(log, people["vav"], incident_id=incident, text="Etter giften")
    projections = Projections(log, store, [board.VIEW, View("fragile", 1, Fragile)])

    projections.start()
    try:
        assert projections.status() == {
            "board": {"position": 4, "stalled_at": None},
            "fragile": {"position": 2, "stalled_at": 3},
        }
        # What came before the poison is kept.
        assert store.read(View("fragile", 1, Fragile)).position == 2
        assert "fragile cannot apply event 3 (crisis.facts.model:Fact.Submitted)" in caplog.text
        started = time.monotonic()
        assert projections.wait(4, timeout=10) is False  # no use waiting for a stuck view
        assert time.monotonic() - started < 1
        assert projections.wait(2, timeout=0)
        backoffs = [projections.backoff]
        for _ in range(7):
            projections.catch_up()
            backoffs.append(projections.backoff)
        assert backoffs == [1, 2, 4, 8, 16, 32, 60, 60]
    finally:
        projections.stop()

    mended = Projections(log, store, [board.VIEW, View("fragile", 1, Mended)])
    mended.catch_up()
    assert mended.backoff == 0
    assert sorted(store.read(View("fragile", 1, Fragile)).docs, key=int) == ["1", "2", "3", "4"]
