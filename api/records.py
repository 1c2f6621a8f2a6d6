"""Records: the incident's Noark 5 archive extract (a zip download), its
situation reports (JSON, HTML, PDF; drafting and issuing; the page) and its
versioned fact sheet (JSON, HTML, PDF; the page).

The documents are made in `reports/` (no HTTP there); these routes read the
log and the view store of the running application, and record who took an
extract or issued a report as events of the incident's records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import Field

from api.commands import Accepted, Command, done
from api.deps import actor_or_none, allowed, runtime
from api.pages import render, templates
from crisis.errors import CrisisError, Forbidden, NotFound, Refused
from crisis.people.model import PERMISSIONS, Actor
from crisis.sitreps import service
from crisis.sitreps.model import MAX_SECTION, SECTIONS
from reports import archive, factsheet, sitrep
from reports.archive.documents import render_pdf
from reports.narrate import OSLO, when
from web.texts import catalogue, pick_language

router = APIRouter(tags=["records"])
Exporter = Annotated[Actor, Depends(allowed("export_archive"))]
Reader = Annotated[Actor, Depends(allowed("view_sitrep"))]
Drafter = Annotated[Actor, Depends(allowed("draft_sitrep"))]
Issuer = Annotated[Actor, Depends(allowed("issue_sitrep"))]
Format = Literal["json", "html", "pdf"]
Section = Annotated[str, Field(max_length=MAX_SECTION)]


class Draft(Command):
    situation: Section = ""
    measures_taken: Section = ""
    planned_measures: Section = ""
    needs: Section = ""
    next_report_at: datetime | None = Field(None, description="When the next report is due.")


class Issue(Command):
    to: datetime | None = Field(None, description="The period's end (default: now).")


# The archive extract


@router.get("/api/incidents/{incident_id}/archive", response_class=Response)
def archive_zip(incident_id: UUID, actor: Exporter, request: Request) -> Response:
    """The incident's Noark 5 extract as one zip; taking it is recorded on the timeline."""
    rt = runtime(request)
    extract = archive.build(rt.log, rt.board.store, str(incident_id), templates.env)
    if extract is None:
        raise NotFound("incident_not_found", id=str(incident_id))
    done(
        request,
        lambda log: service.record_export(log, actor, incident_id, position=extract.position),
    )
    return Response(
        archive.as_zip(extract),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{extract.name}.zip"'},
    )


# Situation reports


@router.get("/api/incidents/{incident_id}/sitreps")
def sitreps(incident_id: UUID, actor: Reader, request: Request) -> dict[str, Any]:
    """The issued reports (number, period, who, when), the draft, and when the next is due."""
    rt = runtime(request)
    _position, docs = rt.board.snapshot(str(incident_id))
    if not docs:
        raise NotFound("incident_not_found", id=str(incident_id))
    book = sitrep.book_of(rt.log, rt.board.store, str(incident_id))
    return {
        "issued": [
            {
                k: r[k]
                for k in (
                    "number",
                    "period_from",
                    "period_to",
                    "issued_by",
                    "issued_at",
                    "next_report_at",
                    "position",
                )
            }
            for r in book["issued"]
        ],
        "draft": book["draft"],
        "next_number": book["next_number"],
        **_due(book, docs[0]["opened_at"], rt.log.clock.now()),
    }


@router.get("/api/sitreps/due")
def sitreps_due(actor: Reader, request: Request) -> dict[str, Any]:
    """For the board: when each incident not yet closed is due its next report."""
    rt = runtime(request)
    now = rt.log.clock.now()
    _position, docs = rt.board.snapshot()
    return {
        "incidents": [
            {
                "id": doc["id"],
                "title": doc["title"],
                **_due(sitrep.book_of(rt.log, rt.board.store, doc["id"]), doc["opened_at"], now),
            }
            for doc in docs
            if doc["phase"] != "closed"
        ]
    }


def _due(book: dict[str, Any], opened_at: str, now: datetime) -> dict[str, Any]:
    due = sitrep.next_due(book, opened_at)
    return {"next_due": due, "overdue": datetime.fromisoformat(due) < now}


