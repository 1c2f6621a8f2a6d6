"""The public pages in headless Chromium: accessible (axe-core, WCAG 2.1 AA) and
complete without JavaScript."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from tests import scenario
from tests.browser import WCAG_21_AA, serious


@pytest.fixture(scope="module")
def server(shared_server):
    return shared_server


@pytest.fixture(scope="module")
def incident(server) -> str:
    incident = scenario.open_incident(server)
    found = scenario.approved_fact(server, incident, "E. coli er påvist i vannprøver.")
    boil = scenario.approved_fact(server, incident, "Kok vannet i minst ett minutt.")
    scenario.published_post(server, incident, [found, boil], text="Kokevarsel: kok vannet.")
    scenario.published_post(server, incident, [boil], text="Varselet gjelder fortsatt.")
    return incident


def test_public_pages_pass_axe(server, incident, page):
    axe = Axe()
    for path in (
        "/public",
        f"/public/incidents/{incident}",
        f"/public/incidents/{incident}?lang=en",
        "/public/incidents/unknown",
    ):
        page.goto(f"{server.url}{path}")
        assert serious(axe.run(page, options=WCAG_21_AA)) == [], path


def test_incident_page_reads_fully_without_javascript(server, incident, browser: Browser):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/public")
        page.get_by_role("link", name="Kokevarsel for Grorud, Stovner og Alna").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Kokevarsel for Grorud, Stovner og Alna"
        )
        main = page.get_by_role("main")
        expect(main.get_by_role("heading", name="Hva du bør gjøre")).to_be_visible()
        expect(main.locator(".notice")).to_have_text("Varselet gjelder fortsatt.")
        expect(main.get_by_role("listitem").filter(has_text="Kok vannet i minst")).to_be_visible()
        expect(main.get_by_role("heading", name="Spør oss")).to_be_visible()
        # The skip link is the first thing a keyboard reaches, and it works.
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Gå til hovedinnholdet")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(main).to_be_focused()
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    finally:
        context.close()
