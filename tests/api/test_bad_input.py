"""Bad input: bounded bodies, texts and batches; unknown fields refused; every
4xx a sentence a person understands, and nothing written."""

from __future__ import annotations

import uuid

import httpx

from tests import scenario
from tests.api.test_api import refused
from web.texts import catalogue


def _schemas(api):
    spec = api.client.get("/openapi.json").json()
    return spec, spec["components"]["schemas"]


def _body_schemas(api):
    """Each command's request body schema, by route."""
    spec, schemas = _schemas(api)
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            for media in content.values():
                yield f"{method.upper()} {path}", _resolve(media["schema"], schemas), schemas


def _resolve(schema, schemas):
    if "$ref" in schema:
        return schemas[schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        if "$ref" in option:
            return schemas[option["$ref"].rsplit("/", 1)[1]]
    return schema


def _unbounded(schema, schemas, where):
    """Every string, array or free-form field without an upper bound."""
    schema = _resolve(schema, schemas)
    kinds = [schema, *schema.get("anyOf", [])]
    for kind in kinds:
        kind = _resolve(kind, schemas)
        bounds = {"maxLength", "format", "enum", "pattern"}
        if kind.get("type") == "string" and not bounds & kind.keys():
            yield where
        if kind.get("type") == "array":
            if "maxItems" not in kind:
                yield where
            yield from _unbounded(kind["items"], schemas, f"{where}[]")
        for name, prop in kind.get("properties", {}).items():
            yield from _unbounded(prop, schemas, f"{where}.{name}")


def test_every_text_and_batch_in_a_request_has_an_upper_bound(api):
    problems = []
    seen = 0
    for route, schema, schemas in _body_schemas(api):
        seen += 1
        problems += list(_unbounded(schema, schemas, route))
    assert seen >= 8
    assert not problems, f"give these a max_length / max_length on lists: {problems}"


def test_every_command_refuses_unknown_fields(api):
    for route, schema, _ in _body_schemas(api):
        if route.startswith("POST /auth/"):
            continue  # an OAuth2 form, not a JSON command
        objects = schema["items"] if schema.get("type") == "array" else schema
        assert objects.get("additionalProperties") is False, (
            f"{route}: subclass api.commands.Command"
        )


def test_too_long_text_is_refused_with_a_sentence(api):
    incident = scenario.open_incident(api)
    body = refused(
        api, "vav", f"/api/incidents/{incident}/facts", {"text": "x" * 5001}, 422, "invalid_input"
    )
    assert "5000" in body["detail"]


def test_too_large_body_is_413_with_a_sentence(api):
    before = api.position()
    response = api.client.post(
        "/api/incidents",
        content=b'{"title": "' + b"x" * 1_100_000 + b'"}',
        headers={
            "Authorization": f"Bearer {api.token('comms')}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert "for stor" in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert api.position() == before


def test_streamed_body_over_the_limit_is_413_on_a_real_server(server):
    """No Content-Length to trust: the server counts the bytes as they come."""

    def chunks():
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 32_768
        yield b'"}'

    response = httpx.post(
        f"{server.url}/api/incidents/{uuid.uuid4()}/facts",
        content=chunks(),
        headers={
            "Authorization": f"Bearer {server.token('vav')}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
        timeout=10,
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is too large")
    assert httpx.get(f"{server.url}/healthz").json()["position"] == 0


def test_framework_refusals_have_sentences_too(api):
    texts = catalogue("nb")["errors"]
    cases = [
        (api.client.get("/api/nothing-here"), 404, "not_found"),
        (api.client.get("/auth/token"), 405, "method_not_allowed"),
        (
            api.client.post(
                "/api/incidents",
                content=b"{not json",
                headers={
                    "Authorization": f"Bearer {api.token('comms')}",
                    "Content-Type": "application/json",
                },
            ),
            422,
            "invalid_input",
        ),
        (
            api.client.post("/auth/token", data={"username": "x" * 65, "password": "p"}),
            422,
            "invalid_input",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert body["code"] == code and code in texts
        assert len(body["detail"]) > 20 and body["detail"] != code


def test_every_4xx_code_the_api_can_answer_has_a_text_in_both_languages():
    codes = {
        "not_found",
        "method_not_allowed",
        "bad_request",
        "http_error",
        "body_too_large",
        "cross_site",
        "csrf",
        "too_many_attempts",
        "not_authenticated",
        "bad_login",
        "bad_code",
        "code_required",
        "two_factor_enrolment_required",
        "login_expired",
        "invalid_input",
        "role_not_allowed",
        "other_department",
        "other_channel",
    }
    for lang in ("nb", "en"):
        errors = catalogue(lang)["errors"]
        assert codes <= set(errors), codes - set(errors)
