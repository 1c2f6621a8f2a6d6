"""People who log in: argon2 password hashes, a second factor, sessions with
idle and absolute timeouts, login throttling, revocation and the access review.

Credentials live outside the event log, since they must be revocable and
never replayed; the events record only who acted. Time comes from the
injected clock, so tests move it instead of waiting.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import Row, create_engine, delete, func, select

from access import second_factor
from access.policy import AccessPolicy
from access.refusals import NotAuthenticated
from access.schema import aware, create, recovery_codes, sessions, users
from access.sqlite import use_wal
from access.throttle import Throttle
from access.tokens import ApiTokens, is_api_token
from crisis.clock import Clock, SystemClock
from crisis.errors import Conflict, NotFound
from crisis.people.model import TWO_FACTOR_ROLES, Actor, Role

_hasher = PasswordHasher()
# Verified against when the username is unknown, so the answer takes as long.
_DUMMY_HASH = _hasher.hash("not-a-password")
_TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Pending:
    """A login halfway: the password was right, the second factor is due."""

    actor: Actor
    stage: str  # "code": type a code; "enrol": set up an authenticator first
    username: str
    secret: str | None


class Accounts:
    def __init__(
        self, url: str, clock: Clock | None = None, policy: AccessPolicy | None = None
    ) -> None:
        self.engine = use_wal(create_engine(url, pool_pre_ping=True))
        create(self.engine)
        self.clock = clock or SystemClock()
        self.policy = policy or AccessPolicy.from_env()
        self.throttle = Throttle(self.engine, self.clock, self.policy)
        self._listeners: set[Callable[[], object]] = set()
        self.tokens = ApiTokens(self.engine, self.clock, on_revoked=self._changed)

    def on_change(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call `listener` whenever someone's access may have ended (logout,
        revocation); answers the function that stops the calls."""
        self._listeners.add(listener)
        return lambda: self._listeners.discard(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # People

    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role,
        password: str,
        department: str | None = None,
        totp_secret: str | None = None,
    ) -> Actor:
        if (role is Role.DEPARTMENT) != (department is not None):
            raise ValueError("a department user belongs to exactly one department")
        if role is Role.INTEGRATION:
            raise ValueError("integrations use API tokens, not user accounts")
        user_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(
                users.insert().values(
                    id=user_id,
                    username=username,
                    display_name=display_name,
                    role=role.value,
                    department=department,
                    password_hash=_hasher.hash(password),
                    active=True,
                    totp_secret=totp_secret,
                )
            )
        return Actor(user_id, display_name, role, department)

    # Logging in

    def check_password(self, username: str, password: str, address: str | None) -> Actor:
        """The first factor. Unknown name, wrong password and revoked access
        all get the same answer, in the same time."""
        self.throttle.check(username, address)
        row = self._user(username)
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
            ok = row is not None and row.active
        except VerificationError:
            ok = False
        if row is None or not ok:
            self.throttle.failed(username, address)
            raise NotAuthenticated("bad_login")
        return _actor(row)

    def stage_after_password(self, actor: Actor) -> str | None:
        """What the second factor asks of this person: a code, an enrolment, or nothing."""
        row = self._user_by_id(actor.id)
        if row.totp_secret:
            return "code"
        return "enrol" if actor.role in TWO_FACTOR_ROLES else None

    def check_code(self, actor: Actor, username: str, code: str, address: str | None) -> None:
        """The second factor: a TOTP code, or one of the person's recovery codes
        (used up when accepted). Failures count towards the throttle."""
        self.throttle.check(username, address)
        if not self._accept_code(actor.id, code):
            self.throttle.failed(username, address)
            raise NotAuthenticated("bad_code")

    def log_in(self, username: str, password: str, code: str | None, address: str | None) -> str:
        """Both factors at once (the token endpoint): a session token."""
        actor = self.check_password(username, password, address)
        stage = self.stage_after_password(actor)
        if stage == "enrol":
            raise NotAuthenticated("two_factor_enrolment_required")
        if stage == "code":
            if not code:
                raise NotAuthenticated("code_required")
            self.check_code(actor, username, code, address)
        self.throttle.succeeded(username)
        return self.open_session(actor)

    def start_login(self, username: str, password: str, address: str | None) -> tuple[str, str]:
        """The login page's password step: a full session (stage "full"), or a
        pending login whose stage says what the second factor asks."""
        actor = self.check_password(username, password, address)
        stage = self.stage_after_password(actor) or "full"
        if stage == "full":
            self.throttle.succeeded(username)
        return self.open_session(actor, stage=stage), stage

    def pass_code(self, pending_token: str, code: str, address: str | None) -> str:
        """The login page's code step: a full session in place of the pending one."""
        pending = self.pending(pending_token)
        if pending is None or pending.stage != "code":
            raise NotAuthenticated("login_expired")
        self.check_code(pending.actor, pending.username, code, address)
        return self._promote(pending_token, pending)

    def _accept_code(self, user_id: str, code: str) -> bool:
        row = self._user_by_id(user_id)
        if not row.totp_secret:
            return False
        if second_factor.looks_like_totp(code):
            step = second_factor.matching_step(
                row.totp_secret, code, self.clock.now(), row.totp_step
            )
            return step is not None and self._advance_step(user_id, step)
        with self.engine.begin() as conn:
            used = conn.execute(
                recovery_codes.update()
                .where(
                    recovery_codes.c.user_id == user_id,
                    recovery_codes.c.code_hash == second_factor.recovery_digest(code),
                    recovery_codes.c.used_at.is_(None),
                )
                .values(used_at=self.clock.now())
            )
        return used.rowcount == 1

    def _advance_step(self, user_id: str, step: int) -> bool:
        """Record the accepted step; False if a concurrent login used it first."""
        with self.engine.begin() as conn:
            done = conn.execute(
                users.update()
                .where(
                    users.c.id == user_id,
                    (users.c.totp_step.is_(None)) | (users.c.totp_step < step),
                )
                .values(totp_step=step)
            )
        return done.rowcount == 1

    # Sessions

    def open_session(self, actor: Actor, stage: str = "full") -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.engine.begin() as conn:
            # Sweep what has timed out: logins left halfway, sessions too old.
            conn.execute(
                delete(sessions).where(
                    (
                        (sessions.c.stage != "full")
                        & (sessions.c.created_at < now - self.policy.pending)
                    )
                    | (sessions.c.created_at < now - self.policy.absolute)
                )
            )
            conn.execute(
                sessions.insert().values(
                    token_hash=_digest(token),
                    user_id=actor.id,
                    created_at=now,
                    last_seen_at=now,
                    stage=stage,
                )
            )
            if stage == "full":
                conn.execute(users.update().where(users.c.id == actor.id).values(last_login_at=now))
        return token

    def actor_for(self, token: str) -> Actor | None:
        """The person (or integration) behind a session or API token, if it is
        still valid: not logged out, revoked, idle too long or too old."""
        if is_api_token(token):
            return self.tokens.actor_for(token)
        query = (
            select(users, sessions.c.created_at.label("opened"), sessions.c.last_seen_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == _digest(token), sessions.c.stage == "full")
            .where(users.c.active)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        now = self.clock.now()
        seen = aware(row.last_seen_at or row.opened)
        if now - seen > self.policy.idle or now - aware(row.opened) > self.policy.absolute:
            self.close_session(token)
            return None
        if now - seen > _TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(
                    sessions.update()
                    .where(sessions.c.token_hash == _digest(token))
                    .values(last_seen_at=now)
                )
        return _actor(row)

    def pending(self, token: str) -> Pending | None:
        """A login waiting for its second factor, if not timed out."""
        query = (
            select(users, sessions.c.created_at.label("opened"), sessions.c.stage)
            .add_columns(sessions.c.pending_secret)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == _digest(token), sessions.c.stage != "full")
            .where(users.c.active)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or self.clock.now() - aware(row.opened) > self.policy.pending:
            return None
        return Pending(_actor(row), row.stage, row.username, row.pending_secret)

    def enrolment_secret(self, token: str) -> str:
        """The secret offered to this pending enrolment, the same on every reload."""
        pending = self.pending(token)
        if pending is None or pending.stage != "enrol":
            raise NotAuthenticated("login_expired")
        if pending.secret:
            return pending.secret
        secret = second_factor.new_secret()
        with self.engine.begin() as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.token_hash == _digest(token))
                .values(pending_secret=secret)
            )
        return secret

    def complete_enrolment(
        self, pending_token: str, code: str, address: str | None
    ) -> tuple[str, list[str]]:
        """Store the secret once a code from it works; answer a full session and
        new recovery codes (shown once; only their hashes are kept)."""
        pending = self.pending(pending_token)
        if pending is None or pending.stage != "enrol" or not pending.secret:
            raise NotAuthenticated("login_expired")
        self.throttle.check(pending.username, address)
        step = second_factor.matching_step(pending.secret, code, self.clock.now(), None)
        if step is None:
            self.throttle.failed(pending.username, address)
            raise NotAuthenticated("bad_code")
        codes = second_factor.new_recovery_codes()
        user_id = pending.actor.id
        with self.engine.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.id == user_id)
                .values(totp_secret=pending.secret, totp_step=step)
            )
            conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
            # Every other session ends: whoever held one did not prove the new app.
            conn.execute(
                delete(sessions).where(
                    sessions.c.user_id == user_id,
                    sessions.c.token_hash != _digest(pending_token),
                )
            )
            conn.execute(
                recovery_codes.insert(),
                [
                    {"code_hash": second_factor.recovery_digest(c), "user_id": user_id}
                    for c in codes
                ],
            )
        self._changed()
        return self._promote(pending_token, pending), codes

    def _promote(self, pending_token: str, pending: Pending) -> str:
        self.close_session(pending_token)
        self.throttle.succeeded(pending.username)
        return self.open_session(pending.actor)

    def close_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == _digest(token)))
        self._changed()

    # Administration

    def revoke(self, username: str, by: Actor) -> int:
        """End the person's access at once: every session and bearer token
        stops working, and logging in is refused. Answers sessions ended."""
        row = self._existing(username)
        if row.id == by.id:
            raise Conflict("cannot_revoke_self")
        with self.engine.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.id == row.id)
                .values(active=False, revoked_at=self.clock.now(), revoked_by=by.name)
            )
            ended = conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
        self._changed()
        return ended.rowcount

    def reinstate(self, username: str) -> None:
        row = self._existing(username)
        with self.engine.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.id == row.id)
                .values(active=True, revoked_at=None, revoked_by=None)
            )

    def reset_two_factor(self, username: str) -> None:
        """For a lost phone and lost recovery codes: the person sets up a new
        authenticator at the next login (required roles) and is logged out now."""
        row = self._existing(username)
        with self.engine.begin() as conn:
            conn.execute(
                users.update().where(users.c.id == row.id).values(totp_secret=None, totp_step=None)
            )
            conn.execute(delete(recovery_codes).where(recovery_codes.c.user_id == row.id))
            conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
        self._changed()

    def review(self) -> list[dict[str, object]]:
        """Everyone with access, for the twice-yearly access review."""
        left = (
            select(recovery_codes.c.user_id, func.count().label("left"))
            .where(recovery_codes.c.used_at.is_(None))
            .group_by(recovery_codes.c.user_id)
            .subquery()
        )
        query = (
            select(users, left.c.left)
            .outerjoin(left, left.c.user_id == users.c.id)
            .order_by(users.c.username)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            {
                "username": row.username,
                "name": row.display_name,
                "role": row.role,
                "department": row.department,
                "active": row.active,
                "two_factor": bool(row.totp_secret),
                "two_factor_required": Role(row.role) in TWO_FACTOR_ROLES,
                "recovery_codes_left": row.left or 0,
                "last_login_at": _when(row.last_login_at),
                "revoked_at": _when(row.revoked_at),
                "revoked_by": row.revoked_by,
            }
            for row in rows
        ]

    def start_enrolment(
        self, actor: Actor, password: str, code: str | None, address: str | None
    ) -> str:
        """A logged-in person chooses to set up (or replace) their authenticator.
        A session alone is not enough (it may be a borrowed or stolen one): the
        password, and once an app is set up, its current code or a recovery code."""
        username = self._user_by_id(actor.id).username
        self.check_password(username, password, address)
        if self.stage_after_password(actor) == "code":
            self.check_code(actor, username, code or "", address)
        return self.open_session(actor, stage="enrol")

    def _user(self, username: str) -> Row | None:
        with self.engine.connect() as conn:
            return conn.execute(select(users).where(users.c.username == username)).first()

    def _user_by_id(self, user_id: str) -> Row:
        with self.engine.connect() as conn:
            return conn.execute(select(users).where(users.c.id == user_id)).one()

    def _existing(self, username: str) -> Row:
        row = self._user(username)
        if row is None:
            raise NotFound("user_not_found", username=username)
        return row


def _when(moment: datetime | None) -> datetime | None:
    return aware(moment) if moment else None


def _actor(row: Row) -> Actor:
    return Actor(row.id, row.display_name, Role(row.role), row.department)
