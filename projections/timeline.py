"""The timeline: every event of the log as a line a person can read, per incident.

A read model in the view store, kept by the runner like every other
(`VIEW`), but brought up to date when read rather than after every command:
a query first applies what the log gained since (usually nothing, or a short
tail), then reads one incident's lines by index, never the whole log.

A line:
  position, at (UTC ISO), incident (id, or None for the channel registry),
  kind (incident | fact | post | rumour | inquiry | watch_list | review | channels),
  type (the event class, e.g. "Fact.Verified", plus ":on"/":off"/":apology"
        where one event reads as different sentences),
  item (the aggregate's id), by ({id, name, role}), channel (key or None),
  params (what the sentence needs and the figures read).

A line is built when its event is applied, with its item's context as it
stood then (a fact's text at that revision, a post's channel), so a later
correction never rewrites what the timeline says happened earlier. The
sentences themselves live in the catalogue (`timeline` section), one per type.

Residents' personal data (an inquiry's handle and text) is kept sealed, as the
log has it (`Sealed.as_token`), and opened only when read (`opened`): lines
are never rewritten, so an erasure needs no rewrite either; once the keys are
gone, the param reads None and its name is listed in the line's `removed`.
Who may read which (`projections.board.audience`) is the caller's to say: a
param it may not read is None and listed in `withheld`.
Other items never quote an inquiry: a rumour sighting names it by id.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from crisis.channels.model import ChannelRegistry
from crisis.facts.model import Fact
from crisis.incidents.model import Incident
from crisis.inquiries.model import Inquiry
from crisis.log import CrisisLog
from crisis.people.departments import DEPARTMENTS
from crisis.posts.model import Post
from crisis.privacy.model import Sealed, Vault
from crisis.replies.model import ReplyLibrary
from crisis.review.model import Review
from crisis.rumours.model import Rumour, WatchList
from crisis.sitreps.model import Sitreps
from projections.replay import utc_iso
from projections.runner import ViewRunner
from projections.store import ViewStore
from projections.view import Batch, View

LAYOUT = 2  # bump when a line's shape changes: the timeline rebuilds itself
CACHE_ITEMS = 50_000  # item contexts kept in memory between catch-ups
LABEL = 160  # characters of a text kept to name an item in a sentence

Line = dict[str, Any]
Context = dict[str, Any]
KINDS = (
    "incident",
    "fact",
    "post",
    "rumour",
    "inquiry",
    "watch_list",
    "replies",
    "review",
    "records",
    "channels",
)

metadata = MetaData()
lines_table = Table(
    "timeline_lines",
    metadata,
    Column("position", Integer, primary_key=True),
    Column("incident", String(64), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("at", String(40), nullable=False),
    Column("doc", Text, nullable=False),
    Index("timeline_by_incident", "incident", "position"),
)
ITEM = "item/"  # an item's context is the timeline's row "item/<id>"


class Items:
    """The timeline's model: builds each event's line, keeping the context of
    each item that later lines need (an incident's title, a post's channel).
    Contexts are its rows; its lines go to their own table (`VIEW.writes`).
    A context is read from the store when it is not in memory (`fetch`)."""

    def __init__(self, _stored: dict[str, Context]) -> None:
        self.cache: dict[str, Context] = {}
        self.changed: dict[str, Context] = {}  # by this batch
        self.lines: list[Line] = []  # this batch's
        self.fetch: Callable[[str], dict[str, Context]] = lambda _group: {}
        self._touched: list[str] = []

    @property
    def rows(self) -> dict[str, Context]:
        return {ITEM + k: v for k, v in {**self.cache, **self.changed}.items()}

    def row(self, row_id: str) -> Context:
        return self.get(row_id.removeprefix(ITEM))

    def apply(self, event: Any, position: int) -> list[str]:
        self.lines.append(build(event, position, self))
        touched, self._touched = self._touched, []
        return [ITEM + key for key in touched]

    def settle(self) -> None:
        self.cache.update(self.changed)
        self.changed.clear()
        self.lines.clear()

    def shelve(self) -> None:
        if len(self.cache) > CACHE_ITEMS:
            self.cache.clear()

    def get(self, item_id: Any) -> Context:
        key = str(item_id)
        if key in self.changed:
            return self.changed[key]
        cached = self.cache.get(key)
        if cached is None:
            cached = self.cache[key] = self.fetch(ITEM + key).get(ITEM + key, {})
        return cached

    def put(self, item_id: Any, context: Context) -> Context:
        self.changed[str(item_id)] = context
        self._touched.append(str(item_id))
        return context

    def update(self, item_id: Any, **fields: Any) -> Context:
        return self.put(item_id, {**self.get(item_id), **fields})


# What each event says: its kind, and a function giving (params, channel, variant).
Said = tuple[dict[str, Any], str | None, str | None]  # params, channel, variant
Builder = Callable[[Any, Items], Said]
_BUILDERS: dict[type, tuple[str, Builder, tuple[str, ...]]] = {}


def says(
    kind: str, *event_types: type, variants: tuple[str, ...] = ()
) -> Callable[[Builder], Builder]:
    """Register how events of these types read on the timeline."""

    def register(builder: Builder) -> Builder:
        for event_type in event_types:
            _BUILDERS[event_type] = (kind, builder, variants)
        return builder

    return register


def line_types() -> list[str]:
    """Every type a line can have (with its variants): each needs a sentence."""
    types = []
    for event_type, (_kind, _builder, variants) in _BUILDERS.items():
        name = event_type.__qualname__
        types.extend([f"{name}:{v}" if v else name for v in variants] or [name])
    return types


def registered(event_type: type) -> bool:
    return event_type in _BUILDERS


def build(event: Any, position: int, items: Items) -> Line:
    """The line for one event (pure but for the item contexts it reads and keeps)."""
    kind, builder, _ = _BUILDERS.get(type(event), ("other", _other, ()))
    incident = _incident_of(event, items)
    params, channel, variant = builder(event, items)
    name = type(event).__qualname__
    by = dict(getattr(event, "by", None) or {"id": "", "name": "", "role": ""})
    return {
        "position": position,
        "at": utc_iso(event.at),
        "incident": incident,
        "kind": kind,
        "type": f"{name}:{variant}" if variant else name,
        "item": str(event.originator_id),
        "by": by,
        "channel": channel,
        "params": params,
    }


def _incident_of(event: Any, items: Items) -> str | None:
    if isinstance(event, Incident.Event):
        return str(event.originator_id)
    incident = getattr(event, "incident_id", None)
    if incident is not None:
        return str(incident)
    return items.get(event.originator_id).get("incident")


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"


def _new_item(items: Items, e: Any, kind: str, **context: Any) -> None:
    """Remember what later events of a new item need: its incident, channel, label."""
    items.put(e.originator_id, {"incident": str(e.incident_id), "kind": kind, **context})


def _label(items: Items, item_id: Any) -> str:
    return items.get(item_id).get("label", "")


# Incidents


@says("incident", Incident.Opened)
def _opened(e: Incident.Opened, items: Items) -> Said:
    context = {"incident": str(e.originator_id), "kind": "incident", "label": _short(e.title)}
    items.put(e.originator_id, context)
    return (
        {
            "title": _short(e.title),
            "severity": e.severity,
            "phase": e.phase,
            "areas": ", ".join(e.areas),
            "department": _department(e.department),
        },
        None,
        None,
    )


@says("incident", Incident.PhaseChanged, variants=("", "reason"))
def _phase(e: Incident.PhaseChanged, items: Items) -> Said:
    return {"phase": e.phase, "reason": e.reason}, None, "reason" if e.reason.strip() else None


@says("incident", Incident.SeverityChanged)
def _severity(e: Incident.SeverityChanged, items: Items) -> Said:
    return {"severity": e.severity}, None, None


@says("incident", Incident.AreasChanged)
def _areas(e: Incident.AreasChanged, items: Items) -> Said:
    return {"areas": ", ".join(e.areas)}, None, None


@says("incident", Incident.DepartmentAssigned)
def _assigned(e: Incident.DepartmentAssigned, items: Items) -> Said:
    return {"department": _department(e.department), "reason": e.reason}, None, None


@says("incident", Incident.SupportingDepartmentsChanged, variants=("some", "none"))
def _supporting(e: Incident.SupportingDepartmentsChanged, items: Items) -> Said:
    names = ", ".join(_department(d) for d in e.departments)
    return {"departments": names}, None, "some" if names else "none"


@says("incident", Incident.CrisisModeSwitched, variants=("on", "off"))
def _crisis_mode(e: Incident.CrisisModeSwitched, items: Items) -> Said:
    return {"on": e.on, "sla_minutes": e.sla_minutes}, None, "on" if e.on else "off"


@says("incident", Incident.FourEyesSwitched, variants=("on", "off"))
def _four_eyes(e: Incident.FourEyesSwitched, items: Items) -> Said:
    return {}, None, "on" if e.on else "off"


# Facts


@says("fact", Fact.Submitted)
def _fact_submitted(e: Fact.Submitted, items: Items) -> Said:
    _new_item(items, e, "fact", label=_short(e.text), revision=1)
    return (
        {"fact": _short(e.text), "revision": 1, "department": _department(e.department)},
        None,
        None,
    )


@says("fact", Fact.Verified, Fact.Approved)
def _fact_status(e: Fact.Event, items: Items) -> Said:
    fact = items.get(e.originator_id)
    return {"fact": fact.get("label", ""), "revision": fact.get("revision", 1)}, None, None


@says("fact", Fact.Corrected)
def _fact_corrected(e: Fact.Corrected, items: Items) -> Said:
    before = _label(items, e.originator_id)
    items.update(e.originator_id, label=_short(e.text), revision=e.revision)
    return (
        {"fact": _short(e.text), "before": before, "revision": e.revision, "reason": e.reason},
        None,
        None,
    )


@says("fact", Fact.Withdrawn)
def _fact_withdrawn(e: Fact.Withdrawn, items: Items) -> Said:
    fact = items.get(e.originator_id)
    params = {"fact": fact.get("label", ""), "revision": fact.get("revision", 1)}
    return {**params, "reason": e.reason}, None, None


@says("fact", Fact.FollowedUp)
def _fact_followed_up(e: Fact.FollowedUp, items: Items) -> Said:
    item = items.get(e.item_id)
    params = {"fact": _label(items, e.originator_id), "item": item.get("label", ""), "note": e.note}
    return params, item.get("channel"), None


# Posts


@says("post", Post.Drafted, variants=("", "apology"))
def _post_drafted(e: Post.Drafted, items: Items) -> Said:
    _new_item(items, e, "post", label=_short(e.text), channel=e.channel)
    params = {"post": _short(e.text), "cites": len(e.cites)}
    if e.corrects:
        params["corrects"] = _label(items, e.corrects)
    return params, e.channel, "apology" if e.corrects else None


@says("post", Post.Approved, Post.Published)
def _post_status(e: Post.Event, items: Items) -> Said:
    post = items.get(e.originator_id)
    return {"post": post.get("label", "")}, post.get("channel"), None


@says("post", Post.Retracted, Post.Discarded)
def _post_dropped(e: Post.Retracted | Post.Discarded, items: Items) -> Said:
    post = items.get(e.originator_id)
    return {"post": post.get("label", ""), "reason": e.reason}, post.get("channel"), None


# Rumours and the watch list


@says("rumour", Rumour.Recorded)
def _rumour_recorded(e: Rumour.Recorded, items: Items) -> Said:
    _new_item(items, e, "rumour", label=_short(e.claim), channel=e.channel)
    return {"claim": _short(e.claim), "where": e.where, "reach": e.reach}, e.channel, None


@says("rumour", Rumour.Sighted)
def _rumour_sighted(e: Rumour.Sighted, items: Items) -> Said:
    params = {"claim": _label(items, e.originator_id), "where": e.where, "reach": e.reach}
    if e.inquiry_id:
        params["inquiry"] = str(e.inquiry_id)  # by id: never a copy of what the person wrote
    return params, e.channel, None


@says("rumour", Rumour.Assessed)
def _rumour_assessed(e: Rumour.Assessed, items: Items) -> Said:
    params = {"claim": _label(items, e.originator_id), "assessment": e.assessment, "note": e.note}
    return params, None, None


@says("rumour", Rumour.Corrected, variants=("post", "inquiry"))
def _rumour_corrected(e: Rumour.Corrected, items: Items) -> Said:
    source = items.get(e.ref)
    params = {
        "claim": _label(items, e.originator_id),
        "source": source.get("label", ""),
        "ref": str(e.ref),
        "cites": len(e.cites),
    }
    return params, source.get("channel"), e.via


@says("rumour", Rumour.Closed)
def _rumour_closed(e: Rumour.Closed, items: Items) -> Said:
    return {"claim": _label(items, e.originator_id), "resolution": e.resolution}, None, None


@says("watch_list", WatchList.Started)
def _watch_started(e: WatchList.Event, items: Items) -> Said:
    _new_item(items, e, "watch_list")
    return {}, None, None


@says("watch_list", WatchList.PhraseAdded, WatchList.PhraseRemoved)
def _watch_phrase(e: WatchList.PhraseAdded | WatchList.PhraseRemoved, items: Items) -> Said:
    return {"phrase": e.phrase}, None, None


# Inquiries


@says("inquiry", Inquiry.Received, variants=("", "watched"))
def _inquiry_received(e: Inquiry.Received, items: Items) -> Said:
    handle = e.handle.as_token()
    _new_item(items, e, "inquiry", channel=e.channel, handle=handle)
    params = {"handle": handle, "text": e.text.as_token(), "watch_match": e.watch_match or ""}
    return params, e.channel, "watched" if e.watch_match else None


def _inquiry(e: Inquiry.Event, items: Items, **params: Any) -> Said:
    inquiry = items.get(e.originator_id)
    return {"handle": inquiry.get("handle", ""), **params}, inquiry.get("channel"), None


@says("inquiry", Inquiry.Triaged)
def _triaged(e: Inquiry.Triaged, items: Items) -> Said:
    return _inquiry(e, items, category=e.category)


@says("inquiry", Inquiry.Assigned)
def _inquiry_assigned(e: Inquiry.Assigned, items: Items) -> Said:
    return _inquiry(e, items, assignee=e.assignee["name"])


@says("inquiry", Inquiry.HoldingReplySent, Inquiry.Answered)
def _replied(e: Inquiry.HoldingReplySent | Inquiry.Answered, items: Items) -> Said:
    return _inquiry(e, items, text=_short(e.text), cites=len(getattr(e, "cites", [])))


@says("inquiry", Inquiry.Referred)
def _referred(e: Inquiry.Referred, items: Items) -> Said:
    return _inquiry(e, items, to=_department(e.to), target=e.to, text=_short(e.reply))


@says("inquiry", Inquiry.Escalated)
def _escalated(e: Inquiry.Escalated, items: Items) -> Said:
    return _inquiry(e, items, reason=e.reason)


@says("inquiry", Inquiry.Moderated, variants=("", "blocked"))
def _moderated(e: Inquiry.Moderated, items: Items) -> Said:
    params, channel, _ = _inquiry(e, items, action=e.action, reason=e.reason)
    return params, channel, "blocked" if e.blocked else None


@says("inquiry", Inquiry.Erased, variants=("request", "retention"))
def _erased(e: Inquiry.Erased, items: Items) -> Said:
    params, channel, _ = _inquiry(e, items, note=e.note)
    return params, channel, e.reason


@says("inquiry", Inquiry.TextRedacted)
def _redacted(e: Inquiry.TextRedacted, items: Items) -> Said:
    return _inquiry(e, items, reason=e.reason)


@says("inquiry", Inquiry.ArchiveWorthinessSet, variants=("on", "off"))
def _archive(e: Inquiry.ArchiveWorthinessSet, items: Items) -> Said:
    params, channel, _ = _inquiry(e, items, reason=e.reason)
    return params, channel, "on" if e.worthy else "off"


# Saved replies: part of handling inquiries (which replies were on hand when)


@says("inquiry", ReplyLibrary.Started)
def _library_started(e: ReplyLibrary.Event, items: Items) -> Said:
    _new_item(items, e, "replies")
    return {}, None, None


@says("inquiry", ReplyLibrary.ReplySaved)
def _reply_saved(e: ReplyLibrary.ReplySaved, items: Items) -> Said:
    items.put(e.reply_id, {"incident": str(e.incident_id), "label": _short(e.title)})
    return {"title": _short(e.title), "text": _short(e.text), "cites": len(e.cites)}, None, None


@says("inquiry", ReplyLibrary.ReplyRemoved)
def _reply_removed(e: ReplyLibrary.ReplyRemoved, items: Items) -> Said:
    return {"title": _label(items, e.reply_id)}, None, None


# The review itself, and the channel registry (no incident)


@says("review", Review.Started)
def _review_started(e: Review.Event, items: Items) -> Said:
    _new_item(items, e, "review")
    return {}, None, None


@says("review", Review.MomentPinned)
def _pinned(e: Review.MomentPinned, items: Items) -> Said:
    return {"pinned": e.position, "note": e.note}, None, None


@says("review", Review.PinRemoved)
def _unpinned(e: Review.PinRemoved, items: Items) -> Said:
    return {"pinned": e.position}, None, None


# Records: situation reports drafted and issued, archive extracts taken. An
# issued report's line carries the whole report (sections and frozen figures),
# so reading the reports is reading these lines, and a replay at any position
# shows the reports issued by then.


@says("records", Sitreps.Started)
def _sitreps_started(e: Any, items: Items) -> Said:
    _new_item(items, e, "records")
    return {}, None, None


@says("records", Sitreps.DraftSaved)
def _sitrep_draft(e: Any, items: Items) -> Said:
    return _report(e), None, None


@says("records", Sitreps.Issued)
def _sitrep_issued(e: Any, items: Items) -> Said:
    period = {"period_from": utc_iso(e.period_from), "period_to": utc_iso(e.period_to)}
    return {**_report(e), **period, "figures": e.figures}, None, None


@says("records", Sitreps.ArchiveExported)
def _archive_exported(e: Any, items: Items) -> Said:
    return {"at_position": e.position}, None, None


def _report(e: Any) -> dict[str, Any]:
    due = e.next_report_at
    return {
        "number": e.number,
        "sections": dict(e.sections),
        "next_report_at": utc_iso(due) if due else None,
    }


@says("channels", ChannelRegistry.Seeded)
def _seeded(e: ChannelRegistry.Seeded, items: Items) -> Said:
    return {"count": len(e.channels)}, None, None


@says("channels", ChannelRegistry.ChannelAdded)
def _channel_added(e: ChannelRegistry.ChannelAdded, items: Items) -> Said:
    return {"name": e.channel["name"]}, e.channel["key"], None


@says("channels", ChannelRegistry.ChannelChanged)
def _channel_changed(e: ChannelRegistry.ChannelChanged, items: Items) -> Said:
    return {"fields": ", ".join(sorted(e.changes))}, e.key, None


@says("channels", ChannelRegistry.ChannelRetired)
def _channel_retired(e: ChannelRegistry.ChannelRetired, items: Items) -> Said:
    return {"reason": e.reason}, e.key, None


def _other(e: Any, items: Items) -> Said:
    return {}, None, None


def _department(key: str) -> str:
    return DEPARTMENTS.get(key, key)


def sealed_items(lines: Iterable[Line]) -> set[UUID]:
    """The items whose keys opening these lines needs (`Vault.preload` them)."""
    tokens = (Sealed.from_token(v) for line in lines for v in line["params"].values())
    return {sealed.item for sealed in tokens if sealed is not None and sealed.box}


def opened(line: Line, vault: Vault, may_read: Callable[[str], bool]) -> Line:
    """The line with each sealed param the reader `may_read` opened (shortened
    like other texts); one it may not read is None and listed in `withheld`,
    one whose key was deleted is None and listed in `removed`. Call
    `vault.refresh()` before a pass."""
    params, removed, withheld = {}, [], []
    for name, value in line["params"].items():
        sealed = Sealed.from_token(value)
        if sealed is not None:
            if not may_read(name):
                value = None
                withheld.append(name)
            else:
                value = vault.open(sealed)
                if value is None:
                    removed.append(name)
                else:
                    value = _short(value)
        params[name] = value
    return {**line, "params": params, "removed": removed, "withheld": withheld}


def _row(line: Line) -> dict[str, Any]:
    return {
        "position": line["position"],
        "incident": line["incident"],
        "kind": line["kind"],
        "at": line["at"],
        "doc": json.dumps(line, ensure_ascii=False),
    }


def _write_lines(conn: Connection, _batch: Batch, items: Items) -> None:
    if items.lines:
        conn.execute(insert(lines_table), [_row(line) for line in items.lines])


def _stored_lines(conn: Connection) -> dict[str, Any]:
    found = conn.execute(select(lines_table.c.position, lines_table.c.doc))
    return {f"line/{r.position}": json.loads(r.doc) for r in found}


VIEW = View(
    "timeline",
    LAYOUT,
    Items,
    tables=(lines_table,),
    writes=_write_lines,
    stored=_stored_lines,
    loads=lambda _headers: (),  # contexts are read when needed
    follows=False,
    opens=False,
)


class Timeline:
    """The timeline's lines, by incident, kind and moment; `catch_up` before reading."""

    def __init__(self, store: ViewStore) -> None:
        self.store, self.engine = store, store.engine
        metadata.create_all(self.engine)
        self._runner: ViewRunner | None = None
        self._lock = threading.Lock()

    def catch_up(self, log: CrisisLog) -> int:
        """Apply every event after the timeline's position; return the new position."""
        with self._lock:
            if self._runner is None:
                self._runner = ViewRunner(log, self.store, VIEW)
            self._runner.pull()
            return self._runner.position

    # Queries (call `catch_up` first to include the latest events). `incident`
    # None means every line of the log; `kinds` None means every kind.

    def lines(
        self,
        incident: str | None,
        kinds: Iterable[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Line]:
        """Lines in log order."""
        query = self._where(select(lines_table.c.doc), incident, kinds)
        query = query.order_by(lines_table.c.position).offset(offset).limit(limit)
        with self.engine.connect() as conn:
            return [json.loads(row.doc) for row in conn.execute(query)]

    def count(
        self, incident: str | None, kinds: Iterable[str] | None = None, before: int | None = None
    ) -> int:
        """How many lines (before log position `before`, if given)."""
        query = self._where(select(func.count()).select_from(lines_table), incident, kinds)
        if before is not None:
            query = query.where(lines_table.c.position < before)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def line_at(self, position: int) -> Line | None:
        query = select(lines_table.c.doc).where(lines_table.c.position == position)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return json.loads(row.doc) if row else None

    def position_at(
        self, incident: str | None, at: datetime, kinds: Iterable[str] | None = None
    ) -> int | None:
        """The position of the last line at or before `at`."""
        query = self._where(select(func.max(lines_table.c.position)), incident, kinds)
        with self.engine.connect() as conn:
            return conn.execute(query.where(lines_table.c.at <= utc_iso(at))).scalar_one()

    def incidents(self) -> list[Line]:
        """The opening line of every incident, newest first."""
        query = select(lines_table.c.doc).where(lines_table.c.kind == "incident")
        query = query.where(lines_table.c.doc.like('%"Incident.Opened"%'))
        with self.engine.connect() as conn:
            opened = [json.loads(row.doc) for row in conn.execute(query)]
        opened = [line for line in opened if line["type"] == "Incident.Opened"]
        return sorted(opened, key=lambda line: line["position"], reverse=True)

    @staticmethod
    def _where(query: Any, incident: str | None, kinds: Iterable[str] | None) -> Any:
        if incident is not None:
            query = query.where(lines_table.c.incident == incident)
        if kinds is not None:
            query = query.where(lines_table.c.kind.in_(list(kinds)))
        return query
