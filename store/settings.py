"""The store's settings section: which database (and an optional read replica), and the H3
resolution stored with points.

The root ``dicm.settings.Settings`` reads them from ``DICM_DATABASE_URL``,
``DICM_DATABASE_READ_URL`` and ``DICM_H3_RESOLUTION`` and hands this section to
``store.factory.open_store`` (and ``open_read_store``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class StoreSettings(BaseModel):
    """Where the data lives: ``sqlite:///file`` (default) or ``postgresql+psycopg://...``."""

    database_url: str = "sqlite:///dicm.sqlite"
    #: a second, read-only database for the read-heavy endpoints (a streaming replica of
    #: ``database_url``); None: every read goes to ``database_url``
    read_url: str | None = None
    h3_resolution: int = Field(default=8, ge=0, le=15)
    #: the key that seals awarded SPOs (``store.lock_key``): this secret, else the key file
    #: (created once); neither: a random key for this process only
    lock_key: SecretStr | None = None
    lock_key_file: Path | None = None

    @property
    def is_postgis(self) -> bool:
        """True when the database URL selects the PostGIS backend."""
        return self.database_url.startswith(("postgresql", "postgres"))

    @property
    def replica(self) -> StoreSettings | None:
        """This section pointed at the read URL (None when there is none)."""
        if self.read_url is None:
            return None
        return self.model_copy(update={"database_url": self.read_url, "read_url": None})
