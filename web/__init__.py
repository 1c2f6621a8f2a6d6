"""What the pages are made of: Jinja templates, static files and the text
catalogues. A package of its own, below `api/`, so reports and the CLI can
render the same templates without importing the HTTP stack."""

from __future__ import annotations

from pathlib import Path

import jinja2

WEB = Path(__file__).resolve().parent


def template_environment() -> jinja2.Environment:
    """The one template environment; the HTTP pages wrap it, reports get it passed in."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"), autoescape=True)
