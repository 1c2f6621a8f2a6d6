"""The board page in headless Chromium (Debian's, driven by Playwright).

All tests of this module share one real server (`shared_server`): each works
on incidents of its own and must not assume an empty board."""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import UUID

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from crisis.facts.service import submit_fact
from server.runtime import open_log
from tests import scenario
from tests.browser import WCAG_21_AA, log_in, serious

HOSTILE = "<img src=x onerror=alert(1)>"
# What a label key, an event name or a missing value looks like when it leaks onto the page.
RAW = re.compile(
    r"\b(?:did|posts|facts|role|category|assessment|phase|severity|load|status|fact_change)_\w+"
    r"|\b(?:Incident|Fact|Post|Rumour|Inquiry|WatchList)\.[A-Z]|undefined|null|NaN|\[object"
)


@pytest.fixture
def server(shared_server):
    if shared_server.process.poll() is not None:  # a failed test left it stopped
        shared_server.start()
    return shared_server


@pytest.fixture
def people(_accounts_file):
    return _accounts_file[1]


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Alerts the page opens: a script that ran where text should have been."""
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


def incident_doc(server, incident: str) -> dict:
    headers = {"Authorization": f"Bearer {server.token('comms')}"}
    body = httpx.get(f"{server.url}/api/board?incident={incident}", headers=headers).json()
    return next(doc for doc in body["incidents"] if doc["id"] == incident)


def section(page: Page, incident: str, key: str):
    return page.locator(f"[data-incident='{incident}'] [data-section='{key}']")


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


def test_board_commands_answer_beside_the_button(server, page):
    """Feedback where the eye is: a refusal right under the button pressed, a
    confirmation in the item it acted on (which moves to its new group), never
    at the top of the page."""
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident, "Svaret står ved knappen.")

    def approved_draft(channel: str, links_to: str | None = None) -> str:
        body = {"channel": channel, "text": f"Kok vannet ({channel}).", "cites": [fact]}
        post = server.ok(
            "comms", f"/api/incidents/{incident}/posts", {**body, "links_to": links_to}
        )
        server.ok("editor", f"/api/posts/{post['id']}/approve")
        return post["id"]

    website = approved_draft("website")
    facebook = approved_draft("facebook", website)
    log_in(page, server, "comms")
    item = page.locator(f"[data-post='{facebook}']")
    button = item.get_by_role("button", name="Publiser")
    button.scroll_into_view_if_needed()
    button.click()  # refused: the website post is not published yet
    feedback = item.locator("[data-feedback]")
    expect(feedback).to_contain_text("Publiser nettsideinnlegget først.")
    expect(feedback).to_have_attribute("data-state", "refused")
    expect(feedback).to_have_attribute("aria-live", "polite")
    pressed, said = button.bounding_box(), feedback.bounding_box()
    assert pressed and said
    assert 0 <= said["y"] - (pressed["y"] + pressed["height"]) < 24, (pressed, said)
    assert (
        said["x"] <= pressed["x"] + pressed["width"] and pressed["x"] <= said["x"] + said["width"]
    )
    assert said["y"] + said["height"] <= page.viewport_size["height"], "in sight, not off screen"

    page.locator(f"[data-post='{website}']").get_by_role("button", name="Publiser").click()
    published = page.locator(f"[data-post='{website}']")
    expect(published).to_have_attribute("data-status", "published")
    expect(published.locator("[data-feedback]")).to_have_text("Innlegget er publisert.")
    expect(published.locator("[data-feedback]")).to_have_attribute("data-state", "ok")
    assert page.locator("#notice").count() == 0


# Every way text from people reaches the board: each puts HOSTILE there through
# the API and names where it must appear, as text: {selector: exact (True) or contained}.
def incident_title(server) -> dict[str, bool]:
    return {f"#incident-{scenario.open_incident(server, title=HOSTILE)}": True}


def fact_texts(server) -> dict[str, bool]:
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident)
    server.ok("vav", f"/api/facts/{fact}/correct", {"text": HOSTILE, "reason": HOSTILE})
    return {
        f"[data-fact='{fact}'] > .text": True,
        f"[data-fact='{fact}'] [data-field='correction']": False,
    }


def post_texts(server) -> dict[str, bool]:
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident)
    post = scenario.published_post(server, incident, [fact], text=HOSTILE)
    retraction = {"reason": HOSTILE, "apology": "Vi beklager.", "cites": [fact]}
    server.ok("comms", f"/api/posts/{post}/retract", retraction)
    return {
        f"[data-post='{post}'] > .text": True,
        f"[data-post='{post}'] [data-field='retracted']": False,
    }


def rumour_texts(server) -> dict[str, bool]:
    incident = scenario.open_incident(server)
    claim = {"claim": HOSTILE, "channel": HOSTILE, "where": HOSTILE, "reach": 10}
    rumour = server.ok("comms", f"/api/incidents/{incident}/rumours", claim)["id"]
    server.ok("comms", f"/api/rumours/{rumour}/assess", {"assessment": "false", "note": HOSTILE})
    server.ok("comms", f"/api/incidents/{incident}/watch-list", {"phrase": HOSTILE})
    at = f"[data-rumour='{rumour}']"
    return {
        f"{at} > .text": True,
        f"{at} [data-field='where']": False,
        f"{at} [data-field='assessment_note']": True,
        f"[data-incident='{incident}'] [data-field='watch_list']": False,
    }


def inquiry_texts(server) -> dict[str, bool]:
    incident = scenario.open_incident(server)
    server.ok("comms", f"/api/incidents/{incident}/watch-list", {"phrase": "onerror"})
    inquiry = server.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": HOSTILE, "text": HOSTILE},
    )["id"]
    server.ok("comms", f"/api/inquiries/{inquiry}/escalate", {"reason": HOSTILE})
    at = f"[data-inquiry='{inquiry}']"
    return {
        f"{at} > .text": True,
        f"{at} [data-field='handle']": True,
        f"{at} [data-field='escalation']": False,
    }


HOSTILE_PLACES: list[Callable] = [
    incident_title,
    fact_texts,
    post_texts,
    rumour_texts,
    inquiry_texts,
]


def test_text_from_anyone_is_shown_as_text(server, page, dialogs):
    places = {place.__name__: place(server) for place in HOSTILE_PLACES}
    log_in(page, server, "comms")
    for name, selectors in places.items():
        for selector, exact in selectors.items():
            shown = expect(page.locator(selector), f"{name}: {selector}")
            shown.to_have_text(HOSTILE) if exact else shown.to_contain_text(HOSTILE)
    expect(page.locator("#overview a").filter(has_text=HOSTILE)).not_to_have_count(0)
    expect(page.locator("[data-section='working'] q").filter(has_text=HOSTILE)).not_to_have_count(0)
    assert page.locator("main img:not([src^='/charts/'])").count() == 0  # only our own charts
    assert dialogs == []


def test_every_part_of_an_incident_is_shown(server, page, dialogs):
    boil, storm = scenario.every_event(server)
    doc = incident_doc(server, boil)
    fact, scope, pending = sorted(doc["facts"].values(), key=lambda f: f["text"])
    posts = {(p["channel"], p["status"]): p["id"] for p in doc["posts"].values()}
    apology, facebook = posts["website", "published"], posts["facebook", "published"]
    retracted = posts["website", "retracted"]
    # Two open rumours: the wider one first; one corrected by the published apology.
    rumours = [
        server.ok(
            "comms",
            f"/api/incidents/{boil}/rumours",
            {"claim": claim, "channel": "facebook", "where": "Grorud-gruppa", "reach": reach},
        )["id"]
        for claim, reach in (("Hele byen er rammet.", 120), ("Vannet er radioaktivt.", 5000))
    ]
    server.ok("comms", f"/api/rumours/{rumours[0]}/assess", {"assessment": "misleading"})
    server.ok("comms", f"/api/rumours/{rumours[0]}/correct", {"post_id": apology})
    waiting = next(i for i in doc["inquiries"].values() if i["status"] == "open")["id"]
    server.ok("comms", f"/api/inquiries/{waiting}/assign", {})
    log_in(page, server, "comms")

    head = page.locator(f"[data-incident='{boil}'] .incident-head")
    expect(head.locator(".crisis-on")).to_have_text("Krisemodus: 30 min")
    expect(head.locator(".four-eyes-on")).to_have_text("Fire øyne")
    target = page.locator(f"[data-incident='{boil}'] [data-field='target']")
    expect(target).to_have_text("Svarfrist for henvendelser: 30 minutter (krisemodus, klokketid)")
    expect(page.locator(f"[data-incident='{storm}'] [data-field='target']")).to_have_text(
        "Svarfrist for henvendelser: 24 timer arbeidstid (normal drift)"
    )
    row = page.locator(f"[data-overview='{boil}']")
    expect(row.locator("[data-cell='crisis_mode']")).to_have_text("Krisemodus: 30 min")
    expect(row.locator("[data-cell='pending_facts']")).to_have_text("1")
    expect(row.locator("[data-cell='follow_up']")).to_have_text("1")
    expect(row.locator("[data-cell='open_rumours']")).to_have_text("2")
    # one open question, plus the redacted and the erased inquiry (still owed an answer)
    expect(row.locator("[data-cell='backlog']")).to_have_text("3")
    expect(page.locator(f"[data-overview='{storm}'] [data-cell='crisis_mode']")).to_have_text(
        "Normal drift"
    )

    corrected = page.locator(f"[data-fact='{fact['id']}']")
    expect(corrected).to_have_attribute("data-status", "approved")
    expect(corrected.locator("[data-tag='corrected']")).to_have_text("Korrigert, nå versjon 2")
    expect(corrected.locator("[data-field='correction']")).to_contain_text("Prøven gjaldt Grorud.")
    expect(corrected.locator("details summary")).to_have_text("Alle versjoner2")
    withdrawn = page.locator(f"[data-incident='{boil}'] [data-group='withdrawn']")
    expect(
        withdrawn.locator(f"[data-fact='{scope['id']}'] [data-field='withdrawal']")
    ).to_contain_text("Trukket tilbake fordi: Furuset er også berørt.")
    expect(page.locator(f"[data-fact='{pending['id']}']")).to_have_attribute(
        "data-status", "verified"
    )

    follow_up = section(page, boil, "follow_up").locator(f"[data-follow-up='{facebook}']")
    expect(follow_up).to_have_attribute("data-change", "withdrawn")
    expect(follow_up).to_contain_text("Innlegg på Facebook")
    expect(follow_up).to_contain_text("Gjelder bare Grorud, Stovner og Alna.")
    expect(follow_up).to_contain_text("Begrunnelse: Furuset er også berørt.")
    expect(page.locator(f"[data-post='{facebook}'] [data-tag='follow-up']")).to_have_text(
        "Må følges opp"
    )

    website = section(page, boil, "posts").locator("[data-channel='website']")
    expect(website.locator("[data-tally='retracted']")).to_have_text("Trukket tilbake: 1")
    expect(website.locator("[data-tally='discarded']")).to_have_text("Forkastet: 1")
    taken_down = page.locator(f"[data-post='{retracted}']")
    expect(taken_down.locator("[data-field='retracted']")).to_contain_text("Feil om utbredelsen.")
    link = taken_down.locator("[data-link='apology_link']")
    expect(link).to_have_text("Rettet med en beklagelse (publisert)")
    expect(link).to_have_attribute("href", f"#post-{apology}")
    expect(page.locator(f"#post-{apology} [data-tag='apology']")).to_have_text("Beklagelse")
    expect(page.locator(f"#post-{apology} [data-link='corrects_link']")).to_have_attribute(
        "href", f"#post-{retracted}"
    )

    rumour_list = section(page, boil, "rumours")
    expect(rumour_list.locator(":scope > ul > li")).to_have_count(2)
    expect(rumour_list.locator(":scope > ul > li > .text")).to_have_text(
        ["Vannet er radioaktivt.", "Hele byen er rammet."]
    )
    wide, corrected_rumour = (page.locator(f"[data-rumour='{r}']") for r in reversed(rumours))
    expect(wide.locator("[data-tag='uncorrected']")).to_have_text("Ikke korrigert ennå")
    expect(wide.locator("[data-field='reach']")).to_have_text("rekkevidde 5\u00a0000")
    expect(wide.locator(".badge")).to_have_text("sjekkes")
    expect(corrected_rumour.locator("[data-tag='corrected-in']")).to_have_text(
        re.compile(r"^Korrigert etter \d+ min$")
    )
    expect(corrected_rumour.locator(".badge")).to_have_text("villedende")
    expect(rumour_list.locator("details summary")).to_have_text("Lukkede rykter1")
    expect(rumour_list.locator("[data-field='watch_list']")).to_have_text(
        "Overvåkingsliste: giftig"
    )

    load = section(page, boil, "inquiries").locator("tr[data-row='facebook'] td")
    waited = re.compile(r"^\d+ min$")
    # four from the rumours-and-inquiries step, two from the personal-data step
    expect(load).to_have_text(["6", "6", "3", waited, "0", "0", "1", "1", "1"])
    queue = section(page, boil, "inquiries").locator(f"[data-inquiry='{waiting}']")
    expect(queue).to_contain_text("Gjelder kokevarselet Furuset?")
    expect(queue.locator("[data-field='assigned_to']")).to_have_text(
        "ansvarlig: Kari Kommunikasjon"
    )
    expect(queue.locator("[data-tag='untriaged']")).to_have_text("ikke kategorisert")

    kari = section(page, boil, "working").locator("[data-person='Kari Kommunikasjon']")
    expect(kari).to_contain_text("fordelte en henvendelse")
    expect(kari.locator("[data-field='assigned']")).to_have_text(
        "Ansvarlig for 1 åpen henvendelse: Gjelder kokevarselet Furuset?"
    )
    expect(section(page, boil, "working").locator("[data-person='Vera Vann']")).to_contain_text(
        "virksomhet"
    )

    shown = page.locator("main").inner_text()
    assert not RAW.findall(shown), RAW.findall(shown)
    assert dialogs == []

    page.context.add_cookies([{"name": "lang", "value": "en", "url": server.url}])
    page.reload()
    expect(section(page, boil, "follow_up").locator("h3")).to_have_text(
        "To follow up after changed facts1"
    )
    expect(target).to_have_text("Inquiry answer target: 30 minutes (crisis mode, wall clock)")
    shown = page.locator("main").inner_text()
    assert not RAW.findall(shown), RAW.findall(shown)


def test_empty_sections_say_so(server, page):
    incident = scenario.open_incident(server)
    log_in(page, server, "comms")
    for key, text in (
        ("facts", "Ingen fakta ennå."),
        ("posts", "Ingen innlegg ennå."),
        ("follow_up", "Ingenting å følge opp."),
        ("rumours", "Ingen åpne rykter."),
        ("inquiries", "Ingen åpne henvendelser."),
    ):
        expect(section(page, incident, key).locator(".empty").last, key).to_have_text(text)
    expect(section(page, incident, "inquiries").locator("[data-load] .empty")).to_have_text(
        "Ingen henvendelser ennå."
    )
    expect(section(page, incident, "rumours").locator("[data-field='watch_list']")).to_have_text(
        "Overvåkingsliste: ingen ord eller uttrykk"
    )
    expect(section(page, incident, "working").locator("li")).to_have_count(1)


def test_an_answer_resting_on_a_corrected_fact_is_listed_for_follow_up(server, page):
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident, "Kok vannet i ett minutt.")
    asked = scenario.inquiry(server, incident, "Hvor lenge må jeg koke vannet?")
    answer = {"text": "Ett minutt holder.", "cites": [fact]}
    server.ok("comms", f"/api/inquiries/{asked}/answer", answer)
    correction = {"text": "Kok vannet i tre minutter.", "reason": "Ny vurdering fra FHI."}
    server.ok("vav", f"/api/facts/{fact}/correct", correction)
    log_in(page, server, "comms")
    entry = section(page, incident, "follow_up").locator(f"[data-follow-up='{asked}']")
    expect(entry.locator("strong")).to_have_text("Svar til @kari.n på Facebook")
    expect(entry.locator(".text")).to_have_text("Ett minutt holder.")
    expect(entry).to_contain_text(
        "Bygger på versjon 1 av en faktaopplysning som nå er korrigert til versjon 2:"
    )
    expect(entry).to_contain_text("Begrunnelse: Ny vurdering fra FHI.")


def test_the_load_follows_new_inquiries_and_the_clock(server, page):
    incident = scenario.open_incident(server)
    page.clock.install()
    log_in(page, server, "comms")
    load = section(page, incident, "inquiries").locator("[data-load]")
    expect(load).to_have_text("Ingen henvendelser ennå.")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/load") else None)
    scenario.inquiry(server, incident, "Når kan vi drikke vannet igjen?", channel="x")
    expect(load.locator("tr[data-row='x'] [data-cell='received_15m']")).to_have_text("1")
    assert asked == []  # the change carried the load: nobody asked for it
    expect(load.locator("tr[data-row='x'] [data-cell='backlog']")).to_have_text("1")
    expect(page.locator(f"[data-overview='{incident}'] [data-cell='backlog']")).to_have_text("1")
    mine = f"/api/incidents/{incident}/load"
    with page.expect_request(lambda request: request.url.endswith(mine)):
        page.clock.run_for("00:31")  # every 30 s the page asks again: "now" has moved


def test_all_incidents_at_a_glance(server, page):
    boil = scenario.open_incident(server)
    scenario.verified_fact(server, boil)
    fact = scenario.approved_fact(server, boil)
    website = scenario.published_post(server, boil, [fact])
    server.ok(
        "comms",
        f"/api/incidents/{boil}/posts",
        {"channel": "website", "text": "Oppdatering", "cites": [fact]},
    )
    long = {"channel": "x", "text": "K" * 150, "cites": [fact], "links_to": website}
    tweet = server.ok("comms", f"/api/incidents/{boil}/posts", long)["id"]
    storm = scenario.open_incident(server, title="Storm", department="bym", severity="moderate")
    over = scenario.open_incident(server, title="Oljeutslipp")
    scenario.inquiry(server, over, "Er stranda åpen?")
    server.ok("comms", f"/api/incidents/{over}/phase", {"phase": "closed"})
    log_in(page, server, "comms")
    # A closed incident comes by its header: no counts, no panels, the way to its review.
    expect(page.locator(f"[data-overview='{over}'] [data-cell='backlog']")).to_have_text("–")
    closed = page.locator(f"section[data-incident='{over}']")
    expect(closed.get_by_role("link", name="Se evalueringen")).to_have_attribute(
        "href", f"/review/{over}"
    )
    expect(closed.locator(".panels")).to_have_count(0)
    row = page.locator(f"[data-overview='{boil}']")
    expect(row.locator("[data-cell='phase']")).to_have_text("aktiv")
    expect(row.locator("[data-cell='severity']")).to_have_text("alvorlig")
    expect(row.locator("[data-cell='open_for']")).to_have_text("0 min")
    expect(row.locator("[data-cell='pending_facts']")).to_have_text("1")
    expect(row.locator("[data-cell='awaiting_approval']")).to_have_text("2")
    expect(row.locator("[data-cell='published']")).to_have_text("1")
    expect(row.locator("[data-cell='crisis_mode']")).to_have_text("Normal drift")
    expect(page.locator(f"[data-overview='{storm}'] [data-cell='severity']")).to_have_text(
        "moderat"
    )
    channel = page.locator(f"[data-incident='{boil}'] [data-channel='website']")
    expect(channel.locator("h4")).to_have_text("Nettsiden")
    expect(channel.locator("[data-tally='draft']")).to_have_text("Utkast, venter på godkjenning: 1")
    expect(channel.locator("[data-tally='published']")).to_have_text("Publisert: 1")
    expect(page.locator(f"[data-post='{tweet}'] [data-warning='long_post']")).to_have_text(
        "Innlegget er på 150 tegn, og for X anbefales høyst 140. "
        "Retningslinjene sier 140 tegn: skriv kort og lenk til nettsiden."
    )


def test_readable_on_a_wall_screen_and_a_laptop(server, page):
    """With the incidents the tests above left on the board, among them every part there is."""
    incident = scenario.open_incident(server, title="Kokevarsel " + "med en svært lang tittel " * 6)
    scenario.verified_fact(server, incident, "Et ord" + "uten_mellomrom" * 30)
    scenario.inquiry(server, incident, "Et spørsmål" + "uten_mellomrom" * 30)
    for width, height, smallest in ((1920, 1080, 18), (1366, 768, 14)):
        page.set_viewport_size({"width": width, "height": height})
        log_in(page, server, "comms")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("#overview table").bounding_box()["y"] < height / 3
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('#overview tbody th')).fontSize)"
        )
        assert size >= smallest


def test_the_page_reconnects_and_resumes_without_gaps(server, page, people):
    """The connection is cut (no data is faked): the page resumes from its position."""
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
    log = open_log(server.settings)
    offline = submit_fact(
        log, people["vav"], incident_id=UUID(incident), text="Skrevet mens serveren var nede"
    )
    log.close()
    server.start()
    expect(page.locator(f"[data-fact='{offline.id}']")).to_have_count(1, timeout=20_000)
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")


def server_position(server) -> int:
    return httpx.get(f"{server.url}/healthz").json()["position"]


def test_the_board_passes_axe(server, page):
    """With the incidents the tests above left on the board, among them every part there is."""
    log_in(page, server, "comms")
    results = Axe().run(page, options=WCAG_21_AA)
    assert serious(results) == []
