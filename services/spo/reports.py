"""ESG / social value exports and secondary-impact estimates, gathered from the store.

The builders are pure (:mod:`spo.reporting`, :mod:`spo.impact`); this module only reads: every
formalised SPO (verified against its lock hash), the buyer of its tender, its progress reports,
and the names of the ONS codes that appear.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from domain.errors import NotFound
from domain.model import Activity, LocalAuthority, Tender, Territory
from services.spo.change import get_spo
from services.spo.progress import progress_reports
from spo.impact import ImpactEstimate, estimate_impact
from spo.model import FORMAL_STATES, Spo
from spo.reporting import (
    LineRow,
    ReportSource,
    aggregate_rows,
    line_rows,
    line_rows_to_csv,
    line_rows_to_geojson,
    rows_to_csv,
)
from store.port import Store


def _formalised_spos(store: Store) -> Iterator[Spo]:
    for state in sorted(FORMAL_STATES):
        for spo in store.iter_all(Spo, state=state.value):
            yield get_spo(store, spo.id)  # verified: a tampered SPO is never reported


def report_sources(store: Store, *, buyer_id: str | None = None) -> list[ReportSource]:
    """Every formalised SPO with its buyer and progress reports (optionally one buyer's)."""
    buyers: dict[str, str] = {}
    sources = []
    for spo in _formalised_spos(store):
        if spo.tender_id not in buyers:
            buyers[spo.tender_id] = store.get(Tender, spo.tender_id).buyer_id
        if buyer_id is not None and buyers[spo.tender_id] != buyer_id:
            continue
        sources.append(
            ReportSource(spo, buyers[spo.tender_id], tuple(progress_reports(store, spo.id)))
        )
    return sources


def esg_line_rows(
    store: Store,
    *,
    start: date,
    end: date,
    buyer_id: str | None = None,
    territory_code: str | None = None,
) -> list[LineRow]:
    """Per-line rows for a buyer and/or territory over ``[start, end]``."""
    rows = line_rows(report_sources(store, buyer_id=buyer_id), start, end)
    return [r for r in rows if territory_code is None or r.territory_code == territory_code]


def esg_csv(
    store: Store,
    *,
    start: date,
    end: date,
    buyer_id: str | None = None,
    territory_code: str | None = None,
    per_line: bool = False,
) -> str:
    """CSV: delivered vs committed per buyer, territory, local authority, priority and support
    type (or one row per SPO line with ``per_line``), ONS codes in every row."""
    rows = esg_line_rows(
        store, start=start, end=end, buyer_id=buyer_id, territory_code=territory_code
    )
    return line_rows_to_csv(rows) if per_line else rows_to_csv(aggregate_rows(rows))


def _names(store: Store, rows: list[LineRow]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code in sorted({r.territory_code for r in rows if r.territory_code}):
        try:
            names[code] = store.get(Territory, code).name
        except NotFound:
            continue
    for code in sorted({r.local_authority_code for r in rows if r.local_authority_code}):
        try:
            names[code] = store.get(LocalAuthority, code).name
        except NotFound:
            continue
    return names


def esg_geojson(
    store: Store,
    *,
    start: date,
    end: date,
    buyer_id: str | None = None,
    territory_code: str | None = None,
) -> dict[str, Any]:
    """GeoJSON points of every SPO line with codes, names and delivered vs committed."""
    rows = esg_line_rows(
        store, start=start, end=end, buyer_id=buyer_id, territory_code=territory_code
    )
    return line_rows_to_geojson(rows, _names(store, rows))


def activity_impact(store: Store, activity_id: str) -> ImpactEstimate:
    """Indicative avoided frontline costs of an activity's reported outcomes (a range)."""
    return estimate_impact(store.get(Activity, activity_id).evidence)
