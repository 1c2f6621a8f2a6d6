"""The review report: one self-contained HTML file, the same data as JSON, and
the same figures the review page shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from xml.etree import ElementTree

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


SVG = "{http://www.w3.org/2000/svg}"
# What residents wrote and who they are, in the whole incident: never in a chart.
RESIDENTS = (
    "@jon",
    "@per",
    "@bot",
    "Er vannet giftig etter koking?",
    "Hva skjer med søknaden min?",
    "Kjøp billig vannfilter!",
)


def charts(html: str) -> dict[str, ElementTree.Element]:
    """Every inline SVG chart, parsed as XML (a chart that is not valid XML fails here)."""
    found = {}
    for markup in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        svg = ElementTree.fromstring(markup)
        found[svg.get("data-chart")] = svg
    return found


def test_report_opens_with_the_timeline_and_reply_charts(api, reviewed):
    incident = reviewed["incident"]
    lines = api.get("reviewer", f"/api/review/{incident}/timeline").json()["lines"]
    crisis_on = next(line for line in lines if line["type"] == "Incident.CrisisModeSwitched:on")
    note = "Krisemodus tidlig: det bar hele dagen."
    api.ok(
        "reviewer",
        f"/api/review/{incident}/pins",
        {"position": crisis_on["position"], "note": note},
    )
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "closed"})
    api.client.cookies.set("crisis_session", api.token("reviewer"))
    report = api.client.get(f"/review/{incident}/report.html").text
    shown = charts(report)

    # The visual timeline: inquiry bars under one numbered marker per key moment,
    # each named in its tooltip and in the table under the chart.
    timeline = shown["moments"]
    assert timeline.get("role") == "img" and timeline.find(f"{SVG}title").text
    assert "med 8 viktige øyeblikk" in timeline.find(f"{SVG}desc").text
    groups = [g for g in timeline.iter(f"{SVG}g") if g.get("data-moments")]
    marks = [kind for g in groups for kind in g.get("data-moments").split()]
    assert marks == [
        "opened",
        "crisis_on",
        "pinned",
        "fact_approved",
        "website_post",
        "rumour_corrected",
        "fact_approved",
        "closed",
    ]
    named = "\n".join(g.find(f"{SVG}title").text for g in groups).splitlines()
    assert [line.split(".")[0] for line in named] == [str(n) for n in range(1, 9)]
    assert "Hendelsen opprettet" in named[0] and "Krisemodus på, frist 30 min" in named[1]
    assert note in named[2] and "Hendelsen lukket" in named[-1]
    # Crisis mode, the pin on it and the first fact approved, all at 10:11, share a
    # marker: «2–4».
    assert [g.find(f"{SVG}text").text for g in groups][:3] == ["1", "2–4", "5"]
    assert len([r for r in timeline.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]) == 1
    page = lxml.html.fromstring(report)
    rows = page.xpath("//table[@class='moments']/tbody/tr")
    assert [r.get("data-moment") for r in rows] == marks
    assert rows[2].xpath("string(td[3])") == f"Markert: {note}"

    # One reply-time chart per channel, on the same scale, with the 30-minute target.
    replies = {svg.get("data-channel"): svg for key, svg in shown.items() if "replies" in key}
    assert set(replies) == {"facebook", "x"}
    for svg in replies.values():
        assert svg.find(f"{SVG}title").text.startswith("Tid til første svar: ")
        assert [
            line.get("data-target") for line in svg.iter(f"{SVG}line") if line.get("data-target")
        ] == ["30"]
        assert len([g for g in svg.iter(f"{SVG}g") if g.get("data-interval")]) == 1
    assert "1 av 1 som skulle besvares, fikk første svar" in replies["x"].find(f"{SVG}desc").text

    # Counts and times only: no resident's handle or words anywhere in the overview.
    overview = lxml.html.tostring(page.xpath("//section[@id='overview']")[0], encoding="unicode")
    for svg in shown.values():
        overview += ElementTree.tostring(svg, encoding="unicode")
    for private in RESIDENTS:
        assert private not in overview, private

    # The review page shows the same charts.
    on_page = charts(api.client.get(f"/review/{incident}").text)
    assert set(on_page) == set(shown)
    for key, svg in shown.items():
        assert ElementTree.tostring(on_page[key]) == ElementTree.tostring(svg), key


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
