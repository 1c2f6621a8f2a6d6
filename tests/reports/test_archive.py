"""The Noark 5 archive extract: valid against Arkivverket's schemas (copied
unchanged into tests/standards/noark5), every checksum right, every document
PDF/A, the same bytes every time, and residents' erased data still erased."""

from __future__ import annotations

import gc
import hashlib
import io
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema

from reports.archive.documents import pdfa_part, render_pdf
from tests import scenario

SCHEMAS = Path(__file__).resolve().parents[1] / "standards" / "noark5"
N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


@pytest.fixture(scope="module")
def schemas() -> dict[str, xmlschema.XMLSchema]:
    return {
        name: xmlschema.XMLSchema(str(SCHEMAS / f"{name}.xsd"))
        for name in ("arkivstruktur", "endringslogg", "addml")
    }


@pytest.fixture
def incident(api, clock):
    return scenario.whole_incident(api, lambda: clock.advance(minutes=11))


def crisis(settings, *args: str) -> subprocess.CompletedProcess:
    store = ["--database-url", settings.database_url] if settings.database_url else []
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args, "--data-dir", str(settings.data_dir), *store],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def check_extract(files: dict[str, bytes], schemas: dict[str, xmlschema.XMLSchema]) -> ET.Element:
    """Everything an archivist's loader checks; the parsed arkivstruktur."""
    schemas["arkivstruktur"].validate(io.BytesIO(files["arkivstruktur.xml"]))
    schemas["endringslogg"].validate(io.BytesIO(files["endringslogg.xml"]))
    schemas["addml"].validate(io.BytesIO(files["arkivuttrekk.xml"]))
    root = ET.fromstring(files["arkivstruktur.xml"])
    objects = root.findall(f".//{N5}dokumentobjekt")
    assert objects
    for obj in objects:
        path = obj.findtext(f"{N5}referanseDokumentfil")
        content = files[path]
        assert obj.findtext(f"{N5}sjekksumAlgoritme") == "SHA256"
        assert obj.findtext(f"{N5}sjekksum") == hashlib.sha256(content).hexdigest()
        assert int(obj.findtext(f"{N5}filstoerrelse")) == len(content)
        assert content.startswith(b"%PDF-")
        assert pdfa_part(content) == ("2", "B"), path
    # Every document is referred to, and only once.
    documents = {name for name in files if name.startswith("dokumenter/")}
    assert sorted(documents) == sorted(o.findtext(f"{N5}referanseDokumentfil") for o in objects)
    addml = files["arkivuttrekk.xml"].decode()
    for name in ("arkivstruktur.xml", "endringslogg.xml"):
        assert hashlib.sha256(files[name]).hexdigest() in addml, name
    return root


def titles(root: ET.Element) -> list[str]:
    return [r.findtext(f"{N5}tittel") for r in root.iter(f"{N5}registrering")]


def test_cli_writes_a_valid_extract_with_one_record_per_act(incident, settings, tmp_path, schemas):
    out = tmp_path / "extract"
    crisis(settings, "archive", incident["incident"], "--out", str(out))
    files = files_of(out)
    root = check_extract(files, schemas)

    folders = root.findall(f".//{N5}mappe")
    assert len(folders) == 1
    assert folders[0].findtext(f"{N5}mappeID") == incident["incident"]
    registrations = list(root.iter(f"{N5}registrering"))
    kinds = [r.get(f"{XSI}type") for r in registrations]
    found = titles(root)
    # Published: the website post, the Facebook post (later retracted) and the apology.
    assert sum(t.startswith("Publisert på") for t in found) == 3
    # The retraction of the Facebook post, with its apology.
    assert sum(t.startswith("Trukket tilbake på Facebook") for t in found) == 1
    # Approved fact revisions: revision 1, and revision 2 after the correction.
    facts = [t for t in found if t.startswith("Godkjent faktum")]
    assert len(facts) == 2 and "(versjon 2)" in facts[1]
    assert kinds.count("arkivnotat") == 2
    # The archive-worthy inquiry (incoming) and its referral (outgoing); the
    # other inquiries are not archive-worthy and are left out.
    assert sum(t.startswith("Henvendelse på") for t in found) == 1
    assert sum(t.startswith("Henvisning") for t in found) == 1
    assert len(registrations) == 3 + 1 + 2 + 1 + 1
    types = [r.findtext(f"{N5}journalposttype") for r in registrations]
    assert types.count("Inngående dokument") == 1
    assert types.count("Utgående dokument") == 5
    # Journal numbers follow the log.
    numbers = [
        int(r.findtext(f"{N5}journalsekvensnummer"))
        for r in registrations
        if r.get(f"{XSI}type") == "journalpost"
    ]
    assert numbers == sorted(numbers)
    # Staff names as in the record; the correction and retraction in the change log.
    assert "Kari Kommunikasjon" in [r.findtext(f"{N5}opprettetAv") for r in registrations]
    changes = files["endringslogg.xml"].decode()
    assert "Kok vannet i minst tre minutter." in changes
    assert "Trukket tilbake: Feil koketid." in changes


