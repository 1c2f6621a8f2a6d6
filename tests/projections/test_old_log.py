"""A log written by an earlier version keeps loading and rebuilds the same read models.

`old_log/` holds the stored events of `tests.scenario.every_event` as written
before the event classes were declared (when `@event("Name")` generated
them), the key store's rows for its sealed personal data, and the read models
the server kept at the time. Changing an event class in a way that breaks
stored events (a renamed class or field without an upcast) fails here.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from uuid import UUID

import sqlalchemy
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import resolve_topic

from access.keystore import key_store_state, personal_keys
from crisis.channels.service import registry
from projections import board
from projections.channels import ChannelList
from projections.rebuild import rebuild
from projections.store import ViewStore, sqlite_url
from projections.views import VIEWS
from server.runtime import open_log
from server.settings import Settings

OLD = Path(__file__).with_name("old_log")
VIEW_NAMED = {view.name: view for view in VIEWS}


def old_events() -> list[StoredEvent]:
    lines = (OLD / "events.jsonl").read_text().splitlines()
    return [
        StoredEvent(
            originator_id=UUID(e["id"]),
            originator_version=e["version"],
            topic=e["topic"],
            state=json.dumps(e["state"], ensure_ascii=False).encode(),
        )
        for e in map(json.loads, lines)
    ]


def restore_keys(settings: Settings) -> None:
    keys = json.loads((OLD / "keys.json").read_text())
    engine = sqlalchemy.create_engine(settings.accounts_url)
    with engine.begin() as db:
        db.execute(sqlalchemy.delete(key_store_state))
        for table in (personal_keys, key_store_state):
            db.execute(table.insert(), [_decoded(row) for row in keys[table.name]])
    engine.dispose()


def _decoded(row: dict) -> dict:
    return {k: base64.b64decode(v) if k in ("key", "pepper") and v else v for k, v in row.items()}


def as_kept(rows: dict, kept: dict) -> dict:
    """The board's rows as whole incident docs, as layout 7 kept them: without
    the load per channel (layout 8 keeps it), without the empty parts it left out,
    and without what a published post issued (kept since CAP messages are frozen)."""
    docs = board.assemble(rows.items())
    for incident, doc in docs.items():
        del doc[board.LOAD]
        for post in doc["posts"].values():
            post.pop("issued", None)
        for part in board.row_kinds():
            if part in doc and not doc[part] and part not in kept.get(incident, {}):
                del doc[part]
    return json.loads(json.dumps(docs))


def test_an_old_log_loads_and_rebuilds_the_same_read_models(settings, tmp_path):
    stored = old_events()
    log = open_log(settings)  # creates the key store's tables
    log.close()
    restore_keys(settings)
    log = open_log(settings)
    scratch = ViewStore(sqlite_url(tmp_path / "views.sqlite"))
    try:
        log.recorder.insert_events(stored)
        for topic in {e.topic for e in stored}:
            assert resolve_topic(topic).__qualname__ == topic.split(":")[1]  # same class name
        items = {e.originator_id: e.originator_version for e in stored}
        for item, version in items.items():
            assert log.repository.get(item).version == version

        rebuild(log, scratch)
        kept = json.loads((OLD / "views.json").read_text())
        for name, then in kept.items():  # the read models there were then
            rebuilt = scratch.read(VIEW_NAMED[name])
            assert rebuilt.position == then["position"] == len(stored)
            docs = as_kept(rebuilt.docs, then["docs"]) if name == "board" else rebuilt.docs
            assert json.loads(json.dumps(docs)) == then["docs"], name
        stored = scratch.read(VIEW_NAMED["channels"]).docs
        channels = {k: ChannelList({k: d}).rows[k] for k, d in stored.items()}
        assert sorted(channels, key=lambda k: channels[k]["order"]) == list(registry(log).channels)
        for key, channel in registry(log).channels.items():  # the model agrees with the aggregate
            assert {**channel.as_record(), "order": channels[key]["order"]} == channels[key]
    finally:
        scratch.close()
        log.close()
