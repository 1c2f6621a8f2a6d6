"""The live board: each incident with what crisis staff need to see.

Pure functions of the events, so the live board, a rebuild and a replay of
any moment all come from this same code. Each concept's handlers live in
their own module here and register with `handles`; each module's docstring
lists the doc fields it keeps. Items that cite facts carry `cites` (see
`facts.citations`) and are followed up generically when a fact changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, overload

import orjson

from projections.view import View

# Bump when the shape of a stored board row changes: the view rebuilds itself.
LAYOUT = 8

Doc = dict[str, Any]
Handler = Callable[["Board", Any], Doc]
_HANDLERS: dict[type, Handler] = {}
# Events whose handler changes items only, never the incident's own fields.
_ITEMS_ONLY: set[type] = set()
# The parts of an incident doc that hold items keyed by id (facts, posts, ...).
ITEM_PARTS: list[str] = []
# Parts that are rows of their own too, but no items: who works on what, and
# the response load per channel (see `projections.board.load`).
WORKING, LOAD = "working", "load"
# Always part of a change of the header: the position and time of its last event.
STAMP = ("position", "updated_at")


def handles(*event_types: type, header: bool = True) -> Callable[[Handler], Handler]:
    """Register a function that applies these events and returns the incident doc it changed.
    A handler that changes an item other than through `add_item` or `item`
    says so with `touch`, so the item's row is written and sent. `header=False`:
    it never changes the incident's own fields, so they are not compared after
    it (most events are of this kind; a test holds every such handler to it)."""

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            _HANDLERS[event_type] = handler
            if not header:
                _ITEMS_ONLY.add(event_type)
        return handler

    return register


def handled() -> list[type]:
    """The kinds of event the board applies (each names what someone did on it)."""
    return list(_HANDLERS)


def items_only() -> set[type]:
    """The kinds of event whose handler changes no header field (`handles`)."""
    return set(_ITEMS_ONLY)


def row_kinds() -> list[str]:
    """The parts of an incident doc kept as rows of their own, one per entry."""
    return [*ITEM_PARTS, WORKING, LOAD]


def row_id(incident: str, kind: str | None = None, item: str | None = None) -> str:
    """A stored row: an incident's header is its id; an item is incident/kind/id."""
    return incident if kind is None else f"{incident}/{kind}/{item}"


def split_row(key: str) -> tuple[str, str | None, str | None]:
    incident, _, rest = key.partition("/")
    if not rest:
        return incident, None, None
    kind, _, item = rest.partition("/")
    return incident, kind, item


def header(doc: Doc) -> Doc:
    """The incident's own fields, without its items."""
    kinds = row_kinds()
    return {k: v for k, v in doc.items() if k not in kinds}


def assemble(rows: Iterable[tuple[str, Doc]]) -> dict[str, Doc]:
    """Incident docs from stored rows (a header and its items, in any order)."""
    docs: dict[str, Doc] = {}
    items: list[tuple[str, str, str, Doc]] = []
    for key, row in rows:
        incident, kind, item = split_row(key)
        if kind is None:
            docs[incident] = {**row, **{k: {} for k in row_kinds()}}
        else:
            items.append((incident, kind, item or "", row))
    for incident, kind, item, row in items:
        if incident in docs:
            docs[incident].setdefault(kind, {})[item] = row
    return docs


class Incidents(dict[str, Doc]):
    """The incidents in memory; a closed one set aside (`Board.shelve`) comes
    back from the store when an event reaches it (a late erasure, a reopening)."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def __missing__(self, incident: str) -> Doc:
        if incident not in self.board.shelved or self.board.fetch is None:
            raise KeyError(incident)
        doc = assemble(self.board.fetch(incident).items()).get(incident)
        if doc is None:
            raise KeyError(incident)
        self.board.adopt(doc)
        return doc


class Owners(dict[str, str]):
    """Which incident each item belongs to; an item of a closed incident set
    aside is looked up when an event reaches it (`Board.origin`), rather than
    held for every item of years of incidents."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def __missing__(self, item: str) -> str:
        incident = self.board.origin(item) if self.board.origin is not None else None
        if incident is None or incident not in self.board.shelved:
            raise KeyError(item)
        return incident


