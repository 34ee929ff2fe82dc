"""Fixtures for the boundaries tests."""

from tests.geo.fixtures import bundled, bundled_index, geo_data_dir, lookup, shared_data

__all__ = ["bundled", "bundled_index", "geo_data_dir", "lookup", "shared_data"]
