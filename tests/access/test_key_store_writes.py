"""Sealing writes no transaction of its own: the keys a save needs are kept in
one key store transaction, before the events' transaction, so a crash between
the two leaves at most an unused key, never an event whose key is missing."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event, select

from access import keystore
from access.accounts import Accounts
from access.keystore import personal_keys
from crisis.inquiries.model import Inquiry, external_inquiry_id
from crisis.inquiries.service import Message, receive_delivery, receive_inquiry
from crisis.log import CrisisLog
from crisis.privacy.model import TEXT
from projections.rebuild import rebuild
from projections.replay import board_at
from projections.store import ViewStore
from reports.factsheet import versions
from server.runtime import open_log
from tests import flow

ROOT = Path(__file__).resolve().parents[2]


def _commits(log: CrisisLog) -> list[int]:
    """Every transaction committed on the key store's engine, counted as it happens."""
    commits: list[int] = []
    event.listen(log.vault.engine, "commit", lambda _conn: commits.append(1))
    return commits


def _messages(incident, n: int, prefix: str = "m") -> list[Message]:
    return [
        Message(incident, f"{prefix}-{i}", f"@person{i}", f"Spørsmål nummer {i}") for i in range(n)
    ]


def test_a_batch_of_inquiries_costs_one_key_store_transaction(log, people, settings):
    incident = flow.incident(log, people)
    commits = _commits(log)
    intake = receive_delivery(log, "facebook", _messages(incident, 40))
    assert intake.accepted == 40
    assert len(commits) == 1
    receive_inquiry(
        log, people["comms"], incident_id=incident, channel="x", handle="@ola", text="Hei"
    )
    assert len(commits) == 2
    # Every inquiry opens with the key the store holds, in a process that never sealed it.
    other = open_log(settings)
    try:
        for i, (_, inquiry_id, _) in enumerate(intake.results):
            inquiry = other.load(Inquiry, inquiry_id)
            assert other.vault.open(inquiry.text) == f"Spørsmål nummer {i}"
            assert other.vault.open(inquiry.handle) == f"@person{i}"
    finally:
        other.close()


def test_a_batch_of_inquiries_reads_the_key_store_once(log, people):
    """Sealing a delivery asks the key store once for all its inquiries, not once each."""
    incident = flow.incident(log, people)
    reads: list[str] = []
    event.listen(
        log.vault.engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: reads.append(sql) if "FROM personal_keys" in sql else None,
    )
    assert receive_delivery(log, "facebook", _messages(incident, 40)).accepted == 40
    assert len(reads) == 1


def _received(log: CrisisLog, incident, message: Message, text: str) -> Inquiry:
    return Inquiry.receive(
        log.vault,
        incident_id=incident,
        channel="facebook",
        external_id=message.external_id,
        handle=message.handle,
        text=text,
        watch_match=None,
        by={},
        at=log.clock.now(),
    )


def test_a_key_stored_meanwhile_is_adopted(log, people, settings):
    """Sealed here; meanwhile another process stored the key of the same
    message (and crashed before its event): the event is sealed again under
    the stored key, so it opens everywhere."""
    incident = flow.incident(log, people)
    (message,) = _messages(incident, 1)
    inquiry = _received(log, incident, message, "Hemmelig")
    other = open_log(settings)
    try:
        other.vault.keep(_received(other, incident, message, "Annet").collect_events())
    finally:
        other.close()
    log.record(inquiry)
    fresh = open_log(settings)
    try:
        assert fresh.vault.open(fresh.load(Inquiry, inquiry.id).text) == "Hemmelig"
    finally:
        fresh.close()


CRASHING = """
import os, signal, sys, uuid
from sqlalchemy import event
from crisis.inquiries.service import Message, receive_delivery
from server.runtime import open_log
from server.settings import Settings

settings = Settings.from_env(sys.argv[1], sys.argv[2] or None)
log = open_log(settings)
# Killed the moment the keys are committed (their connection goes back to the
# pool), before the events' transaction.
committed = []
event.listen(log.vault.engine, "commit", lambda _conn: committed.append(1))
event.listen(
    log.vault.engine, "checkin", lambda *_: committed and os.kill(os.getpid(), signal.SIGKILL)
)
incident = uuid.UUID(sys.argv[3])
messages = [Message(incident, f"m-{i}", f"@person{i}", f"Spørsmål nummer {i}") for i in range(20)]
receive_delivery(log, "facebook", messages)
"""


