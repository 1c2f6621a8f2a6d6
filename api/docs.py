"""Interactive API documentation served from our own origin: Swagger UI's
files from the `swagger-ui-bundle-v2` package and a script file of ours to
start it, so /docs keeps the strict Content-Security-Policy (no inline
script, nothing from a CDN)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    return render(request, "docs.html")


def install(app: FastAPI) -> None:
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.include_router(router)
