"""The response load per channel, kept as the inquiries change.

Each incident keeps, per channel, the times inquiries were received and the
backlog (open inquiries owed an answer) in time order, so the load as of any
moment costs a few binary searches, not a pass over the inquiries: at 20,000
inquiries `GET /api/incidents/{id}/load` reads these, and every change to an
inquiry carries its channel's load as of that event (the incident doc part
`load`, keyed by channel), so pages need not ask for it after each change.

A backlog item's SLA state only gets worse the longer it waited, so the
oldest ones are the late ones: `crisis.sla.late_from` gives the latest
receipt time that is breached as of the moment, and the latest at risk, and a
binary search of the backlog counts each. `inquiries.load_per_channel` computes the same
from the items (for the review's moments); a test holds the two equal.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crisis.sla import Policy, late_from
from projections.board import LOAD, Doc, iso

# What one inquiry adds to its channel's load: channel, received, status, in the backlog.
Share = tuple[str, datetime, str, bool]
LATEST = "\uffff"  # sorts after every id: a (time, LATEST) bound takes all at that time
CLOSED = ("answered", "referred", "moderated")
POLICY_FIELDS = {"crisis_mode", "sla_minutes"}


@dataclass
class Channel:
    received: list[datetime] = field(default_factory=list)
    backlog: list[tuple[datetime, str]] = field(default_factory=list)
    closed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLOSED, 0))

    def add(self, share: Share, item: str, sign: int) -> None:
        _, received, status, waiting = share
        if sign > 0:
            insort(self.received, received)
        else:
            del self.received[bisect_left(self.received, received)]
        if status in self.closed:
            self.closed[status] += sign
        if waiting:
            if sign > 0:
                insort(self.backlog, (received, item))
            else:
                del self.backlog[bisect_left(self.backlog, (received, item))]

    def as_of(self, now: datetime, policy: Policy) -> Doc:
        """The same figures as `inquiries.load_per_channel` gives for this channel."""
        waiting = bisect_right(self.backlog, (now, LATEST))
        oldest = self.backlog[0][0] if waiting else None
        breached, at_risk = late_from(now, policy)
        late = bisect_right(self.backlog, (breached, LATEST), 0, waiting)
        risky = bisect_right(self.backlog, (at_risk, LATEST), late, waiting)
        arrived = bisect_right(self.received, now)
        return {
            "received_15m": arrived - bisect_left(self.received, now - timedelta(minutes=15)),
            "received_60m": arrived - bisect_left(self.received, now - timedelta(minutes=60)),
            "backlog": waiting,
            "oldest_waiting_at": iso(oldest) if oldest else None,
            "oldest_waiting_minutes": (
                round((now - oldest).total_seconds() / 60, 1) if oldest else None
            ),
            "at_risk": risky - late,
            "breached": late,
            **self.closed,
        }


class Counters:
    """One incident's load indexes, and what each inquiry adds to them."""

    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.shares: dict[str, Share] = {}

    @classmethod
    def of(cls, doc: Doc) -> Counters:
        counters = cls()
        for item in doc.get("inquiries", {}).values():
            counters._count(item)
        return counters

    def load(self, doc: Doc, now: datetime) -> dict[str, Doc]:
        """Per channel that received anything by `now`, its load as of `now`."""
        policy = policy_of(doc)
        return {
            name: channel.as_of(now, policy)
            for name, channel in sorted(self.channels.items())
            if bisect_right(channel.received, now)
        }

    def update(self, board: Any, doc: Doc, at: datetime, fields: set[str]) -> None:
        """After an event: recount the inquiries it touched; the channels whose
        load changed (all, if the SLA policy did) get their load as of `at`."""
        changed = {
            channel
            for kind, item in board._touched.get(doc["id"], ())
            if kind == "inquiries"
            for channel in self._count(doc["inquiries"][item])
        }
        if fields & POLICY_FIELDS:
            changed = set(self.channels)
        policy = policy_of(doc)
        for channel in changed:
            doc[LOAD][channel] = {"channel": channel, "as_of": iso(at)}
            doc[LOAD][channel].update(self.channels[channel].as_of(at, policy))
            board.touch(doc, LOAD, channel)

    def _count(self, item: Doc) -> set[str]:
        """Count the item as it is now; the channels whose counts changed."""
        share = _share(item)
        before = self.shares.get(item["id"])
        if before == share:
            return set()
        if before is not None:
            self.channels[before[0]].add(before, item["id"], -1)
        channel = self.channels.get(share[0]) or self.channels.setdefault(share[0], Channel())
        channel.add(share, item["id"], +1)
        self.shares[item["id"]] = share
        return {share[0]} | ({before[0]} if before else set())


def _share(item: Doc) -> Share:
    from projections.board.inquiries import in_backlog

    received = datetime.fromisoformat(item["received_at"])
    return (item["channel"], received, item["status"], in_backlog(item))


def policy_of(doc: Doc) -> Policy:
    from projections.board.inquiries import policy_of as policy

    return policy(doc)
