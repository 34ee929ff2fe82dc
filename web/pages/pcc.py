"""The pcc pages (`/app/pcc/...`)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/app/pcc", include_in_schema=False)