class Board:
    """All incidents, keyed by id, plus which incident each item belongs to.

    Stored and sent as rows: each incident's header and each of its items
    (`row_kinds`) on its own, so applying an event costs what it touched,
    whatever the size of the incident."""

    def __init__(self, docs: dict[str, Doc] | None = None) -> None:
        from projections.board.load import Counters

        self.incidents = Incidents(self)
        # Headers of closed incidents whose items are not in memory.
        self.shelved: dict[str, Doc] = {}
        # Reads one incident's stored rows ({row id: doc}); set by the runner.
        self.fetch: Callable[[str], dict[str, Doc]] | None = None
        # The earliest time (ISO) of personal data removed since the last save:
        # copies of the board from then on (replay checkpoints) must go too.
        self.forgotten: str | None = None
        # Reads which incident an item belongs to from the log; set by the runner.
        self.origin: Callable[[str], str | None] | None = None
        self.owner = Owners(self)
        self.counters: dict[str, Counters] = {}
        self._headers: dict[str, dict[str, bytes]] = {}
        # The items the event being applied touched, by incident.
        self._touched: dict[str, set[tuple[str, str]]] = {}
        self._fields: dict[str, set[str]] = {}
        for doc in (docs or {}).values():
            self.adopt(doc)

    @classmethod
    def from_rows(cls, rows: dict[str, Doc]) -> Board:
        """The board from its stored rows (those of closed incidents need not be
        among them: they stay in the store, `open_incidents`)."""
        board = cls(assemble(rows.items()))
        board.shelve()
        return board

    def adopt(self, doc: Doc, new: bool = False) -> None:
        """Take an incident doc into memory, with its owners and load counters
        (`new`: just opened, so every header field is a change)."""
        from projections.board.load import Counters

        incident = doc["id"]
        for kind in row_kinds():
            doc.setdefault(kind, {})
        self.incidents[incident] = doc
        self.shelved.pop(incident, None)
        for part in ITEM_PARTS:
            for item_id in doc[part]:
                self.owner[item_id] = incident
        self.counters[incident] = Counters.of(doc)
        self._headers[incident] = {} if new else _texts(doc)

    def shelve(self) -> None:
        """Set closed incidents aside: their header stays, their items go (the
        store has them). Call only when what was applied is saved."""
        for incident, doc in list(self.incidents.items()):
            if doc.get("phase") == "closed":
                self.shelved[incident] = header(doc)
                del self.incidents[incident]
                for part in ITEM_PARTS:
                    for item in doc.get(part, {}):
                        self.owner.pop(item, None)  # looked up again when needed (`Owners`)
                self.counters.pop(incident, None)
                self._headers.pop(incident, None)

    def documents(self, incident: str | None = None) -> Iterator[Doc]:
        """The whole board (in id order): open incidents whole, closed ones by
        their header (years of closed incidents hold hundreds of thousands of
        items, and a live screen wants the open ones); or the one, whole, a
        closed one read from the store without taking it into memory. Do not
        change them."""
        if incident is not None:
            return (d for d in [self.document(incident)] if d)
        ids = sorted(self.incidents.keys() | self.shelved.keys())
        return (self._at_a_glance(i) for i in ids)

    def _at_a_glance(self, incident: str) -> Doc:
        doc = self.shelved.get(incident) or self.incidents[incident]
        return header(doc) if doc.get("phase") == "closed" else doc

    def document(self, incident: str) -> Doc | None:
        if incident in self.incidents:
            return self.incidents[incident]
        if incident in self.shelved and self.fetch is not None:
            return assemble(self.fetch(incident).items()).get(incident)
        return None

    def load(self, incident: str, now: datetime) -> tuple[Doc, dict[str, Doc]] | None:
        """An incident's header and its load per channel as of `now`, from the
        counters (a closed incident's are counted from the store)."""
        from projections.board.load import Counters

        doc = self.incidents.get(incident) or self.document(incident)
        if doc is None:
            return None
        counters = self.counters.get(incident) or Counters.of(doc)
        return header(doc), counters.load(doc, now)

    def headers(self) -> Iterator[Doc]:
        """Every incident's header, in memory or shelved (do not change them)."""
        yield from self.incidents.values()
        yield from self.shelved.values()

    @property
    def rows(self) -> dict[str, Doc]:
        """Every row in memory, by row id (for counting and comparing)."""
        found: dict[str, Doc] = {}
        for incident, doc in self.incidents.items():
            found[incident] = header(doc)
            for kind in row_kinds():
                for item, row in doc[kind].items():
                    found[row_id(incident, kind, item)] = row
        return found

    def row(self, key: str) -> Doc | None:
        """One row as it stands now; None if it is gone."""
        incident, kind, item = split_row(key)
        doc = self.incidents.get(incident)
        if doc is None:
            return None
        if kind is None:
            return header(doc)
        return doc.get(kind, {}).get(item or "")

    def apply(self, event: Any, position: int) -> tuple[str, ...]:
        """Apply one event; return the ids of the rows it changed (see `row_id`).
        An event changes at most one incident, so each change has its own position."""
        handler = _HANDLERS.get(type(event))
        if handler is None:
            return ()
        self._touched = {}
        doc = handler(self, event)
        incident = doc["id"]
        doc["position"] = position
        doc["updated_at"] = iso(event.at)
        _note_work(self, doc, event)
        fields = set(STAMP) if type(event) in _ITEMS_ONLY else self._changed_fields(doc)
        self.counters[incident].update(self, doc, event.at, fields)
        touched = self._touched.setdefault(incident, set())
        self._fields.setdefault(incident, set()).update(fields)
        return (incident, *(row_id(incident, k, i) for k, i in sorted(touched)))

    def fields(self, incident: str) -> set[str]:
        """The header fields changed since the last `settle`."""
        return self._fields.get(incident, set())

    def settle(self) -> None:
        """What was applied is saved and sent: start noting changes afresh."""
        self._fields.clear()

    def touch(self, incident: Doc | str, kind: str, item: str) -> None:
        """Note that the event being applied changed an item, so its row is written and sent."""
        incident_id = incident if isinstance(incident, str) else incident["id"]
        self._touched.setdefault(incident_id, set()).add((kind, item))

    def item(self, part: str, event: Any) -> Doc:
        """The item (fact, post, ...) an event is about (noted as changed)."""
        item_id = str(event.originator_id)
        incident = self.owner[item_id]
        self.touch(incident, part, item_id)
        return self.incidents[incident][part][item_id]

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
        self.touch(incident_id, part, item_id)
        return doc

    def _changed_fields(self, doc: Doc) -> set[str]:
        """The header fields whose value differs from when last seen."""
        before = self._headers.setdefault(doc["id"], {})
        now = _texts(doc)
        self._headers[doc["id"]] = now
        return {k for k, text in now.items() if before.get(k) != text} | set(STAMP)