@router.get("/api/incidents/{incident_id}/sitreps/draft", response_model=None)
def draft(
    incident_id: UUID,
    actor: Reader,
    request: Request,
    format: Format = "json",
    start: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
) -> Response | dict[str, Any]:
    """The next report as it stands: the draft's sections, the figures since the last report."""
    rt = runtime(request)
    report = sitrep.draft_report(
        rt.log, rt.board.store, str(incident_id), rt.channels.names(), _aware(start), _aware(to)
    )
    if report is None:
        raise NotFound("incident_not_found", id=str(incident_id))
    return _as(report, format, request)


@router.get("/api/incidents/{incident_id}/sitreps/{number}", response_model=None)
def issued(
    incident_id: UUID,
    number: Annotated[int, Path(ge=1, le=100_000)],
    actor: Reader,
    request: Request,
    format: Format = "json",
) -> Response | dict[str, Any]:
    """Report `number` exactly as issued."""
    rt = runtime(request)
    report = sitrep.issued_report(rt.log, rt.board.store, str(incident_id), number)
    if report is None:
        raise NotFound("sitrep_not_found", number=number)
    return _as(report, format, request)


@router.post("/api/incidents/{incident_id}/sitreps/{number}", response_model=Accepted)
def save_draft(
    incident_id: UUID,
    number: Annotated[int, Path(ge=1, le=100_000)],
    body: Draft,
    actor: Drafter,
    request: Request,
) -> Accepted:
    """Save the sections of report `number` (the next one); an issued report is refused (409)."""
    sections = body.model_dump(exclude={"next_report_at"})
    return done(
        request,
        lambda log: service.save_draft(
            log,
            actor,
            incident_id,
            number=number,
            sections=sections,
            next_report_at=body.next_report_at,
        ),
    )


@router.post("/api/incidents/{incident_id}/sitreps/{number}/issue", response_model=Accepted)
def issue(
    incident_id: UUID,
    number: Annotated[int, Path(ge=1, le=100_000)],
    body: Issue,
    actor: Issuer,
    request: Request,
) -> Accepted:
    """Issue the draft as report `number`, freezing its figures for the period
    from the last report's end to now (or `to`)."""
    rt = runtime(request)
    report = sitrep.draft_report(
        rt.log, rt.board.store, str(incident_id), rt.channels.names(), end=_aware(body.to)
    )
    if report is None:
        raise NotFound("incident_not_found", id=str(incident_id))
    figures = {**report["figures"], "incident": report["incident"]}
    return done(
        request,
        lambda log: service.issue(
            log,
            actor,
            incident_id,
            number=number,
            period_from=datetime.fromisoformat(report["period_from"]),
            period_to=datetime.fromisoformat(report["period_to"]),
            figures=figures,
        ),
    )


