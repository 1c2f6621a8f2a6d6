"""Who may do what. The permission matrix is data, checked in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from crisis.errors import Forbidden


class Role(str, Enum):
    COMMS = "comms"
    EDITOR = "editor"
    DEPARTMENT = "department"
    REVIEWER = "reviewer"
    ADMIN = "admin"


_PUBLISHERS = {Role.COMMS, Role.EDITOR}

PERMISSIONS: dict[str, set[Role]] = {
    "open_incident": _PUBLISHERS,
    "change_incident": _PUBLISHERS,
    "switch_four_eyes": {Role.EDITOR},
    "submit_fact": {Role.DEPARTMENT},
    "verify_fact": {Role.DEPARTMENT},
    "correct_fact": {Role.DEPARTMENT},
    "withdraw_fact": {Role.DEPARTMENT},
    "approve_fact": _PUBLISHERS,
    "follow_up_fact": _PUBLISHERS,
    "draft_post": _PUBLISHERS,
    "approve_post": {Role.EDITOR},
    "publish_post": _PUBLISHERS,
    "retract_post": _PUBLISHERS,
    "discard_post": _PUBLISHERS,
    "configure_channels": {Role.ADMIN},
    # Rumours and inquiries: the communications staff's work.
    "handle_rumour": _PUBLISHERS,
    "edit_watch_list": _PUBLISHERS,
    "receive_inquiry": _PUBLISHERS,
    "handle_inquiry": _PUBLISHERS,
    "moderate_inquiry": _PUBLISHERS,
    "view_board": {Role.COMMS, Role.EDITOR, Role.DEPARTMENT, Role.REVIEWER, Role.ADMIN},
    # Post-incident review: reviewers look back; the staff who acted may look too.
    "review": {Role.REVIEWER, Role.ADMIN, Role.COMMS, Role.EDITOR},
    "pin_moment": {Role.REVIEWER},
}

# Commands on a department's own facts: a department user may act only
# within the department they belong to (the line principle).
DEPARTMENT_SCOPED = {"submit_fact", "verify_fact", "correct_fact", "withdraw_fact"}


@dataclass(frozen=True)
class Actor:
    """The person behind a command, recorded on every event."""

    id: str
    name: str
    role: Role
    department: str | None = None

    def as_record(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "role": self.role.value}

    def require(self, command: str, department: str | None = None) -> None:
        if self.role not in PERMISSIONS[command]:
            raise Forbidden("role_not_allowed", command=command, role=self.role.value)
        if command in DEPARTMENT_SCOPED and department != self.department:
            raise Forbidden("other_department", department=department or "")
