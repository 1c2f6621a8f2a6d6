"""The review report: one self-contained HTML file, the same data as JSON, and
the same figures the review page shows."""

from __future__ import annotations

import json
import subprocess
import sys

import lxml.html
import pytest

from projections.figures import FIGURES
from tests import scenario
from web.texts import catalogue


@pytest.fixture
def reviewed(api, clock):
    return scenario.whole_incident(api, lambda: clock.advance(minutes=11))


def crisis(settings, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    store = ["--database-url", settings.database_url] if settings.database_url else []
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args, "--data-dir", str(settings.data_dir), *store],
        capture_output=True,
        text=True,
        check=check,
    )


def figure_values(html: str) -> dict[str, object]:
    """Every number the page shows, by its path in the figures JSON."""
    tree = lxml.html.fromstring(html)
    return {
        node.get("data-figure"): json.loads(node.get("data-value"))
        for node in tree.xpath("//*[@data-figure]")
    }


def at_path(data: object, path: str) -> object:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]  # type: ignore[index]
    return data


def test_report_is_one_self_contained_printable_file(api, reviewed, settings, tmp_path):
    out = tmp_path / "report.html"
    crisis(settings, "review", reviewed["incident"], "--out", str(out))
    html = out.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)

    # Nothing is fetched from anywhere: no scripts, links, images or frames, no
    # addresses except links within the page, no imports or urls in the styles.
    assert tree.xpath("//script | //link | //img | //iframe | //object | //embed") == []
    for node in tree.iter():
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            value = node.get(name)
            assert value is None or value.startswith("#"), (node.tag, name, value)
    styles = " ".join(tree.xpath("//style/text()"))
    assert "url(" not in styles and "@import" not in styles
    assert "@media print" in styles

    text = tree.text_content()
    definitions = catalogue("nb")["figures"]
    for key in FIGURES:
        assert definitions[f"{key}_definition"] in text, key
    assert tree.xpath("//svg[@role='img']"), "the volume chart, inline"
    # The facts as finally stated, with their earlier revisions.
    assert "Kok vannet i minst tre minutter." in text
    assert "Nytt råd fra Mattilsynet." in text
    # The archive-worthy inquiry with its content and how it was handled, for journaling.
    assert "Hva skjer med søknaden min?" in text
    assert "Gjelder en søknad." in text
    assert "Send det til postmottak." in text
    # The timeline, in words.
    assert "Kari Kommunikasjon slo på krisemodus" in text
    assert "Kari Kommunikasjon trakk tilbake innlegget på Facebook" in text


def test_json_report_has_the_same_figures_as_the_page(api, reviewed, settings, tmp_path):
    incident = reviewed["incident"]
    out = tmp_path / "report.json"
    crisis(settings, "review", incident, "--format", "json", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["figures"] == api.get("reviewer", f"/api/review/{incident}/figures").json()
    assert data == api.get("reviewer", f"/api/review/{incident}/report.json").json()
    assert data["figures"]["retractions"][0]["apology"] == reviewed["apology"]
    assert [a["id"] for a in data["archive"]] == [reviewed["case"]]
    assert [f["text"] for f in data["facts"]] == ["Kok vannet i minst tre minutter."]
    assert len(data["timeline"]) == len(
        api.get("reviewer", f"/api/review/{incident}/timeline").json()["lines"]
    )

    api.client.cookies.set("crisis_session", api.token("reviewer"))
    page = api.client.get(f"/review/{incident}")
    assert page.status_code == 200
    shown = figure_values(page.text)
    assert len(shown) > 40
    for path, value in shown.items():
        assert at_path(data["figures"], path) == value, path
    report = crisis(settings, "review", incident).stdout
    assert figure_values(report) == shown


def test_the_report_names_residents_only_when_asked_for(reviewed, settings):
    """`crisis review` writes what a reviewer reads (no handles); comms' copy
    takes `--with-residents`."""
    incident = reviewed["incident"]
    as_reviewer = crisis(settings, "review", incident, "--format", "json").stdout
    with_residents = crisis(
        settings, "review", incident, "--format", "json", "--with-residents"
    ).stdout
    assert "@per" not in as_reviewer and "Hva skjer med søknaden min?" in as_reviewer
    assert "@per" in with_residents


def test_review_command_refuses_an_unknown_incident(settings):
    result = crisis(settings, "review", "no-such-incident", check=False)
    assert result.returncode == 2
    assert "no incident" in result.stderr


def test_checkpoints_command_prepares_replays(api, reviewed, settings):
    out = crisis(settings, "checkpoints").stdout
    assert f"up to position {api.position()}; timeline ready" in out
