"""The Noark 5 files of an extract: `arkivstruktur.xml` (arkiv → arkivdel →
one mappe for the incident → a registrering per entry, with its
dokumentbeskrivelse and dokumentobjekt), `endringslogg.xml` and the ADDML
description `arkivuttrekk.xml`.

Every identifier is a UUID derived from the incident and the entry's key, and
every date comes from the log, so the same incident at the same log position
always gives the same bytes. Values follow Noark 5's code lists where the
schema leaves them free text (journalposttype, journalstatus, ...).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from lxml import etree as ET

from reports.archive.records import INCOMING, NOTE, REMOVED, Doc, Entry

N5 = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
N5_LOG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_ROOT = UUID("6f4b8a52-1f0e-4c3a-9d7e-5b2c8e1a7d94")

JOURNAL_TYPES = {INCOMING: "Inngående dokument", "U": "Utgående dokument"}
PDF_FORMAT = "fmt/477"  # PRONOM: PDF/A-2b
CHECKSUM = "SHA256"


@dataclass(frozen=True)
class Filed:
    """An entry with its journal number and its document file."""

    entry: Entry
    number: int
    path: str
    content: bytes

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def system_id(incident: str, key: str) -> str:
    return str(uuid5(_ROOT, f"{incident}:{key}"))


def arkivstruktur(doc: Doc, filed: list[Filed], creator: str, at: str) -> bytes:
    """The archive's structure, with every registrering and its document."""
    incident = doc["id"]
    root = _element("arkiv", {f"{{{XSI}}}schemaLocation": f"{N5} arkivstruktur.xsd"})
    _add(root, "systemID", system_id(incident, "arkiv"))
    _add(root, "tittel", f"Krisekommunikasjon: {doc['title']}")
    _add(root, "beskrivelse", "Arkivuttrekk fra crisis, krisekommunikasjon i kommunen.")
    _add(root, "arkivstatus", "Avsluttet" if doc["phase"] == "closed" else "Opprettet")
    _add(root, "dokumentmedium", "Elektronisk arkiv")
    _add(root, "opprettetDato", doc["opened_at"])
    _add(root, "opprettetAv", doc["opened_by"])
    creator_node = _add(root, "arkivskaper")
    _add(creator_node, "arkivskaperID", "crisis")
    _add(creator_node, "arkivskaperNavn", creator)
    part = _add(root, "arkivdel")
    _add(part, "systemID", system_id(incident, "arkivdel"))
    _add(part, "tittel", doc["title"])
    _add(
        part, "arkivdelstatus", "Avsluttet periode" if doc["phase"] == "closed" else "Aktiv periode"
    )
    _add(part, "opprettetDato", doc["opened_at"])
    _add(part, "opprettetAv", doc["opened_by"])
    _folder(part, doc, filed)
    return _serialise(root)


def _folder(parent: ET._Element, doc: Doc, filed: list[Filed]) -> None:
    incident = doc["id"]
    folder = _add(parent, "mappe")
    _add(folder, "systemID", system_id(incident, "mappe"))
    _add(folder, "mappeID", incident)
    _add(folder, "tittel", doc["title"])
    _add(folder, "beskrivelse", f"{doc['kind']}: {', '.join(doc['areas'])}")
    for word in (doc["kind"], *doc["areas"]):
        _add(folder, "noekkelord", word)
    _add(folder, "opprettetDato", doc["opened_at"])
    _add(folder, "opprettetAv", doc["opened_by"])
    closed = [p for p in doc["phases"] if p["phase"] == "closed"]
    if doc["phase"] == "closed" and closed:
        _add(folder, "avsluttetDato", closed[-1]["at"])
        _add(folder, "avsluttetAv", closed[-1]["by"])
    keys = {f.entry.key: f for f in filed}
    for item in filed:
        _registration(folder, incident, item, keys)


