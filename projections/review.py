"""The read side of a post-incident review: the timeline, the board at any
moment, the pinned moments and the figures. The review page, its JSON and the
printed report all read through here, so they cannot disagree.

Steps of a replay are the lines of the timeline (one incident's, or the whole
log's), the review's own pins and the records (reports, extracts) left out: they change
nothing on the board.

Lines handed out here have residents' personal data opened as far as the
reader's audience may read it (`projections.board.audience`): listed as
`withheld` where it may not, as `removed` once erased. The figures need none
of it.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from functools import partial
from typing import Any

from crisis.log import CrisisLog
from projections.board.audience import ALL, Audience
from projections.board.inquiries import load_per_channel
from projections.figures import figures, pinned
from projections.moments import Moments
from projections.replay import board_at
from projections.store import ViewStore
from projections.timeline import KINDS, Line, Timeline, opened, sealed_items

Doc = dict[str, Any]
STEPS = tuple(kind for kind in KINDS if kind not in ("review", "records"))


class ReviewViews:
    def __init__(self, log: CrisisLog, store: ViewStore) -> None:
        self.log, self.store = log, store
        self.timeline = Timeline(store)
        self.moments = Moments(log, store)
        self._final: dict[str, tuple[int, Doc | None, Doc | None]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> int:
        """Bring the timeline up to the end of the log; its position."""
        return self.timeline.catch_up(self.log)

    def incidents(self) -> list[Line]:
        self.refresh()
        return self.timeline.incidents()

    def final(self, incident: str) -> Doc | None:
        """The incident's board doc as finally stated (None if there is no such incident)."""
        return self._final_and_figures(incident)[0]

    def figures(self, incident: str) -> Doc | None:
        return self._final_and_figures(incident)[1]

    def _final_and_figures(self, incident: str) -> tuple[Doc | None, Doc | None]:
        position = self.refresh()
        with self._lock:
            cached = self._final.get(incident)
            if cached and cached[0] == position:
                return cached[1], cached[2]
        moment = board_at(self.log, self.store, position=position, incident=incident)
        doc = moment.board.incidents.get(incident)
        result = figures(doc, self.timeline.lines(incident)) if doc else None
        with self._lock:
            self._final[incident] = (position, doc, result)
        return doc, result

    def lines(
        self,
        incident: str,
        kinds: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        *,
        shown: Audience,
    ) -> list[Line]:
        self.refresh()
        return self._opened(self.timeline.lines(incident, kinds or None, offset, limit), shown)

    def line_at(self, position: int, *, shown: Audience) -> Line | None:
        line = self.timeline.line_at(position)
        return self._opened([line], shown)[0] if line else None

    def _opened(self, lines: list[Line], shown: Audience) -> list[Line]:
        """The lines with what `shown` may read of residents' data opened; an
        inquiry's text is judged by the inquiry as finally stated (flagged
        archive-worthy or not), each incident's read once per call."""
        self.log.vault.refresh()
        self.log.vault.preload(sealed_items(lines))
        finals: dict[str, Doc] = {}

        def inquiry(line: Line) -> Doc | None:
            if shown is ALL or line["kind"] != "inquiry" or not line["incident"]:
                return None
            if line["incident"] not in finals:
                finals[line["incident"]] = self.final(line["incident"]) or {}
            return finals[line["incident"]].get("inquiries", {}).get(line["item"])

        return [
            opened(line, self.log.vault, partial(shown.reads, inquiry=inquiry(line)))
            for line in lines
        ]

    def count(self, incident: str, kinds: list[str] | None = None) -> int:
        return self.timeline.count(incident, kinds or None)

    def pins(self, incident: str) -> dict[int, Doc]:
        """The moments pinned now, by log position: the pins added and not removed since."""
        return pinned(self.lines(incident, ["review"], shown=ALL))  # no residents' data

    def moment(
        self,
        incident: str | None,
        *,
        index: int | None = None,
        position: int | None = None,
        at: datetime | None = None,
        shown: Audience,
    ) -> Doc | None:
        """Step `index` of a replay (or the step at or before a log position or a
        time): its event's line, and the board as it stood just after it."""
        self.refresh()
        count = self.timeline.count(incident, STEPS)
        if count == 0:
            return None
        if index is None:
            if at is not None:
                position = self.timeline.position_at(incident, at, STEPS) or 0
            index = max(0, self.timeline.count(incident, STEPS, before=(position or 0) + 1) - 1)
        index = min(max(index, 0), count - 1)
        line = self._opened(self.timeline.lines(incident, STEPS, offset=index, limit=1), shown)[0]
        moment_at = datetime.fromisoformat(line["at"])

        def look(moment: Any) -> Doc:
            docs = moment.board.incidents
            if incident is None:
                return {"incidents": [_copy(shown.doc(doc)) for doc in docs.values()]}
            doc = docs.get(incident)
            if doc is None:
                return {"incident": None, "load": {}}
            return {"incident": _copy(shown.doc(doc)), "load": load_per_channel(doc, moment_at)}

        seen = self.moments.read(line["position"], look, incident)
        return {
            "index": index,
            "count": count,
            "previous": index - 1 if index > 0 else None,
            "next": index + 1 if index + 1 < count else None,
            "position": line["position"],
            "at": line["at"],
            "line": line,
            **seen,
        }


def _copy(doc: Doc) -> Doc:
    """A copy the caller may change: the replay's docs are its own."""
    return json.loads(json.dumps(doc))
