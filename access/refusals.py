"""Refusals of the web layer (not domain rules), each a code in the catalogue."""

from __future__ import annotations

from crisis.errors import CrisisError


class NotAuthenticated(CrisisError):
    status = 401


class TooManyAttempts(CrisisError):
    """Login throttled; `minutes` says when to try again (also sent as Retry-After)."""

    status = 429
