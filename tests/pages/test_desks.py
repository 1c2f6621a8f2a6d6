"""The desks in headless Chromium against one real server for the module:
each desk's main flow, a keyboard-only inbox flow, text from the public
shown as text, axe-core on every page, and a screenshot of each page in
tests/screenshots/ for review. Each test opens its own incident."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from server.settings import Settings
from tests import scenario
from tests.browser import log_in
from tests.fixtures.servers import Server, free_port
from tests.fixtures.users import copy_users
from tests.pages.test_public_pages import WCAG_21_AA, serious

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
HOSTILE = '<img src=x onerror="window.pwned=1">'


@pytest.fixture(scope="module")
def desks(tmp_path_factory, _accounts_file) -> Iterator[Server]:
    """One `crisis serve` for the whole module (SQLite files), to keep the browser tests lean."""
    settings = Settings.from_env(tmp_path_factory.mktemp("desks") / "data")
    copy_users(_accounts_file[0], settings)
    server = Server(settings.data_dir, free_port()).start()
    yield server
    server.stop()


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def open_desk(page: Page, server: Server, user: str, path: str, incident: str | None = None):
    log_in(page, server, user)
    page.goto(f"{server.url}{path}" + (f"?incident={incident}" if incident else ""))
    if incident:
        expect(page.locator("#desk")).to_have_attribute("aria-busy", "false")
        expect(page.locator("#connection")).to_have_attribute("data-state", "open")


def ask(server: Server, incident: str, text: str, handle: str = "@kari", channel="facebook"):
    body = {"channel": channel, "handle": handle, "text": text}
    return server.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]


def test_department_desk_submits_corrects_withdraws_and_comms_follows_up(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel for Furuset")
    old = scenario.approved_fact(desks, incident, "Gjelder Furuset og Grorud.")
    website = scenario.published_post(desks, incident, [old], text="Kokevarsel for Furuset.")
    answered = ask(desks, incident, "Gjelder det Grorud?")
    desks.ok("comms", f"/api/inquiries/{answered}/answer", {"text": "Ja.", "cites": [old]})
    open_desk(page, desks, "vav", "/desks/facts", incident)

    page.get_by_label("Faktaopplysning", exact=True).fill("Ledningene spyles i natt.")
    page.get_by_label("Jeg går god for").check()
    page.get_by_role("button", name="Send inn").click()
    new = page.locator("[data-fact]").filter(has_text="Ledningene spyles i natt.")
    expect(new).to_have_attribute("data-status", "verified")
    expect(page.locator("#status")).to_have_text("Faktaopplysningen er sendt inn.")

    card = page.locator(f"[data-fact='{old}']")
    expect(card.locator(f"[data-item='{website}']")).to_contain_text("Innlegg på Nettsiden")
    card.get_by_role("button", name="Rett:").click()
    dialog = page.locator("#dlg-correct")
    dialog.get_by_label("Ny tekst").fill("Gjelder Furuset, Grorud og Romsås.")
    dialog.get_by_label("Begrunnelse").fill("Romsås er også berørt.")
    dialog.get_by_role("button", name="Rett").click()
    expect(dialog).to_be_hidden()
    expect(card).to_contain_text("Versjon 2")
    for item in (website, answered):
        expect(card.locator(f"[data-item='{item}']")).to_contain_text("Må følges opp")

    new.get_by_role("button", name="Trekk tilbake:").click()
    page.locator("#dlg-withdraw").get_by_label("Begrunnelse").fill("Spylingen er utsatt.")
    page.locator("#dlg-withdraw").get_by_role("button", name="Trekk tilbake").click()
    expect(new).to_have_attribute("data-status", "withdrawn")
    expect(new.get_by_role("button")).to_have_count(0)
    shoot(page, "desk-facts-department")

    open_desk(page, desks, "comms", "/desks/facts", incident)
    card.get_by_role("button", name="Godkjenn").click()
    expect(card).to_have_attribute("data-status", "approved")
    post = card.locator(f"[data-item='{website}']")
    post.get_by_role("button", name="Registrer oppfølging").click()
    page.locator("#dlg-follow-up").get_by_label("Hva ble gjort?").fill("Nytt innlegg skrevet.")
    page.locator("#dlg-follow-up").get_by_role("button", name="Lagre").click()
    expect(post).to_contain_text("Fulgt opp av Kari Kommunikasjon: Nytt innlegg skrevet.")
    expect(post).not_to_contain_text("Må følges opp")
    expect(card.locator(f"[data-item='{answered}']")).to_contain_text("Må følges opp")
    shoot(page, "desk-facts-comms")


def test_inbox_with_the_keyboard_alone(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, tastatur")
    scenario.approved_fact(desks, incident, "Kok vannet i ett minutt.")
    first = ask(desks, incident, "Må jeg koke vannet før jeg pusser tennene?", "@tann")
    hostile = ask(desks, incident, HOSTILE, "@hacker")
    open_desk(page, desks, "comms", "/desks/inbox", incident)
    item = page.locator(f"[data-inquiry='{first}']")

    page.keyboard.press("j")
    expect(item.get_by_role("button")).to_be_focused()
    expect(item.get_by_role("button")).to_have_attribute("aria-current", "true")
    page.keyboard.press("t")
    expect(page.get_by_label("Kategori", exact=True).last).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first category: question
    expect(item).to_contain_text("spørsmål")
    page.keyboard.press("Escape")
    expect(item.get_by_role("button")).to_be_focused()

    page.keyboard.press("h")
    expect(page.get_by_label("Foreløpig svar")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#detail")).to_contain_text("kommer tilbake til deg")
    page.keyboard.press("Escape")

    page.keyboard.press("a")
    expect(page.get_by_label("Svartekst").first).to_be_focused()
    page.keyboard.type("Ja, bruk kokt vann til tannpuss også.")
    page.keyboard.press("Tab")  # the fact picker
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("Svaret er sendt.")
    expect(item).to_have_count(0)  # answered: off the open list
    expect(page.locator("#detail")).to_contain_text("Ja, bruk kokt vann til tannpuss også.")
    expect(page.locator("#detail")).to_contain_text("Kari Kommunikasjon")

    page.keyboard.press("Escape")
    page.keyboard.press("j")
    bad = page.locator(f"[data-inquiry='{hostile}']")
    expect(bad.get_by_role("button")).to_be_focused()
    expect(bad.locator(".text")).to_have_text(HOSTILE)
    expect(page.locator("blockquote.quote")).to_have_text(HOSTILE)
    assert page.locator("#desk img").count() == 0
    assert page.evaluate("window.pwned") is None

    page.keyboard.press("?")
    expect(page.get_by_role("heading", name="Hurtigtaster")).to_be_focused()
    shoot(page, "desk-inbox")


def test_inbox_filters_assigns_refers_escalates_moderates_and_saves_replies(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, innboks")
    fact = scenario.approved_fact(desks, incident, "Kok vannet i ett minutt.")
    case = ask(desks, incident, "Jeg vil klage på vannregningen min.", "@regning")
    hard = ask(desks, incident, "Dere er udugelige!", "@sint")
    spam = ask(desks, incident, "Kjøp billige klokker her", "@spam", channel="x")
    open_desk(page, desks, "comms", "/desks/inbox", incident)

    page.get_by_label("Kanal", exact=True).select_option("x")
    expect(page.locator("#queue > li")).to_have_count(1)
    expect(page.locator("#count")).to_have_text("Viser 1 av 3 henvendelser.")
    page.get_by_label("Kanal", exact=True).select_option("")

    def choose(inquiry: str, form: str) -> None:
        page.locator(f"[data-inquiry='{inquiry}'] button").click()
        page.locator(f"details[data-form='{form}'] summary").click()

    choose(case, "assign")
    page.get_by_label("Tildel til").select_option(label="Ola Redaktør")
    page.get_by_role("button", name="Tildel", exact=True).click()
    expect(page.locator(f"[data-inquiry='{case}']")).to_contain_text("Ansvarlig: Ola Redaktør")
    page.get_by_label("Ansvarlig", exact=True).select_option(label="Ola Redaktør")
    expect(page.locator("#queue > li")).to_have_count(1)
    page.get_by_label("Ansvarlig", exact=True).select_option("")

    choose(case, "refer")
    page.get_by_role("button", name="Henvis", exact=True).click()
    expect(page.locator("#detail")).to_contain_text("postmottak")
    expect(page.locator(f"[data-inquiry='{case}']")).to_have_count(0)

    choose(hard, "escalate")
    page.get_by_label("Hvorfor løftes den?").fill("Krever svar fra direktøren.")
    page.get_by_role("button", name="Løft til leder", exact=True).click()
    expect(page.locator("#detail")).to_contain_text("Krever svar fra direktøren.")
    choose(hard, "archive")
    page.get_by_label("Henvendelsen er arkivverdig").check()
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator(f"[data-inquiry='{hard}']")).to_contain_text("arkivverdig")

    choose(spam, "moderate")
    page.get_by_label("Begrunnelse til personen").fill("Reklame slettes.")
    page.get_by_role("button", name="Moderer", exact=True).click()
    expect(page.locator("#notice")).to_contain_text("Kategoriser henvendelsen først")
    page.locator("details[data-form='triage'] summary").click()
    page.locator("#triage-category").select_option("spam")
    page.get_by_role("button", name="Kategoriser", exact=True).click()
    expect(page.locator(f"[data-inquiry='{spam}']")).to_contain_text("spam")
    page.get_by_label("Begrunnelse til personen").fill("Reklame slettes.")
    page.get_by_role("button", name="Moderer", exact=True).click()
    expect(page.locator("#detail")).to_contain_text("Reklame slettes.")

    page.locator(f"[data-inquiry='{hard}'] button").click()
    page.get_by_label("Svartekst").first.fill("Vi forstår at dette er krevende. Kok vannet.")
    page.locator("#answer-facts").get_by_label("Kok vannet i ett minutt.").check()
    page.get_by_label("Lagre svaret som ferdig svar").fill("Krevende")
    page.get_by_role("button", name="Lagre ferdig svar").click()
    expect(page.locator("#saved-replies")).to_contain_text("Krevende")
    page.get_by_label("Svartekst").first.fill("")
    page.locator("#answer-saved").select_option(label="Krevende")
    expect(page.get_by_label("Svartekst").first).to_have_value(
        "Vi forstår at dette er krevende. Kok vannet."
    )
    expect(page.locator("#answer-facts").get_by_label("Kok vannet i ett minutt.")).to_be_checked()
    assert fact
    shoot(page, "desk-inbox-actions")


def test_inbox_removes_sensitive_text_and_erases_a_person(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, personvern")
    sensitive = ask(desks, incident, "Sønnen min har kreft, tåler han vannet?", "@mor")
    other = ask(desks, incident, "Slett meg fra alt dere har.", "@glemt")
    open_desk(page, desks, "editor", "/desks/inbox", incident)

    page.locator(f"[data-inquiry='{sensitive}'] button").click()
    page.keyboard.press("p")
    expect(page.get_by_label("Hvorfor fjernes teksten?")).to_be_focused()
    page.keyboard.type("Helseopplysninger om et barn")
    page.get_by_role("button", name="Fjern sensitive personopplysninger").click()
    expect(page.locator("#status")).to_have_text("Teksten er fjernet.")
    expect(page.locator("#detail blockquote")).to_have_text("[fjernet]")
    expect(page.locator("#detail")).to_contain_text("Helseopplysninger om et barn")
    expect(page.locator("#detail")).to_contain_text("@mor")  # the person can still be told why
    expect(page.locator("#queue")).not_to_contain_text("kreft")

    page.locator(f"[data-inquiry='{other}'] button").click()
    page.get_by_label("Merknad").fill("Forespørsel 2026/88")
    page.get_by_role("button", name="Slett personens opplysninger").click()
    expect(page.locator("#status")).to_have_text("Personens opplysninger er slettet.")
    expect(page.locator(f"[data-inquiry='{other}']")).to_contain_text("[fjernet], Facebook")
    expect(page.locator(f"[data-inquiry='{other}']")).to_contain_text("slettet")
    expect(page.locator("details[data-form='privacy']")).to_be_hidden()
    expect(page.locator("#queue")).not_to_contain_text("@glemt")
    shoot(page, "desk-inbox-privacy")


def test_one_reply_to_a_confirmed_group(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, like spørsmål")
    scenario.approved_fact(desks, incident, "Furuset er med i kokevarselet.")
    same = [
        ask(desks, incident, "Gjelder kokevarselet Furuset?", "@a"),
        ask(desks, incident, "gjelder koke varselet for furuset??", "@b"),
        ask(desks, incident, "Gjelder kokevarselet Furuset", "@c"),
    ]
    other = ask(desks, incident, "Hvor lenge varer det?", "@d")
    open_desk(page, desks, "comms", "/desks/inbox", incident)
    page.get_by_role("button", name="Finn like spørsmål").click()
    group = page.locator("#groups > li")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("3 nesten like spørsmål")
    group.get_by_role("button", name="Svar gruppen").click()
    expect(page.get_by_role("heading", name="Ett svar til flere")).to_be_focused()
    page.locator(f"#member-{same[2]}").uncheck()  # staff confirm: not this one
    page.locator("#group-text").fill("Ja, Furuset er med.")
    page.locator("#group-facts").get_by_label("Furuset er med i kokevarselet.").check()
    page.get_by_role("button", name="Send svaret til hver av de valgte").click()
    expect(page.locator("#status")).to_have_text("Svaret er sendt til 2 henvendelser.")
    for answered in same[:2]:
        expect(page.locator(f"[data-inquiry='{answered}']")).to_have_count(0)
    for still_open in (same[2], other):
        expect(page.locator(f"[data-inquiry='{still_open}']")).to_have_count(1)


def test_compose_for_several_channels_with_counts_warnings_and_refusals(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, innlegg")
    scenario.approved_fact(desks, incident, "Kok vannet i minst ett minutt.")
    open_desk(page, desks, "comms", "/desks/compose", incident)
    page.get_by_label("X", exact=True).check()
    page.get_by_label("SMS-varsel").check()
    page.get_by_label("Tekst for Nettsiden").fill(
        "Kokevarsel for Grorud: kok vannet i minst ett minutt."
    )
    page.get_by_label("Tekst for X").fill("a" * 281)
    expect(page.locator("#count-x")).to_have_text("281 av 280 tegn")
    expect(page.locator("#advice-x .refusal")).to_contain_text("for langt for X")
    page.get_by_label("Tekst for X").fill("Kok vannet. https://www.oslo.kommune.no/kokevarsel")
    expect(page.locator("#count-x")).to_have_text("35 av 280 tegn")
    expect(page.locator("#advice-x")).to_be_empty()
    page.get_by_label("Tekst for SMS-varsel").fill("«Kokevarsel» for Grorud. Kok vannet.")
    expect(page.locator("#count-sms")).to_contain_text("1 av høyst 3 SMS (UCS-2)")
    expect(page.locator("#advice-sms .warning")).to_contain_text("finnes ikke i SMS-alfabetet")
    expect(page.locator("[data-channel='x'] .preview-text")).to_have_text(
        "Kok vannet. https://www.oslo.kommune.no/kokevarsel"
    )

    page.get_by_role("button", name="Send til godkjenning").click()
    expect(page.locator("#notice")).to_contain_text("«Jeg tror» er ikke et svar")
    expect(page.locator("#posts [data-post]")).to_have_count(0)
    page.locator("#compose-facts").get_by_label("Kok vannet i minst ett minutt.").check()
    page.get_by_role("button", name="Send til godkjenning").click()
    expect(page.locator("#status")).to_have_text(
        "Utkast laget for Nettsiden. Utkast laget for X. Utkast laget for SMS-varsel."
    )
    expect(page.locator("#posts [data-status='draft']")).to_have_count(3)
    expect(page.locator("#posts [data-channel='sms'] .warning")).to_contain_text("SMS-alfabetet")
    shoot(page, "desk-compose")

    open_desk(page, desks, "editor", "/desks/compose", incident)
    for channel in ("x", "website"):
        card = page.locator(f"#posts [data-channel='{channel}']")
        card.get_by_role("button", name="Godkjenn").click()
        expect(card).to_have_attribute("data-status", "approved")
    x = page.locator("#posts [data-channel='x']")
    expect(x).to_contain_text("Kan publiseres når nettsideinnlegget er publisert.")
    expect(x.get_by_role("button", name="Publiser")).to_have_count(0)  # the website first
    page.locator("#posts [data-channel='website']").get_by_role("button", name="Publiser").click()
    expect(page.locator("#posts [data-channel='website']")).to_have_attribute(
        "data-status", "published"
    )
    x.get_by_role("button", name="Publiser").click()
    expect(x).to_have_attribute("data-status", "published")


def test_rumour_desk_from_sighting_to_closing(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, rykter")
    fact = scenario.approved_fact(desks, incident, "Kokt vann er trygt å drikke.")
    scenario.published_post(desks, incident, [fact], text="Kokt vann er trygt.")
    open_desk(page, desks, "comms", "/desks/rumours", incident)

    page.get_by_label("Påstand").fill("Vannet er giftig selv etter koking.")
    page.get_by_label("Sett i kanal eller sted").first.select_option("facebook")
    page.get_by_label("Hvor (gruppe, tråd eller side)").first.fill("Grorud-gruppa")
    page.get_by_label("Anslått rekkevidde").first.fill("500")
    page.get_by_role("button", name="Registrer", exact=True).click()
    card = page.locator("#rumours [data-rumour]")
    expect(card).to_contain_text("Vannet er giftig selv etter koking.")
    expect(card).to_contain_text("500")

    page.get_by_label("Ord eller uttrykk").fill("giftig")
    page.get_by_role("button", name="Legg til").click()
    expect(page.locator("#watch-list")).to_contain_text("giftig")
    flagged = ask(desks, incident, "Er vannet giftig?", "@redd")
    page.locator(f"#flagged [data-inquiry='{flagged}']").get_by_role("button").click()
    sight = page.locator("#dlg-sight")
    expect(sight.get_by_label("Henvendelsen den ble sett i")).to_have_value(flagged)
    sight.get_by_label("Anslått rekkevidde").fill("100")
    sight.get_by_role("button", name="Lagre").click()
    expect(card).to_contain_text("Observasjoner (2)")
    expect(card).to_contain_text("600")
    expect(page.locator(f"#flagged [data-inquiry='{flagged}']")).to_have_count(0)

    card.get_by_role("button", name="Vurder").click()
    page.locator("#dlg-assess").get_by_label("Vurdering").select_option("false")
    page.locator("#dlg-assess").get_by_label("Merknad").fill("Koking dreper E. coli.")
    page.locator("#dlg-assess").get_by_role("button", name="Lagre").click()
    expect(card).to_have_attribute("data-assessment", "false")

    card.get_by_role("button", name="Registrer korrigering").click()
    correct = page.locator("#dlg-correct")
    correct.get_by_label("Innlegget eller svaret").select_option(
        label="Nettsiden: Kokt vann er trygt."
    )
    expect(correct.locator("#correct-cites")).to_contain_text("Kokt vann er trygt å drikke.")
    correct.get_by_role("button", name="Lagre").click()
    expect(card).to_contain_text("Korrigert i innlegg")
    expect(card).to_contain_text("Minutter til korrigering")

    card.get_by_role("button", name="Lukk:").click()
    page.locator("#dlg-close").get_by_label("Hvordan endte det?").fill("Ryktet døde ut.")
    page.locator("#dlg-close").get_by_role("button", name="Lukk").click()
    expect(card).to_have_attribute("data-status", "closed")
    expect(card).to_contain_text("Ryktet døde ut.")

    page.get_by_role("button", name="Fjern: giftig").click()
    expect(page.locator("#watch-list")).to_contain_text("Ingen ord på listen.")
    shoot(page, "desk-rumours")


def test_admin_adds_changes_and_retires_a_channel(desks, page):
    open_desk(page, desks, "admin", "/desks/admin")
    expect(page.locator("#channels [data-channel='website']")).to_be_visible()
    page.locator("summary", has_text="Legg til kanal").click()
    form = page.locator("#add-channel")
    form.get_by_label("Nøkkel").fill("tiktok")
    form.get_by_label("Navn").fill("TikTok")
    form.get_by_label("Rolle").fill("Korte videoer for unge.")
    form.get_by_role("button", name="Legg til kanal").click()
    row = page.locator("#channels [data-channel='tiktok']")
    expect(row).to_contain_text("TikTok")

    row.get_by_role("button", name="Endre").click()
    dialog = page.locator("#dlg-channel")
    dialog.get_by_label("Navn").fill("TikTok Oslo")
    dialog.get_by_label("Største lengde").fill("150")
    dialog.get_by_role("button", name="Lagre").click()
    expect(row).to_contain_text("TikTok Oslo")
    expect(row).to_contain_text("høyst 150")

    row.get_by_role("button", name="Legg ned").click()
    page.locator("#dlg-retire").get_by_label("Begrunnelse").fill("Kommunen bruker den ikke.")
    page.locator("#dlg-retire").get_by_role("button", name="Legg ned").click()
    expect(row).to_have_attribute("data-status", "retired")
    expect(page.locator("#channels [data-channel='website']").get_by_role("button")).to_have_count(
        1
    )
    expect(page.get_by_role("cell", name="Vann- og avløpsetaten")).to_be_visible()
    shoot(page, "desk-admin")


def test_every_desk_passes_axe_in_both_languages(desks, page):
    incident = scenario.open_incident(desks, title="Kokevarsel, universell utforming")
    fact = scenario.approved_fact(desks, incident, "Kok vannet.")
    scenario.published_post(desks, incident, [fact])
    ask(desks, incident, "Gjelder det Furuset?")
    desks.ok(
        "comms",
        f"/api/incidents/{incident}/rumours",
        {"claim": "Vannet er giftig.", "channel": "facebook", "reach": 10},
    )
    axe = Axe()
    pages = [
        ("vav", "/desks/facts", incident),
        ("comms", "/desks/facts", incident),
        ("comms", "/desks/inbox", incident),
        ("comms", "/desks/compose", incident),
        ("comms", "/desks/rumours", incident),
        ("admin", "/desks/admin", None),
        ("vav", "/desks/inbox", None),  # not for this role: the page says so
    ]
    for user, path, shown in pages:
        open_desk(page, desks, user, path, shown)
        if user == "vav" and path == "/desks/inbox":
            expect(page.get_by_text("Denne siden er ikke for din rolle")).to_be_visible()
        if path == "/desks/admin":
            expect(page.locator("#channels tbody tr").first).to_be_visible()
        assert serious(axe.run(page, options=WCAG_21_AA)) == [], (user, path)
        if (user, path) == ("vav", "/desks/facts"):  # a dialog too, and the focus comes back
            opener = page.locator(f"[data-fact='{fact}']").get_by_role("button", name="Rett:")
            opener.focus()
            page.keyboard.press("Enter")
            expect(page.get_by_label("Ny tekst")).to_be_focused()
            assert serious(axe.run(page, options=WCAG_21_AA)) == [], "dialog"
            page.keyboard.press("Escape")
            expect(page.locator("#dlg-correct")).to_be_hidden()
            expect(opener).to_be_focused()
        shoot(page, f"axe-{user}-{path.strip('/').replace('/', '-')}")
    open_desk(page, desks, "comms", "/desks/facts", incident)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fact desk")
    expect(page.locator("#connection")).to_have_text("Connected")
    assert serious(axe.run(page, options=WCAG_21_AA)) == [], "English"
    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("#count")).to_have_text("Showing 1 of 1 inquiry.")
    page.get_by_role("link", name="Norsk (bokmål)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Innboks")
