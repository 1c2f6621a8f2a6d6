"""Retention: residents' personal data is erased `CRISIS_RETENTION_DAYS` days
(default 90) after an incident is closed, except inquiries flagged
archive-worthy (they are filed in the case system).

The server checks once at start and then every hour; `crisis retention` checks
once. Due inquiries are found on the board; the domain checks each again
(`crisis.privacy.service.expire_inquiries`) before deleting its keys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from crisis.log import CrisisLog
from crisis.privacy.service import expire_inquiries
from projections.board.inquiries import closed_before, due_for_erasure

log = logging.getLogger(__name__)

CHECK_EVERY = 3600.0  # seconds between checks in the server
ERASE_AT_ONCE = 200  # inquiries checked and erased between looks at `stopping`


def erase_due(
    events: CrisisLog,
    incidents: Iterable[dict[str, Any]],
    days: int,
    stopping: Callable[[], bool] = lambda: False,
) -> list[UUID]:
    """Erase what is due on these board docs, as of the log's clock; the ids
    erased. A few hundred at a time, so a server stopping (`stopping`) is not
    held up by a long backlog, nor has its log closed under the erasure."""
    now = events.clock.now()
    due = [UUID(i) for doc in incidents for i in due_for_erasure(doc, now, days)]
    erased: list[UUID] = []
    for start in range(0, len(due), ERASE_AT_ONCE):
        if stopping():
            break
        erased += expire_inquiries(events, due[start : start + ERASE_AT_ONCE], days=days)
    return erased


class Retention:
    """The server's periodic check, on a thread of its own.

    A board of years holds many closed incidents, kept in the store, not in
    memory: a check reads only those closed long enough ago, and of those only
    the ones that changed (their header's position) since a check found
    nothing due in them."""

    def __init__(self, runtime: Any, every: float = CHECK_EVERY) -> None:
        self.runtime = runtime
        self.every = every
        self.nothing_due: dict[str, int] = {}  # incident -> position when found so
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> list[UUID]:
        """Erase what is due on the live board now, and wait until the board shows it."""
        rt = self.runtime
        days = rt.settings.retention_days
        closed_by = rt.log.clock.now() - timedelta(days=days)
        _, unread = rt.board.read(
            lambda b: [
                h["id"]
                for h in b.headers()
                if closed_before(h, closed_by) and self.nothing_due.get(h["id"]) != h["position"]
            ]
        )
        erased: list[UUID] = []
        for incident in unread:
            for doc in rt.board.snapshot(incident)[1]:
                found = erase_due(rt.log, [doc], days, self._stop.is_set)
                if not found and not self._stop.is_set():
                    self.nothing_due[incident] = doc["position"]
                erased += found
        if erased:
            rt.projections.wait(rt.log.max_position())
            log.info("erased the personal data of %d inquiries (retention)", len(erased))
        return erased

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.check()
            except Exception:  # the next check tries again
                log.exception("the retention check failed")
            self._stop.wait(self.every)
