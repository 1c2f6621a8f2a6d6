"""CAP 1.2 (OASIS Common Alerting Protocol) messages from the public view.

Each message in `public_incident(doc)["messages"]` becomes one `<alert>`:
the notice is an Alert, later website posts and apologies are Updates, and
the end of the incident is an all-clear Update (responseType AllClear)
rather than a Cancel, since CAP's Cancel withdraws the earlier messages as
if sent in error, whereas an all-clear tells the public the danger is over.

An `info` block is written for each language the message's text exists in:
post texts are bokmål only; the all-clear, written from the catalogue, also
has English.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.builder import ElementMaker

from projections.public import Doc, Publisher

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MEDIA_TYPE = "application/cap+xml"
LANGUAGES = {"nb": "nb-NO", "en": "en-US"}

SEVERITY = {"minor": "Minor", "moderate": "Moderate", "severe": "Severe", "extreme": "Extreme"}
URGENCY = {
    "reported": "Expected",
    "active": "Immediate",
    "monitoring": "Expected",
    "resolved": "Past",
    "closed": "Past",
}
# Words in the incident kind (free text, English or Norwegian) -> CAP categories.
CATEGORIES = (
    (("boil", "drinking", "kokevarsel", "drikkevann"), ("Health",)),
    (("water", "vann"), ("Infra",)),
    (("oil", "olje", "spill", "utslipp", "diesel", "air", "luft", "pollution"), ("Env",)),
    (("storm", "flood", "flom", "uvær", "rain", "regn", "snow", "snø", "wind", "vind"), ("Met",)),
    (("lockdown", "shooting", "threat", "trussel", "skyting"), ("Security",)),
    (("fire", "brann"), ("Fire",)),
    (("power", "strøm", "outage", "telecom", "ekom"), ("Infra",)),
    (("road", "traffic", "veg", "vei", "trafikk", "transport", "tunnel"), ("Transport",)),
    (("health", "helse", "smitte", "infection", "disease"), ("Health",)),
)

E = ElementMaker(namespace=NS, nsmap={None: NS})


def categories(kind: str) -> list[str]:
    """The CAP categories an incident kind falls under (Other if none fits).
    Keys match the start of a word, so Norwegian compounds match
    ("drikkevannet") and "boil" is not taken for "oil"."""
    words = re.findall(r"\w+", kind.lower())
    found: list[str] = []
    for keys, cats in CATEGORIES:
        if any(w.startswith(k) for w in words for k in keys):
            found += [c for c in cats if c not in found]
    return found or ["Other"]


def published(incident: Doc) -> list[Doc]:
    """The messages that may be served: a retracted post's message is withheld."""
    return [m for m in incident["messages"] if not m["withdrawn"]]


def alert(
    incident: Doc, message: Doc, publisher: Publisher, texts: dict[str, dict[str, str]]
) -> bytes:
    """One CAP message as XML; `texts` is the catalogue's ui section per language."""
    references = " ".join(
        f"{publisher.sender},{r['identifier']},{r['sent']}" for r in message["references"]
    )
    parts = [
        E.identifier(message["identifier"]),
        E.sender(publisher.sender),
        E.sent(message["sent"]),
        E.status("Actual"),
        E.msgType(message["type"]),
        E.scope("Public"),
    ]
    if references:
        parts.append(E.references(references))
    parts.append(E.incidents(incident["id"]))
    for lang, code in LANGUAGES.items():
        if (info := _info(incident, message, publisher, texts[lang], code)) is not None:
            parts.append(info)
    return etree.tostring(E.alert(*parts), xml_declaration=True, encoding="UTF-8")


def _info(
    incident: Doc, message: Doc, publisher: Publisher, t: dict[str, str], language: str
) -> etree._Element | None:
    web = publisher.page(incident["id"])
    clear = message["kind"] == "all_clear"
    if clear:
        description = t["cap_all_clear"].format(title=incident["title"])
        instruction = t["cap_all_clear_instruction"].format(web=web)
    elif language == LANGUAGES["nb"]:
        description = message["text"]
        instruction = t["cap_instruction"].format(web=web)
    else:
        return None  # posts are written in bokmål only
    headline = t[f"cap_headline_{message['kind']}"].format(title=incident["title"])
    parts = [E.language(language)]
    parts += [E.category(c) for c in categories(incident["kind"])]
    parts.append(E.event(incident["kind"]))
    if clear:
        parts.append(E.responseType("AllClear"))
    parts += [
        E.urgency("Past" if clear else URGENCY[message["phase"]]),
        E.severity("Minor" if clear else SEVERITY[message["severity"]]),
        E.certainty("Observed"),
        E.senderName(f"{publisher.name}, {t['editor_office']}"),
        E.headline(headline),
        E.description(description),
        E.instruction(instruction),
        E.web(web),
    ]
    parts += [E.area(E.areaDesc(area)) for area in message["areas"]]
    return E.info(*parts)
