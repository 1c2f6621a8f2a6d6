"""Atom feeds (RFC 4287) from the public view: the published updates, and the
CAP messages the way alert hubs take them in (one entry linking to each).

Ids do not depend on the host name the feed was fetched under: an update's
entry id is its post id, a CAP entry's is derived from the CAP identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from projections.public import Doc, Publisher, moment
from projections.public.cap import MEDIA_TYPE, published

MAX_ENTRIES = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IDS = uuid5(NAMESPACE_URL, "urn:crisis:public")


@dataclass(frozen=True)
class Feed:
    """What names one feed: a stable key for its id, its title and where it lives."""

    key: str
    title: str
    url: str
    page: str


def updates(incidents: list[Doc], feed: Feed, publisher: Publisher, t: dict[str, str]) -> bytes:
    """The published website updates, newest first; an apology reads as a correction."""
    entries = [
        {
            "id": f"urn:uuid:{u['id']}",
            "title": _title(t, "correction" if u["correction"] else "notice", i),
            "at": moment(u["published_at"]),
            "links": [
                {
                    "href": f"{publisher.page(i['id'])}#update-{u['id']}",
                    "rel": "alternate",
                    "type": "text/html",
                }
            ],
            "content": u["text"],
        }
        for i in incidents
        for u in i["updates"]
    ]
    return _atom(entries, feed, publisher, t)


def cap(incidents: list[Doc], feed: Feed, publisher: Publisher, t: dict[str, str]) -> bytes:
    """One entry per CAP message, linking to the message and to the public page."""
    entries = [
        {
            "id": f"urn:uuid:{uuid5(_IDS, m['identifier'])}",
            "title": _title(t, m["kind"], i),
            "at": moment(m["sent"]),
            "links": [
                {
                    "href": publisher.cap(i["id"], m["identifier"]),
                    "rel": "alternate",
                    "type": MEDIA_TYPE,
                },
                {"href": publisher.page(i["id"]), "rel": "related", "type": "text/html"},
            ],
            "content": m["text"] or t["cap_all_clear"].format(title=i["title"]),
        }
        for i in incidents
        for m in published(i)
    ]
    return _atom(entries, feed, publisher, t)


class _LinkAttributes(BaseEntryExtension):
    """Writes each entry link's rel and type, which feedgen 1.0.0 drops
    (lkiesow/python-feedgen#135); the CAP feed needs its type to say CAP."""

    links: Sequence[dict] = ()  # set per entry

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        elements = [el for el in entry if etree.QName(el).localname == "link"]
        for element, link in zip(elements, self.links, strict=False):
            element.attrib.update({k: v for k, v in link.items() if k != "href"})
        return entry


def _title(t: dict[str, str], kind: str, incident: Doc) -> str:
    return t[f"cap_headline_{kind}"].format(title=incident["title"])


def _atom(entries: list[dict], feed: Feed, publisher: Publisher, t: dict[str, str]) -> bytes:
    entries = sorted(entries, key=lambda e: (e["at"], e["id"]), reverse=True)[:MAX_ENTRIES]
    fg = FeedGenerator()
    fg.id(f"urn:uuid:{uuid5(_IDS, feed.key)}")
    fg.title(feed.title)
    fg.language("nb")
    fg.author({"name": f"{publisher.name}, {t['editor_office']}"})
    fg.link(href=feed.url, rel="self", type="application/atom+xml")
    fg.link(href=feed.page, rel="alternate", type="text/html")
    fg.updated(entries[0]["at"] if entries else EPOCH)
    for e in entries:
        fe = fg.add_entry(order="append")
        fe.id(e["id"])
        fe.title(e["title"])
        fe.published(e["at"])
        fe.updated(e["at"])
        for link in e["links"]:
            fe.link(**link)
        fe.register_extension("link_attributes", _LinkAttributes, rss=False)
        fe.link_attributes.links = e["links"]
        fe.content(e["content"], type="text")
    return fg.atom_str(pretty=True)
