"""Every refusal becomes a 4xx with a sentence a person understands."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.i18n import error_text, pick_language
from crisis.errors import CrisisError


def _reply(request: Request, status: int, code: str, **params: object) -> JSONResponse:
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return JSONResponse(
        {"detail": error_text(code, lang, **params), "code": code, **_extra(params)},
        status_code=status,
    )


def _extra(params: dict[str, object]) -> dict[str, object]:
    return {"current_version": params["current"]} if "current" in params else {}


def install(app: FastAPI) -> None:
    @app.exception_handler(CrisisError)
    async def crisis_error(request: Request, exc: CrisisError) -> JSONResponse:
        return _reply(request, exc.status, exc.code, **exc.params)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
        )
        return _reply(request, 422, "invalid_input", problems=problems)
