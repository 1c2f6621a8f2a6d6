"""The public outputs over HTTP, no login: the incident pages, the Atom feeds and CAP 1.2."""

from __future__ import annotations

import re
from calendar import timegm
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import xmlschema
from lxml import etree

from api.public import render, where_to_ask
from projections.public import Publisher, atom, cap, public_incident
from tests import scenario
from tests.fixtures.users import USERS
from web.texts import catalogue

CAP_XSD = xmlschema.XMLSchema(Path(__file__).parent.parent / "standards" / "CAP-v1.2.xsd")
CAP = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
STAFF = [name for _, name, _, _ in USERS]
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the clock fixture's start


def get(api, path: str, **headers: str):
    """A request from anyone on the internet: no token, no cookie."""
    return api.client.get(path, headers=headers)


def every_output(api, incident: str) -> dict[str, str]:
    """Every public output that could show something of the incident."""
    paths = [
        "/public",
        "/public?lang=en",
        f"/public/incidents/{incident}",
        f"/public/incidents/{incident}?lang=en",
        "/public/feed.atom",
        f"/public/incidents/{incident}/feed.atom",
        "/public/cap.atom",
        f"/public/incidents/{incident}/cap.atom",
    ]
    outputs = {path: get(api, path).text for path in paths}
    for message in cap_links(outputs["/public/cap.atom"]):
        outputs[message] = get(api, message).text
    return outputs


def cap_links(feed: str) -> list[str]:
    parsed = feedparser.parse(feed)
    return [
        link.href.removeprefix("http://testserver")
        for entry in parsed.entries
        for link in entry.links
        if link.type == "application/cap+xml"
    ]


def valid_cap(xml: str) -> etree._Element:
    """The message is valid CAP 1.2: the official schema, and the rules of the
    specification the schema cannot express."""
    CAP_XSD.validate(xml)
    alert = etree.fromstring(xml.encode())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", text(alert, "sent"))
    for field in ("identifier", "sender"):
        assert not re.search(r"[\s,<&]", text(alert, field)), field
    kind = text(alert, "msgType")
    assert (alert.find("c:references", CAP) is not None) == (kind != "Alert")
    return alert


def text(element: etree._Element, path: str) -> str:
    return element.findtext(f"c:{path}", namespaces=CAP)


def triple(alert: etree._Element) -> str:
    return ",".join(text(alert, f) for f in ("sender", "identifier", "sent"))


def publish_notice(api, incident: str, text: str, facts: list[str]) -> str:
    return scenario.published_post(api, incident, facts, text=text)


def test_nothing_is_public_before_the_notice_is_issued(api):
    incident = scenario.open_incident(api, title="Internt: vurderer kokevarsel")
    fact = scenario.approved_fact(api, incident)
    body = {"channel": "website", "text": "Utkast til kokevarsel", "cites": [fact]}
    api.ok("comms", f"/api/incidents/{incident}/posts", body)
    assert get(api, f"/public/incidents/{incident}").status_code == 404
    assert get(api, f"/public/incidents/{incident}/feed.atom").status_code == 404
    assert get(api, f"/public/incidents/{incident}/cap.atom").status_code == 404
    for path in ("/public", "/public/feed.atom", "/public/cap.atom"):
        response = get(api, path)
        assert response.status_code == 200
        assert "Internt" not in response.text and incident not in response.text


