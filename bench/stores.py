"""Where a benchmark's data lives: a fresh SQLite folder or a fresh PostgreSQL
database (dropped afterwards), with the people who log in, and the generated
log, cached by size in `bench/.cache/` so reruns start at once."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteFactory
from sqlalchemy import create_engine, delete, insert, select

from access.accounts import Accounts
from access.keystore import KeyStore, key_store_state, personal_keys
from bench import generate
from crisis.clock import Clock
from crisis.log import CrisisLog
from crisis.people.model import Actor, Role
from server.runtime import open_log
from server.settings import Settings

CACHE = Path(__file__).parent / ".cache"
ADMIN_URL = os.environ.get("CRISIS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-123"
COPY_BATCH = 1000  # events per insert when copying a cached log into PostgreSQL
KEYS = "keys.sqlite"  # beside a cached log: the key store it was sealed with
USERS = (  # (username, name, role, department); comms and vav log in (no second factor)
    ("comms", "Kari Kommunikasjon", Role.COMMS, None),
    ("editor", "Ola Redaktør", Role.EDITOR, None),
    ("vav", "Vera Vann", Role.DEPARTMENT, "vav"),
    ("bym", "Bjørn Bymiljø", Role.DEPARTMENT, "bym"),
    ("ude", "Una Utdanning", Role.DEPARTMENT, "ude"),
    ("hel", "Henrik Helse", Role.DEPARTMENT, "hel"),
)
EDITOR_TOTP = "BENCHEDITORKEY234BENCHEDITORKEY2"


@dataclass
class Store:
    name: str
    settings: Settings
    people: dict[str, Actor]

    def log(self, clock: Clock | None = None) -> CrisisLog:
        return open_log(self.settings, clock)


class Stores:
    """Fresh stores of one kind for one run; all removed at the end."""

    def __init__(self, kind: str, cache: Path = CACHE) -> None:
        self.kind, self.cache = kind, cache
        self.root = Path(tempfile.mkdtemp(prefix="crisis-bench-"))
        self.databases: list[str] = []

    def fresh(self, name: str) -> Store:
        url = None
        if self.kind == "postgres":
            import psycopg

            database = f"crisis_bench_{name}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{database}"')
            self.databases.append(database)
            url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
        settings = Settings.from_env(self.root / name, url)
        accounts = Accounts(settings.accounts_url)
        people = {
            u: accounts.add_user(u, n, r, PASSWORD, d, EDITOR_TOTP if u == "editor" else None)
            for u, n, r, d in USERS
        }
        accounts.engine.dispose()
        return Store(name, settings, people)

    def close(self) -> None:
        if self.databases:
            import psycopg

            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                for database in self.databases:
                    conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Stores:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def people_of(store: Store) -> generate.People:
    p = store.people
    return generate.People(
        comms=p["comms"],
        editor=p["editor"],
        departments={a.department: a for a in p.values() if a.department},
    )


def cached_log(size: int, say: Callable = print, cache: Path = CACHE) -> tuple[Path, int]:
    """The generated log of `size` events as a folder (made once) holding
    events.sqlite and keys.sqlite (the key store its inquiries were sealed
    with), and its count."""
    folder = cache / f"log-{size}-v{generate.VERSION}"
    done = folder / "events.count"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        with Stores("sqlite") as scratch:
            store = scratch.fresh("generate")
            say(f"generating a log of {size:,} events into {folder} (once; cached) ...")
            started = time.monotonic()
            clock = generate.SetClock(generate.START)
            log = store.log(clock)
            count = generate.generate(log, clock, people_of(store), size)
            log.close()
            folder.mkdir(parents=True, exist_ok=True)
            for name, kept in (("events.sqlite", "events.sqlite"), ("accounts.sqlite", KEYS)):
                path = store.settings.data_dir / name
                with contextlib.closing(sqlite3.connect(path)) as conn:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                shutil.move(path, folder / kept)
            say(f"generated {count:,} events in {time.monotonic() - started:.0f} s")
            done.write_text(str(count))
    return folder, int(done.read_text())


def load_log(store: Store, size: int, say: Callable = print, cache: Path = CACHE) -> int:
    """Put the cached log of `size` events, and its keys, into the store;
    returns the event count."""
    folder, count = cached_log(size, say, cache)
    source = folder / "events.sqlite"
    _copy_keys(folder / KEYS, store)
    if not store.settings.on_postgres:
        shutil.copyfile(source, store.settings.data_dir / "events.sqlite")
        return count
    say(f"copying {count:,} events into PostgreSQL ...")
    factory = SQLiteFactory({"SQLITE_DBNAME": str(source)})
    cached = factory.application_recorder()
    log = store.log()
    try:
        position = 0
        while batch := cached.select_notifications(start=position + 1, limit=COPY_BATCH):
            log.recorder.insert_events(
                [
                    StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                    for n in batch
                ]
            )
            position = batch[-1].id
    finally:
        factory.close()
        log.close()
    _analyze(store)
    return count


def _analyze(store: Store) -> None:
    """Gather PostgreSQL's table statistics after the bulk copy, as its manual
    advises after a bulk load and as autovacuum does in a running deployment
    (the machine's server may have it off). Without them the planner reads the
    whole key store for each batch's keys: 90 ms a batch at 600,000 keys."""
    import psycopg

    url = store.settings.database_url
    assert url is not None  # a PostgreSQL store
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def _copy_keys(source: Path, store: Store) -> None:
    """The generated log's key store into the store's, so its inquiries open."""
    cached = create_engine(f"sqlite:///{source}")
    target = KeyStore(store.settings.accounts_url)  # makes the tables
    try:
        with cached.connect() as read, target.engine.begin() as write:
            write.execute(delete(key_store_state))
            for table in (key_store_state, personal_keys):
                rows = [dict(row._mapping) for row in read.execute(select(table))]
                for start in range(0, len(rows), 10_000):
                    write.execute(insert(table), rows[start : start + 10_000])
    finally:
        cached.dispose()
        target.close()
