"""What a channel can carry: hard limits refuse, the guidelines' advice warns.

X counts as X does (links 23, emoji and CJK 2, via `twitter-text-parser`);
SMS counts segments (`crisis.posts.sms`); other channels count characters.
A warning is `{"code": ..., "params": {...}}`, stored with the post and
turned into a sentence by the catalogue's `warnings` section.
"""

from __future__ import annotations

from twitter_text import parse_tweet

from crisis.channels import Channel
from crisis.errors import Refused
from crisis.posts import sms


def check(channel: Channel, text: str) -> list[dict]:
    """Refuse a text the channel cannot carry; return the advice that applies."""
    require_publishing(channel)
    chars = length(channel, text)
    if channel.max_chars is not None and chars > channel.max_chars:
        raise Refused("post_too_long", channel=channel.name, chars=chars, max=channel.max_chars)
    warnings = []
    if channel.counting == "sms":
        warnings += _segments(channel, sms.measure(text))
    if channel.advised_chars is not None and chars > channel.advised_chars:
        params = {"channel": channel.name, "chars": chars, "advised": channel.advised_chars}
        warnings.append({"code": "long_post", "params": {**params, "advice": channel.advice}})
    return warnings


def measure(channel: Channel, text: str) -> dict:
    """The counts a writer needs while drafting, measured as `check` measures them."""
    counts = {
        "counting": channel.counting,
        "chars": length(channel, text),
        "max_chars": channel.max_chars,
        "advised_chars": channel.advised_chars,
    }
    if channel.counting == "sms":
        measured = sms.measure(text)
        counts.update(
            encoding=measured.encoding,
            units=measured.units,
            segments=measured.segments,
            max_segments=channel.max_segments,
        )
    return counts


def require_publishing(channel: Channel) -> None:
    if channel.status == "retired":
        raise Refused("channel_retired", channel=channel.name)
    if not channel.publishing:
        raise Refused("channel_inactive", channel=channel.name)


def length(channel: Channel, text: str) -> int:
    """The length the channel's limits are measured in (characters, or X's weighted count)."""
    if channel.counting == "x":
        return parse_tweet(text).weightedLength
    return len(text)


def _segments(channel: Channel, measured: sms.SmsLength) -> list[dict]:
    if channel.max_segments is not None and measured.segments > channel.max_segments:
        raise Refused(
            "sms_too_many_segments",
            segments=measured.segments,
            max=channel.max_segments,
            encoding=measured.encoding,
        )
    if measured.encoding == sms.UCS2:
        characters = " ".join(measured.outside_gsm[:10])
        return [
            {
                "code": "sms_ucs2",
                "params": {"characters": characters, "segments": measured.segments},
            }
        ]
    return []
