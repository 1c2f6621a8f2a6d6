"""The accounts database: people, sessions, second factors, login failures
and integration tokens. Kept outside the event log: credentials must be
revocable and are never replayed. Every secret is stored as a hash, except
the TOTP seed, which the server needs in clear to compute codes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(64), unique=True, nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("department", String(20)),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("totp_secret", String(64)),
    # The last TOTP time step accepted: a code is never accepted twice (RFC 6238, 5.2).
    Column("totp_step", Integer),
    Column("last_login_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(200)),
)

# stage "full" is a logged-in session; "code" and "enrol" are a login halfway,
# waiting for the second factor (the password was right).
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("stage", String(10), nullable=False, default="full"),
    Column("pending_secret", String(64)),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False, index=True),
    Column("used_at", DateTime(timezone=True)),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("label", String(200), nullable=False),
    Column("scope", String(20), nullable=False),  # "department" or "channel"
    Column("scope_value", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(200)),
)


# Answers to commands sent with an Idempotency-Key (see access.idempotency).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor_id", String(36), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    # None while the command runs; then its answer.
    Column("status", Integer),
    Column("content_type", String(100)),
    Column("body", LargeBinary),
    # What the command was about to write to the log: (item id, version, time).
    Column("writes", Text),
)


def create(engine: Engine) -> None:
    """Create the tables, and add columns that an older accounts file lacks."""
    metadata.create_all(engine)
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    kind = column.type.compile(engine.dialect)
                    default = " DEFAULT 'full' NOT NULL" if column.name == "stage" else ""
                    conn.execute(
                        text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{default}")
                    )


def aware(moment: datetime) -> datetime:
    """SQLite gives datetimes back without offset; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
