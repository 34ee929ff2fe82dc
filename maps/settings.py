"""The map pages' settings section (``DICM_MAPS__*``): optional background tiles."""

from __future__ import annotations

from pydantic import BaseModel


class MapSettings(BaseModel):
    """Map pages: optional background tiles (none by default: dicm works offline)."""

    tiles_url: str | None = None
    tiles_attribution: str | None = None
