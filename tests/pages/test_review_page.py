"""The review page in headless Chromium: stepping shows the board as it stood
and the event that changed it; pinning; accessibility (axe-core)."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests import scenario
from tests.browser import log_in
from tests.pages.test_public_pages import WCAG_21_AA, serious


class Staff:
    """Commands to the server as the test users, each logged in once (hashing a
    password is slow on purpose)."""

    def __init__(self, server) -> None:
        self.server = server
        self.client = httpx.Client(base_url=server.url, timeout=10)
        self.tokens: dict[str, str] = {}

    def ok(self, username: str, path: str, json: object = None) -> dict:
        if username not in self.tokens:
            self.tokens[username] = self.server.token(username)
        response = self.client.post(
            path, json=json or {}, headers={"Authorization": f"Bearer {self.tokens[username]}"}
        )
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def staff(server):
    staff = Staff(server)
    yield staff
    staff.client.close()


@pytest.fixture
def reviewed(staff):
    return scenario.whole_incident(staff)


def open_review(page, server, incident: str) -> None:
    log_in(page, server, "reviewer")
    page.goto(f"{server.url}/review/{incident}")
    expect(page.locator("#moment-board")).to_have_attribute("aria-busy", "false")


def test_stepping_shows_the_board_as_it_stood_and_what_changed_it(server, page, reviewed):
    open_review(page, server, reviewed["incident"])
    description = page.locator("#moment-description")
    board = page.locator("#moment-board")
    status = page.locator("#step-status")

    expect(status).to_contain_text("Hendelse 1 av")
    expect(description).to_have_text(
        "Kari Kommunikasjon åpnet hendelsen «Kokevarsel for Grorud, Stovner og Alna» (alvorlig) "
        "for Grorud, Stovner, Alna, med Vann- og avløpsetaten som ansvarlig virksomhet."
    )
    expect(board.locator("[data-fact]")).to_have_count(0)

    page.get_by_role("button", name="Neste hendelse").click()
    expect(status).to_contain_text("Hendelse 2 av")
    expect(description).to_contain_text("slo på krisemodus")
    expect(board).to_contain_text("Krisemodus (30 min)")

    # The last step: everything, as finally stated.
    page.get_by_label("Øyeblikk i hendelsens historikk").focus()
    page.keyboard.press("End")
    expect(description).to_contain_text("lukket ryktet «Vannet er giftig»")
    expect(page.locator("#moment-channel")).to_have_text("–")
    expect(board.locator(f"[data-post='{reviewed['facebook']}']")).to_have_attribute(
        "data-status", "retracted"
    )
    expect(board.locator(f"[data-rumour='{reviewed['rumour']}']")).to_have_attribute(
        "data-status", "closed"
    )
    expect(page.get_by_role("button", name="Neste hendelse")).to_be_disabled()

    # From the timeline: the moment the fact was corrected, and the one before it.
    row = page.locator("#timeline tr", has_text="korrigerte faktaopplysningen")
    row.get_by_role("button").click()
    expect(description).to_contain_text("Vera Vann korrigerte faktaopplysningen")
    fact = board.locator(f"[data-fact='{reviewed['fact']}']")
    expect(fact).to_contain_text("Kok vannet i minst tre minutter.")
    expect(fact).to_have_attribute("data-status", "verified")
    page.get_by_role("button", name="Forrige hendelse").click()
    expect(fact).to_contain_text("Kok vannet i minst ett minutt.")
    expect(fact).to_have_attribute("data-status", "approved")
    expect(page.locator("#moment-channel")).to_have_text("Facebook")


def test_a_reviewer_pins_a_moment_from_the_page(server, page, reviewed):
    open_review(page, server, reviewed["incident"])
    page.get_by_role("button", name="Neste hendelse").click()
    expect(page.locator("#moment-description")).to_contain_text("krisemodus")
    page.get_by_label("Hvorfor er øyeblikket viktig?").fill("Krisemodus kom raskt.")
    page.get_by_role("button", name="Marker som nøkkeløyeblikk").click()
    pin = page.locator("#pins li")
    expect(pin).to_contain_text("Krisemodus kom raskt.")
    expect(pin).to_contain_text("markert av Rune Revisor")
    expect(page.locator("#moment-pin")).to_contain_text("Krisemodus kom raskt.")
    expect(page.locator("#timeline tr.pinned")).to_contain_text("slo på krisemodus")
    # The pin is an event of its own in the timeline.
    expect(page.locator("#timeline")).to_contain_text("Rune Revisor markerte hendelse nr.")


def test_review_pages_pass_axe(server, page, reviewed):
    open_review(page, server, reviewed["incident"])
    axe = Axe()
    assert serious(axe.run(page, options=WCAG_21_AA)) == []
    for path in ("/review", f"/review/{reviewed['incident']}/report.html"):
        page.goto(f"{server.url}{path}")
        assert serious(axe.run(page, options=WCAG_21_AA)) == [], path


def test_text_from_anyone_is_shown_as_text(server, staff, page):
    hostile = '<img src=x onerror="window.pwned=1">'
    incident = scenario.open_incident(staff, title=hostile)
    scenario.verified_fact(staff, incident, hostile)
    open_review(page, server, incident)
    page.get_by_role("button", name="Siste").click()
    expect(page.locator("#moment-board [data-fact] .text")).to_have_text(hostile)
    assert page.locator("#moment-board img, #moment-description img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_people_without_the_review_role_are_turned_away(server, staff, page):
    incident = scenario.open_incident(staff)
    log_in(page, server, "vav")
    response = page.goto(f"{server.url}/review/{incident}")
    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("Rollen din (department)")
