"""The suite's fixtures, in modules by what they provide: users
(`tests.fixtures.users`), stores and the clock (`tests.fixtures.stores`), the
app in process and as real servers (`tests.fixtures.servers`), and headless
Chromium (`tests.browser`)."""

from __future__ import annotations

import os

import pytest

# The fixture modules hold asserts too; rewrite them before the imports below load them.
pytest.register_assert_rewrite("tests.fixtures", "tests.browser")

from tests.fixtures.stores import STORE  # noqa: E402
from tests.fixtures.users import PASSWORD  # noqa: E402

os.environ.setdefault("CRISIS_DEMO_PASSWORD", PASSWORD)

pytest_plugins = [
    "tests.fixtures.users",
    "tests.fixtures.stores",
    "tests.fixtures.servers",
    "tests.browser",
]


# Fixtures that put a test's data in the store under test, and those that
# talk to PostgreSQL whatever the pass.
STORE_FIXTURES = {"database_url"}
POSTGRES_FIXTURES = {"postgres_url", "on_postgres"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test runs in the pass where it checks something: a test of the
    store (a store fixture, or marked `store`) in both; one of PostgreSQL
    itself (its fixtures, or marked `postgres`) in the PostgreSQL pass only;
    any other (pure code, settings; marked `sqlite_files`: it reads the
    SQLite files themselves; marked `once`: it checks what the store does
    not change, such as a document's bytes) in the SQLite pass only. Left out is deselected,
    not skipped.

    Tests that drive Chromium are marked `browser`: what they check (pages,
    keyboard, accessibility) does not depend on the store, so the PostgreSQL
    pass of bin/test leaves them out."""
    kept, deselected = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if {"page", "browser"} & fixtures:
            item.add_marker(pytest.mark.browser)
        postgres = bool(POSTGRES_FIXTURES & fixtures) or item.get_closest_marker("postgres")
        once = item.get_closest_marker("sqlite_files") or item.get_closest_marker("once")
        store = (bool(STORE_FIXTURES & fixtures) or item.get_closest_marker("store")) and not once
        runs = store or (postgres if STORE == "postgres" else not postgres)
        (kept if runs else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
