"""Security headers on every response, and pages that work under the strict
Content-Security-Policy (no inline script) in a real browser."""

from __future__ import annotations

import re

import pytest
from fastapi import routing
from playwright.sync_api import expect

from tests.browser import log_in
from tests.fixtures.users import PASSWORD


def _get_paths(app) -> list[str]:
    paths = []
    for context in routing.iter_route_contexts(app.routes):
        if context.methods and "GET" in context.methods and "{" not in (context.path or "{"):
            paths.append(context.path)
    return paths


def assert_strict(response, where):
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives.get("script-src") == "'self'", where
    assert directives.get("default-src") == "'self'", where
    assert directives.get("frame-ancestors") == "'none'", where
    assert "unsafe" not in csp, where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "same-origin", where
    assert headers.get("x-frame-options") == "DENY", where


def test_every_get_route_and_every_kind_of_answer_has_the_headers(api):
    paths = _get_paths(api.client.app)
    assert {"/", "/login", "/docs", "/openapi.json", "/api/board", "/admin", "/healthz"} <= set(
        paths
    )
    admin = {"Authorization": f"Bearer {api.token('admin')}"}
    for path in paths:
        for headers in ({}, admin):
            response = api.client.get(path, headers=headers, follow_redirects=False)
            assert_strict(response, f"{path} {response.status_code}")
    for response in (
        api.client.get("/static/style.css"),
        api.client.get("/static/swagger/swagger-ui-bundle.js"),
        api.client.get("/nothing-here"),
        api.client.post("/auth/token", data={"username": "x", "password": "y"}),
        api.client.post("/api/incidents", content=b"x" * 2_000_000),
    ):
        assert_strict(response, f"{response.request.url} {response.status_code}")
    assert api.client.get("/api/board", headers=admin).headers["cache-control"] == "no-store"


def test_no_page_has_inline_script(api):
    admin = {"Authorization": f"Bearer {api.token('admin')}"}
    for path in ("/", "/login", "/account", "/admin", "/docs"):
        html = api.client.get(path, headers=admin).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert " on" not in " ".join(re.findall(r"<[^>]+ on\w+=", html)), path


@pytest.fixture
def server(shared_server):
    """The browser tests share one server."""
    return shared_server


def test_pages_work_under_the_policy_in_a_browser(server, page):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{server.url}/docs")
    expect(page.get_by_text("/api/facts/{fact_id}/approve")).to_be_visible()
    # The editor's login, with the second factor, then the account page.
    page.goto(f"{server.url}/login")
    page.get_by_label("Brukernavn").fill("editor")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", name="Kode fra autentiseringsappen")).to_be_visible()
    page.get_by_label("Kode", exact=True).fill(server.authenticator.code("editor"))
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator("#connection")).to_have_attribute("data-state", "open")
    page.get_by_role("link", name="Min konto").click()
    expect(page.locator("#two-factor-status")).to_have_text("Tofaktorinnlogging er slått på.")
    assert violations == []


def test_admin_issues_a_token_in_the_browser(server, page):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, server, "admin")
    page.get_by_role("link", name="Tilgangsstyring").click()
    page.get_by_label("Navn", exact=True).fill("Nettsidens publisering")
    page.get_by_label("Gjelder").select_option("channel:website")
    page.get_by_role("button", name="Lag API-nøkkel").click()
    expect(page.locator("#new-token-value")).to_have_text(re.compile(r"^crt_"))
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Fjern tilgang: vav").click()  # asks first; "no" keeps it
    expect(page.locator("tr[data-user='vav']")).to_have_attribute("data-active", "yes")
    assert asked == ["Fjerne tilgangen til vav nå? Alle øktene deres avsluttes med en gang."]
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Fjern tilgang: vav").click()
    expect(page.locator("tr[data-user='vav']")).to_have_attribute("data-active", "no")
    assert violations == []


def test_head_of_the_front_page_answers_as_get_does(api):
    """Uptime checks and load balancers ask with HEAD."""
    anonymous = api.client.head("/", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    headers = {"Authorization": f"Bearer {api.token('comms')}"}
    assert api.client.head("/", headers=headers).status_code == 200
