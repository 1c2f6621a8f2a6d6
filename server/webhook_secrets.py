"""The channels' webhook secrets: `CRISIS_WEBHOOK_SECRET_<CHANNEL>` in the
environment, else `webhook-secrets.json` in the data folder
(`{"facebook": "<secret>"}`), which can be rotated without a restart.

Both are checked when the server starts (it refuses to start on a bad one) and
the file again whenever it changes: valid JSON, an object of channel names to
strings, each at least MIN_BYTES long (a short secret can be guessed). While
the file is broken, deliveries are refused with a clear reason, never a 500.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path

SECRETS_FILE = "webhook-secrets.json"
ENV_PREFIX = "CRISIS_WEBHOOK_SECRET_"
MIN_BYTES = 32


class SecretsError(ValueError):
    """A secret or the secrets file is unusable; the message names the problem,
    never a secret."""


def _checked(channel: str, secret: object, where: str) -> str:
    if not isinstance(secret, str):
        raise SecretsError(f"the secret for {channel!r} in {where} must be a string")
    if len(secret.encode()) < MIN_BYTES:
        raise SecretsError(
            f"the secret for {channel!r} in {where} is shorter than {MIN_BYTES} bytes"
        )
    return secret


def environment_secrets(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    return {
        name[len(ENV_PREFIX) :].lower(): _checked(name[len(ENV_PREFIX) :].lower(), value, name)
        for name, value in environ.items()
        if name.startswith(ENV_PREFIX) and value
    }


class WebhookSecrets:
    """The file's secrets, read again when its size or time changes."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SECRETS_FILE
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._secrets: dict[str, str] = {}
        self._error: SecretsError | None = None

    def check(self) -> None:
        """Raise SecretsError if the environment's or the file's secrets are unusable."""
        environment_secrets()
        self._file()

    def secret(self, channel: str) -> str | None:
        """The channel's secret, None if it has none; SecretsError if the file is broken."""
        secret = os.environ.get(ENV_PREFIX + channel.upper())
        if secret:
            return _checked(channel, secret, ENV_PREFIX + channel.upper())
        return self._file().get(channel)

    def _file(self) -> dict[str, str]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._seen != (stat.st_mtime_ns, stat.st_size):
                self._seen = (stat.st_mtime_ns, stat.st_size)
                try:
                    self._secrets, self._error = self._read(), None
                except SecretsError as exc:
                    self._secrets, self._error = {}, exc
            if self._error is not None:
                raise self._error
            return self._secrets

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SecretsError(f"{self.path.name} is not readable JSON ({exc})") from None
        if not isinstance(data, dict):
            raise SecretsError(f"{self.path.name} must hold an object of channel names")
        return {str(k): _checked(str(k), v, self.path.name) for k, v in data.items()}
