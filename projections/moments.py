"""Stepping through the log, as the review page does.

The last moment shown is kept, so a step forward applies only the events
stepped over; any other moment starts from the nearest checkpoint (or the
kept moment, if that is nearer) plus a short tail. Never a pass over the
whole log, once checkpoints exist (a replay writes them as it passes). A step
of one incident's replay holds only that incident.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from crisis.log import CrisisLog
from projections.replay import Checkpoints, Moment, advance
from projections.store import ViewStore

T = TypeVar("T")


class Moments:
    def __init__(self, log: CrisisLog, store: ViewStore) -> None:
        self.log = log
        self.saved = Checkpoints(store)
        self._kept: Moment | None = None
        self._erasures = -1
        self._lock = threading.Lock()

    def read(self, position: int, look: Callable[[Moment], T], incident: str | None = None) -> T:
        """`look` at the board (or one incident's part of it) as it stood at
        `position`. The moment is reused by the next step, so `look` must copy
        what it keeps (e.g. serialize it)."""
        with self._lock:
            erasures = self.log.vault.refresh()
            if erasures != self._erasures:  # the kept board may hold what was erased since
                self._kept, self._erasures = None, erasures
            moment = self._start(position, incident)
            try:
                advance(self.log, self.saved, moment, position)
            except Exception:
                self._kept = None  # half applied: start afresh next time
                raise
            self._kept = moment
            return look(moment)

    def _start(self, position: int, incident: str | None) -> Moment:
        kept = self._kept
        if (
            kept is not None
            and kept.incident == incident
            and kept.position <= position
            and self.saved.latest(position) <= kept.position
        ):
            return kept
        return self.saved.nearest(position, None, incident)
