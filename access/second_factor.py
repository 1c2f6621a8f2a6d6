"""The second factor: TOTP (RFC 6238) codes from an authenticator app, and
single-use recovery codes for the day the phone is lost."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "Krisekommunikasjon"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_code(uri: str) -> str:
    """The otpauth URI as an SVG data URI, for the enrolment page's <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def looks_like_totp(code: str) -> bool:
    code = code.replace(" ", "")
    return len(code) == 6 and code.isdigit()


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The time step whose code this is (one step of clock drift allowed either
    way), if it is later than the last step accepted (`after`): no replays."""
    code = code.replace(" ", "")
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 16 characters (about 79 bits each), grouped for reading."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def recovery_digest(code: str) -> str:
    """Codes have enough entropy that a fast hash suffices (as for session tokens)."""
    normal = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"recovery:{normal}".encode()).hexdigest()
