"""What an incident's archive extract holds: one journal entry per act worth
keeping, taken from the board as it stood at one log position and the
timeline lines up to it.

An entry is a published post, a retraction with its apology, an approved fact
revision, an inquiry flagged archive-worthy and each reply sent to it. Entries
come in log order, so their journal numbers follow what happened. Everything
here is data: `documents` prints each entry as PDF/A and `noark` writes the
Noark 5 structure around them.

Residents' personal data that was erased or removed reads «[fjernet]»: the
board doc carries None where it is gone, and this is the only place that
turns it into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]
REMOVED = "[fjernet]"
OUTGOING, INCOMING, NOTE = "U", "I", "X"  # Noark journalposttype codes (X: internal note)
LABEL = 60  # characters of a text kept in a title


@dataclass(frozen=True)
class Entry:
    """One registrering: `key` names it for good (its systemID derives from it)."""

    key: str
    kind: str  # post | retraction | fact | inquiry | reply
    direction: str  # OUTGOING, INCOMING or NOTE
    position: int
    at: str
    by: str
    title: str
    body: list[tuple[str, str]]  # (label, text): what the document shows, in order
    party: str | None = None  # the correspondent: a channel's audience, a resident
    answers: str | None = None  # the key of the entry this one replies to or corrects
    cites: list[str] = field(default_factory=list)


def entries(
    doc: Doc, lines: list[Doc], channels: dict[str, str], labels: dict[str, str]
) -> list[Entry]:
    """Every entry of the incident, in the order of the events that made them."""
    say = _Say(channels, labels, doc)
    found: dict[str, Entry] = {}  # by key: a reply sent again replaces the one before
    for line in lines:
        maker = _MAKERS.get(line["type"].split(":")[0])
        for entry in maker(doc, line, say) if maker else []:
            found.pop(entry.key, None)
            found[entry.key] = entry
    return sorted(found.values(), key=lambda e: (e.position, e.key))


class _Say:
    """Names and labels the entries need."""

    def __init__(self, channels: dict[str, str], labels: dict[str, str], doc: Doc) -> None:
        self.channels, self.labels, self.doc = channels, labels, doc

    def channel(self, key: str | None) -> str:
        return self.channels.get(key or "", key or "")

    def target(self, key: str) -> str:
        """Where an inquiry was referred: a department or another target, by name."""
        return self.labels.get(f"to_{key}", key)

    def __getitem__(self, key: str) -> str:
        return self.labels[key]

    def cited(self, item: Doc) -> list[str]:
        """The facts an item cites, each as the text of the revision it rests on."""
        facts = self.doc.get("facts", {})
        return [
            _revision_text(facts[c["fact"]], c["revision"])
            for c in item.get("cites", [])
            if c["fact"] in facts
        ]


def _post(doc: Doc, line: Doc, say: _Say) -> list[Entry]:
    post = doc["posts"].get(line["item"])
    if post is None:
        return []
    channel = say.channel(post["channel"])
    body = [(say["channel"], channel), (say["text"], post["text"])]
    if post.get("corrects"):
        body.append((say["corrects"], doc["posts"].get(post["corrects"], {}).get("text", "")))
    body += [
        (say["drafted_by"], post["drafted_by"]),
        (say["approved_by"], post["approved_by"] or ""),
    ]
    return [
        Entry(
            key=f"post:{post['id']}",
            kind="post",
            direction=OUTGOING,
            position=line["position"],
            at=line["at"],
            by=post["drafted_by"],
            title=f"{say['published_on']} {channel}: {_short(post['text'])}",
            body=body,
            party=channel,
            answers=f"post:{post['corrects']}" if post.get("corrects") else None,
            cites=say.cited(post),
        )
    ]


def _retraction(doc: Doc, line: Doc, say: _Say) -> list[Entry]:
    post = doc["posts"].get(line["item"])
    if post is None or not post.get("retracted"):
        return []
    apology = doc["posts"].get(post.get("corrected_by") or "", {})
    channel = say.channel(post["channel"])
    return [
        Entry(
            key=f"retraction:{post['id']}",
            kind="retraction",
            direction=OUTGOING,
            position=line["position"],
            at=line["at"],
            by=line["by"]["name"],
            title=f"{say['retracted_on']} {channel}: {_short(post['text'])}",
            body=[
                (say["channel"], channel),
                (say["retracted_text"], post["text"]),
                (say["reason"], post["retracted"]["reason"]),
                (say["apology"], apology.get("text", "")),
            ],
            party=channel,
            answers=f"post:{post['id']}",
        )
    ]


def _fact(doc: Doc, line: Doc, say: _Say) -> list[Entry]:
    fact = doc["facts"].get(line["item"])
    if fact is None:
        return []
    revision = line["params"].get("revision", 1)
    text = _revision_text(fact, revision)
    change = next(
        (
            h
            for h in reversed(fact["history"])
            if h["revision"] == revision and h["change"] != "withdrawn"
        ),
        fact["history"][0],
    )
    body = [
        (say["fact_text"], text),
        (say["revision"], str(revision)),
        (say["department"], say.target(fact.get("department", ""))),
        (say["submitted_by"], change["by"]),
        (say["approved_by"], line["by"]["name"]),
    ]
    if change.get("reason"):
        body.append((say["reason"], change["reason"]))
    return [
        Entry(
            key=f"fact:{fact['id']}:{revision}",
            kind="fact",
            direction=NOTE,
            position=line["position"],
            at=line["at"],
            by=line["by"]["name"],
            title=f"{say['fact_approved']} ({say['revision']} {revision}): {_short(text)}",
            body=body,
            answers=f"fact:{fact['id']}:{revision - 1}" if revision > 1 else None,
        )
    ]


def _inquiry(doc: Doc, line: Doc, say: _Say) -> list[Entry]:
    inquiry = doc.get("inquiries", {}).get(line["item"])
    if inquiry is None or not inquiry["archive_worthy"]:
        return []
    channel = say.channel(inquiry["channel"])
    sender = inquiry["handle"] or REMOVED
    return [
        Entry(
            key=f"inquiry:{inquiry['id']}",
            kind="inquiry",
            direction=INCOMING,
            position=line["position"],
            at=inquiry["received_at"],
            by=inquiry["received_by"],
            title=f"{say['inquiry_on']} {channel}",
            body=[
                (say["channel"], channel),
                (say["sender"], sender),
                (say["text"], inquiry["text"] if inquiry["text"] is not None else REMOVED),
                (say["archive_reason"], inquiry["archive_reason"] or ""),
            ],
            party=sender,
        )
    ]


def _reply(part: str) -> Any:
    """A reply sent to an archive-worthy inquiry: its holding reply, answer or referral."""

    def make(doc: Doc, line: Doc, say: _Say) -> list[Entry]:
        inquiry = doc.get("inquiries", {}).get(line["item"])
        if inquiry is None or not inquiry["archive_worthy"] or not inquiry.get(part):
            return []
        reply = inquiry[part]
        sender = inquiry["handle"] or REMOVED
        body = [
            (say["channel"], say.channel(inquiry["channel"])),
            (say["recipient"], sender),
            (say["text"], reply.get("text") or reply.get("reply") or ""),
            (say["signature"], reply.get("signature", "")),
        ]
        if part == "referral":
            body.insert(2, (say["referred_to"], say.target(reply["to"])))
        return [
            Entry(
                key=f"reply:{inquiry['id']}:{part}",
                kind="reply",
                direction=OUTGOING,
                position=line["position"],
                at=line["at"],
                by=line["by"]["name"],
                title=f"{say[part]} ({say.channel(inquiry['channel'])})",
                body=body,
                party=sender,
                answers=f"inquiry:{inquiry['id']}",
                cites=say.cited(inquiry) if part == "answer" else [],
            )
        ]

    return make


_MAKERS = {
    "Post.Published": _post,
    "Post.Retracted": _retraction,
    "Fact.Approved": _fact,
    "Inquiry.Received": _inquiry,
    "Inquiry.HoldingReplySent": _reply("holding_reply"),
    "Inquiry.Answered": _reply("answer"),
    "Inquiry.Referred": _reply("referral"),
}


def _revision_text(fact: Doc, revision: int) -> str:
    texts = [h["text"] for h in fact["history"] if h["revision"] == revision]
    return texts[0] if texts else fact["text"]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL else text[: LABEL - 1] + "…"