def _texts(doc: Doc) -> dict[str, bytes]:
    kinds = row_kinds()
    return {k: orjson.dumps(v) for k, v in doc.items() if k not in kinds and k not in STAMP}


def _note_work(board: Board, doc: Doc, event: Any) -> None:
    """Who is working on what: each person's latest act on the incident, and
    how many acts they have done on it (where the effort goes)."""
    by = getattr(event, "by", None)
    if not by:
        return
    who = doc.setdefault(WORKING, {}).setdefault(by["id"], {"actions": 0})
    item = str(event.originator_id)
    who.update(
        name=person(by),
        role=by.get("role"),
        did=type(event).__qualname__,
        item=None if item == doc["id"] else item,
        at=iso(event.at),
        actions=who["actions"] + 1,
    )
    board.touch(doc, WORKING, by["id"])


def iso(at: datetime) -> str:
    """The time as the board stores it. Applying one event asks for its time
    several times (received, updated, who worked, the load's as-of), so the
    last answer is kept, for the very same datetime object."""
    last = _LAST_ISO[0]
    if last[0] is at:
        return last[1]
    text = at.isoformat()
    _LAST_ISO[0] = (at, text)
    return text


_LAST_ISO: list[tuple[datetime | None, str]] = [(None, "")]


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


def open_incidents(headers: dict[str, Doc]) -> list[str]:
    """The incidents whose rows the board reads at start: closed ones are set
    aside anyway, and a whole log's of them would not fit in memory."""
    return [incident for incident, header in headers.items() if header.get("phase") != "closed"]


# Register every concept's handlers.
from projections.board import facts, incidents, inquiries, posts, replies, rumours  # noqa: E402,F401

VIEW = View("board", LAYOUT, Board.from_rows, events=handled, loads=open_incidents)
