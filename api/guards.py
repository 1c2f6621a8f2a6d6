"""What every request passes through: a body size limit (413), a refusal of
cross-site state changes, security headers on every response, and a readable
sentence for every 4xx the framework itself answers (404, 405, 429, ...)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access.policy import AccessPolicy
from access.refusals import TooManyAttempts
from api.deps import SAFE_METHODS, same_origin
from web.texts import error_text, pick_language

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_FRAMEWORK_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def _language(headers: dict[str, str]) -> str:
    cookie = headers.get("cookie", "")
    chosen = next(
        (p.split("=", 1)[1] for p in cookie.split("; ") if p.startswith("lang=")),
        None,
    )
    return pick_language(headers.get("accept-language"), chosen)


def refusal(request: Request, http_status: int, code: str, /, **params: object) -> JSONResponse:
    lang = pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))
    return JSONResponse({"detail": error_text(code, lang, **params), "code": code}, http_status)


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether the client
    announces the length or streams the body in chunks."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            await self._refuse(headers, send)
            return
        state = {"received": 0, "over": False, "answered": False}

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.limit:
                    state["over"] = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            if state["over"]:  # whatever the app answers to the cut body, it was too large
                if not state["answered"]:
                    state["answered"] = True
                    await self._refuse(headers, send)
                return
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not state["over"]:
                raise
            if not state["answered"]:
                await self._refuse(headers, send)

    async def _refuse(self, headers: dict[str, str], send: Send) -> None:
        text = error_text("body_too_large", _language(headers), limit=self.limit)
        response = JSONResponse({"detail": text, "code": "body_too_large"}, 413)
        response.headers.update(HEADERS)
        response.headers["Connection"] = "close"

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response({"type": "http"}, no_body, send)


class Guard:
    """Refuses cross-site state changes; puts the security headers on every
    answer. Plain ASGI: a `BaseHTTPMiddleware` costs a task and a stream per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        changes = request.method not in SAFE_METHODS
        if changes and not request.headers.get("authorization") and not same_origin(request):
            send = _with_headers(send, request)
            await refusal(request, 403, "cross_site")(scope, receive, send)
            return
        status = 500

        async def answered(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, _with_headers(answered, request))
        if changes and status < 500:
            request.app.state.store_health.recovered()  # a command went through


def _with_headers(send: Send, request: Request) -> Send:
    cache = not request.url.path.startswith("/static/")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in HEADERS.items():
                headers.setdefault(name, value)
            if cache:
                headers.setdefault("Cache-Control", "no-store")
        await send(message)

    return sending


def install(app: FastAPI, policy: AccessPolicy) -> None:
    app.add_middleware(Guard)
    app.add_middleware(BodyLimit, limit=policy.max_body_bytes)

    @app.exception_handler(TooManyAttempts)
    async def throttled(request: Request, exc: TooManyAttempts) -> JSONResponse:
        response = refusal(request, 429, exc.code, **exc.params)
        response.headers["Retry-After"] = str(60 * int(exc.params.get("minutes", 1)))  # type: ignore[call-overload]
        return response

    @app.exception_handler(StarletteHTTPException)
    async def framework(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        default = HTTPStatus(exc.status_code).phrase
        if isinstance(exc.detail, str) and exc.detail != default and exc.status_code not in (400,):
            return JSONResponse(
                {"detail": exc.detail, "code": "http_error"}, exc.status_code, headers=exc.headers
            )
        code = _FRAMEWORK_CODES.get(exc.status_code, "http_error")
        response = refusal(request, exc.status_code, code, status=exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response