def test_a_crash_between_keys_and_events_leaves_no_event_without_its_key(log, people, settings):
    incident = flow.incident(log, people)
    before = log.max_position()
    crashed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(CRASHING),
            str(settings.data_dir),
            settings.database_url or "",
            str(incident),
        ],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()
    ids = [external_inquiry_id("facebook", m.external_id) for m in _messages(incident, 20)]
    with log.vault.engine.connect() as conn:
        kept = {row.item for row in conn.execute(select(personal_keys.c.item))}
    assert {str(i) for i in ids} <= kept  # the keys were written: at most unused keys
    assert log.max_position() == before  # and no event came without them
    # The delivery again: every event lands and opens with the key already stored.
    intake = receive_delivery(log, "facebook", _messages(incident, 20))
    assert intake.accepted == 20
    fresh = open_log(settings)
    try:
        for i, inquiry_id in enumerate(ids):
            text = fresh.load(Inquiry, inquiry_id).text
            assert text.part == TEXT and fresh.vault.open(text) == f"Spørsmål nummer {i}"
    finally:
        fresh.close()


@pytest.mark.sqlite_files
def test_every_sqlite_file_the_product_writes_keeps_a_write_ahead_log(log, people, settings):
    """Events, views, accounts and keys: WAL, and the key store syncs every commit
    (its keys must outlive a power cut whenever the events sealed with them do)."""
    incident = flow.incident(log, people)
    receive_delivery(log, "facebook", _messages(incident, 2))
    views = ViewStore(settings.views_url)
    accounts = Accounts(settings.accounts_url)
    try:
        files = {"events.sqlite", "views.sqlite", "accounts.sqlite"}
        assert {p.name for p in settings.data_dir.glob("*.sqlite")} == files
        for name in files:
            with contextlib.closing(sqlite3.connect(settings.data_dir / name)) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",), name
        with log.vault.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        with accounts.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        views.close()
        accounts.engine.dispose()


def _key_reads(log: CrisisLog) -> list[str]:
    reads: list[str] = []
    event.listen(
        log.vault.engine,
        "before_cursor_execute",
        lambda _c, _cur, sql, *_: reads.append(sql) if "FROM personal_keys" in sql else None,
    )
    return reads


def test_a_read_model_pass_and_a_replay_read_the_keys_of_a_batch_at_once(log, people, settings):
    """A rebuild, a replay or the fact sheet's pass opens thousands of inquiries:
    their keys come in one read per batch, not one per inquiry, and not the whole
    key store at once."""
    incident = flow.incident(log, people)
    assert receive_delivery(log, "facebook", _messages(incident, 30)).accepted == 30
    reader = open_log(settings)  # a process that sealed none of them
    views = ViewStore(settings.views_url)
    try:
        reads = _key_reads(reader)
        rebuilt = rebuild(reader, views)
        (doc,) = rebuilt["board"].snapshot(str(incident))[1]
        texts = [i["text"] for i in doc["inquiries"].values()]
        assert sorted(texts) == sorted(f"Spørsmål nummer {i}" for i in range(30))
        assert len(reads) == 1 and " IN " in reads[0]
        reader.vault.refresh()
        reader.vault._keys.clear()
        reads.clear()
        moment = board_at(reader, views, incident=str(incident))
        assert len(moment.board.incidents[str(incident)]["inquiries"]) == 30
        assert len(reads) == 1
        reader.vault._keys.clear()
        reads.clear()
        versions(reader, views, str(incident))  # the fact sheet's pass over the log
        assert len(reads) == 1
    finally:
        reader.close()
        views.close()


def test_the_key_cache_stays_bounded_and_still_forgets(log, people, settings, monkeypatch):
    """A server of years keeps at most `CACHED` keys in memory; a key read again
    after it left the cache is the stored one, and an erased one stays erased."""
    monkeypatch.setattr(keystore, "CACHED", 8)
    incident = flow.incident(log, people)
    intake = receive_delivery(log, "facebook", _messages(incident, 12))
    inquiries = [log.load(Inquiry, i) for _, i, _ in intake.results]
    log.vault.forget([inquiries[0].id], [TEXT])
    log.vault.refresh()
    for i, inquiry in enumerate(inquiries):
        assert log.vault.open(inquiry.text) == (None if i == 0 else f"Spørsmål nummer {i}")
        assert len(log.vault._keys) <= 8
    assert log.vault.open(inquiries[0].text) is None


def test_an_inquiry_staff_register_reads_no_key(log, people):
    """Its id is random (no channel message id), so no key can be stored for it
    yet: sealing it asks the key store nothing."""
    incident = flow.incident(log, people)
    reads = _key_reads(log)
    receive_inquiry(
        log, people["comms"], incident_id=incident, channel="x", handle="@a", text="Hei"
    )
    assert reads == []
    receive_inquiry(
        log,
        people["comms"],
        incident_id=incident,
        channel="x",
        handle="@b",
        text="Hei",
        external_id="x-1",
    )
    assert len(reads) == 1  # a channel's message id may have been received before
