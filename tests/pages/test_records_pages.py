"""The situation report and fact sheet pages in headless Chromium: comms
drafts and issues a report from the page; both pages pass axe and show text
from anyone as text."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import scenario
from tests.browser import log_in
from tests.pages.test_public_pages import WCAG_21_AA, serious


def test_comms_drafts_and_issues_a_report_from_the_page(server, page):
    incident = scenario.open_incident(server)
    scenario.approved_fact(server, incident, "Kok vannet i minst ett minutt.")
    log_in(page, server, "comms")
    page.goto(f"{server.url}/incidents/{incident}/sitrep")
    expect(page.locator("h1")).to_contain_text("Situasjonsrapport nr. 1 (utkast)")
    page.get_by_label("Situasjonen").fill("Kokevarsel i tre bydeler.")
    page.get_by_label("Behov").fill("Vannvogner.")
    page.get_by_role("button", name="Lagre utkast").click()
    expect(page.locator("article.sitrep")).to_contain_text("Vannvogner.")
    page.get_by_role("button", name="Utsted rapporten").click()
    expect(page.locator("#h-issued + ul")).to_contain_text("nr. 1")
    expect(page.locator("h1")).to_contain_text("Situasjonsrapport nr. 2 (utkast)")
    issued = server.get("reviewer", f"/api/incidents/{incident}/sitreps/1").json()
    assert issued["sections"]["situation"] == "Kokevarsel i tre bydeler."
    assert issued["issued_by"] == "Kari Kommunikasjon"


def test_records_pages_pass_axe_and_show_text_as_text(server, page):
    hostile = '<img src=x onerror="window.pwned=1">'
    incident = scenario.open_incident(server, title=hostile)
    scenario.approved_fact(server, incident, hostile)
    log_in(page, server, "comms")
    axe = Axe()
    for path in (f"/incidents/{incident}/sitrep", f"/incidents/{incident}/fact-sheet"):
        page.goto(f"{server.url}{path}")
        expect(page.locator("main")).to_contain_text(hostile)
        assert page.evaluate("window.pwned") is None, path
        assert serious(axe.run(page, options=WCAG_21_AA)) == [], path
