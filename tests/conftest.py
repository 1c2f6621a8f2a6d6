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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive Chromium are marked `browser`: what they check (pages,
    keyboard, accessibility) does not depend on the store, so the PostgreSQL
    pass of bin/test leaves them out."""
    for item in items:
        if {"page", "browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if STORE == "postgres" and item.get_closest_marker("sqlite_files"):
            item.add_marker(
                pytest.mark.skip(reason="reads the SQLite files; runs in the SQLite pass")
            )
