"""Each journal entry as a PDF/A-2b document, the archival format Noark 5
systems take, written by WeasyPrint from a template passed in.

The PDF's metadata dates are the entry's own time (from the log), so the same
entry always gives the same bytes; `pdfa_part` reads the PDF/A claim back from
a file's XMP metadata, as an archivist's tools do.
"""

from __future__ import annotations

import gc
import io
from typing import Any

import jinja2

from reports.archive.records import Entry

VARIANT = "pdf/a-2b"


def render_pdf(html: str) -> bytes:
    """HTML to PDF/A-2b. WeasyPrint is imported here: it loads Pango, which
    the rest of the product does not need.

    A render leaves reference cycles holding Pango and Fontconfig objects that
    cffi frees by calling into those libraries. Left to interpreter shutdown,
    they may be freed after the libraries were closed, and the process dies of
    a segmentation fault once its work is done (`crisis archive` exited with
    -11 in CI). Collecting them here frees them while the libraries are loaded.
    """
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=html).write_pdf(pdf_variant=VARIANT)
    gc.collect()
    return pdf


def entry_pdf(
    entry: Entry,
    number: int,
    incident: dict[str, Any],
    labels: dict[str, str],
    templates: jinja2.Environment,
) -> bytes:
    html = templates.get_template("records/document.html").render(
        entry=entry, number=number, incident=incident, t=labels
    )
    return render_pdf(html)


def pdfa_part(content: bytes) -> tuple[str | None, str | None]:
    """The PDF/A part and conformance a PDF claims in its XMP metadata (e.g. ("2", "B"))."""
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        meta = pdf.open_metadata()
        return meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
