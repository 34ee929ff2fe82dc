"""The use cases' settings section: where dicm keeps its files, how long a validation lasts,
and the map pages' section they render with.

The root ``dicm.settings.Settings`` builds it from ``DICM_DATA_DIR``,
``DICM_VALIDATION_VALID_DAYS`` and ``DICM_MAPS__*``; services never read the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from maps.settings import MapSettings


class ServiceSettings(BaseModel):
    """What the use cases need to know beyond the store."""

    data_dir: Path = Path(".dicm")
    validation_valid_days: int = Field(default=365, gt=0)
    maps: MapSettings = MapSettings()

    @property
    def cache_dir(self) -> Path:
        """Where built artefacts (the bundled geography) are cached between runs."""
        return self.data_dir / "cache"
