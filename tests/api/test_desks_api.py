"""What the desks add to the API: the post preview, saved replies, one reply to
a confirmed group, similar-question groups, the people to assign to, the
desk pages and the language switch."""

from __future__ import annotations

from projections.similar import similar_groups
from tests import scenario
from tests.api.test_api import refused


def inquiry(api, incident, text, handle="@kari", channel="facebook"):
    body = {"channel": channel, "handle": handle, "text": text}
    return api.ok("comms", f"/api/incidents/{incident}/inquiries", body)["id"]


def doc(api, incident):
    return api.get("comms", f"/api/board?incident={incident}").json()["incidents"][0]


def preview(api, *drafts):
    response = api.post("comms", "/api/posts/preview", {"drafts": list(drafts)})
    assert response.status_code == 200, response.text
    return {p["channel"]: p for p in response.json()["previews"]}


def test_preview_counts_as_the_rules_count_and_writes_nothing(api):
    before = api.position()
    found = preview(
        api,
        {"channel": "x", "text": "Kok vannet. https://www.oslo.kommune.no/kokevarsel"},
        {"channel": "sms", "text": "«Kokevarsel» for Grorud"},
        {"channel": "x", "text": "a" * 281},
        {"channel": "instagram", "text": "Kok vannet"},
        {"channel": "tiktok", "text": "Kok vannet"},
    )
    # Only the last draft per channel key survives in the dict; check each separately.
    assert found["sms"]["encoding"] == "UCS-2" and found["sms"]["segments"] == 1
    assert found["sms"]["warnings"][0]["code"] == "sms_ucs2"
    assert "70 tegn" in found["sms"]["warnings"][0]["detail"]
    assert found["x"]["refusal"]["code"] == "post_too_long"
    assert "281 tegn" in found["x"]["refusal"]["detail"]
    assert found["instagram"]["refusal"]["code"] == "channel_inactive"
    assert found["tiktok"]["refusal"]["code"] == "unknown_channel"
    first_x = api.post(
        "comms",
        "/api/posts/preview",
        {
            "drafts": [
                {"channel": "x", "text": "Kok vannet. https://www.oslo.kommune.no/kokevarsel"}
            ]
        },
    ).json()["previews"][0]
    assert (first_x["chars"], first_x["max_chars"], first_x["refusal"]) == (35, 280, None)
    assert api.position() == before


def test_preview_is_for_those_who_draft(api):
    response = api.post("vav", "/api/posts/preview", {"drafts": [{"channel": "x", "text": "a"}]})
    assert response.status_code == 403


