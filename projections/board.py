"""The live board: each incident with its facts and posts, as crisis staff see it.

Pure functions of the events, so the live board, a rebuild and a replay of
any moment all come from this same code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from crisis.facts.model import Fact
from crisis.incidents.model import Incident
from crisis.people.departments import DEPARTMENTS
from crisis.posts.model import Post

# Bump when the shape of a stored board row changes: the view rebuilds itself.
LAYOUT = 1

Doc = dict[str, Any]


class Board:
    """All incidents, keyed by id, plus which incident each fact and post belongs to."""

    def __init__(self, incidents: dict[str, Doc] | None = None) -> None:
        self.incidents: dict[str, Doc] = incidents or {}
        self.owner: dict[str, str] = {
            item_id: incident_id
            for incident_id, doc in self.incidents.items()
            for part in ("facts", "posts")
            for item_id in doc[part]
        }

    def apply(self, event: Any, position: int) -> str | None:
        """Apply one event; return the id of the incident it changed, if any."""
        handler = _HANDLERS.get(type(event))
        if handler is None:
            return None
        doc = handler(self, event)
        doc["position"] = position
        doc["updated_at"] = _iso(event.at)
        return doc["id"]

    def item(self, part: str, event: Any) -> Doc:
        item_id = str(event.originator_id)
        return self.incidents[self.owner[item_id]][part][item_id]

    def add_item(self, part: str, event: Any, item: Doc) -> Doc:
        incident_id, item_id = str(event.incident_id), str(event.originator_id)
        doc = self.incidents[incident_id]
        doc[part][item_id] = {"id": item_id, **item}
        self.owner[item_id] = incident_id
        return doc


def _iso(at: datetime) -> str:
    return at.isoformat()


def _person(by: dict) -> str:
    return by["name"]


def _incident_opened(board: Board, e: Incident.Opened) -> Doc:
    doc = {
        "id": str(e.originator_id),
        "kind": e.kind,
        "title": e.title,
        "areas": list(e.areas),
        "department": e.department,
        "department_name": DEPARTMENTS.get(e.department, e.department),
        "severity": e.severity,
        "phase": "active",
        "opened_at": _iso(e.at),
        "opened_by": _person(e.by),
        "facts": {},
        "posts": {},
    }
    board.incidents[doc["id"]] = doc
    return doc


def _phase_changed(board: Board, e: Incident.PhaseChanged) -> Doc:
    doc = board.incidents[str(e.originator_id)]
    doc["phase"] = e.phase
    return doc


def _fact_submitted(board: Board, e: Fact.Submitted) -> Doc:
    return board.add_item(
        "facts",
        e,
        {"text": e.text, "status": "submitted", "submitted_by": _person(e.by),
         "verified_by": None, "approved_by": None, "updated_at": _iso(e.at)},
    )


def _fact_status(status: str, who: str) -> Callable[[Board, Any], Doc]:
    def handle(board: Board, e: Any) -> Doc:
        fact = board.item("facts", e)
        fact.update({"status": status, who: _person(e.by), "updated_at": _iso(e.at)})
        return board.incidents[board.owner[fact["id"]]]

    return handle


def _post_drafted(board: Board, e: Post.Drafted) -> Doc:
    return board.add_item(
        "posts",
        e,
        {"channel": e.channel, "text": e.text, "status": "draft",
         "cites": [str(c) for c in e.cites],
         "links_to": str(e.links_to) if e.links_to else None,
         "drafted_by": _person(e.by), "published_at": None, "updated_at": _iso(e.at)},
    )


def _post_status(status: str) -> Callable[[Board, Any], Doc]:
    def handle(board: Board, e: Any) -> Doc:
        post = board.item("posts", e)
        post.update({"status": status, "updated_at": _iso(e.at)})
        if status == "published":
            post["published_at"] = _iso(e.at)
        return board.incidents[board.owner[post["id"]]]

    return handle


_HANDLERS: dict[type, Callable[[Board, Any], Doc]] = {
    Incident.Opened: _incident_opened,
    Incident.PhaseChanged: _phase_changed,
    Fact.Submitted: _fact_submitted,
    Fact.Verified: _fact_status("verified", "verified_by"),
    Fact.Approved: _fact_status("approved", "approved_by"),
    Post.Drafted: _post_drafted,
    Post.Approved: _post_status("approved"),
    Post.Published: _post_status("published"),
}
