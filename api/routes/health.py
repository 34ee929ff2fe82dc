"""``/healthz`` (the process answers) and ``/readyz`` (ready for traffic, else 503 and why)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import ReadStoreDep, SettingsDep, StoreDep
from api.problems import problem_response
from services.health import check_readiness

router = APIRouter(tags=["health"])
NO_CACHE = {"Cache-Control": "no-store"}


@router.get("/healthz", summary="Liveness: the process answers (touches nothing else)")
def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "version": request.app.version}, headers=NO_CACHE)


@router.get(
    "/readyz",
    summary="Readiness: store (and read store) reachable at schema head, front-end files installed",
    responses={503: {"description": "Not ready; the problem's detail and reasons say why"}},
)
def readyz(store: StoreDep, read_store: ReadStoreDep, settings: SettingsDep) -> Any:
    readiness = check_readiness(store, settings.api.static_dir, read_store=read_store)
    if not readiness.is_ready:
        return problem_response(
            "not-ready",
            "; ".join(readiness.reasons),
            instance="/readyz",
            headers=NO_CACHE,
            reasons=list(readiness.reasons),
            checks=readiness.checks,
        )
    return JSONResponse({"status": "ready", "checks": readiness.checks}, headers=NO_CACHE)
