"""The provider pages (`/app/provider/...`)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/app/provider", include_in_schema=False)