def test_the_page_shows_what_the_public_needs(api, clock):
    incident = scenario.open_incident(api)
    found = scenario.approved_fact(api, incident, "E. coli er påvist i Grorud høydebasseng.")
    boil = scenario.approved_fact(api, incident, "Kok vannet i minst ett minutt.")
    publish_notice(api, incident, "Kokevarsel: kok vannet.", [found, boil])
    clock.advance(minutes=30)
    publish_notice(api, incident, "Oppdatering: varselet gjelder fortsatt.", [boil])
    clock.advance(minutes=30)
    scenario.verified_fact(api, incident, "Nye prøver tas i morgen.")  # internal: not yet public

    response = get(api, f"/public/incidents/{incident}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="nb">' in html
    assert "<h1" in html and "Kokevarsel for Grorud, Stovner og Alna</h1>" in html
    for shown in ("Grorud", "Stovner", "Alna", "E. coli er påvist", "Kok vannet i minst"):
        assert shown in html
    updates = html[html.index('id="updates"') :]
    assert updates.index("Oppdatering: varselet") < updates.index("Kokevarsel: kok vannet.")
    # Last updated is the last public change, not the later internal one.
    assert "Sist oppdatert" in html and "23. november 2026 kl. 10:30" in html
    assert response.headers["last-modified"] == "Mon, 23 Nov 2026 09:30:00 GMT"
    # Where to ask, and what to expect there; reserved channels are not offered.
    assert "Spør oss" in html and "Facebook" in html and "Ikke del personopplysninger" in html
    assert "Instagram" not in html and "postmottak" in html
    # The responsible office and department, never a person.
    assert "Kommunikasjonsseksjonen" in html and "Vann- og avløpsetaten" in html
    assert "Nye prøver" not in html
    for name in STAFF:
        assert name not in html

    index = get(api, "/public").text
    assert f'href="/public/incidents/{incident}"' in index


def test_nothing_internal_reaches_any_public_output(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    website = publish_notice(api, incident, "Kok vannet.", [fact])
    submitted = "HEMMELIG innsendt faktum"
    api.ok("vav", f"/api/incidents/{incident}/facts", {"text": submitted})
    unapproved = "HEMMELIG verifisert men ikke godkjent"
    scenario.verified_fact(api, incident, unapproved)
    draft = "HEMMELIG utkast til nettsiden"
    api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": draft, "cites": [fact]},
    )
    approved_only = "HEMMELIG godkjent, ikke publisert"
    post = api.ok(
        "comms",
        f"/api/incidents/{incident}/posts",
        {"channel": "website", "text": approved_only, "cites": [fact]},
    )["id"]
    api.ok("editor", f"/api/posts/{post}/approve")
    scenario.published_post(
        api, incident, [fact], channel="facebook", links_to=website, text="Facebook: kok vannet!"
    )
    clock.advance(hours=2)
    api.ok("comms", f"/api/incidents/{incident}/phase", {"phase": "resolved"})

    outputs = every_output(api, incident)
    assert len(outputs) == 8 + 2  # the notice and the all-clear
    for path, body in outputs.items():
        assert "Kokevarsel for Grorud" in body, path  # the output is about this incident
        assert "HEMMELIG" not in body, path
        assert "Facebook: kok vannet!" not in body, path  # the website is the canonical record
        for name in STAFF:
            assert name not in body, (path, name)


def test_english_on_request(api):
    incident = scenario.open_incident(api)
    publish_notice(api, incident, "Kok vannet.", [scenario.approved_fact(api, incident)])
    for response in (
        get(api, f"/public/incidents/{incident}", **{"Accept-Language": "en-GB,en;q=0.9"}),
        get(api, f"/public/incidents/{incident}?lang=en"),
    ):
        html = response.text
        assert '<html lang="en">' in html and response.headers["content-language"] == "en"
        assert "What to do" in html and "Ask us" in html
        assert '<p class="text" lang="nb">Kok vannet.</p>' in html  # the notice stays bokmål
    assert "Hva du bør gjøre" in get(api, f"/public/incidents/{incident}").text
    assert get(api, "/public").headers["vary"] == "Accept-Language"


def test_pages_have_no_script(api):
    incident = scenario.open_incident(api)
    publish_notice(api, incident, "Kok vannet.", [scenario.approved_fact(api, incident)])
    for path in ("/public", f"/public/incidents/{incident}", "/public/incidents/nope"):
        assert "<script" not in get(api, path).text.lower(), path


def test_unchanged_page_answers_304_and_a_public_change_a_new_etag(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    publish_notice(api, incident, "Kok vannet.", [fact])
    path = f"/public/incidents/{incident}"
    first = get(api, path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"

    again = get(api, path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = get(api, path, **{"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    english = get(api, f"{path}?lang=en", **{"If-None-Match": etag})
    assert english.status_code == 200  # another language is another representation

    # Internal work changes nothing the public sees: still 304.
    scenario.verified_fact(api, incident, "Ikke godkjent ennå.")
    assert get(api, path, **{"If-None-Match": etag}).status_code == 304

    clock.advance(minutes=10)
    publish_notice(api, incident, "Ny melding.", [fact])
    changed = get(api, path, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "Ny melding." in changed.text
    for feed in (f"{path}/feed.atom", f"{path}/cap.atom", "/public/feed.atom", "/public/cap.atom"):
        response = get(api, feed)
        assert response.headers["cache-control"] == "public, max-age=60"
        assert get(api, feed, **{"If-None-Match": response.headers["etag"]}).status_code == 304


def test_atom_feeds_of_published_updates(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    first = publish_notice(api, incident, "Kok vannet.", [fact])
    clock.advance(minutes=20)
    second = publish_notice(api, incident, "Varselet gjelder fortsatt.", [fact])
    other = scenario.open_incident(
        api, title="Stengt tunnel", kind="road closure", severity="minor"
    )
    clock.advance(minutes=20)
    third = publish_notice(api, other, "Tunnelen er stengt.", [scenario.approved_fact(api, other)])

    feed = feedparser.parse(get(api, f"/public/incidents/{incident}/feed.atom").text)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.id for e in feed.entries] == [f"urn:uuid:{second}", f"urn:uuid:{first}"]
    page = f"http://testserver/public/incidents/{incident}"
    assert feed.feed.link == page
    assert [e.link for e in feed.entries] == [f"{page}#update-{second}", f"{page}#update-{first}"]
    published = [timegm(e.published_parsed) for e in feed.entries]
    assert published == [(START + timedelta(minutes=m)).timestamp() for m in (20, 0)]
    assert [timegm(e.updated_parsed) for e in feed.entries] == published
    assert timegm(feed.feed.updated_parsed) == published[0]
    assert feed.entries[0].content[0].value == "Varselet gjelder fortsatt."
    assert feed.feed.author == "Oslo kommune, Kommunikasjonsseksjonen"

    everything = feedparser.parse(get(api, "/public/feed.atom").text)
    assert not everything.bozo
    ids = [f"urn:uuid:{p}" for p in (third, second, first)]
    assert [e.id for e in everything.entries] == ids
    assert everything.entries[0].link.startswith(f"http://testserver/public/incidents/{other}#")
    # Ids stay the same whatever address the feed is fetched under.
    moved = api.client.get("/public/feed.atom", headers={"Host": "krise.example.no"}).text
    assert [e.id for e in feedparser.parse(moved).entries] == ids
    assert feedparser.parse(moved).feed.id == everything.feed.id


def test_cap_history_alert_updates_and_all_clear(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    first = publish_notice(api, incident, "Kok vannet.", [fact])
    clock.advance(minutes=30)
    second = publish_notice(api, incident, "Varselet gjelder fortsatt.", [fact])
    scenario.published_post(api, incident, [fact], channel="facebook", links_to=second)
    clock.advance(minutes=30)
    phase = f"/api/incidents/{incident}/phase"
    api.ok("comms", phase, {"phase": "monitoring"})  # no message of its own
    clock.advance(minutes=30)
    api.ok("comms", phase, {"phase": "resolved"})
    clock.advance(minutes=30)
    api.ok("comms", phase, {"phase": "closed"})  # still over: no second all-clear
    clock.advance(minutes=30)
    api.ok("comms", phase, {"phase": "active", "reason": "Nye funn av E. coli."})
    clock.advance(minutes=30)
    third = publish_notice(api, incident, "Kokevarselet gjelder igjen.", [fact])
    clock.advance(minutes=30)
    api.ok("comms", phase, {"phase": "resolved"})

    feed = feedparser.parse(get(api, f"/public/incidents/{incident}/cap.atom").text)
    assert not feed.bozo
    links = cap_links(get(api, f"/public/incidents/{incident}/cap.atom").text)
    responses = [get(api, link) for link in reversed(links)]  # oldest first
    assert all(r.headers["content-type"] == "application/cap+xml" for r in responses)
    alerts = [valid_cap(r.text) for r in responses]

    kinds = [
        (text(a, "msgType"), a.findtext("c:info/c:responseType", namespaces=CAP)) for a in alerts
    ]
    assert kinds == [
        ("Alert", None),
        ("Update", None),
        ("Update", "AllClear"),
        ("Update", None),
        ("Update", "AllClear"),
    ]
    ids = [text(a, "identifier") for a in alerts]
    assert ids[0] == f"{incident}-post-{first}" and ids[1] == f"{incident}-post-{second}"
    assert ids[3] == f"{incident}-post-{third}" and len(set(ids)) == 5
    sent = [text(a, "sent") for a in alerts]
    assert sent[0] == "2026-11-23T09:00:00+00:00" and sent[2] == "2026-11-23T10:30:00+00:00"
    for n, alert in enumerate(alerts):
        references = (text(alert, "references") or "").split()
        assert references == [triple(earlier) for earlier in alerts[:n]]
        assert text(alert, "incidents") == incident
    page = f"http://testserver/public/incidents/{incident}"
    first_info = alerts[0].find("c:info", CAP)
    assert text(first_info, "language") == "nb-NO"
    assert [c.text for c in first_info.findall("c:category", CAP)] == ["Health", "Infra"]
    assert text(first_info, "event") == "boil-water notice"
    assert text(first_info, "urgency") == "Immediate"
    assert text(first_info, "severity") == "Severe"
    assert text(first_info, "certainty") == "Observed"
    assert text(first_info, "headline") == "Kokevarsel for Grorud, Stovner og Alna"
    assert text(first_info, "description") == "Kok vannet."
    assert page in text(first_info, "instruction")
    assert text(first_info, "web") == page
    areas = [a.text for a in first_info.findall("c:area/c:areaDesc", CAP)]
    assert areas == ["Grorud", "Stovner", "Alna"]
    assert len(alerts[1].findall("c:info", CAP)) == 1  # posts are bokmål only
    clear = alerts[2].findall("c:info", CAP)
    assert [text(i, "language") for i in clear] == ["nb-NO", "en-US"]  # the catalogue has both
    assert [text(i, "urgency") for i in clear] == ["Past", "Past"]
    assert "opphevet" in text(clear[0], "description")
    assert "lifted" in text(clear[1], "description")

    # Messages are the same on every request: alert hubs fetch them more than once.
    assert get(api, links[-1]).text == responses[0].text
    # The feed for all incidents links the same messages.
    assert sorted(cap_links(get(api, "/public/cap.atom").text)) == sorted(links)


def test_unknown_cap_message_is_not_found(api):
    incident = scenario.open_incident(api)
    publish_notice(api, incident, "Kok vannet.", [scenario.approved_fact(api, incident)])
    assert get(api, f"/public/incidents/{incident}/cap/nope.xml").status_code == 404
    assert get(api, "/public/incidents/nope/cap/nope.xml").status_code == 404
    assert get(api, "/public/incidents/nope").status_code == 404
    assert "Fant ikke siden" in get(api, "/public/incidents/nope").text


def test_head_answers_without_a_body(api):
    incident = scenario.open_incident(api)
    publish_notice(api, incident, "Kok vannet.", [scenario.approved_fact(api, incident)])
    full = get(api, f"/public/incidents/{incident}")
    head = api.client.head(f"/public/incidents/{incident}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == full.headers["etag"]


def test_a_retraction_shows_as_an_update_carrying_the_apology(api, clock):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    wrong = publish_notice(api, incident, "FEIL: varselet gjelder hele byen.", [fact])
    clock.advance(minutes=10)
    response = api.post(
        "comms",
        f"/api/posts/{wrong}/retract",
        {
            "reason": "Feil område.",
            "apology": "Beklager, varselet gjelder bare tre bydeler.",
            "cites": [fact],
        },
    )
    assert response.status_code in (200, 201), response.text
    posts = api.board()["incidents"][0]["posts"]
    apology = next(p for p in posts.values() if p.get("corrects") == wrong)
    if apology["status"] != "published":
        api.ok("editor", f"/api/posts/{apology['id']}/approve")
        api.ok("comms", f"/api/posts/{apology['id']}/publish")

    outputs = every_output(api, incident)
    for path, body in outputs.items():
        assert "FEIL" not in body, path
    page = outputs[f"/public/incidents/{incident}"]
    assert "Rettelse" in page and "Beklager, varselet gjelder bare tre bydeler." in page
    assert (
        get(api, f"/public/incidents/{incident}/cap/{incident}-post-{wrong}.xml").status_code == 410
    )


def test_a_retracted_post_is_withheld_and_its_apology_shown(api, clock):
    """The projection on the board shape the retraction will have (retracted
    post `status: "retracted"`, apology post `corrects: <post id>`), so the
    rule holds before the command exists; the test above covers it end to end."""
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    wrong = publish_notice(api, incident, "FEIL: varselet gjelder hele byen.", [fact])
    clock.advance(minutes=10)
    apology = publish_notice(api, incident, "Beklager, varselet gjelder bare tre bydeler.", [fact])
    doc = api.board()["incidents"][0]
    doc["posts"][wrong]["status"] = "retracted"
    doc["posts"][apology]["corrects"] = wrong

    public = public_incident(doc)
    pub = Publisher("Oslo kommune", "oslo.kommune.no", "https://krise.example.no")
    texts = {lang: catalogue(lang)["ui"] for lang in ("nb", "en")}
    feed = atom.Feed("test", "Oppdateringer", "https://krise.example.no/f", pub.page(incident))
    outputs = {
        "page": render(
            "public/incident.html",
            "nb",
            i=public,
            channels=where_to_ask(api.client.app.state.runtime.channels.all(), "nb"),
        ),
        "updates": atom.updates([public], feed, pub, texts["nb"]).decode(),
        "cap feed": atom.cap([public], feed, pub, texts["nb"]).decode(),
    }
    served = cap.published(public)
    for message in served:
        outputs[message["identifier"]] = cap.alert(public, message, pub, texts).decode()
    for name, body in outputs.items():
        assert "FEIL" not in body, name

    assert [u["id"] for u in public["updates"]] == [apology]
    assert public["updates"][0]["correction"] is True
    assert "Rettelse" in outputs["page"] and "Vi har trukket tilbake" in outputs["page"]
    # The retracted notice was sent, so it stays the Alert the correction refers to,
    # but its message is no longer served.
    alert, correction = public["messages"]
    assert alert["withdrawn"] and alert["text"] is None and served == [correction]
    xml = valid_cap(outputs[correction["identifier"]])
    assert text(xml, "msgType") == "Update"
    assert text(xml, "references") == f"oslo.kommune.no,{alert['identifier']},{alert['sent']}"
    assert text(xml.find("c:info", CAP), "headline").startswith("Rettelse: ")


def test_a_cap_message_keeps_what_it_was_issued_with(api, clock):
    incident = scenario.open_incident(api)  # severe, in Grorud, Stovner and Alna
    fact = scenario.approved_fact(api, incident)
    publish_notice(api, incident, "Kok vannet.", [fact])
    clock.advance(minutes=30)
    api.ok("comms", f"/api/incidents/{incident}/severity", {"severity": "extreme"})
    api.ok("comms", f"/api/incidents/{incident}/areas", {"areas": ["Furuset"]})
    publish_notice(api, incident, "Nå også Furuset.", [fact])
    links = cap_links(get(api, f"/public/incidents/{incident}/cap.atom").text)
    first, second = (valid_cap(get(api, link).text) for link in reversed(links))

    def issued(alert: etree._Element) -> tuple[str, list[str]]:
        severity = alert.findtext("c:info/c:severity", namespaces=CAP)
        return severity, [a.text for a in alert.iterfind("c:info/c:area/c:areaDesc", CAP)]

    assert issued(first) == ("Severe", scenario.INCIDENT["areas"])
    assert issued(second) == ("Extreme", ["Furuset"])
