"""The board at scale: what a change costs, and the load kept as counters.

Measured in bytes and rows, not time: a change for one new inquiry is the same
small message whether the incident holds none or 20,000, and the load per
channel read from the counters equals the load counted from the items."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

from crisis.incidents.service import open_incident, switch_crisis_mode
from crisis.inquiries.service import answer_inquiry, receive_inquiry, triage_inquiry
from projections.board import Board
from projections.board.changes import messages
from projections.board.inquiries import load_per_channel
from projections.events import opened_event
from projections.runner import changes_of
from tests import flow
from tests.scenario import INCIDENT


def events(log) -> list:
    return [opened_event(log, n) for n in log.recorder.select_notifications(start=1, limit=1000)]


def change_for(board: Board, event, position: int) -> str:
    """The change message the hub sends for one event (the runner's own code)."""
    board.settle()
    changed = dict.fromkeys(board.apply(event, position), position)
    (message,) = messages(changes_of(board, changed))
    return message.text()


def test_a_new_inquiry_is_a_small_change_at_any_incident_size(log, people):
    incident = open_incident(log, people["comms"], **INCIDENT).id
    receive_inquiry(
        log,
        people["comms"],
        incident_id=incident,
        channel="facebook",
        handle="@kari.n",
        text="Kan jeg dusje i vannet?",
    )
    opened, received = events(log)
    sizes = {}
    for inquiries in (0, 20_000):
        board = Board()
        board.apply(opened, 1)
        for n in range(inquiries):
            board.apply(replace(received, originator_id=uuid4()), n + 2)
        text = change_for(board, replace(received, originator_id=uuid4()), inquiries + 2)
        sizes[inquiries] = len(text.encode())
        assert len(board.incidents[str(incident)]["inquiries"]) == inquiries + 1
    print(f"change for one new inquiry: {sizes} bytes")
    assert max(sizes.values()) <= 2048
    assert sizes[20_000] - sizes[0] < 64  # only the counts' digits grow


def test_the_load_from_counters_equals_the_load_counted_from_the_items(log, people, clock):
    comms = people["comms"]
    incident = open_incident(log, comms, **INCIDENT).id
    approved = flow.fact(log, people, incident)
    asked = []
    for n in range(40):
        clock.advance(minutes=7 + n % 5)
        channel = ("facebook", "x", "sms")[n % 3]
        saved = receive_inquiry(
            log, comms, incident_id=incident, channel=channel, handle=f"@p{n}", text=f"Spørsmål {n}"
        )
        asked.append(saved.id)
        if n % 4 == 0:
            answer_inquiry(log, comms, asked[n // 2], text="Kok vannet.", cites=[approved])
        if n % 7 == 0:
            triage_inquiry(log, comms, saved.id, category="opinion")
        if n == 25:
            switch_crisis_mode(log, comms, incident, on=True, sla_minutes=45)
    board = Board()
    for position, event in enumerate(events(log), start=1):
        board.apply(event, position)
    doc = board.incidents[str(incident)]
    start = clock.now()
    for hours in (-3, -1, 0, 0.25, 1, 5, 48):
        now = start + timedelta(hours=hours)
        assert board.load(str(incident), now)[1] == load_per_channel(doc, now), hours
    counted = load_per_channel(doc, start)
    assert counted["x"]["backlog"] and counted["x"]["breached"]  # the figures are not all zero
    for channel, row in doc["load"].items():  # each change carried its channel's load then
        assert {k: v for k, v in row.items() if k not in ("channel", "as_of")} == load_per_channel(
            doc, datetime_of(row["as_of"])
        )[channel]


def datetime_of(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso)


def test_a_restarted_board_reads_only_open_incidents_and_still_takes_late_events(
    log, people, settings
):
    """At start the board reads the headers and the open incidents' rows only
    (a whole log's closed incidents would not fit in memory); an event that
    reaches a closed incident later (an erasure) still finds it."""
    from crisis.incidents.service import change_phase
    from crisis.privacy.service import erase_person
    from projections import board as board_view
    from projections.runner import Projections
    from projections.store import ViewStore

    store = ViewStore(settings.views_url)
    comms = people["comms"]
    open_one = open_incident(log, comms, **INCIDENT).id
    closed = open_incident(log, comms, **INCIDENT).id
    asked = receive_inquiry(log, comms, incident_id=closed, channel="x", handle="@a", text="Hei?")
    change_phase(log, comms, closed, phase="closed", reason="", version=None)
    Projections(log, store, [board_view.VIEW]).catch_up()

    _, rows = store.load(board_view.VIEW)
    assert not any(key.startswith(f"{closed}/") for key in rows)  # not read, nor listed
    assert rows[str(closed)]["phase"] == "closed" and rows[str(open_one)]["phase"] != "closed"
    restarted = Projections(log, store, [board_view.VIEW])
    model = restarted["board"].model
    assert set(model.incidents) == {str(open_one)} and set(model.shelved) == {str(closed)}
    assert str(asked.id) not in model.owner  # not held in memory ...
    assert model.owner[str(asked.id)] == str(closed)  # ... but found (in the log) when asked

    erase_person(log, people["editor"], asked.id, note="Sak 1")
    restarted.catch_up()
    assert restarted.status()["board"]["stalled_at"] is None
    (doc,) = restarted["board"].snapshot(str(closed))[1]
    assert doc["inquiries"][str(asked.id)]["text"] is None
    assert str(asked.id) not in model.owner  # set aside again with its incident
    store.close()


def test_an_incidents_rows_are_one_range_whatever_the_databases_collation(postgres_url):
    """A closed incident's items are read back by an index range on their row ids
    (`<incident>/...`). A database whose collation ignores punctuation (as many
    linguistic ones do) would sort them away from their header and read none:
    row ids compare byte by byte, in tables made before this too."""
    import uuid

    import psycopg
    import sqlalchemy

    from projections import board as board_view
    from projections.store import ViewStore
    from tests.fixtures.stores import ADMIN_URL

    name = f"crisis_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu'
            " ICU_LOCALE 'und-u-ka-shifted' LOCALE 'C.UTF-8'"
        )
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        old = sqlalchemy.create_engine(url)
        with old.begin() as conn:  # as an earlier version made it
            conn.exec_driver_sql(
                "create table view_rows (view varchar(64), id varchar(64), doc text not null,"
                " primary key (view, id))"
            )
        old.dispose()
        store = ViewStore(url)
        store.reset(board_view.VIEW)
        incident = "abc"
        rows = {incident: "{}", f"{incident}/facts/1": "{}", f"{incident}/inquiries/2": "{}"}
        store.save("board", 0, 1, {**rows, "abc0": "{}", "abcd": "{}"})
        assert set(store.rows("board", incident)) == set(rows)
        store.close()
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_read_models_commit_without_waiting_for_the_disk_and_the_log_does(postgres_url, tmp_path):
    """What is derived from the log need not be on disk before the board moves
    on (a lost commit is applied again); what the log holds must be."""
    from projections.store import ViewStore
    from server.runtime import open_log
    from server.settings import Settings

    store = ViewStore(postgres_url)
    log = open_log(Settings.from_env(tmp_path, postgres_url))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("show synchronous_commit").scalar() == "off"
        with log.recorder.datastore.cursor() as cursor:
            cursor.execute("show synchronous_commit")
            assert cursor.fetchone()["synchronous_commit"] == "on"
    finally:
        store.close()
        log.close()
