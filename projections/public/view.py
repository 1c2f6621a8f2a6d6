"""The public view kept in memory, fed by the board's changes.

Public pages are read far more often than the board changes, so each
incident's public view is computed once per change (from the doc the board
runner hands its listeners) rather than per request.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Protocol

from projections.public import Doc, public_incident

log = logging.getLogger(__name__)


class Board(Protocol):
    """What the view needs of the board runner."""

    position: int

    def on_change(self, listener: Any) -> None: ...

    def snapshot(self) -> tuple[int, list[Doc]]: ...


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
        before the board's listeners run: then read the board itself."""
        if self.position < self.board.position:
            self._refresh()

    def _refresh(self) -> None:
        position, docs = self.board.snapshot()
        self._put(position, docs)

    def _changed(self, changes: list[Any]) -> None:
        """Called on the runner's thread: a failure here must not stop the board,
        so it is logged and the next request reads the board itself."""
        try:
            for change in changes:
                self._put(change.position, [json.loads(change.json)])
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
