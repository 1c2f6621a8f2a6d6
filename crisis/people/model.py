"""Who may do what. The permission matrix is data, checked in one place.

`PERMISSIONS` maps each command to the roles that may run it (role x command).
On top of the role, two scopes narrow where a command applies:
`DEPARTMENT_SCOPED` commands act on a department's own facts (the line
principle), and `CHANNEL_SCOPED` commands bind an integration to its channel.
Every API route declares the command it runs (see `api.deps.allowed`), so the
matrix is also the map of the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from crisis.errors import Forbidden


class Role(str, Enum):  # noqa: UP042 (StrEnum would change how f-strings show a role)
    COMMS = "comms"
    EDITOR = "editor"
    DEPARTMENT = "department"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    # A system, not a person: a channel's integration acting through an API token.
    INTEGRATION = "integration"


_PUBLISHERS = {Role.COMMS, Role.EDITOR}
_STAFF = {Role.COMMS, Role.EDITOR, Role.DEPARTMENT, Role.REVIEWER, Role.ADMIN}

PERMISSIONS: dict[str, set[Role]] = {
    "open_incident": _PUBLISHERS,
    "change_incident": _PUBLISHERS,
    # Editors switch four eyes on; off takes a second person, the system
    # administrator (see crisis.incidents.service.switch_four_eyes).
    "switch_four_eyes": {Role.EDITOR, Role.ADMIN},
    "submit_fact": {Role.DEPARTMENT},
    "verify_fact": {Role.DEPARTMENT},
    "correct_fact": {Role.DEPARTMENT},
    "withdraw_fact": {Role.DEPARTMENT},
    "approve_fact": _PUBLISHERS,
    "follow_up_fact": _PUBLISHERS,
    "draft_post": _PUBLISHERS,
    "approve_post": {Role.EDITOR},
    # A channel's own publishing system may report that it carried an approved post.
    "publish_post": _PUBLISHERS | {Role.INTEGRATION},
    "retract_post": _PUBLISHERS,
    "discard_post": _PUBLISHERS,
    "configure_channels": {Role.ADMIN},
    # Rumours and inquiries: the communications staff's work.
    "handle_rumour": _PUBLISHERS,
    "edit_watch_list": _PUBLISHERS,
    "receive_inquiry": _PUBLISHERS,
    "handle_inquiry": _PUBLISHERS,
    "moderate_inquiry": _PUBLISHERS,
    # Residents' personal data: comms remove sensitive personal information at
    # once; erasing all of a person's data (on request) is for the responsible
    # editor or the system administrator; expiry after the retention time is
    # the system acting on the administrators' authority.
    "redact_inquiry": _PUBLISHERS,
    "erase_personal_data": {Role.EDITOR, Role.ADMIN},
    "expire_personal_data": {Role.ADMIN},
    "view_board": _STAFF,
    "view_self": set(Role),
    # Access review (twice a year) and access changes: admin only.
    "review_access": {Role.ADMIN},
    "manage_access": {Role.ADMIN},
    # Post-incident review: reviewers look back; the staff who acted may look too.
    "review": {Role.REVIEWER, Role.ADMIN, Role.COMMS, Role.EDITOR},
    "pin_moment": {Role.REVIEWER},
    # Records: situation reports are written and issued by comms; the crisis
    # staff, departments and reviewers read them; comms and the administrator
    # take archive extracts for journaling.
    "draft_sitrep": _PUBLISHERS,
    "issue_sitrep": _PUBLISHERS,
    "view_sitrep": _STAFF,
    "export_archive": _PUBLISHERS | {Role.ADMIN},
    # The fact sheet: the front line's approved facts and replies; a department
    # sees the sheets of the incidents it is part of (checked on the incident).
    "view_fact_sheet": _STAFF,
}

# A department user (or a department's API token) acts only within its own department
# (the line principle).
DEPARTMENT_SCOPED = {"submit_fact", "verify_fact", "correct_fact", "withdraw_fact"}
# An actor bound to a channel (a channel's API token) acts only on that channel.
CHANNEL_SCOPED = {"publish_post"}

# Roles that must log in with a second factor (TOTP): they publish or grant access.
TWO_FACTOR_ROLES = {Role.EDITOR, Role.ADMIN}


@dataclass(frozen=True)
class Actor:
    """The person (or integration) behind a command, recorded on every event."""

    id: str
    name: str
    role: Role
    department: str | None = None
    channel: str | None = None

    def as_record(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role.value}

    def may(self, command: str) -> bool:
        return self.role in PERMISSIONS[command]

    def require_role(self, command: str) -> None:
        """The role part of the matrix: what the API checks before anything else."""
        if not self.may(command):
            raise Forbidden("role_not_allowed", command=command, role=self.role.value)

    def require(
        self, command: str, department: str | None = None, channel: str | None = None
    ) -> None:
        """The whole matrix: role, then department and channel scope of the item."""
        self.require_role(command)
        if command in DEPARTMENT_SCOPED and department != self.department:
            raise Forbidden("other_department", department=department or "")
        if command in CHANNEL_SCOPED and self.channel is not None and channel != self.channel:
            raise Forbidden("other_channel", channel=channel or "", own=self.channel)
