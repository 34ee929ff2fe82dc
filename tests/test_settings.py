"""Every ``DICM_*`` variable still reaches the section that owns it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import ApiSettings
from dicm.settings import load_settings
from maps.settings import MapSettings
from services.settings import ServiceSettings

ENVIRONMENT = {
    "DICM_DATABASE_URL": "postgresql+psycopg://dicm@db/dicm",
    "DICM_DATABASE_READ_URL": "postgresql+psycopg://dicm@replica/dicm",
    "DICM_H3_RESOLUTION": "9",
    "DICM_DATA_DIR": "/srv/dicm",
    "DICM_VALIDATION_VALID_DAYS": "180",
    "DICM_API__HOST": "0.0.0.0",
    "DICM_API__PORT": "9000",
    "DICM_API__MAX_BODY_BYTES": "1000",
    "DICM_API__PAGE_SIZE_DEFAULT": "20",
    "DICM_API__PAGE_SIZE_MAX": "200",
    "DICM_MAPS__TILES_URL": "http://tiles.local/{z}/{x}/{y}.png",
    "DICM_MAPS__TILES_ATTRIBUTION": "local tiles",
}


def test_every_variable_lands_in_its_section(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.store.database_url, settings.store.h3_resolution) == (
        "postgresql+psycopg://dicm@db/dicm",
        9,
    )
    assert settings.store.is_postgis
    assert settings.store.read_url == "postgresql+psycopg://dicm@replica/dicm"
    assert load_settings(database_read_url=None).store.replica is None  # unset: reads the primary
    maps = MapSettings(
        tiles_url="http://tiles.local/{z}/{x}/{y}.png", tiles_attribution="local tiles"
    )
    assert settings.services == ServiceSettings(
        data_dir=Path("/srv/dicm"), validation_valid_days=180, maps=maps
    )
    assert settings.services.cache_dir == Path("/srv/dicm/cache")
    assert settings.api == ApiSettings(
        host="0.0.0.0", port=9000, max_body_bytes=1000, page_size_default=20, page_size_max=200
    )


def test_a_bad_value_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DICM_H3_RESOLUTION", "16")
    with pytest.raises(ValueError, match="h3_resolution"):
        load_settings()
