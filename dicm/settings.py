"""The root settings object, read from ``DICM_*`` environment variables and composed of the
sections that live beside their code: ``store.settings.StoreSettings``,
``services.settings.ServiceSettings``, ``api.settings.ApiSettings`` and
``maps.settings.MapSettings`` and ``web.settings.WebSettings``.

The variable names stay flat where they always were (``DICM_DATABASE_URL``,
``DICM_DATABASE_READ_URL``,
``DICM_H3_RESOLUTION``, ``DICM_DATA_DIR``, ``DICM_VALIDATION_VALID_DAYS``) and nested for the
``api``, ``maps`` and ``web`` sections (``DICM_API__PORT``). Never built at import time: call
:func:`load_settings` (the CLI and ``create_app`` do) and pass each package its section.
Tests build ``Settings(...)`` directly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.settings import ApiSettings
from maps.settings import MapSettings
from services.settings import ServiceSettings
from store.settings import StoreSettings
from web.settings import WebSettings

__all__ = ["ApiSettings", "MapSettings", "Settings", "WebSettings", "load_settings"]


class Settings(BaseSettings):
    """Root settings; nested sections use ``DICM_API__PORT``-style variables."""

    model_config = SettingsConfigDict(env_prefix="DICM_", env_nested_delimiter="__")

    database_url: str = "sqlite:///dicm.sqlite"
    #: a read replica for the read-heavy endpoints (``DICM_DATABASE_READ_URL``); unset: the primary
    database_read_url: str | None = None
    data_dir: Path = Path(".dicm")
    h3_resolution: int = Field(default=8, ge=0, le=15)
    validation_valid_days: int = Field(default=365, gt=0)
    #: the key that seals awarded SPOs (``DICM_LOCK_KEY``); unset: ``<data_dir>/lock.key``,
    #: created once. Kept out of the database so a forger with database access cannot re-seal.
    lock_key: SecretStr | None = Field(default=None, min_length=16)
    api: ApiSettings = ApiSettings()
    maps: MapSettings = MapSettings()
    web: WebSettings = WebSettings()

    @property
    def store(self) -> StoreSettings:
        """The store's section."""
        return StoreSettings(
            database_url=self.database_url,
            read_url=self.database_read_url,
            h3_resolution=self.h3_resolution,
            lock_key=self.lock_key,
            lock_key_file=self.data_dir / "lock.key",
        )

    @property
    def services(self) -> ServiceSettings:
        """The use cases' section."""
        return ServiceSettings(
            data_dir=self.data_dir,
            validation_valid_days=self.validation_valid_days,
            maps=self.maps,
        )

    @property
    def is_postgis(self) -> bool:
        """True when the database URL selects the PostGIS backend."""
        return self.store.is_postgis

    @property
    def cache_dir(self) -> Path:
        """Where built artefacts (the bundled geography) are cached between runs."""
        return self.services.cache_dir


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
