"""The channel registry: which channels the municipality has, as an admin keeps it.

One aggregate with a well-known id. A fresh log has no registry events: the
service starts from the defaults, and the first admin change writes them
(`Seeded`) together with the change, so the log records who set what.
"""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from crisis.accountable import Accountable
from crisis.channels import COUNTINGS, DEFAULT_CHANNELS, EDITABLE, WEBSITE, Channel
from crisis.errors import Conflict, NotFound, Refused

REGISTRY_ID = uuid5(UUID("6f1d7e0a-3c5b-4a47-9a55-2f0a7c1e9b10"), "channel-registry")
LIFTABLE = ("max_chars", "max_segments", "advised_chars")  # may be set to None: no limit
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{1,29}")


class ChannelRegistry(Accountable):
    class Seeded(Accountable.Created):
        channels: list[dict]

    @event(Seeded)
    def __init__(self, *, channels: list[dict], by: dict, at: datetime) -> None:
        self.channels = {c["key"]: Channel(**c) for c in channels}

    @staticmethod
    def create_id(**_: object) -> UUID:
        return REGISTRY_ID

    @classmethod
    def seed(cls, by: dict, at: datetime) -> ChannelRegistry:
        return cls(channels=[c.as_record() for c in DEFAULT_CHANNELS.values()], by=by, at=at)

    def get(self, key: str) -> Channel:
        try:
            return self.channels[key]
        except KeyError:
            raise NotFound("channel_not_found", channel=key) from None

    def add(self, channel: Channel, by: dict, at: datetime) -> None:
        if not _KEY.fullmatch(channel.key):
            raise Refused("channel_key_invalid", channel=channel.key)
        if channel.key in self.channels:
            raise Conflict("channel_exists", channel=channel.key)
        if channel.status not in ("active", "inactive"):
            raise Refused("channel_status_invalid", status=channel.status)
        _check(channel)
        self._added(channel=channel.as_record(), by=by, at=at)

    class ChannelAdded(Accountable.Event):
        channel: dict

    @event(ChannelAdded)
    def _added(self, channel: dict, by: dict, at: datetime) -> None:
        self.channels[channel["key"]] = Channel(**channel)

    def change(self, key: str, changes: dict, by: dict, at: datetime) -> None:
        current = self._living(key)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise Refused("channel_field_unknown", fields=", ".join(sorted(unknown)))
        for name, value in changes.items():
            if value is None and name not in LIFTABLE:
                raise Refused("channel_field_required", field=name)
        if changes.get("status", current.status) not in ("active", "inactive"):
            raise Refused("channel_status_invalid", status=changes["status"])
        if key == WEBSITE and changes.get("status", "active") != "active":
            raise Refused("website_stays_active")
        changed = current.changed(**changes)
        _check(changed)
        differences = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not differences:
            raise Conflict("channel_unchanged", channel=current.name)
        self._changed(key=key, changes=differences, by=by, at=at)

    class ChannelChanged(Accountable.Event):
        key: str
        changes: dict

    @event(ChannelChanged)
    def _changed(self, key: str, changes: dict, by: dict, at: datetime) -> None:
        self.channels[key] = self.channels[key].changed(**changes)

    def retire(self, key: str, reason: str, by: dict, at: datetime) -> None:
        self._living(key)
        if key == WEBSITE:
            raise Refused("website_stays_active")
        if not reason.strip():
            raise Refused("retirement_needs_reason")
        self._retired(key=key, reason=reason, by=by, at=at)

    class ChannelRetired(Accountable.Event):
        key: str
        reason: str

    @event(ChannelRetired)
    def _retired(self, key: str, reason: str, by: dict, at: datetime) -> None:
        self.channels[key] = self.channels[key].changed(status="retired")

    def _living(self, key: str) -> Channel:
        channel = self.get(key)
        if channel.status == "retired":
            raise Conflict("channel_retired", channel=channel.name)
        return channel


def _check(channel: Channel) -> None:
    """Limits that make sense: positive numbers, a known way of counting, a name."""
    if not channel.name.strip():
        raise Refused("channel_name_required")
    if channel.counting not in COUNTINGS:
        raise Refused("unknown_counting", counting=channel.counting)
    for limit in (channel.max_chars, channel.max_segments, channel.advised_chars):
        if limit is not None and limit < 1:
            raise Refused("channel_limit_invalid")
    if channel.max_segments is not None and channel.counting != "sms":
        raise Refused("segments_only_for_sms")
