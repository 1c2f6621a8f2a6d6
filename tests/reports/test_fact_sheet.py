"""The fact sheet: a new version at each approval, correction or withdrawal
(and each saved reply), only approved content on it, the changes between two
versions marked, departments see the sheets of their own incidents."""

from __future__ import annotations

import json

import lxml.html

from reports.archive.documents import pdfa_part
from tests import scenario

FIRST, SECOND = "Kok vannet i minst ett minutt.", "Kok vannet i minst tre minutter."
PENDING = "Ledningsnettet spyles i natt."


def test_versions_hold_only_approved_content_and_mark_changes(api):
    incident = scenario.open_incident(api)
    sheet = f"/api/incidents/{incident}/fact-sheet"
    fact = scenario.verified_fact(api, incident, FIRST)
    assert api.get("vav", sheet).json()["versions"] == []  # verified, not approved
    api.ok("comms", f"/api/facts/{fact}/approve")  # version 1
    pending = scenario.verified_fact(api, incident, PENDING)  # no new version
    reply = {"title": "Koking", "text": "Kok vannet før du drikker det.", "cites": [fact]}
    api.ok("comms", f"/api/incidents/{incident}/saved-replies", reply)  # version 2
    correction = {"text": SECOND, "reason": "Nytt råd fra Mattilsynet."}
    api.ok("vav", f"/api/facts/{fact}/correct", correction)  # version 3: off the sheet
    api.ok("comms", f"/api/facts/{fact}/approve")  # version 4
    api.ok("comms", f"/api/facts/{pending}/approve")  # version 5
    api.ok("vav", f"/api/facts/{pending}/withdraw", {"reason": "Utsatt."})  # version 6

    latest = api.get("vav", sheet).json()
    assert [v["change"] for v in latest["versions"]] == [
        "Fact.Approved",
        "ReplyLibrary.ReplySaved",
        "Fact.Corrected",
        "Fact.Approved",
        "Fact.Approved",
        "Fact.Withdrawn",
    ]
    texts = lambda s: [f["text"] for f in s["facts"]]  # noqa: E731
    versions = [api.get("vav", f"{sheet}?version={n}").json()["sheet"] for n in range(1, 7)]
    assert [texts(v) for v in versions] == [
        [FIRST],
        [FIRST],
        [],
        [SECOND],
        [SECOND, PENDING],
        [SECOND],
    ]
    assert [len(v["replies"]) for v in versions] == [0, 1, 1, 1, 1, 1]
    # Unapproved text is on no version: the pending fact before its approval,
    # the correction before it was approved.
    assert PENDING not in json.dumps(versions[:4]) and SECOND not in json.dumps(versions[2])

    compared = api.get("vav", f"{sheet}?version=4&compare=1").json()["changes"]
    assert compared["revised"] == {fact: FIRST} and compared["replies_added"]
    html = api.get("vav", f"{sheet}?version=4&compare=1&format=html").text
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//del/text()") == [FIRST] and SECOND in tree.xpath("//ins/text()")
    removed = api.get("vav", f"{sheet}?version=6&compare=5&format=html").text
    assert lxml.html.fromstring(removed).xpath("//del/text()") == [PENDING]
    pdf = api.get("comms", f"{sheet}?version=4&compare=1&format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdfa_part(pdf.content) == ("2", "B")
    refused = api.get("vav", f"{sheet}?version=7")
    assert refused.status_code == 404 and refused.json()["code"] == "fact_sheet_version_not_found"


def test_departments_see_the_sheets_of_their_own_incidents(api):
    incident = scenario.open_incident(api)
    scenario.approved_fact(api, incident, FIRST)
    sheet = f"/api/incidents/{incident}/fact-sheet"
    other = api.get("bym", sheet)
    assert other.status_code == 403 and other.json()["code"] == "other_department"
    page = api.get("bym", f"/incidents/{incident}/fact-sheet")
    assert page.status_code == 403 and FIRST not in page.text
    api.ok("comms", f"/api/incidents/{incident}/supporting", {"departments": ["bym"]})
    assert api.get("bym", sheet).json()["sheet"]["facts"][0]["text"] == FIRST
    page = api.get("reviewer", f"/incidents/{incident}/fact-sheet")
    assert page.status_code == 200 and FIRST in page.text
