"""The board page in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import scenario
from tests.browser import log_in


def test_approved_fact_appears_without_reload(server, page):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident, "Vannet må kokes i ett minutt.")
    log_in(page, server, "comms")
    item = page.locator(f"[data-fact='{fact}']")
    expect(item).to_have_attribute("data-status", "verified")
    page.evaluate("window.notReloaded = true")
    server.ok("comms", f"/api/facts/{fact}/approve")
    expect(item).to_have_attribute("data-status", "approved")
    expect(item).to_contain_text("godkjent av Kari Kommunikasjon")
    assert page.evaluate("window.notReloaded") is True


def test_comms_approves_from_the_page(server, page):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident, "Gjelder bare tre bydeler.")
    log_in(page, server, "comms")
    page.locator(f"[data-fact='{fact}']").get_by_role("button", name="Godkjenn").click()
    expect(page.locator(f"[data-fact='{fact}']")).to_have_attribute("data-status", "approved")


def test_text_from_anyone_is_shown_as_text(server, page):
    hostile = '<img src=x onerror="window.pwned=1">'
    incident = scenario.open_incident(server, title=hostile)
    fact = scenario.verified_fact(server, incident, hostile)
    log_in(page, server, "comms")
    expect(page.locator(f"[data-fact='{fact}'] .text")).to_have_text(hostile)
    expect(page.get_by_role("heading", name=hostile)).to_be_visible()
    assert page.locator("#board img").count() == 0
    assert page.evaluate("window.pwned") is None
