"""The timeline: every event of an incident as a readable line, in both languages."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crisis.channels.service import change_channel
from crisis.facts.service import correct_fact
from crisis.incidents.service import change_phase
from crisis.inquiries.service import receive_inquiry, triage_inquiry
from crisis.posts.service import retract_post
from crisis.rumours.service import add_watch_phrase, record_rumour
from projections import timeline as timeline_module
from projections.store import ViewStore
from projections.timeline import Timeline, line_types, opened, registered
from reports.narrate import describe
from tests import flow, scenario
from web.texts import catalogue

CHANNELS = {"website": "Nettsiden", "facebook": "Facebook", "x": "X"}


def test_every_event_type_has_a_line_and_a_sentence_in_both_languages():
    classes = scenario.domain_event_classes()
    assert len(classes) > 40
    assert [c.__qualname__ for c in classes if not registered(c)] == []
    for lang in ("nb", "en"):
        sentences = catalogue(lang)["timeline"]
        assert set(line_types()) <= set(sentences), set(line_types()) - set(sentences)


@pytest.fixture
def store(settings):
    views = ViewStore(settings.views_url)
    yield views
    views.close()


@pytest.fixture
def story(log, people, clock):
    """A short incident: facts, posts, a correction and retraction, a rumour, inquiries."""
    comms = people["comms"]
    incident = flow.incident(log, people)
    clock.advance(minutes=5)
    fact = flow.fact(log, people, incident, "Kok vannet i ett minutt.")
    clock.advance(minutes=5)
    website = flow.published(log, people, incident, [fact])
    clock.advance(minutes=5)
    post = flow.published(log, people, incident, [fact], channel="facebook", links_to=website)
    add_watch_phrase(log, comms, incident, phrase="giftig")
    clock.advance(minutes=5)
    record_rumour(
        log,
        comms,
        incident_id=incident,
        claim="Giftig vann",
        channel="facebook",
        where="Gruppe",
        reach=10,
    )
    question = receive_inquiry(
        log, comms, incident_id=incident, channel="x", handle="@ola", text="Er vannet giftig?"
    ).id
    triage_inquiry(log, comms, question, category="possible_rumour")
    correct_fact(
        log,
        people["vav"],
        fact,
        text="Kok vannet i tre minutter.",
        reason="Ny prøve.",
        version=None,
    )
    retract_post(log, comms, post, reason="Feil tid.", apology="Vi beklager.", cites=[])
    other = flow.incident(log, people, title="Oljeutslipp", department="bym")
    change_phase(log, comms, other, phase="resolved", reason="", version=None)
    change_channel(log, people["admin"], "linkedin", advised_chars=500)
    return {"incident": str(incident), "other": str(other), "fact": str(fact), "post": str(post)}


def sentences(lines, lang="nb"):
    return [describe(line, lang, CHANNELS) for line in lines]


def test_lines_say_who_did_what_when_and_where(log, store, story):
    timeline = Timeline(store)
    timeline.catch_up(log)
    # Residents' words are stored sealed and opened when read, as the review does.
    lines = [
        opened(line, log.vault, lambda name: True) for line in timeline.lines(story["incident"])
    ]
    said = sentences(lines)
    assert said[0] == (
        "Kari Kommunikasjon åpnet hendelsen «Kokevarsel» (alvorlig) for Grorud, "
        "med Vann- og avløpsetaten som ansvarlig virksomhet."
    )
    assert "Vera Vann verifiserte faktaopplysningen «Kok vannet i ett minutt.»." in said
    assert "Kari Kommunikasjon publiserte på Facebook: «Kok vannet før du drikker det.»" in said
    assert (
        "Inquiry from @ola on X, recorded by Kari Kommunikasjon: “Er vannet giftig?”. "
        "It contains the watched phrase “giftig”."
    ) in sentences(lines, "en")
    assert "Kari Kommunikasjon kategoriserte henvendelsen fra @ola som mulig rykte." in said
    assert (
        "Vera Vann korrigerte faktaopplysningen til «Kok vannet i tre minutter.» (versjon 2): "
        "Ny prøve."
    ) in said
    assert (
        "Kari Kommunikasjon trakk tilbake innlegget på Facebook: «Kok vannet før du drikker det.». "
        "Begrunnelse: Feil tid."
    ) in said
    assert (
        "Kari Kommunikasjon skrev en beklagelse på Facebook som retter "
        "«Kok vannet før du drikker det.»: «Vi beklager.»"
    ) in said
    # Each line: when (UTC, in log order), who, which channel, what kind.
    assert [line["position"] for line in lines] == sorted(line["position"] for line in lines)
    published = next(
        line for line in lines if line["type"] == "Post.Published" and line["channel"] == "facebook"
    )
    assert (published["by"]["name"], published["kind"], published["at"]) == (
        "Kari Kommunikasjon",
        "post",
        "2026-11-23T09:15:00+00:00",
    )
    # Only this incident's events: not the other incident's, not the channel registry's.
    assert {line["incident"] for line in lines} == {story["incident"]}
    assert "Oljeutslipp" not in " ".join(said)
    assert len(timeline.lines(story["other"])) == 2


def test_a_line_keeps_the_words_of_its_moment(log, store, story):
    """A later correction does not rewrite what the timeline says happened before it."""
    timeline = Timeline(store)
    timeline.catch_up(log)
    approved = [
        line
        for line in timeline.lines(story["incident"], ["fact"])
        if line["type"] == "Fact.Approved"
    ]
    assert approved[0]["params"]["fact"] == "Kok vannet i ett minutt."


def test_filter_by_kind(log, store, story):
    timeline = Timeline(store)
    timeline.catch_up(log)
    rumours = timeline.lines(story["incident"], ["rumour", "watch_list"])
    assert {line["kind"] for line in rumours} == {"rumour", "watch_list"}
    assert [line["type"] for line in rumours] == [
        "WatchList.Started",
        "WatchList.PhraseAdded",
        "Rumour.Recorded",
    ]
    everything = timeline.lines(story["incident"])
    assert timeline.count(story["incident"], ["rumour", "watch_list"]) == 3
    assert timeline.count(story["incident"]) == len(everything) > 3


def test_catching_up_in_steps_equals_building_at_once(
    log, people, clock, settings, tmp_path, store
):
    incident = flow.incident(log, people)
    first = Timeline(store)
    first.catch_up(log)
    fact = flow.fact(log, people, incident)
    flow.published(log, people, incident, [fact])
    # A new process: a fresh cache, reading item contexts back from the store.
    again = Timeline(store)
    assert again.catch_up(log) == log.max_position()
    other = ViewStore(f"sqlite:///{tmp_path / 'other-views.sqlite'}")
    try:
        at_once = Timeline(other)
        at_once.catch_up(log)
        assert again.lines(str(incident)) == at_once.lines(str(incident))
    finally:
        other.close()


def test_events_another_process_applied_first_are_not_applied_twice(log, people, store):
    incident = flow.incident(log, people)
    behind = Timeline(store)
    behind.catch_up(log)  # a process that read the timeline, then fell behind
    flow.fact(log, people, incident)
    end = Timeline(store).catch_up(log)  # another process, ahead of it
    assert behind.catch_up(log) == end
    assert Timeline(store).count(str(incident)) == end


def test_a_new_layout_rebuilds_the_timeline(log, people, store, monkeypatch):
    incident = flow.incident(log, people)
    Timeline(store).catch_up(log)
    newer = replace(timeline_module.VIEW, layout=timeline_module.VIEW.layout + 1)
    monkeypatch.setattr(timeline_module, "VIEW", newer)
    rebuilt = Timeline(store)
    assert rebuilt.catch_up(log) == log.max_position()
    assert len(rebuilt.lines(str(incident))) == 1
    assert store.read(newer).layout == newer.layout
