"""Every refusal becomes a 4xx with a sentence a person understands.

`Problem` is its body, documented for every API route (`REFUSALS`), so the
OpenAPI schema says what a client really gets: FastAPI's default 422 schema
(a list of validation errors) is not what this API answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.faults import RETRY_AFTER, STORE_FAULTS, StoreHealth, fault_code
from api.validation import describe
from crisis.errors import CrisisError
from web.texts import error_text, pick_language


class Problem(BaseModel):
    """A refusal: a sentence in the reader's language, and a code for programs.
    Nothing was written."""

    detail: str = Field(description="What went wrong and why, for a person to read.")
    code: str = Field(description="Stable code of the refusal, e.g. stale_version.")
    current_version: int | None = Field(
        None, description="On a conflict over an item's version: its version now."
    )


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


REFUSALS: dict[int | str, dict[str, Any]] = {
    400: _problem("The request could not be read"),
    401: _problem("Not logged in, or the session has ended"),
    403: _problem("Your role, department or channel does not allow it"),
    404: _problem("No such item"),
    409: _problem("Someone changed the item first, or it is in the wrong state"),
    413: _problem("The request body is too large"),
    422: _problem("A rule or the input refused it"),
    429: _problem("Too many attempts; Retry-After says when to try again"),
    503: _problem(
        "The store cannot be reached or is full; nothing was written. "
        "Retry-After says when to try again"
    ),
}


def _reply(request: Request, status: int, code: str, /, **params: object) -> JSONResponse:
    # Positional-only: a refusal's own params may be called `status` or `code`.
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return JSONResponse(
        {"detail": error_text(code, lang, **params), "code": code, **_extra(params)},
        status_code=status,
    )


def _extra(params: dict[str, object]) -> dict[str, object]:
    return {"current_version": params["current"]} if "current" in params else {}


def install(app: FastAPI) -> None:
    app.state.store_health = StoreHealth()

    for fault in STORE_FAULTS:
        app.add_exception_handler(fault, store_fault)

    @app.exception_handler(CrisisError)
    async def crisis_error(request: Request, exc: CrisisError) -> JSONResponse:
        response = _reply(request, exc.status, exc.code, **exc.params)
        if exc.status == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER["store_full"])
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
        return _reply(request, 422, "invalid_input", problems=describe(exc.errors(), lang))


async def store_fault(request: Request, exc: Exception) -> JSONResponse:
    code = fault_code(exc)
    request.app.state.store_health.failed(code)
    response = _reply(request, 503, code)
    response.headers["Retry-After"] = str(RETRY_AFTER[code])
    return response