def _registration(parent: ET._Element, incident: str, item: Filed, keys: dict[str, Filed]) -> None:
    entry, year = item.entry, int(item.entry.at[:4])
    kind = "arkivnotat" if entry.direction == NOTE else "journalpost"
    node = _add(parent, "registrering", {f"{{{XSI}}}type": kind})
    _add(node, "systemID", system_id(incident, entry.key))
    _add(node, "opprettetDato", entry.at)
    _add(node, "opprettetAv", entry.by)
    _add(node, "arkivertDato", entry.at)
    _add(node, "arkivertAv", entry.by)
    _document(node, incident, item)
    _add(node, "registreringsID", f"{year}/{item.number}")
    _add(node, "tittel", entry.title)
    _add(node, "offentligTittel", _public_title(entry))
    _add(node, "forfatter", entry.by)
    answered = keys.get(entry.answers or "")
    if answered is not None:
        cross = _add(node, "kryssreferanse")
        _add(cross, "referanseTilRegistrering", system_id(incident, answered.entry.key))
    if entry.party and kind == "journalpost":
        party = _add(node, "korrespondansepart")
        _add(
            party,
            "korrespondanseparttype",
            "Avsender" if entry.direction == INCOMING else "Mottaker",
        )
        _add(party, "korrespondansepartNavn", entry.party)
    if kind == "journalpost":
        _add(node, "journalaar", str(year))
        _add(node, "journalsekvensnummer", str(item.number))
        _add(node, "journalpostnummer", str(item.number))
        _add(node, "journalposttype", JOURNAL_TYPES[entry.direction])
        _add(node, "journalstatus", "Journalført" if entry.direction == INCOMING else "Ekspedert")
        _add(node, "journaldato", entry.at)
        _add(node, "dokumentetsDato", entry.at)
        _add(node, "mottattDato" if entry.direction == INCOMING else "sendtDato", entry.at)
    else:
        _add(node, "dokumentetsDato", entry.at)


def _public_title(entry: Entry) -> str:
    """The title without residents' names: an inquiry's sender is personal data."""
    return (
        entry.title if entry.kind in ("post", "retraction", "fact") else entry.title.split(":")[0]
    )


def _document(parent: ET._Element, incident: str, item: Filed) -> None:
    entry = item.entry
    node = _add(parent, "dokumentbeskrivelse")
    _add(node, "systemID", system_id(incident, f"{entry.key}:dokument"))
    _add(node, "dokumenttype", "Notat" if entry.direction == NOTE else "Brev")
    _add(node, "dokumentstatus", "Dokumentet er ferdigstilt")
    _add(node, "tittel", entry.title)
    _add(node, "forfatter", entry.by)
    _add(node, "opprettetDato", entry.at)
    _add(node, "opprettetAv", entry.by)
    _add(node, "tilknyttetRegistreringSom", "Hoveddokument")
    _add(node, "dokumentnummer", "1")
    _add(node, "tilknyttetDato", entry.at)
    _add(node, "tilknyttetAv", entry.by)
    obj = _add(node, "dokumentobjekt")
    _add(obj, "systemID", system_id(incident, f"{entry.key}:fil"))
    _add(obj, "versjonsnummer", "1")
    _add(obj, "variantformat", "Arkivformat")
    _add(obj, "format", PDF_FORMAT)
    _add(obj, "formatDetaljer", "PDF/A-2b")
    _add(obj, "opprettetDato", entry.at)
    _add(obj, "opprettetAv", entry.by)
    _add(obj, "referanseDokumentfil", item.path)
    _add(obj, "sjekksum", item.checksum)
    _add(obj, "sjekksumAlgoritme", CHECKSUM)
    _add(obj, "filstoerrelse", str(len(item.content)))
    _add(obj, "filnavn", item.path.rsplit("/", 1)[-1])
    _add(obj, "mimeType", "application/pdf")


def endringslogg(doc: Doc, filed: list[Filed]) -> bytes:
    """What changed in what was registered: the incident's phases, fact
    corrections and withdrawals, retracted posts, residents' data removed."""
    incident = doc["id"]
    keys = {f.entry.key for f in filed}
    folder = system_id(incident, "mappe")
    changes: list[tuple[str, str, str, str, str, str]] = []  # at, unit, field, before, after, by
    before = "(ingen)"
    for phase in doc["phases"]:
        changes.append((phase["at"], folder, "saksstatus", before, phase["phase"], phase["by"]))
        before = phase["phase"]
    for fact in doc.get("facts", {}).values():
        changes.extend(_fact_changes(incident, fact, keys, folder))
    for post in doc.get("posts", {}).values():
        key = f"post:{post['id']}"
        if post.get("retracted") and key in keys:
            why = post["retracted"]
            unit = system_id(incident, key)
            changes.append(
                (
                    why["at"],
                    unit,
                    "journalstatus",
                    "Ekspedert",
                    f"Trukket tilbake: {why['reason']}",
                    why["by"],
                )
            )
    for inquiry in doc.get("inquiries", {}).values():
        key = f"inquiry:{inquiry['id']}"
        for removal, field in (
            ("erased", "korrespondansepartNavn"),
            ("redacted", "dokumentobjekt"),
        ):
            done = inquiry.get(removal)
            if done and key in keys:
                unit = system_id(incident, key)
                changes.append(
                    (done["at"], unit, field, "(personopplysninger)", REMOVED, done["by"])
                )
    root = _element(
        "endringslogg", {f"{{{XSI}}}schemaLocation": f"{N5_LOG} endringslogg.xsd"}, N5_LOG
    )
    for at, unit, field, old, new, by in sorted(changes, key=lambda c: (c[0], c[1], c[2])):
        change = _add(root, "endring")
        _add(change, "referanseArkivenhet", unit)
        _add(change, "referanseMetadata", field)
        _add(change, "endretDato", at)
        _add(change, "endretAv", by)
        _add(change, "tidligereVerdi", old or "(tom)")
        _add(change, "nyVerdi", new or "(tom)")
    return _serialise(root)


