"""Situation reports: the figures equal those worked out by hand from a
scripted incident; an issued report never changes (409) and a replay at its
position shows it; the CLI writes it as JSON, HTML and PDF/A."""

from __future__ import annotations

import json

import pytest

from projections.store import ViewStore
from reports import sitrep
from reports.archive.documents import pdfa_part
from server.runtime import open_log
from tests import scenario
from tests.api.test_api import refused
from tests.reports.test_archive import crisis

SECTIONS = {
    "situation": "E. coli i Grorud; kokevarsel gjelder.",
    "measures_taken": "Kokevarsel publisert på nett og Facebook.",
    "planned_measures": "Ny prøve kl. 14.",
    "needs": "Vannvogner til Stovner.",
}


@pytest.fixture
def first_hour(api, clock):
    """The incident's first 35 minutes (09:00-09:35 UTC), then an hour more."""
    incident = scenario.open_incident(api)  # 09:00
    api.ok("comms", f"/api/incidents/{incident}/crisis-mode", {"on": True, "sla_minutes": 30})
    clock.advance(minutes=10)  # 09:10
    fact = scenario.approved_fact(api, incident, "Kok vannet i minst ett minutt.")
    website = scenario.published_post(api, incident, [fact], text="Kokevarsel: kok vannet.")
    scenario.published_post(api, incident, [fact], channel="facebook", links_to=website)
    clock.advance(minutes=10)  # 09:20
    claim = {"claim": "Vannet er giftig", "channel": "facebook", "where": "Gruppe", "reach": 300}
    rumour = api.ok("comms", f"/api/incidents/{incident}/rumours", claim)["id"]
    asked = scenario.inquiry(api, incident, "Er vannet giftig etter koking?")
    case = scenario.inquiry(api, incident, "Hva skjer med søknaden min?", channel="x")
    spam = scenario.inquiry(api, incident, "Kjøp billig vannfilter!")
    clock.advance(minutes=10)  # 09:30
    api.ok("comms", f"/api/inquiries/{asked}/answer", {"text": "Nei.", "cites": [fact]})
    api.ok("comms", f"/api/inquiries/{case}/refer", {"to": "postmottak", "reply": "Skriv dit."})
    api.ok("comms", f"/api/inquiries/{spam}/triage", {"category": "spam"})
    api.ok("comms", f"/api/inquiries/{spam}/moderate", {"action": "delete", "reason": "Spam."})
    clock.advance(minutes=5)  # 09:35
    scenario.inquiry(api, incident, "Gjelder det Furuset?")  # still waiting
    return {"incident": incident, "fact": fact, "rumour": rumour, "asked": asked}


def test_figures_of_the_first_report_as_worked_out_by_hand(api, first_hour):
    incident = first_hour["incident"]
    base = f"/api/incidents/{incident}/sitreps"
    api.ok("comms", f"{base}/1", SECTIONS)
    draft = api.get("comms", f"{base}/draft").json()
    assert draft["number"] == 1 and draft["sections"] == SECTIONS
    f = draft["figures"]
    assert draft["period_from"] == "2026-11-23T09:00:00+00:00"
    assert draft["period_to"] == "2026-11-23T09:35:00+00:00"
    assert {ch: len(p) for ch, p in f["posts"].items()} == {"facebook": 1, "website": 1}
    assert [p["at"] for p in f["posts"]["website"]] == ["2026-11-23T09:10:00+00:00"]
    assert [len(f["facts"][k]) for k in ("approved", "corrected", "withdrawn")] == [1, 0, 0]
    assert [r["reach"] for r in f["rumours"]["new"]] == [300]
    assert f["rumours"]["corrected"] == []
    assert [(r["claim"], r["reach"]) for r in f["rumours"]["open"]] == [("Vannet er giftig", 300)]
    assert f["inquiries"] == {
        "facebook": {
            "received": 3,
            "answered": 1,
            "referred": 0,
            "moderated": 1,
            "waiting": 1,
            "breached": 0,
        },
        "x": {
            "received": 1,
            "answered": 0,
            "referred": 1,
            "moderated": 0,
            "waiting": 0,
            "breached": 0,
        },
    }
    assert f["moderation"] == {"delete": 1} and f["referrals"] == {"postmottak": 1}
    # The first report includes the opening.
    assert [c["type"] for c in f["changes"]] == [
        "Incident.Opened",
        "Incident.CrisisModeSwitched:on",
    ]


