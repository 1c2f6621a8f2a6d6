"""A Noark 5 archive extract (arkivuttrekk) of one incident, for journaling.

`build` reads the incident as it stood at one log position (by default the
last event that changes what the extract holds) and returns its files:
`arkivstruktur.xml`, `endringslogg.xml`, `arkivuttrekk.xml` and one PDF/A
document per journal entry under `dokumenter/`. `write` puts them in a
folder (`crisis archive`), `as_zip` in one zip file (the incident page's
download). Nothing here knows HTTP; templates are passed in.

The same incident at the same position gives the same bytes: identifiers
are derived from ids in the log, dates are the log's, the zip's entries are
sorted and stamped with the extract's time.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2

from crisis.channels.service import channel_names
from crisis.log import CrisisLog
from crisis.people.departments import DEPARTMENTS
from projections.replay import board_at
from projections.store import ViewStore
from projections.timeline import Timeline
from reports.archive import noark
from reports.archive.documents import entry_pdf
from reports.archive.records import entries
from web.texts import catalogue

# Lines that change nothing the extract holds: pins, and the records' own events.
UNCHANGING = ("review", "records")
DEFAULT_CREATOR = "Kommunen"


@dataclass(frozen=True)
class Extract:
    incident: str
    position: int
    at: str
    files: dict[str, bytes]

    @property
    def name(self) -> str:
        return f"arkivuttrekk-{self.incident}-{self.position}"


def build(
    log: CrisisLog,
    store: ViewStore,
    incident: str,
    templates: jinja2.Environment,
    position: int | None = None,
    creator: str = DEFAULT_CREATOR,
) -> Extract | None:
    """The extract of `incident` at `position`; None if the incident did not exist then."""
    timeline = Timeline(store)
    timeline.catch_up(log)
    lines = [
        line
        for line in timeline.lines(incident)
        if position is None or line["position"] <= position
    ]
    changing = [line for line in lines if line["kind"] not in UNCHANGING]
    if not changing:
        return None
    # Named and dated by the last change at or before the position asked for, so
    # any position between two changes gives the very same extract.
    last = changing[-1]
    at_position = last["position"]
    doc = board_at(log, store, position=at_position, incident=incident).board.incidents.get(
        incident
    )
    if doc is None:
        return None
    labels = {**_targets(), **catalogue("nb")["records"]}
    found = entries(doc, lines, channel_names(log), labels)
    filed = [
        noark.Filed(
            entry, n, f"dokumenter/{n:05d}.pdf", entry_pdf(entry, n, doc, labels, templates)
        )
        for n, entry in enumerate(found, start=1)
    ]
    files = {f.path: f.content for f in filed}
    files["arkivstruktur.xml"] = noark.arkivstruktur(doc, filed, creator, last["at"])
    files["endringslogg.xml"] = noark.endringslogg(doc, filed)
    files["arkivuttrekk.xml"] = noark.arkivuttrekk(
        doc, files, len(filed), creator, doc["opened_at"], last["at"]
    )
    return Extract(incident, at_position, last["at"], dict(sorted(files.items())))


def write(extract: Extract, folder: Path) -> list[Path]:
    """Write the extract's files under `folder`; the paths written."""
    written = []
    for name, content in extract.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def as_zip(extract: Extract) -> bytes:
    """One zip of the extract, its files in a folder named for the extract."""
    at = datetime.fromisoformat(extract.at)
    stamp = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in extract.files.items():
            info = zipfile.ZipInfo(f"{extract.name}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def _targets() -> dict[str, str]:
    """Names of where an inquiry can be referred: departments and the catalogue's other targets."""
    ui = catalogue("nb")["ui"]
    return {
        **{k: v for k, v in ui.items() if k.startswith("to_")},
        **{f"to_{k}": v for k, v in DEPARTMENTS.items()},
    }