def _fact_changes(incident: str, fact: Doc, keys: set[str], folder: str) -> list[Any]:
    """Each correction and withdrawal, against the registrering of the revision it replaced."""
    changes = []
    previous = None
    for step in fact["history"]:
        if step["change"] in ("corrected", "withdrawn") and previous is not None:
            key = f"fact:{fact['id']}:{previous['revision']}"
            unit = system_id(incident, key) if key in keys else folder
            new = (
                step["text"]
                if step["change"] == "corrected"
                else f"Trukket tilbake: {step['reason']}"
            )
            changes.append((step["at"], unit, "beskrivelse", previous["text"], new, step["by"]))
        previous = step
    return changes


def arkivuttrekk(
    doc: Doc, files: dict[str, bytes], documents: int, creator: str, start: str, end: str
) -> bytes:
    """The ADDML description of the extract: who made it, the period it covers,
    and each XML file with its schema and checksum."""
    root = _element("addml", {"name": f"Arkivuttrekk {doc['id']}"}, ADDML)
    dataset = _add(root, "dataset", ns=ADDML)
    _add(dataset, "description", f"Noark 5 arkivuttrekk: {doc['title']}", ns=ADDML)
    reference = _add(dataset, "reference", ns=ADDML)
    context = _add(_add(reference, "context", ns=ADDML), "additionalElements", ns=ADDML)
    creators = _add(_additional(context, "recordCreators"), "additionalElements", ns=ADDML)
    _properties(_additional(creators, "recordCreator"), {"name": creator})
    _properties(_additional(context, "systemType"), {"value": "Noark 5"})
    _properties(_additional(context, "systemName"), {"value": "crisis"})
    content = _add(_add(reference, "content", ns=ADDML), "additionalElements", ns=ADDML)
    _properties(_additional(content, "archivalPeriod"), {"startDate": start, "endDate": end})
    objects = _add(dataset, "dataObjects", ns=ADDML)
    extract = _add(objects, "dataObject", {"name": "Noark 5 arkivuttrekk"}, ns=ADDML)
    _properties(
        extract,
        {"info": None, "type": "Noark 5", "version": "v5.0", "numberOfDocuments": str(documents)},
    )
    inner = _add(extract, "dataObjects", ns=ADDML)
    for name, schema in (
        ("arkivstruktur.xml", "arkivstruktur.xsd"),
        ("endringslogg.xml", "endringslogg.xsd"),
    ):
        node = _add(inner, "dataObject", {"name": name.removesuffix(".xml")}, ns=ADDML)
        _properties(
            node,
            {
                "name": name,
                "format": "XML",
                "schema": schema,
                "checksumAlgorithm": CHECKSUM,
                "checksumValue": hashlib.sha256(files[name]).hexdigest(),
            },
        )
    return _serialise(root)


def _additional(parent: ET._Element, name: str) -> ET._Element:
    return _add(parent, "additionalElement", {"name": name}, ns=ADDML)


def _properties(parent: ET._Element, values: dict[str, str | None]) -> None:
    props = _add(parent, "properties", ns=ADDML)
    for name, value in values.items():
        prop = _add(props, "property", {"name": name}, ns=ADDML)
        if value is not None:
            _add(prop, "value", value, ns=ADDML)


def _element(tag: str, attrib: dict[str, str] | None = None, ns: str = N5) -> ET._Element:
    """A root element: `ns` its default namespace."""
    nsmap: dict[str | None, str] = {None: ns, "xsi": XSI}
    return ET.Element(f"{{{ns}}}{tag}", attrib or {}, nsmap=nsmap)  # type: ignore[arg-type]


def _add(
    parent: ET._Element, tag: str, text: str | dict | None = None, ns: str | None = None
) -> ET._Element:
    """A child in the parent's namespace (or `ns`); a dict is its attributes, a string its text."""
    namespace = ns or parent.tag[1:].split("}")[0]
    node = ET.SubElement(parent, f"{{{namespace}}}{tag}", text if isinstance(text, dict) else {})
    if isinstance(text, str):
        node.text = text
    return node


def _serialise(root: ET._Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
