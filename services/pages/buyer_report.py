"""The buyer's social value report page and its downloads: :mod:`services.spo.reports` as is.

The page and the CSV / GeoJSON files are the report ``GET /reports/social-value`` answers for
the same filters (one use case), scoped to the signed-in buyer's own SPOs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from domain.errors import InvalidInput
from domain.model import Account
from domain.vocabulary import THEMES, Role
from services.access import require_role
from services.spo.reports import render_report, social_value_report
from store.port import Store

#: download format -> (media type, file suffix)
DOWNLOADS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
}


@dataclass(frozen=True)
class ReportPage:
    """What the report page shows: the report as JSON-ready data and the filters used."""

    data: dict[str, Any]
    period: str | None
    priority: str | None
    names: dict[str, str]  # ONS code -> area name, for the lines and areas the report lists
    priorities: tuple[tuple[str, str], ...]  # (theme code, label), for the filter

    @property
    def query(self) -> str:
        """The filters as a query string ("" or "?period=..."), for the download links."""
        asked = {k: v for k, v in (("period", self.period), ("priority", self.priority)) if v}
        return f"?{urlencode(asked)}" if asked else ""


@dataclass(frozen=True)
class Download:
    """A report file: its body, media type and file name."""

    body: str
    media_type: str
    filename: str


def report_page(
    store: Store, viewer: Account | None, *, period: str | None = None, priority: str | None = None
) -> ReportPage:
    """The signed-in buyer's report for ``period`` (``2026``, ``2026-Q4``) and ``priority``."""
    require_role(viewer, Role.BUYER)
    report = social_value_report(store, viewer, period=period or None, priority=priority or None)
    themes = tuple(sorted(THEMES.items(), key=lambda kv: kv[1]))
    return ReportPage(report.to_json(), period or None, priority or None, report.names, themes)


def report_download(
    store: Store,
    viewer: Account | None,
    fmt: str,
    *,
    period: str | None = None,
    priority: str | None = None,
) -> Download:
    """The same report as a CSV or GeoJSON file (``InvalidInput`` for another format)."""
    require_role(viewer, Role.BUYER)
    if fmt not in DOWNLOADS:
        raise InvalidInput(f"unknown download format {fmt!r}: use csv or geojson")
    report = social_value_report(store, viewer, period=period or None, priority=priority or None)
    body = render_report(report, fmt)
    media, suffix = DOWNLOADS[fmt]
    text = body if isinstance(body, str) else json.dumps(body)
    stem = "social-value" + "".join(f"-{x}" for x in (period, priority) if x)
    return Download(text, media, f"{stem}.{suffix}")
