"""The suite logs in to PostgreSQL as its own role, by password, as it must on
a fresh Debian (whose cluster trusts no one on TCP): `bin/services` makes the
role and requires its password even where the cluster trusts loopback."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.fixtures.stores import ADMIN_URL

pytestmark = pytest.mark.postgres


def test_the_suite_logs_in_as_its_own_role_by_password() -> None:
    url = make_url(ADMIN_URL)
    wrong = url.set(password="not-the-password").render_as_string(hide_password=False)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()
    with psycopg.connect(ADMIN_URL) as conn:
        role, superuser = conn.execute(
            "SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert (role, superuser) == (url.username, False)
