"""Fixtures for use-case tests: the SPO world (territory, Reading, buyer, tender, activities)."""

from __future__ import annotations

from tests.spo.conftest import world

__all__ = ["world"]