def test_the_next_report_starts_where_the_last_ended(api, clock, first_hour):
    incident, fact = first_hour["incident"], first_hour["fact"]
    base = f"/api/incidents/{incident}/sitreps"
    api.ok("comms", f"{base}/1", SECTIONS)
    api.ok("comms", f"{base}/1/issue")
    clock.advance(minutes=60)  # 10:35: the waiting inquiry is past its 30 minutes
    correction = {"text": "Kok vannet i tre minutter.", "reason": "Mattilsynet."}
    api.ok("vav", f"/api/facts/{fact}/correct", correction)
    api.ok("comms", f"/api/facts/{fact}/approve")
    api.ok("comms", f"/api/rumours/{first_hour['rumour']}/assess", {"assessment": "false"})
    api.ok(
        "comms", f"/api/rumours/{first_hour['rumour']}/correct", {"inquiry_id": first_hour["asked"]}
    )
    second = api.get("comms", f"{base}/draft").json()
    assert second["number"] == 2 and second["sections"] == {}
    assert second["period_from"] == "2026-11-23T09:35:00+00:00"
    assert second["period_to"] == "2026-11-23T10:35:00+00:00"
    f = second["figures"]
    assert f["posts"] == {}
    assert [len(f["facts"][k]) for k in ("approved", "corrected", "withdrawn")] == [1, 1, 0]
    assert [r["revision"] for r in f["facts"]["approved"]] == [2]
    assert (
        len(f["rumours"]["new"]),
        len(f["rumours"]["corrected"]),
        len(f["rumours"]["open"]),
    ) == (0, 1, 1)
    assert f["inquiries"] == {
        "facebook": {
            "received": 0,
            "answered": 0,
            "referred": 0,
            "moderated": 0,
            "waiting": 1,
            "breached": 1,
        },
    }
    listing = api.get("comms", base).json()
    assert [r["number"] for r in listing["issued"]] == [1]
    # No time set in the draft: due four hours after the first report was issued.
    assert listing["next_due"] == "2026-11-23T13:35:00+00:00" and listing["overdue"] is False
    clock.advance(hours=3, minutes=1)  # 13:36
    due = api.get("reviewer", "/api/sitreps/due").json()["incidents"]
    assert [(d["id"], d["next_due"], d["overdue"]) for d in due] == [
        (incident, "2026-11-23T13:35:00+00:00", True)
    ]


def test_an_issued_report_cannot_change_and_a_replay_shows_it(api, clock, first_hour, settings):
    incident = first_hour["incident"]
    base = f"/api/incidents/{incident}/sitreps"
    api.ok("comms", f"{base}/1", {**SECTIONS, "next_report_at": "2026-11-23T12:00:00+00:00"})
    issued_at = api.ok("comms", f"{base}/1/issue")["position"]
    report = api.get("reviewer", f"{base}/1").json()
    assert report["status"] == "issued" and report["sections"] == SECTIONS
    assert report["figures"]["inquiries"]["x"]["referred"] == 1
    before = api.position()
    refused(api, "comms", f"{base}/1", {"situation": "Endret."}, 409, "sitrep_issued")
    refused(api, "comms", f"{base}/1/issue", {}, 409, "sitrep_issued")
    refused(api, "comms", f"{base}/3", {"situation": "For tidlig."}, 422, "sitrep_not_next")
    assert api.position() == before
    # Later events change nothing in what was issued.
    clock.advance(minutes=30)
    scenario.inquiry(api, incident, "Enda et spørsmål?")
    assert api.get("reviewer", f"{base}/1").json() == report
    assert api.get("comms", base).json()["next_due"] == "2026-11-23T12:00:00+00:00"
    # A replay at the report's position shows it; just before, it was not issued.
    log, store = open_log(settings), ViewStore(settings.views_url)
    try:
        at = sitrep.issued_report(log, store, incident, 1, position=issued_at)
        assert sitrep.issued_report(log, store, incident, 1, position=issued_at - 1) is None
    finally:
        log.close()
        store.close()
    assert at == {**report}
    # Issued reports are on the review timeline, with who issued them.
    lines = api.get("reviewer", f"/api/review/{incident}/timeline?kind=records").json()["lines"]
    assert "Kari Kommunikasjon utstedte situasjonsrapport nr. 1." in [
        line["description"] for line in lines
    ]


def test_issuing_needs_a_situation(api, first_hour):
    base = f"/api/incidents/{first_hour['incident']}/sitreps"
    refused(api, "comms", f"{base}/1/issue", {}, 422, "sitrep_needs_situation")


@pytest.mark.once  # the rendering; reading the store is checked in both passes
def test_cli_writes_the_report_as_json_html_and_pdf(api, first_hour, settings, tmp_path):
    incident = first_hour["incident"]
    base = f"/api/incidents/{incident}/sitreps"
    api.ok("comms", f"{base}/1", SECTIONS)
    api.ok("comms", f"{base}/1/issue")
    out = tmp_path / "r.json"
    crisis(settings, "sitrep", incident, "--number", "1", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text()) == api.get("comms", f"{base}/1").json()
    crisis(
        settings,
        "sitrep",
        incident,
        "--number",
        "1",
        "--format",
        "html",
        "--out",
        str(tmp_path / "r.html"),
    )
    html = (tmp_path / "r.html").read_text()
    assert SECTIONS["needs"] in html and "Situasjonsrapport nr. 1" in html
    crisis(
        settings,
        "sitrep",
        incident,
        "--number",
        "1",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "r.pdf"),
    )
    assert pdfa_part((tmp_path / "r.pdf").read_bytes()) == ("2", "B")
    # A period of one's choosing: only the first ten minutes.
    crisis(
        settings,
        "sitrep",
        incident,
        "--from",
        "2026-11-23T09:00:00+00:00",
        "--to",
        "2026-11-23T09:10:00+00:00",
        "--out",
        str(out),
    )
    early = json.loads(out.read_text())["figures"]
    assert early["inquiries"] == {} and len(early["facts"]["approved"]) == 1
