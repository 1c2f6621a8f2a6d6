"""The channel list as pages show it: a read model of the channel registry.

Pages (board, desks, public page, review) name channels on every render;
reading the registry aggregate from the log each time would cost a store
read per page. This model follows the registry's events instead: one row per
channel, in the registry's order. A fresh log has no registry events, so it
shows the defaults, as the registry itself does (`crisis.channels.service`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from crisis.channels import DEFAULT_CHANNELS, Channel
from crisis.channels.model import ChannelRegistry
from projections.view import Doc, View

if TYPE_CHECKING:  # the runner imports every view
    from projections.runner import ViewRunner


class ChannelList:
    """The rows: channel key -> the channel's record plus its place (`order`)."""

    def __init__(self, docs: dict[str, Doc]) -> None:
        self.rows = docs

    def apply(self, event: Any, position: int) -> Iterable[str]:
        if isinstance(event, ChannelRegistry.Seeded):
            self.rows = {c["key"]: {**c, "order": n} for n, c in enumerate(event.channels)}
            return list(self.rows)
        if isinstance(event, ChannelRegistry.ChannelAdded):
            key = event.channel["key"]
            self.rows[key] = {**event.channel, "order": len(self.rows)}
            return [key]
        if isinstance(event, ChannelRegistry.ChannelChanged):
            self.rows[event.key] = {**self.rows[event.key], **event.changes}
            return [event.key]
        if isinstance(event, ChannelRegistry.ChannelRetired):
            self.rows[event.key] = {**self.rows[event.key], "status": "retired"}
            return [event.key]
        return []


def _events() -> tuple[type, ...]:
    r = ChannelRegistry
    return (r.Seeded, r.ChannelAdded, r.ChannelChanged, r.ChannelRetired)


VIEW = View("channels", 1, ChannelList, events=_events)


class Channels:
    """What pages read: the channels in the registry's order, and their names."""

    def __init__(self, runner: ViewRunner) -> None:
        self.runner = runner

    def all(self) -> list[Channel]:
        _, docs = self.runner.snapshot()
        if not docs:
            return list(DEFAULT_CHANNELS.values())
        return [Channel(**_without_order(d)) for d in sorted(docs, key=lambda d: d["order"])]

    def names(self) -> dict[str, str]:
        return {c.key: c.name for c in self.all()}


def _without_order(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "order"}
