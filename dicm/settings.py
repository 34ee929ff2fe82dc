"""One settings object for dicm, read from ``DICM_*`` environment variables.

Never built at import time: call :func:`load_settings` (the CLI and ``create_app`` do) and pass
the object down. Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ApiSettings(BaseModel):
    """HTTP service knobs."""

    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    page_size_default: int = Field(default=100, gt=0)
    page_size_max: int = Field(default=1000, gt=0)


class MapSettings(BaseModel):
    """Map pages: optional background tiles (none by default: dicm works offline)."""

    tiles_url: str | None = None
    tiles_attribution: str | None = None


class Settings(BaseSettings):
    """Root settings; nested sections use ``DICM_API__PORT``-style variables."""

    model_config = SettingsConfigDict(env_prefix="DICM_", env_nested_delimiter="__")

    database_url: str = "sqlite:///dicm.sqlite"
    data_dir: Path = Path(".dicm")
    h3_resolution: int = Field(default=8, ge=0, le=15)
    validation_valid_days: int = Field(default=365, gt=0)
    api: ApiSettings = ApiSettings()
    maps: MapSettings = MapSettings()

    @property
    def is_postgis(self) -> bool:
        """True when the database URL selects the PostGIS backend."""
        return self.database_url.startswith(("postgresql", "postgres"))

    @property
    def cache_dir(self) -> Path:
        """Where built artefacts (the bundled geography) are cached between runs."""
        return self.data_dir / "cache"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
