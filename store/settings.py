"""The store's settings section: which database, and the H3 resolution stored with points.

The root ``dicm.settings.Settings`` reads them from ``DICM_DATABASE_URL`` and
``DICM_H3_RESOLUTION`` and hands this section to ``store.factory.open_store``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class StoreSettings(BaseModel):
    """Where the data lives: ``sqlite:///file`` (default) or ``postgresql+psycopg://...``."""

    database_url: str = "sqlite:///dicm.sqlite"
    h3_resolution: int = Field(default=8, ge=0, le=15)
    #: the key that seals awarded SPOs (``store.lock_key``): this secret, else the key file
    #: (created once); neither: a random key for this process only
    lock_key: SecretStr | None = None
    lock_key_file: Path | None = None

    @property
    def is_postgis(self) -> bool:
        """True when the database URL selects the PostGIS backend."""
        return self.database_url.startswith(("postgresql", "postgres"))
