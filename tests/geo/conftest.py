"""Fixtures for the geo tests."""

from tests.geo.fixtures import bundled, bundled_index, geo_data_dir, shared_data

__all__ = ["bundled", "bundled_index", "geo_data_dir", "shared_data"]
