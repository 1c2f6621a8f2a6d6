"""The public view kept in memory, fed by the board's changes.

Public pages are read far more often than the board changes, so each
incident's public view is computed once per change to what the public may
see (its header, facts and posts; never its inquiries) rather than per request.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from projections.board import ITEM_PARTS, split_row
from projections.public import Doc, public_incident

# What of an incident doc the public view never reads.
UNSEEN = ("inquiries", "working", "load")

log = logging.getLogger(__name__)


class Board(Protocol):
    """What the view needs of the board runner."""

    position: int

    def on_change(self, listener: Any) -> None: ...

    def snapshot(self, row_id: str | None = None, view: Any = None) -> tuple[int, list[Doc]]: ...

    def read(self, use: Any) -> tuple[int, Any]: ...


class PublicView:
    def __init__(self, board: Board) -> None:
        self.board = board
        self.position = 0
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._incidents: dict[str, Doc] = {}
        board.on_change(self._changed)
        self._refresh()

    def incidents(self) -> list[Doc]:
        """Every incident the public may see."""
        self._catch_up()
        with self._lock:
            return list(self._incidents.values())

    def incident(self, incident_id: str) -> Doc | None:
        self._catch_up()
        with self._lock:
            return self._incidents.get(incident_id)

    def _catch_up(self) -> None:
        """A command answers once the board applied it, which can be a moment
        before the board's listeners run: then read the board's open incidents
        (a closed one's changes are rare, and arrive through `_changed`)."""
        if self.position < self.board.position:
            self._refresh(self.board.read(lambda board: list(board.incidents))[1])

    def _refresh(self, incidents: list[str] | None = None) -> None:
        """Read these incidents (all when None) whole, one at a time (the whole
        board gives closed incidents by their header only)."""
        if incidents is None:
            incidents = self.board.read(lambda board: [h["id"] for h in board.headers()])[1]
        for incident in incidents:
            self._put(*self.board.snapshot(incident, view=_seen))

    def _changed(self, changes: list[Any]) -> None:
        """Called on the runner's thread: a failure here must not stop the board,
        so it is logged and the next request reads the board itself."""
        try:
            incidents = {
                incident
                for incident, kind, _ in (split_row(c.id) for c in changes)
                if kind is None or (kind in ITEM_PARTS and kind not in UNSEEN)
            }
            for incident in sorted(incidents):
                self._put(*self.board.snapshot(incident, view=_seen))
        except Exception:
            log.exception("public view failed to apply a board change")

    def _put(self, position: int, docs: list[Doc]) -> None:
        with self._lock:
            for doc in docs:
                if position < self._seen.get(doc["id"], 0):
                    continue  # an older state than the one we hold
                self._seen[doc["id"]] = position
                public = public_incident(doc)
                if public is None:
                    self._incidents.pop(doc["id"], None)
                else:
                    self._incidents[doc["id"]] = public
            self.position = max(self.position, position)


def _seen(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k not in UNSEEN}
