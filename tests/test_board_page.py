"""The board page in headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID

import httpx
from playwright.sync_api import expect

from crisis.facts.service import submit_fact
from crisis.log import CrisisLog
from tests import scenario
from tests.browser import log_in

HOSTILE = '<img src=x onerror="window.pwned=1">'


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
    expect(page.locator(f"[data-incident='{incident}'] [data-group='approved'] h4")).to_have_text(
        "Godkjent1"
    )
    assert page.evaluate("window.notReloaded") is True


def test_comms_approves_from_the_page(server, page):
    incident = scenario.open_incident(server)
    fact = scenario.verified_fact(server, incident, "Gjelder bare tre bydeler.")
    log_in(page, server, "comms")
    page.locator(f"[data-fact='{fact}']").get_by_role("button", name="Godkjenn").click()
    expect(page.locator(f"[data-fact='{fact}']")).to_have_attribute("data-status", "approved")


# Every way text from people reaches the board: each puts HOSTILE there and
# says where it must appear as plain text. Rumours and inquiries add theirs.
def incident_title(server) -> str:
    return f"#incident-{scenario.open_incident(server, title=HOSTILE)}"


def fact_text(server) -> str:
    incident = scenario.open_incident(server)
    return f"[data-fact='{scenario.verified_fact(server, incident, HOSTILE)}'] .text"


def post_text(server) -> str:
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident)
    return f"[data-post='{scenario.published_post(server, incident, [fact], text=HOSTILE)}'] .text"


HOSTILE_PLACES: list[Callable] = [incident_title, fact_text, post_text]


def test_text_from_anyone_is_shown_as_text(server, page):
    places = {place.__name__: place(server) for place in HOSTILE_PLACES}
    log_in(page, server, "comms")
    for name, selector in places.items():
        expect(page.locator(selector), name).to_have_text(HOSTILE)
    expect(page.locator("#overview a").filter(has_text=HOSTILE)).to_have_count(1)
    expect(page.locator("[data-section='working'] q").filter(has_text=HOSTILE)).not_to_have_count(0)
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.pwned") is None


def with_parts_of_other_concepts(message: str) -> str:
    """The server's real board, with the parts the rumour, inquiry and follow-up
    concepts will add, in shapes they may take."""
    body = json.loads(message)
    for doc in body.get("incidents", []) + ([body["incident"]] if "incident" in body else []):
        doc["crisis_mode"] = True
        doc["rumours"] = {
            "r1": {
                "id": "r1",
                "text": HOSTILE,
                "status": "open",
                "reach": 1200,
                "first_seen_at": doc["opened_at"],
                "where": HOSTILE,
            },
        }
        doc["inquiries"] = {"facebook": {"last_15": 4, "last_60": 19, "backlog": 7, "breached": 1}}
        doc["follow_up"] = {"p1": {"id": "p1", "text": HOSTILE, "fact": "f1"}}
        doc["future_part"] = [{"id": "x", "title": HOSTILE}]
    return json.dumps(body)


def test_parts_of_other_concepts_are_shown_when_present_and_as_text(server, page):
    incident = scenario.open_incident(server)

    def relay(ws) -> None:
        ws.connect_to_server().on_message(lambda m: ws.send(with_parts_of_other_concepts(m)))

    page.route_web_socket("**/ws/board*", relay)
    log_in(page, server, "comms")
    section = page.locator(f"[data-incident='{incident}']")
    for key, heading in (
        ("rumours", "Rykter1"),
        ("inquiries", "Henvendelser"),
        ("follow_up", "Må følges opp1"),
        ("future_part", "future_part1"),
    ):
        expect(section.locator(f"[data-section='{key}'] h3")).to_have_text(heading)
    expect(section.locator("[data-section='rumours'] .text")).to_have_text(HOSTILE)
    expect(section.locator("[data-section='rumours'] [data-field='where']")).to_contain_text(
        HOSTILE
    )
    expect(section.locator("[data-section='follow_up'] .text")).to_have_text(HOSTILE)
    expect(section.locator("[data-section='inquiries'] tr[data-row='facebook']")).to_have_text(
        "Facebook419" + "71"
    )
    expect(page.locator(f"[data-overview='{incident}'] [data-cell='crisis_mode']")).to_have_text(
        "Krisemodus"
    )
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_sections_of_absent_concepts_are_not_shown(server, page):
    scenario.open_incident(server)
    log_in(page, server, "comms")
    expect(page.locator("[data-section='working']")).to_have_count(1)
    for key in ("rumours", "inquiries", "follow_up"):
        expect(page.locator(f"[data-section='{key}']")).to_have_count(0)
    expect(page.locator("#overview th", has_text="Krisemodus")).to_have_count(0)


def test_all_incidents_at_a_glance(server, page):
    boil = scenario.open_incident(server)
    scenario.verified_fact(server, boil)
    fact = scenario.approved_fact(server, boil)
    scenario.published_post(server, boil, [fact])
    server.ok(
        "comms",
        f"/api/incidents/{boil}/posts",
        {"channel": "website", "text": "Oppdatering", "cites": [fact]},
    )
    storm = scenario.open_incident(server, title="Storm", department="bym", severity="moderate")
    log_in(page, server, "comms")
    row = page.locator(f"[data-overview='{boil}']")
    expect(row.locator("[data-cell='phase']")).to_have_text("aktiv")
    expect(row.locator("[data-cell='severity']")).to_have_text("alvorlig")
    expect(row.locator("[data-cell='open_for']")).to_have_text("0 min")
    expect(row.locator("[data-cell='pending_facts']")).to_have_text("1")
    expect(row.locator("[data-cell='awaiting_approval']")).to_have_text("1")
    expect(row.locator("[data-cell='published']")).to_have_text("1")
    expect(page.locator(f"[data-overview='{storm}'] [data-cell='severity']")).to_have_text(
        "moderat"
    )
    website = page.locator(f"[data-incident='{boil}'] [data-channel='website']")
    expect(website.locator("h4")).to_have_text("Nettsiden")
    expect(website.locator("[data-tally='draft']")).to_have_text("Utkast, venter på godkjenning: 1")
    expect(website.locator("[data-tally='published']")).to_have_text("Publisert: 1")


def test_readable_on_a_wall_screen_and_a_laptop(server, page):
    incident = scenario.open_incident(server, title="Kokevarsel " + "med en svært lang tittel " * 6)
    scenario.verified_fact(server, incident, "Et ord" + "uten_mellomrom" * 30)
    for width, height, smallest in ((1920, 1080, 18), (1366, 768, 14)):
        page.set_viewport_size({"width": width, "height": height})
        log_in(page, server, "comms")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("#overview table").bounding_box()["y"] < height / 3
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('#overview tbody th')).fontSize)"
        )
        assert size >= smallest


def test_the_page_reconnects_and_resumes_without_gaps(server, page, settings, people):
    incident = scenario.open_incident(server)
    sockets: list = []

    def relay(ws) -> None:
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket("**/ws/board*", relay)
    log_in(page, server, "comms")
    position = str(server_position(server))
    expect(page.locator("#board")).to_have_attribute("data-position", position)
    sockets[0].close()  # the network drops; the server lives on
    missed = [
        scenario.verified_fact(server, incident, f"Mens siden var borte {i}") for i in range(3)
    ]
    for fact in missed:
        expect(page.locator(f"[data-fact='{fact}']")).to_have_count(1)
    assert [ws.url.split("/ws/board")[1] for ws in sockets] == ["", f"?since={position}"]
    assert int(page.locator("#board").get_attribute("data-position")) == server_position(server)

    server.stop()  # the server goes away; events are written while it is down
    expect(page.locator("#connection")).to_have_attribute("data-state", "closed")
    expect(page.locator("#connection")).to_have_text("Frakoblet, prøver igjen …")
    log = CrisisLog(env=settings.event_store_env)
    offline = submit_fact(
        log, people["vav"], incident_id=UUID(incident), text="Skrevet mens serveren var nede"
    )
    log.close()
    server.start()
    expect(page.locator(f"[data-fact='{offline.id}']")).to_have_count(1, timeout=20_000)
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")


def server_position(server) -> int:
    return httpx.get(f"{server.url}/healthz").json()["position"]