@pytest.mark.once  # the documents' bytes; reading the store is checked in both passes
def test_same_incident_same_position_same_bytes(api, incident, settings, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    crisis(settings, "archive", incident["incident"], "--out", str(first))
    position = api.position()
    # Other work in the log (another incident) changes nothing in this extract.
    scenario.open_incident(api, title="Storm")
    crisis(settings, "archive", incident["incident"], "--out", str(second))
    assert files_of(first) == files_of(second)
    # So does asking for the extract at the end of the log.
    at_end = tmp_path / "end"
    crisis(
        settings,
        "archive",
        incident["incident"],
        "--out",
        str(at_end),
        "--position",
        str(api.position()),
    )
    assert files_of(at_end) == files_of(first)
    # An earlier position gives an earlier extract, again the same every time.
    early_a, early_b = tmp_path / "a", tmp_path / "b"
    crisis(settings, "archive", incident["incident"], "--out", str(early_a), "--position", "12")
    crisis(settings, "archive", incident["incident"], "--out", str(early_b), "--position", "12")
    assert files_of(early_a) == files_of(early_b) != files_of(first)
    assert position > 12


def test_erased_personal_data_stays_erased(api, incident, settings, tmp_path, schemas):
    case = incident["case"]
    api.ok("editor", f"/api/inquiries/{case}/erase", {"note": "Forespørsel fra innbygger"})
    out = tmp_path / "extract"
    crisis(settings, "archive", incident["incident"], "--out", str(out))
    files = files_of(out)
    root = check_extract(files, schemas)
    parties = [
        p.findtext(f"{N5}korrespondansepartNavn") for p in root.iter(f"{N5}korrespondansepart")
    ]
    assert "[fjernet]" in parties
    assert "@per" not in files["arkivstruktur.xml"].decode()
    everything = b"".join(files.values())
    assert b"@per" not in everything
    assert "[fjernet]" in files["endringslogg.xml"].decode()


def test_download_is_the_same_extract_and_taking_it_is_recorded(api, incident, settings, tmp_path):
    path = f"/api/incidents/{incident['incident']}/archive"
    first = api.get("comms", path)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/zip"
    assert "attachment" in first.headers["content-disposition"]
    # Taking an extract is recorded, but changes nothing in the next one.
    assert api.get("admin", path).content == first.content
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        zipped = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    out = tmp_path / "extract"
    crisis(settings, "archive", incident["incident"], "--out", str(out))
    assert zipped == files_of(out)
    timeline = f"/api/review/{incident['incident']}/timeline?kind=records"
    lines = api.get("reviewer", timeline).json()["lines"]
    exported = [line for line in lines if line["type"] == "Sitreps.ArchiveExported"]
    assert [line["by"]["name"] for line in exported] == ["Kari Kommunikasjon", "Anne Admin"]
    assert "tok ut et arkivuttrekk" in exported[0]["description"]


def test_a_render_leaves_nothing_of_pango_to_interpreter_shutdown():
    """What a render leaves in reference cycles is freed by calling into Pango;
    left to shutdown, that may come after Pango was closed: a segmentation
    fault once the work is done."""
    from weasyprint.text.fonts import FontConfiguration

    assert render_pdf("<p>Kok vannet.</p>").startswith(b"%PDF-")
    assert not [o for o in gc.get_objects() if isinstance(o, FontConfiguration)]
