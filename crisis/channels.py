"""The municipality's channels, as the Oslo guidelines describe them."""

from __future__ import annotations

from dataclasses import dataclass

WEBSITE = "website"


@dataclass(frozen=True)
class Channel:
    key: str
    name: str
    role: str
    publishing: bool = True  # False: reserved name, inactive
    dialogue: bool = True

    @property
    def canonical(self) -> bool:
        return self.key == WEBSITE


DEFAULT_CHANNELS = {
    c.key: c
    for c in (
        Channel(WEBSITE, "Nettsiden", "canonical", dialogue=False),
        Channel("facebook", "Facebook", "dialogue"),
        Channel("x", "X", "press and politicians"),
        Channel("sms", "SMS-varsel", "population alert", dialogue=False),
        Channel("youtube", "YouTube", "publishing only", dialogue=False),
        Channel("vimeo", "Vimeo", "publishing only", dialogue=False),
        Channel("linkedin", "LinkedIn", "recruitment, information"),
        Channel("instagram", "Instagram", "reserved", publishing=False),
        Channel("snapchat", "Snapchat", "reserved", publishing=False),
    )
}
