"""Refusals a user sees. Each carries a code that the translation catalogue
turns into a sentence a communications officer understands."""


class CrisisError(Exception):
    """Base for everything the domain refuses; nothing is written when raised."""

    status = 400

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class Refused(CrisisError):
    """A rule of the domain forbids the command."""

    status = 422


class NotFound(CrisisError):
    status = 404


class Forbidden(CrisisError):
    """The actor's role or department does not allow the command."""

    status = 403


class Conflict(CrisisError):
    """Someone else changed the item first, or it is in the wrong state."""

    status = 409


class Unavailable(CrisisError):
    """The command cannot be taken now (a broken configuration, a store fault); try later."""

    status = 503
