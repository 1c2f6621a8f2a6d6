"""When the store cannot be reached or cannot take more: a 503 with a
sentence, a code and Retry-After, never a plain-text 500.

The stores raise their drivers' errors (sqlite3, psycopg, SQLAlchemy) or the
event library's wrappers of them; a command saves in one transaction, so a
failed one wrote nothing and may be sent again. The last fault is remembered
until a command succeeds, so `/healthz` can say that writes are failing even
while reads still work (a full disk).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

import psycopg
import sqlalchemy.exc
from eventsourcing import persistence

# Errors that mean "the store is not there or cannot write now", not "this
# request is wrong": a retry later may succeed.
STORE_FAULTS: tuple[type[Exception], ...] = (
    persistence.OperationalError,
    persistence.InterfaceError,
    persistence.InternalError,
    sqlite3.OperationalError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
)
RETRY_AFTER = {"store_unavailable": 5, "store_full": 60}


def fault_code(exc: BaseException) -> str:
    """store_full when the disk (or the database's size limit) is full, else store_unavailable."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if "disk is full" in text or "no space left" in text or "disk full" in text:
            return "store_full"
        if isinstance(exc, psycopg.errors.DiskFull):
            return "store_full"
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "orig", None)  # type: ignore[assignment]
    return "store_unavailable"


@dataclass
class Fault:
    code: str
    at: float  # time.monotonic()


class StoreHealth:
    """The last store fault a request met, until a command succeeds again."""

    def __init__(self) -> None:
        self.fault: Fault | None = None

    def failed(self, code: str) -> None:
        self.fault = Fault(code, time.monotonic())

    def recovered(self) -> None:
        self.fault = None