def test_saved_replies_are_kept_per_incident_with_their_facts(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    path = f"/api/incidents/{incident}/saved-replies"
    saved = api.ok("comms", path, {"title": "Koking", "text": "Kok vannet.", "cites": [fact]})
    [reply] = doc(api, incident)["saved_replies"]
    assert reply["id"] == saved["id"]
    assert (reply["title"], reply["text"], reply["by"]) == (
        "Koking",
        "Kok vannet.",
        "Kari Kommunikasjon",
    )
    assert reply["cites"] == [{"fact": fact, "revision": 1}]
    refused(api, "comms", path, {"title": "koking", "text": "x"}, 409, "reply_title_taken")
    refused(api, "comms", path, {"title": "  ", "text": "x"}, 422, "reply_title_required")
    unapproved = scenario.verified_fact(api, incident, "Ikke godkjent ennå.")
    refused(
        api,
        "comms",
        path,
        {"title": "B", "text": "x", "cites": [unapproved]},
        422,
        "fact_not_approved",
    )
    refused(api, "vav", path, {"title": "C", "text": "x"}, 403, "role_not_allowed")
    api.ok("comms", f"{path}/remove", {"reply_id": saved["id"]})
    assert doc(api, incident)["saved_replies"] == []
    refused(api, "comms", f"{path}/remove", {"reply_id": saved["id"]}, 404, "reply_not_found")


def test_one_reply_answers_each_of_a_group_in_one_transaction(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    a = inquiry(api, incident, "Gjelder kokevarselet Furuset?", "@a")
    b = inquiry(api, incident, "gjelder koke varselet for furuset??", "@b")
    body = {"inquiries": [a, b], "text": "Ja, Furuset er med.", "cites": [fact]}
    done = api.ok("comms", "/api/inquiries/answer-group", body)
    items = doc(api, incident)["inquiries"]
    assert [items[i]["status"] for i in (a, b)] == ["answered", "answered"]
    assert items[a]["answer"]["text"] == items[b]["answer"]["text"] == "Ja, Furuset er med."
    assert items[a]["answer"]["signature"] == "Kari Kommunikasjon"
    assert items[a]["cites"] == [{"fact": fact, "revision": 1}]
    assert done["position"] == api.position()


def test_a_group_answer_is_all_or_nothing(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    a = inquiry(api, incident, "Gjelder det Furuset?", "@a")
    b = inquiry(api, incident, "Gjelder det Furuset??", "@b")
    api.ok("comms", f"/api/inquiries/{b}/triage", {"category": "case_handling"})
    body = {"inquiries": [a, b], "text": "Ja.", "cites": [fact]}
    refused(api, "comms", "/api/inquiries/answer-group", body, 422, "never_case_handling")
    assert doc(api, incident)["inquiries"][a]["status"] == "open"
    no_facts = {"inquiries": [a], "text": "Ja."}
    refused(api, "comms", "/api/inquiries/answer-group", no_facts, 422, "answer_needs_facts")
    other = scenario.open_incident(api, title="Strømbrudd")
    c = inquiry(api, other, "Gjelder det Furuset?", "@c")
    mixed = {"inquiries": [a, c], "text": "Ja.", "cites": [fact]}
    refused(api, "comms", "/api/inquiries/answer-group", mixed, 422, "group_of_several_incidents")


def test_similar_groups_keep_different_questions_apart():
    items = [
        {"id": "1", "text": "Gjelder kokevarselet Furuset?"},
        {"id": "2", "text": "Må jeg koke vannet til tannpuss?"},
        {"id": "3", "text": "gjelder koke varselet for furuset??"},
        {"id": "4", "text": "Gjelder kokevarselet Grorud?"},
        {"id": "5", "text": "Må jeg koke vann til tannpussen?"},
    ]
    assert similar_groups(items) == [["1", "3"], ["2", "5"]]


def test_similar_inquiries_over_http_leave_out_closed_and_case_handling(api):
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    a = inquiry(api, incident, "Gjelder kokevarselet Furuset?", "@a")
    b = inquiry(api, incident, "Gjelder kokevarselet Furuset??", "@b")
    c = inquiry(api, incident, "gjelder kokevarselet furuset", "@c")
    d = inquiry(api, incident, "Gjelder kokevarselet Furuset!", "@d")
    inquiry(api, incident, "Hvor lenge varer det?", "@e")
    api.ok("comms", f"/api/inquiries/{c}/answer", {"text": "Ja.", "cites": [fact]})
    api.ok("comms", f"/api/inquiries/{d}/triage", {"category": "case_handling"})
    groups = api.get("comms", f"/api/incidents/{incident}/inquiries/similar").json()["groups"]
    assert groups == [[a, b]]


def test_handlers_are_the_people_who_may_answer(api):
    handlers = api.get("comms", "/api/handlers").json()
    assert [(h["name"], h["role"]) for h in handlers] == [
        ("Kari Kommunikasjon", "comms"),
        ("Ola Redaktør", "editor"),
    ]
    # The route runs handle_inquiry (the permission matrix): others are not told who.
    assert api.get("vav", "/api/handlers").status_code == 403


def test_desk_pages_ask_for_login_and_the_right_role(api):
    client = api.client
    response = client.get("/desks/inbox", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    headers = {"Authorization": f"Bearer {api.token('vav')}"}
    assert client.get("/desks/inbox", headers=headers).status_code == 403
    page = client.get("/desks/facts", headers=headers)
    assert page.status_code == 200
    assert 'href="/desks/facts" aria-current="page"' in page.text
    assert 'href="/desks/inbox"' not in page.text
    admin = client.get("/desks/admin", headers={"Authorization": f"Bearer {api.token('admin')}"})
    assert admin.status_code == 200 and 'href="/admin"' in admin.text


def test_a_department_sees_only_incidents_it_has_facts_in(api):
    mine = scenario.open_incident(api, title="Kokevarsel")
    scenario.open_incident(api, title="Gatestengning", department="bym")
    page = api.client.get("/desks/facts", headers={"Authorization": f"Bearer {api.token('vav')}"})
    assert f'value="{mine}"' in page.text and "Gatestengning" not in page.text


def test_language_switch_sets_the_cookie_and_stays_on_site(api):
    response = api.client.get("/lang/en?next=/desks/inbox%3Fincident%3Dx", follow_redirects=False)
    assert response.headers["location"] == "/desks/inbox?incident=x"
    assert "lang=en" in response.headers["set-cookie"]
    away = api.client.get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert away.headers["location"] == "/"
