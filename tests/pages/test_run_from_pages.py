"""Run the boil-water incident from the pages alone, each step as its role,
then check every staff page on a phone (390 px) and a laptop (1440x900):
nothing scrolls sideways, axe-core finds nothing serious, and a screenshot
of each goes to tests/screenshots/ for a person to look at.

One real server for the module; the flow test leaves the incident the other
tests look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from server.settings import Settings
from tests.browser import log_in
from tests.fixtures.servers import Server, free_port
from tests.fixtures.users import copy_users
from tests.pages.test_desks import SHOTS
from tests.pages.test_public_pages import WCAG_21_AA, serious

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
FOUND = {}  # what the flow made, for the page checks after it


@pytest.fixture(scope="module")
def served(tmp_path_factory, _accounts_file) -> Iterator[Server]:
    settings = Settings.from_env(tmp_path_factory.mktemp("pages") / "data")
    copy_users(_accounts_file[0], settings)
    server = Server(settings.data_dir, free_port()).start()
    yield server
    server.stop()


def as_user(browser: Browser, server: Server, user: str, size=LAPTOP, touch=False) -> Page:
    context = browser.new_context(locale="nb-NO", viewport=size, has_touch=touch, is_mobile=touch)
    page = context.new_page()
    log_in(page, server, user)
    return page


def desk_ready(page: Page) -> None:
    expect(page.locator("#desk")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")


def test_the_boil_water_incident_from_the_pages_alone(served, browser):
    # Comms declares the incident from the board.
    comms = as_user(browser, served, "comms")
    comms.get_by_role("button", name="Ny hendelse").click()
    dialog = comms.locator("#dlg-declare")
    dialog.get_by_label("Type hendelse").fill("Kokevarsel")
    dialog.get_by_role("button", name="Opprett hendelsen").click()
    expect(dialog.locator("[data-feedback]")).to_have_text(
        "«Tittel» må fylles ut. «Berørte områder» må ha minst én verdi."
    )
    title = "Kokevarsel for Furuset og Grorud"
    dialog.get_by_label("Tittel").fill(title)
    dialog.get_by_label("Berørte områder").fill("Furuset, Grorud")
    dialog.get_by_label("Ansvarlig virksomhet").select_option(label="Vann- og avløpsetaten")
    dialog.get_by_label("Alvorlighet").select_option(label="alvorlig")
    dialog.get_by_role("button", name="Opprett hendelsen").click()
    comms.wait_for_url("**/incidents/*")
    incident = comms.url.rsplit("/", 1)[1]
    FOUND["incident"] = incident
    expect(comms.locator("header.top")).to_contain_text("Kokevarsel for Furuset og Grorud")

    # ...and steers it in place: crisis mode with a 30-minute target; moving
    # back a phase needs a reason, said next to the button.
    comms.get_by_text("Styr hendelsen").click()
    crisis = comms.locator("form[data-command='crisis-mode']")
    crisis.get_by_label("Krisemodus på").check()
    crisis.get_by_label("Svarfrist i minutter").fill("30")
    crisis.get_by_role("button", name="Lagre krisemodus").click()
    expect(crisis.locator("[data-feedback]")).to_have_text("Lagret. Tavla under viser endringen.")
    expect(comms.locator(f"#detail-{incident}")).to_contain_text("Krisemodus: 30 min")
    phase = comms.locator("form[data-command='phase']")
    phase.get_by_label("Fase").select_option(label="meldt")
    phase.get_by_role("button", name="Endre fase").click()
    expect(phase.locator("[data-feedback]")).to_have_attribute("data-state", "refused")
    expect(phase.locator("[data-feedback]")).to_contain_text("begrunnelse")
    supporting = comms.locator("form[data-command='supporting']")
    supporting.get_by_label("Helseetaten").check()
    supporting.get_by_role("button", name="Lagre støttende virksomheter").click()
    expect(comms.locator(f"#detail-{incident}")).to_contain_text("Helseetaten")

    # The crisis leader watches the board in a background tab.
    leader = as_user(browser, served, "comms")
    expect(leader.locator(f"[data-attention='{incident}']")).to_contain_text("Ingenting venter nå.")
    leader.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    )

    # The department submits and verifies a fact on its desk for this incident.
    vav = as_user(browser, served, "vav")
    vav.goto(f"{served.url}/incidents/{incident}/facts")
    desk_ready(vav)
    vav.get_by_label("Faktaopplysning", exact=True).fill("Kok vannet i minst ett minutt.")
    vav.get_by_label("Jeg går god for").check()
    vav.get_by_role("button", name="Send inn").click()
    expect(vav.locator("[data-fact]")).to_have_attribute("data-status", "verified")
    # The confirmation is under the form that was used.
    expect(vav.locator("#submit-fact #status")).to_have_text("Faktaopplysningen er sendt inn.")

    # The leader's board says what needs action, marks what changed, and counts
    # the unseen change in the tab title until the tab is looked at.
    expect(leader.locator(f"[data-attention='{incident}']")).to_contain_text(
        "Fakta venter på godkjenning: 1."
    )
    expect(leader.locator(f"section.incident[data-incident='{incident}']")).to_have_class(
        re.compile("arrived")
    )
    expect(leader).to_have_title(re.compile(r"^\(\d+\) Tavle"))
    expect(leader.locator("#updated")).to_have_text(re.compile("^Oppdatert (nå|for \\d+ sekund)"))
    leader.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    expect(leader).to_have_title(re.compile("^Tavle"))
    chart = leader.locator(f"img[src='/charts/{incident}/load.svg']")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")

    # Comms approves it, from the navigation of the incident (never another one).
    comms.get_by_role("navigation").get_by_role("link", name="Faktadesk").click()
    assert comms.url.endswith(f"/incidents/{incident}/facts")
    desk_ready(comms)
    comms.locator("[data-fact]").get_by_role("button", name="Godkjenn").click()
    expect(comms.locator("[data-fact]")).to_have_attribute("data-status", "approved")

    # Website and Facebook posts citing the fact.
    comms.get_by_role("navigation").get_by_role("link", name="Skriv innlegg").click()
    assert comms.url.endswith(f"/incidents/{incident}/compose")
    desk_ready(comms)
    comms.get_by_label("Facebook", exact=True).check()
    comms.get_by_label("Tekst for Nettsiden").fill("Kokevarsel for Furuset og Grorud: kok vannet.")
    facebook = "Kok vannet på Furuset og Grorud. Les mer på nettsiden."
    comms.get_by_label("Tekst for Facebook").fill(facebook)
    comms.locator("#compose-facts").get_by_label("Kok vannet i minst ett minutt.").check()
    comms.get_by_role("button", name="Send til godkjenning").click()
    expect(comms.locator("#posts [data-status='draft']")).to_have_count(2)

    expect(comms.locator("#posts [data-channel='facebook']")).to_contain_text(
        "Venter på redaktøren"
    )

    # The editor finds both in the queue (counted in the navigation) and approves them.
    editor = as_user(browser, served, "editor")
    queue = editor.get_by_role("navigation").get_by_role("link", name="Til godkjenning")
    expect(queue).to_contain_text("2")
    queue.click()
    for channel in ("website", "facebook"):
        card = editor.locator(f"#approvals [data-channel='{channel}']")
        card.get_by_role("button", name="Godkjenn").click()
        expect(card.locator("[data-feedback]")).to_have_text("Innlegget er godkjent.")
    expect(editor.locator("[data-waiting]")).to_have_text("0")
    expect(comms.locator("#posts [data-channel='facebook']")).to_contain_text(
        "Kan publiseres når nettsideinnlegget er publisert."
    )

    # Comms publishes, the website first.
    for channel in ("website", "facebook"):
        card = comms.locator(f"#posts [data-channel='{channel}']")
        card.get_by_role("button", name="Publiser").click()
        expect(card).to_have_attribute("data-status", "published")

    # Residents ask on Facebook (the channel integration); comms answers with
    # "send and next" (Ctrl+Enter) and lands in the next inquiry's answer.
    asked = (
        ("@kari", "Gjelder det Furuset?"),
        ("@ola", "Kan jeg dusje?"),
        ("@kari", "Og hva med Grorud?"),
    )
    for handle, text in asked:
        served.ok(
            "comms",
            f"/api/incidents/{incident}/inquiries",
            {"channel": "facebook", "handle": handle, "text": text},
        )
    comms.get_by_role("navigation").get_by_role("link", name="Innboks").click()
    desk_ready(comms)
    rows = comms.locator("#queue [data-inquiry]")
    expect(rows.first).to_contain_text(re.compile(r"\d+ min gammel · \d+ min igjen"))
    rows.first.get_by_role("button").click()
    expect(comms.locator(".same-person")).to_contain_text("Og hva med Grorud?")
    # Times as the server writes them: Oslo time, one format ("1. des. 2026 kl. 10:07").
    received = re.compile(r"\d{1,2}\. \w+\.? \d{4} kl\. \d{2}:\d{2}")
    expect(comms.locator("#detail .facts-list")).to_contain_text(received)
    answer = comms.get_by_label("Svartekst").first
    answer.fill("Ja, Furuset er med. Kok vannet i minst ett minutt.")
    comms.locator("#answer-facts").get_by_label("Kok vannet i minst ett minutt.").check()
    answer.press("Control+Enter")
    expect(comms.locator("#status")).to_contain_text("Neste henvendelse er åpnet.")
    expect(comms.locator("blockquote.quote")).to_have_text("Kan jeg dusje?")
    expect(answer).to_be_focused()
    answer.fill("Ja, du kan dusje. Ikke drikk vannet.")
    comms.locator("#answer-facts").get_by_label("Kok vannet i minst ett minutt.").check()
    comms.get_by_role("button", name="Send svar").click()
    expect(comms.locator("#status")).to_have_text("Svaret er sendt.")
    expect(comms.locator("#queue [data-status='open']")).to_have_count(1)
    assert comms.evaluate("document.getElementById('queue').contains(document.activeElement)")

    # A rumour, recorded on the rumour desk and corrected by the Facebook post.
    comms.get_by_role("navigation").get_by_role("link", name="Ryktedesk").click()
    desk_ready(comms)
    comms.get_by_label("Påstand").fill("Vannet er giftig selv etter koking.")
    comms.locator("#record-form").get_by_label("Sett i kanal").select_option(label="Facebook")
    comms.locator("#record-form").get_by_label("Anslått rekkevidde").fill("800")
    comms.get_by_role("button", name="Registrer", exact=True).click()
    card = comms.locator("#rumours [data-rumour]")
    expect(card).to_contain_text("800")
    # One sighting is said in the singular on the board ("1 observasjon").
    sightings = leader.locator("[data-rumour] [data-field='sightings']")
    expect(sightings).to_have_text("1 observasjon")
    # "Skriv korrigering" starts a post on the rumour's channel, beside the website.
    card.get_by_role("link", name="Skriv korrigering").click()
    desk_ready(comms)
    expect(comms.locator("#correcting")).to_contain_text("Vannet er giftig selv etter koking.")
    expect(comms.get_by_label("Facebook", exact=True)).to_be_checked()
    expect(comms.get_by_label("Tekst for Facebook")).to_have_value(
        re.compile("^«Vannet er giftig selv etter koking.» stemmer ikke.")
    )
    comms.go_back()
    desk_ready(comms)
    # Recording a correction before the rumour is assessed is refused, and the
    # refusal shows inside the open dialog, not behind it.
    card.get_by_role("button", name="Registrer korrigering").click()
    correct = comms.locator("#dlg-correct")
    correct.get_by_label("Innlegget eller svaret").select_option(label=f"Facebook: {facebook}")
    correct.get_by_role("button", name="Lagre").click()
    expect(correct.locator("#notice")).to_be_visible()
    expect(correct.locator("#notice")).not_to_be_empty()
    correct.get_by_role("button", name="Avbryt").click()
    card.get_by_role("button", name="Vurder").click()
    comms.locator("#dlg-assess").get_by_label("Vurdering").select_option("false")
    comms.locator("#dlg-assess").get_by_role("button", name="Lagre").click()
    expect(card).to_have_attribute("data-assessment", "false")
    card.get_by_role("button", name="Registrer korrigering").click()
    correct = comms.locator("#dlg-correct")
    correct.get_by_label("Innlegget eller svaret").select_option(
        label="Facebook: Kok vannet på Furuset og Grorud. Les mer på nettsiden."
    )
    correct.get_by_role("button", name="Lagre").click()
    expect(card).to_contain_text("Korrigert i innlegg")

    # The reviewer finds the incident from the navigation and reads the report.
    reviewer = as_user(browser, served, "reviewer")
    reviewer.get_by_role("navigation").get_by_role("link", name="Evaluering").click()
    reviewer.get_by_role("link", name="Kokevarsel for Furuset og Grorud").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(title)
    expect(reviewer.get_by_role("button", name="Logg ut")).to_be_visible()
    reviewer.goto(f"{served.url}/review/{incident}/report.html")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(title)
    headline = reviewer.locator("section.headline")  # the report opens with its headline
    expect(headline.locator("[data-headline='rumours']")).to_contain_text(
        "Rykter korrigert: 1 av 1."
    )
    expect(headline.locator("[data-headline='inquiries']")).to_contain_text(
        "Henvendelser mottatt: 3"
    )
    for page in (comms, leader, vav, editor, reviewer):
        page.context.close()


STAFF_PAGES = [
    ("comms", "/"),
    ("comms", "/incidents/{id}"),
    ("comms", "/incidents/{id}/facts"),
    ("comms", "/incidents/{id}/inbox"),
    ("comms", "/incidents/{id}/compose"),
    ("comms", "/incidents/{id}/rumours"),
    ("comms", "/account"),
    ("vav", "/incidents/{id}/facts"),
    ("editor", "/incidents/{id}/compose"),
    ("editor", "/approvals"),
    ("reviewer", "/review"),
    ("reviewer", "/review/{id}"),
    ("admin", "/desks/admin"),
    ("admin", "/admin"),
]


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_every_staff_page_fits_passes_axe_and_is_photographed(served, browser, size):
    incident = FOUND.get("incident")
    if incident is None:  # run alone: an incident to look at
        incident = served.ok(
            "comms",
            "/api/incidents",
            {
                "kind": "Kokevarsel",
                "title": "Kokevarsel",
                "areas": ["Furuset"],
                "department": "vav",
            },
        )["id"]
    phone = size == "phone"
    axe = Axe()
    SHOTS.mkdir(exist_ok=True)
    pages: dict[str, Page] = {}
    for user, path in STAFF_PAGES:
        if user not in pages:
            pages[user] = as_user(browser, served, user, PHONE if phone else LAPTOP, touch=phone)
        page = pages[user]
        page.goto(served.url + path.format(id=incident))
        page.wait_for_load_state("networkidle")
        where = (user, path, size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= (PHONE if phone else LAPTOP)["width"], (where, width)
        assert serious(axe.run(page, options=WCAG_21_AA)) == [], where
        if phone and path.endswith("/inbox"):
            expect(page.locator("#shortcuts")).to_be_hidden()
        expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
        name = path.strip("/").replace("{id}", "incident").replace("/", "-") or "board"
        page.screenshot(path=SHOTS / f"{size}-{user}-{name}.png", full_page=False)
    for page in pages.values():
        page.context.close()
