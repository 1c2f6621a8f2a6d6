"""Channel commands (admin only) and the registry every rule reads."""

from __future__ import annotations

from typing import Any

from crisis.channels import DEFAULT_CHANNELS, Channel
from crisis.channels.model import REGISTRY_ID, ChannelRegistry
from crisis.errors import NotFound, Refused
from crisis.log import CrisisLog, Saved
from crisis.people.model import Actor

_SYSTEM = {"id": "system", "name": "Standardoppsett", "role": "system"}


def registry(log: CrisisLog, version: int | None = None, by: dict | None = None) -> ChannelRegistry:
    """The registry as saved, or the defaults (not yet saved) on a fresh log."""
    try:
        return log.load(ChannelRegistry, REGISTRY_ID, version)
    except NotFound:
        return ChannelRegistry.seed(by=by or _SYSTEM, at=log.clock.now())


def channels_of(log: CrisisLog) -> dict[str, Channel]:
    """The registry's channels by key: as saved, or the defaults on a fresh log
    (a read need not seed an aggregate: every inquiry asks)."""
    try:
        return log.load(ChannelRegistry, REGISTRY_ID).channels
    except NotFound:
        return DEFAULT_CHANNELS


def find_channel(log: CrisisLog, key: str) -> Channel:
    """A channel of the registry; posts and inquiries name channels by key."""
    channels = channels_of(log)
    if key not in channels:
        raise Refused("unknown_channel", channel=key)
    return channels[key]


def list_channels(log: CrisisLog) -> list[Channel]:
    return list(channels_of(log).values())


def channel_names(log: CrisisLog) -> dict[str, str]:
    """Channel key -> name, read from the log (the CLI; servers use `projections.channels`)."""
    return {c.key: c.name for c in list_channels(log)}


def add_channel(
    log: CrisisLog, actor: Actor, *, version: int | None = None, **fields: Any
) -> Saved:
    actor.require("configure_channels")
    channels = registry(log, version, actor.as_record())
    channels.add(Channel(**fields), by=actor.as_record(), at=log.clock.now())
    return log.record(channels)


def change_channel(
    log: CrisisLog, actor: Actor, key: str, *, version: int | None = None, **changes: Any
) -> Saved:
    actor.require("configure_channels")
    channels = registry(log, version, actor.as_record())
    channels.change(key, changes, by=actor.as_record(), at=log.clock.now())
    return log.record(channels)


def retire_channel(
    log: CrisisLog, actor: Actor, key: str, *, reason: str, version: int | None = None
) -> Saved:
    actor.require("configure_channels")
    channels = registry(log, version, actor.as_record())
    channels.retire(key, reason, by=actor.as_record(), at=log.clock.now())
    return log.record(channels)
