"""Security suite fixtures: the API tests' seeded two-territory world, one per module."""

from tests.api.conftest import client, seeded, world
from tests.geo.fixtures import bundled, geo_data_dir

__all__ = ["bundled", "client", "geo_data_dir", "seeded", "world"]
