"""The validator pages (`/app/validator/...`)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/app/validator", include_in_schema=False)