def _as(report: dict[str, Any], format: str, request: Request) -> Response | dict[str, Any]:
    if format == "json":
        return report
    channels = runtime(request).channels.names()
    html = sitrep.render_report(report, channels, _lang(request), templates.env)
    if format == "html":
        return HTMLResponse(html)
    name = f"situasjonsrapport-{report.get('number', 'utkast')}.pdf"
    return Response(
        render_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise Refused("sitrep_time_invalid")
    return moment


def _lang(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"), request.cookies.get("lang"))


# The page


@router.get("/incidents/{incident_id}/sitrep", include_in_schema=False)
def sitrep_page(incident_id: UUID, request: Request) -> Response:
    """Where comms drafts and issues the next report; everyone on staff reads them."""
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    try:
        actor.require("view_sitrep")
    except CrisisError as refused:
        return render(
            request, "desks/forbidden.html", status_code=refused.status, error=refused, actor=actor
        )
    rt = runtime(request)
    channels = rt.channels.names()
    report = sitrep.draft_report(rt.log, rt.board.store, str(incident_id), channels)
    if report is None:
        return render(
            request,
            "desks/forbidden.html",
            status_code=404,
            error=NotFound("incident_not_found", id=str(incident_id)),
            actor=actor,
        )
    lines = sitrep.incident_lines(rt.log, rt.board.store, str(incident_id))
    book, lang = sitrep.reports(lines), _lang(request)
    next_at = report["next_report_at"]
    return render(
        request,
        "records/sitrep_page.html",
        actor=actor,
        report=report,
        book=book,
        sections=SECTIONS,
        catalogue_records=catalogue(lang)["records"],
        when=lambda value: when(value, lang),
        next_local=_local(next_at) if next_at else "",
        due=sitrep.next_due(book, lines[0]["at"]),
        can_draft=actor.role in PERMISSIONS["draft_sitrep"],
        can_export=actor.role in PERMISSIONS["export_archive"],
        body=sitrep.render_body(report, channels, lang, templates.env),
    )


def _local(moment: str) -> str:
    """An ISO time as the page's datetime-local field shows it, in Oslo time."""
    return datetime.fromisoformat(moment).astimezone(OSLO).strftime("%Y-%m-%dT%H:%M")


# The fact sheet

SheetReader = Annotated[Actor, Depends(allowed("view_fact_sheet"))]
Version = Annotated[int | None, Query(ge=1, le=1_000_000)]


def _sheets(request: Request, actor: Actor, incident_id: UUID) -> list[dict[str, Any]]:
    """The sheet's versions, for someone who may see them: a department sees the
    sheets of the incidents it is responsible for or supports."""
    rt = runtime(request)
    _position, docs = rt.board.snapshot(str(incident_id))
    if not docs:
        raise NotFound("incident_not_found", id=str(incident_id))
    doc = docs[0]
    if actor.department is not None:
        ours = [doc["department"], *(d["key"] for d in doc.get("supporting", []))]
        if actor.department not in ours:
            raise Forbidden("other_department", department=doc["department"])
    return factsheet.versions(rt.log, rt.board.store, str(incident_id))


def _pick(sheets: list[dict[str, Any]], version: int | None) -> dict[str, Any] | None:
    if version is None:
        return sheets[-1] if sheets else None
    if not 1 <= version <= len(sheets):
        raise NotFound("fact_sheet_version_not_found", version=version)
    return sheets[version - 1]


@router.get("/api/incidents/{incident_id}/fact-sheet", response_model=None)
def fact_sheet(
    incident_id: UUID,
    actor: SheetReader,
    request: Request,
    version: Version = None,
    compare: Version = None,
    format: Format = "json",
) -> Response | dict[str, Any]:
    """A version of the fact sheet (the latest by default) and, with `compare`,
    what changed since that version; every version's number, time and author."""
    sheets = _sheets(request, actor, incident_id)
    sheet, compared = _pick(sheets, version), _pick(sheets, compare) if compare else None
    if format == "json" or sheet is None:
        return {
            "versions": [{k: s[k] for k in ("version", "at", "by", "change")} for s in sheets],
            "sheet": sheet,
            "changes": factsheet.changes(compared, sheet) if sheet and compared else None,
        }
    html = factsheet.render_sheet(sheet, compared, _lang(request), templates.env, standalone=True)
    if format == "html":
        return HTMLResponse(html)
    return Response(
        render_pdf(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="faktaark-{sheet["version"]}.pdf"'},
    )


@router.get("/incidents/{incident_id}/fact-sheet", include_in_schema=False)
def fact_sheet_page(
    incident_id: UUID, request: Request, version: Version = None, compare: Version = None
) -> Response:
    actor = actor_or_none(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    lang = _lang(request)
    labels = catalogue(lang)["records"]
    page = "records/fact_sheet_page.html"
    try:
        actor.require("view_fact_sheet")
        sheets = _sheets(request, actor, incident_id)
        sheet, compared = _pick(sheets, version), _pick(sheets, compare) if compare else None
    except CrisisError as refused:
        return render(
            request, page, status_code=refused.status, error=refused, actor=actor, r=labels
        )
    body = (
        Markup(factsheet.render_sheet(sheet, compared, lang, templates.env, standalone=False))
        if sheet
        else ""
    )
    return render(
        request,
        page,
        actor=actor,
        r=labels,
        sheet=sheet,
        compared=compared,
        numbers=[s["version"] for s in sheets],
        incident=str(incident_id),
        body=body,
    )
