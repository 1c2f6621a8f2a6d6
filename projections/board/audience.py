"""What each role may see of the board: the one place that decides it, for
every board output (`GET /api/board`, the websocket's board and its changes,
the desks' snapshots).

Residents' data (handles, texts, external ids, the replies to them) goes only
to those who handle inquiries (comms, editor). A department (a person or a
department API token) and an admin see the incidents' headers, facts, posts,
rumours and the load per channel, and of each inquiry only what follows a
fact's citations (channel, status, category, times, what it cites and needs
following up): never the resident, never the replies. A reviewer sees
each inquiry without its handle and external id, with the staff's answers,
channels, categories and times (enough for every review figure), and its
text only where it was flagged archive-worthy.

A department sees only the incidents it serves (responsible or supporting).
When an incident comes to serve it, or stops, its screens get a fresh board
(`server.hub`): a change carries only what changed, so a screen that had left
the incident out could not be brought up to date by changes alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from crisis.people.model import Actor, Role
from projections.board import Doc

INQUIRIES = "inquiries"
# Fields of an inquiry that are a resident's own words or identity.
RESIDENT = ("handle", "external_id", "text")
# What a department sees of an inquiry: enough to follow up a fact it cites.
CITING = (
    "id",
    "channel",
    "status",
    "category",
    "received_at",
    "updated_at",
    "closed_at",
    "cites",
    "needs_follow_up",
    "followed_up",
)


@dataclass(frozen=True)
class Audience:
    """Who is looking: everything, no inquiries, or inquiries for review; and
    for a department, only the incidents it serves."""

    name: str
    department: str | None = None

    def sees(self, serving: frozenset[str]) -> bool:
        """Whether it sees an incident served by these departments."""
        return self.department is None or self.department in serving

    def view(self, doc: Doc) -> Doc | None:
        """The incident doc as this audience may see it, None if not at all."""
        return self.doc(doc) if self.sees(serving(doc)) else None

    def doc(self, doc: Doc) -> Doc:
        """The incident doc as this audience may see it (the same object if all)."""
        if self is ALL:
            return doc
        return {**doc, INQUIRIES: self.inquiries(doc.get(INQUIRIES, {}))}

    def inquiries(self, items: dict[str, Doc]) -> dict[str, Doc]:
        shown = for_review if self is REVIEW else citing
        return {key: shown(item) for key, item in items.items()}

    def reads(self, name: str, inquiry: Doc | None) -> bool:
        """Whether this audience may read a resident's `name` ("handle" or
        "text") of an inquiry (as the board has it; None if unknown): the
        timeline's sealed params follow the same rule as the board's items."""
        if self is ALL:
            return True
        return self is REVIEW and name == "text" and bool(inquiry and inquiry.get("archive_worthy"))

    def change(self, message: Doc) -> Doc:
        """A change message (see `projections.board.changes`) as this audience may see it."""
        if self is ALL:
            return message
        items = dict(message.get("items", {}))
        if INQUIRIES in items:
            items[INQUIRIES] = self.inquiries(items[INQUIRIES])
        return {**message, "items": items}


ALL = Audience("all")
COUNTS = Audience("counts")
REVIEW = Audience("review")
_BY_ROLE = {Role.COMMS: ALL, Role.EDITOR: ALL, Role.REVIEWER: REVIEW}


def audience(actor: Actor) -> Audience:
    """What this person (or token) may see of the board."""
    if actor.role is Role.DEPARTMENT:
        return Audience(COUNTS.name, department=actor.department or "")
    return _BY_ROLE.get(actor.role, COUNTS)


# The header fields that say which departments serve an incident.
SERVING = ("department", "supporting")


def serving(header: Doc) -> frozenset[str]:
    """The departments an incident's header names: responsible and supporting."""
    supporting = {d["key"] for d in header.get("supporting") or ()}
    return frozenset(supporting | ({header["department"]} if header.get("department") else set()))


def for_review(item: Doc) -> Doc:
    """An inquiry without the resident: no handle, no external id, and its
    text only if it was flagged archive-worthy."""
    shown = {k: v for k, v in item.items() if k not in RESIDENT}
    if item.get("archive_worthy"):
        shown["text"] = item.get("text")
    return shown


def citing(item: Doc) -> Doc:
    """An inquiry as far as a fact's follow-up needs it: no resident, no replies."""
    return {k: item[k] for k in CITING if k in item}


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()
