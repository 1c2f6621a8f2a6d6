"""The live board: each incident with what crisis staff need to see.

Pure functions of the events, so the live board, a rebuild and a replay of
any moment all come from this same code. Each concept's handlers live in
their own module here and register with `handles`; each module's docstring
lists the doc fields it keeps. Items that cite facts carry `cites` (see
`facts.citations`) and are followed up generically when a fact changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, overload

from projections.view import View

# Bump when the shape of a stored board row changes: the view rebuilds itself.
LAYOUT = 7

Doc = dict[str, Any]
Handler = Callable[["Board", Any], Doc]
_HANDLERS: dict[type, Handler] = {}
# The parts of an incident doc that hold items keyed by id (facts, posts, ...).
ITEM_PARTS: list[str] = []


def handles(*event_types: type) -> Callable[[Handler], Handler]:
    """Register a function that applies these events and returns the incident doc it changed."""

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            _HANDLERS[event_type] = handler
        return handler

    return register


def handled() -> list[type]:
    """The kinds of event the board applies (each names what someone did on it)."""
    return list(_HANDLERS)


class Board:
    """All incidents, keyed by id, plus which incident each item belongs to.
    The incidents are the view's rows (see `projections.view.Model`)."""

    def __init__(self, docs: dict[str, Doc] | None = None) -> None:
        self.incidents: dict[str, Doc] = docs or {}
        # The earliest time (ISO) of personal data removed since the last save:
        # copies of the board from then on (replay checkpoints) must go too.
        self.forgotten: str | None = None
        self.owner: dict[str, str] = {
            item_id: incident_id
            for incident_id, doc in self.incidents.items()
            for part in ITEM_PARTS
            for item_id in doc.get(part, {})
        }

    @property
    def rows(self) -> dict[str, Doc]:
        return self.incidents

    def apply(self, event: Any, position: int) -> tuple[str, ...]:
        """Apply one event; return the id of the incident it changed, if any.
        An event changes at most one incident, so each change has its own position."""
        handler = _HANDLERS.get(type(event))
        if handler is None:
            return ()
        doc = handler(self, event)
        doc["position"] = position
        doc["updated_at"] = iso(event.at)
        _note_work(doc, event)
        return (doc["id"],)

    def item(self, part: str, event: Any) -> Doc:
        """The item (fact, post, ...) an event is about."""
        item_id = str(event.originator_id)
        return self.incidents[self.owner[item_id]][part][item_id]

    def forgot(self, since: str) -> None:
        """Personal data received at `since` was removed (see `forgotten`)."""
        if self.forgotten is None or time_of(since) < time_of(self.forgotten):
            self.forgotten = since

    def incident_of(self, item: Doc) -> Doc:
        return self.incidents[self.owner[item["id"]]]

    def add_item(self, part: str, event: Any, item: Doc) -> Doc:
        """Add a new item to its incident (named by `event.incident_id`); return the incident."""
        incident_id, item_id = str(event.incident_id), str(event.originator_id)
        doc = self.incidents[incident_id]
        doc.setdefault(part, {})[item_id] = {"id": item_id, **item}
        self.owner[item_id] = incident_id
        return doc


def _note_work(doc: Doc, event: Any) -> None:
    """Who is working on what: each person's latest act on the incident, and
    how many acts they have done on it (where the effort goes)."""
    by = getattr(event, "by", None)
    if not by:
        return
    who = doc.setdefault("working", {}).setdefault(by["id"], {"actions": 0})
    item = str(event.originator_id)
    who.update(
        name=person(by),
        role=by.get("role"),
        did=type(event).__qualname__,
        item=None if item == doc["id"] else item,
        at=iso(event.at),
        actions=who["actions"] + 1,
    )


def iso(at: datetime) -> str:
    return at.isoformat()


@overload
def time_of(value: str) -> datetime: ...
@overload
def time_of(value: None) -> None: ...
@overload
def time_of(value: str | None) -> datetime | None: ...
def time_of(value: str | None) -> datetime | None:
    """A time as the read models store it (ISO 8601), or None for none yet."""
    return datetime.fromisoformat(value) if value else None


def person(by: dict) -> str:
    return by["name"]


def item_part(name: str) -> str:
    ITEM_PARTS.append(name)
    return name


# Register every concept's handlers.
from projections.board import facts, incidents, inquiries, posts, replies, rumours  # noqa: E402,F401

VIEW = View("board", LAYOUT, Board)
