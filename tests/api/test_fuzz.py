"""The API fuzzed from its own OpenAPI schema (schemathesis), against a real
server, as a comms user: no request, however odd, gets a 5xx or a response
that breaks the documented schema.

Each operation gets a few examples (derandomized, so CI is repeatable): valid
and invalid requests with made-up ids, and valid ones with the ids of a real
incident and its items, so the requests reach the rules and not only the 404s.
For a longer, random run: CRISIS_FUZZ_EXAMPLES=200 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests import scenario
from tests.api.test_api import refused

EXAMPLES = int(os.environ.get("CRISIS_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance]
# Valid requests, and invalid ones (wrong types, missing or unknown fields, too long).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Operations that end the session the fuzzer works with, or only test the password hash.
SKIP = {("POST", "/auth/token")}


def real_ids(server) -> dict[str, str]:
    """An incident with a fact, a post, a rumour and an inquiry, for path parameters."""
    incident = scenario.open_incident(server)
    fact = scenario.approved_fact(server, incident)
    post = scenario.published_post(server, incident, [fact])
    rumour = server.ok(
        "comms",
        f"/api/incidents/{incident}/rumours",
        {"claim": "Vannet er giftig", "channel": "facebook", "where": "Gruppe", "reach": 10},
    )["id"]
    inquiry = server.ok(
        "comms",
        f"/api/incidents/{incident}/inquiries",
        {"channel": "facebook", "handle": "@fuzz", "text": "Er vannet trygt?"},
    )["id"]
    return {
        "incident_id": incident,
        "fact_id": fact,
        "post_id": post,
        "rumour_id": rumour,
        "inquiry_id": inquiry,
        "channel": "facebook",
        "key": "facebook",
        "username": "comms",
    }


def test_no_request_breaks_the_server_or_the_schema(server):
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    headers = {"Authorization": f"Bearer {server.token('comms')}"}
    ids = real_ids(server)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        operations += 1
        known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        strategies = [operation.as_strategy(mode) for mode in MODES]
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        cases = st.one_of(*strategies)

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=EXAMPLES <= 10,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS)

        try:
            call()
        except (Exception, BaseExceptionGroup) as failure:  # try all; list every failure
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}"[:1500])
    assert operations > 60
    assert not failures, "\n\n".join(failures)
    assert httpx_ok(server)


def httpx_ok(server) -> bool:
    """Still up, and the read models are not stuck on anything the fuzzer wrote."""
    import httpx

    health = httpx.get(f"{server.url}/healthz").json()
    return health["status"] == "ok" and all(
        p["stalled_at"] is None for p in health["projections"].values()
    )


# What the fuzzer found, each fixed and kept here as a plain test.


def test_a_refusal_with_a_status_param_is_a_409_not_a_500(api):
    """Refusals that name the item's state (`status=...`) crashed the error
    reply ("got multiple values for argument 'status'"): a 500 for a 409."""
    incident = scenario.open_incident(api)
    fact = scenario.approved_fact(api, incident)
    body = refused(
        api, "comms", f"/api/facts/{fact}/approve", {}, 409, "fact_not_awaiting_approval"
    )
    assert "approved" in body["detail"]
    post = scenario.published_post(api, incident, [fact])
    refused(api, "comms", f"/api/posts/{post}/publish", {}, 409, "post_already_published")
    refused(
        api, "comms", f"/api/posts/{post}/discard", {"reason": "x"}, 409, "post_not_discardable"
    )


def test_the_schema_documents_the_refusals_the_api_gives(api):
    """FastAPI documents a 422 as a list of validation errors; this API answers
    every refusal with one body (`Problem`). The public feeds answer 404 empty."""
    schema = api.client.get("/openapi.json").json()
    refusal = schema["paths"]["/api/inquiries/{inquiry_id}/redact"]["post"]["responses"]
    for status in ("401", "403", "404", "409", "422"):
        assert refusal[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    feed = schema["paths"]["/public/incidents/{incident_id}/feed.atom"]["get"]["responses"]
    assert "content" not in feed["404"]
    bad = api.post("comms", "/api/incidents", {"title": 5})
    assert bad.status_code == 422 and set(bad.json()) == {"detail", "code"}


def test_positions_past_any_log_are_refused_not_a_500(api):
    """An offset past SQLite's integers (2**63) crashed the timeline query."""
    incident = scenario.open_incident(api)
    huge = 14949388208293604321588395337196765184
    for path in (
        f"/api/review/{incident}/timeline?offset={huge}",
        f"/api/review/board?incident={incident}&position={huge}",
        f"/api/review/board?incident={incident}&index={huge}",
    ):
        response = api.get("reviewer", path)
        assert response.status_code == 422, path
        assert response.json()["code"] == "invalid_input"
    refused(
        api,
        "reviewer",
        f"/api/review/{incident}/pins",
        {"position": huge, "note": "x"},
        422,
        "invalid_input",
    )
