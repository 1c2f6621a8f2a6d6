"""Board changes as they go out: protocol 2, only what changed.

The runner hands over each saved batch as rows (`projections.runner.Change`):
an incident's header, with the names of the fields that changed, and each
item it touched. They are grouped per incident into one message, at the
position of the last event that changed the incident in the batch:

  {"type": "change", "position": P, "incident": "<id>",
   "header": {<changed header fields, always position and updated_at>},
   "items": {"<kind>": {"<id>": <the whole item>}},
   "removed": {"<kind>": ["<id>", ...]}}

A client merges it into the incident it holds: header fields are set, items
replaced whole, removed ones deleted. Item texts are passed through as the
runner wrote them, so a message costs what changed, whatever the size of
the incident; other audiences (`audience`) get their own copy, made once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from projections.board import Doc, split_row
from projections.board.audience import ALL, Audience, dumps

PROTOCOL = 3  # 3: the whole board gives closed incidents by their header


@dataclass
class Message:
    position: int
    incident: str
    header: Doc = field(default_factory=dict)
    items: dict[str, dict[str, str]] = field(default_factory=dict)  # kind -> id -> JSON
    removed: dict[str, list[str]] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    def text(self, audience: Audience = ALL) -> str:
        """The message as this audience may see it (made once per audience)."""
        if audience.name not in self._texts:
            self._texts[audience.name] = (
                self._raw() if audience is ALL else dumps(audience.change(self.as_dict()))
            )
        return self._texts[audience.name]

    def as_dict(self) -> Doc:
        items = {k: {i: json.loads(t) for i, t in v.items()} for k, v in self.items.items()}
        return {**self._envelope(), "items": items, "removed": self.removed}

    def _envelope(self) -> Doc:
        return {
            "type": "change",
            "position": self.position,
            "incident": self.incident,
            "header": self.header,
        }

    def _raw(self) -> str:
        items = ",".join(
            f"{dumps(kind)}:{{{','.join(f'{dumps(i)}:{t}' for i, t in texts.items())}}}"
            for kind, texts in self.items.items()
        )
        head = dumps(self._envelope())[:-1]
        return f'{head},"items":{{{items}}},"removed":{dumps(self.removed)}}}'


def messages(changes: list[Any]) -> list[Message]:
    """One message per incident the batch changed, in position order."""
    found: dict[str, Message] = {}
    for change in changes:
        incident, kind, item = split_row(change.id)
        message = found.setdefault(incident, Message(change.position, incident))
        message.position = max(message.position, change.position)
        if kind is None:
            if change.json is not None:
                row = json.loads(change.json)
                message.header = {f: row[f] for f in change.fields or row if f in row}
        elif change.json is None:
            message.removed.setdefault(kind, []).append(item or "")
        else:
            message.items.setdefault(kind, {})[item or ""] = change.json
    return sorted(found.values(), key=lambda m: m.position)


def board_text(position: int, docs: bytes) -> str:
    """The board message: every incident (or the one) as of `position`."""
    return (
        f'{{"type":"board","protocol":{PROTOCOL},"position":{position},'
        f'"incidents":{docs.decode()}}}'
    )
