"""Where the product keeps its data: SQLite files in a data folder (the
embedded default) or one PostgreSQL database, chosen by configuration.

Precedence: command-line option, then environment (`CRISIS_DATA_DIR`,
`CRISIS_DATABASE_URL`), then `./data` with SQLite.

`CRISIS_RETENTION_DAYS` (default 90): residents' personal data in an
incident's inquiries is erased this many days after the incident is closed,
except inquiries flagged archive-worthy (see `server.retention`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_DATA_DIR = "data"
DEFAULT_RETENTION_DAYS = 90
# A board client whose socket takes no message for this long is hung up on.
DEFAULT_STALL_SECONDS = 10.0
# Seconds to wait for a PostgreSQL connection before a command answers 503
# (the driver's default, 30 s, holds every request that long in an outage).
CONNECT_TIMEOUT = 5


class DataFolderError(ValueError):
    """The data folder cannot be made or written; said in a sentence (no traceback)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        super().__init__(
            f"cannot use the data folder {folder} ({exc.strerror or exc}); give a folder "
            "this user may write to with --data-dir or CRISIS_DATA_DIR"
        )


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str | None = None  # postgresql://user:password@host:port/dbname
    retention_days: int = DEFAULT_RETENTION_DAYS
    stall_seconds: float = DEFAULT_STALL_SECONDS

    @classmethod
    def from_env(
        cls, data_dir: str | os.PathLike[str] | None = None, database_url: str | None = None
    ) -> Settings:
        path = Path(data_dir or os.environ.get("CRISIS_DATA_DIR") or DEFAULT_DATA_DIR)
        try:  # owner-only: it holds account seeds, data keys and residents' messages
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise DataFolderError(path, exc) from None
        url = database_url or os.environ.get("CRISIS_DATABASE_URL") or None
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"CRISIS_DATABASE_URL must be a postgresql:// URL, not {url!r}")
        days = os.environ.get("CRISIS_RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
        if not days.isdigit():
            raise ValueError(f"CRISIS_RETENTION_DAYS must be a whole number of days, not {days!r}")
        stall = os.environ.get("CRISIS_BOARD_STALL_SECONDS") or str(DEFAULT_STALL_SECONDS)
        try:
            stall_seconds = float(stall)
        except ValueError:
            raise ValueError(f"CRISIS_BOARD_STALL_SECONDS must be seconds, not {stall!r}") from None
        return cls(
            data_dir=path.resolve(),
            database_url=url,
            retention_days=int(days),
            stall_seconds=stall_seconds,
        )

    @property
    def on_postgres(self) -> bool:
        return self.database_url is not None

    @property
    def event_store_env(self) -> dict[str, str]:
        """The event log's settings (its key store is the accounts database's,
        see `server.runtime.open_log`)."""
        if self.database_url is None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
            }
        url = urlsplit(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            # A pooled connection the server (or an administrator) ended is
            # replaced before use instead of failing the next command.
            "POSTGRES_PRE_PING": "y",
        }

    def _sqlalchemy_url(self, sqlite_file: str) -> str:
        if self.database_url is not None:
            url = "postgresql+psycopg://" + self.database_url.split("://", 1)[1]
            joiner = "&" if "?" in url else "?"
            return f"{url}{joiner}connect_timeout={CONNECT_TIMEOUT}"
        return f"sqlite:///{self.data_dir / sqlite_file}"

    @property
    def views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def views_url(self) -> str:
        return self._sqlalchemy_url("views.sqlite")

    @property
    def accounts_url(self) -> str:
        return self._sqlalchemy_url("accounts.sqlite")
