"""The buyer pages (`/app/buyer/...`)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/app/buyer", include_in_schema=False)
