"""ESG and social value exports: delivered vs committed per buyer, territory and period.

Pure builders over plain inputs; the service gathers SPOs, their buyers and progress reports from
the store. Only formalised SPOs (awarded, in delivery, reviewed) count: an SPO whose bid lost is
never reported as committed. Rows carry ONS codes (local authority, territory), never names only.
A period is ``[start, end]`` inclusive; *delivered* sums reports dated inside it, *committed* is
the line's whole amount. Pounds use the proxy values of :mod:`spo.values` (None = not valued).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from spo.model import FORMAL_STATES, ProgressReport, Spo
from spo.values import value_amount

FORMALISED = FORMAL_STATES


@dataclass(frozen=True)
class ReportSource:
    """One SPO with the buyer of its tender and its progress reports."""

    spo: Spo
    buyer_id: str
    reports: tuple[ProgressReport, ...] = ()


@dataclass(frozen=True)
class LineRow:
    """One SPO line's commitment and delivery in the period, with its WHERE."""

    buyer_id: str
    supplier_id: str
    tender_id: str
    spo_id: str
    line_id: str
    activity_id: str
    territory_code: str | None
    local_authority_code: str | None
    lon: float | None
    lat: float | None
    priority: str
    support_type: str
    unit: str
    committed: float
    delivered: float
    committed_gbp: float | None
    delivered_gbp: float | None
    period_start: str
    period_end: str


AGGREGATE_KEYS = (
    "buyer_id",
    "territory_code",
    "local_authority_code",
    "priority",
    "support_type",
    "unit",
)
AGGREGATE_FIELDS = (
    *AGGREGATE_KEYS,
    "spo_count",
    "committed",
    "delivered",
    "committed_gbp",
    "delivered_gbp",
    "period_start",
    "period_end",
)


def line_rows(sources: Iterable[ReportSource], start: date, end: date) -> list[LineRow]:
    """One row per line of every formalised SPO, ordered by buyer, SPO and line id."""
    rows: list[LineRow] = []
    for src in sources:
        spo = src.spo
        if spo.state not in FORMALISED:
            continue
        for line in spo.lines:
            delivered = sum(
                r.amount
                for r in src.reports
                if r.spo_id == spo.id and r.line_id == line.id and start <= r.delivered_on <= end
            )
            rows.append(
                LineRow(
                    buyer_id=src.buyer_id,
                    supplier_id=spo.supplier_id,
                    tender_id=spo.tender_id,
                    spo_id=spo.id,
                    line_id=line.id,
                    activity_id=line.activity_id,
                    territory_code=line.territory_code,
                    local_authority_code=line.local_authority_code,
                    lon=line.lon,
                    lat=line.lat,
                    priority=line.priority,
                    support_type=line.support_type.value,
                    unit=line.unit,
                    committed=line.amount,
                    delivered=delivered,
                    committed_gbp=value_amount(line.support_type, line.unit, line.amount),
                    delivered_gbp=value_amount(line.support_type, line.unit, delivered),
                    period_start=start.isoformat(),
                    period_end=end.isoformat(),
                )
            )
    return sorted(rows, key=lambda r: (r.buyer_id, r.spo_id, r.line_id))


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a + b, 2)


def aggregate_rows(rows: Iterable[LineRow]) -> list[dict[str, Any]]:
    """Rows summed per buyer, territory, local authority, priority, support type and unit."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    spos: dict[tuple[Any, ...], set[str]] = {}
    for r in rows:
        d = asdict(r)
        key = tuple(d[k] for k in AGGREGATE_KEYS)
        g = groups.setdefault(
            key,
            {
                **{k: d[k] for k in AGGREGATE_KEYS},
                "committed": 0.0,
                "delivered": 0.0,
                "committed_gbp": 0.0,
                "delivered_gbp": 0.0,
                "period_start": r.period_start,
                "period_end": r.period_end,
            },
        )
        spos.setdefault(key, set()).add(r.spo_id)
        g["committed"] += r.committed
        g["delivered"] += r.delivered
        g["committed_gbp"] = _add(g["committed_gbp"], r.committed_gbp)
        g["delivered_gbp"] = _add(g["delivered_gbp"], r.delivered_gbp)
    out = []
    for key in sorted(groups, key=lambda k: tuple("" if v is None else str(v) for v in k)):
        out.append({**groups[key], "spo_count": len(spos[key])})
    return out


def rows_to_csv(
    rows: Iterable[Mapping[str, Any]], fields: tuple[str, ...] = AGGREGATE_FIELDS
) -> str:
    """CSV text with a header row; None is written as an empty cell."""
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in fields})
    return buf.getvalue()


def line_rows_to_csv(rows: Iterable[LineRow]) -> str:
    """The per-line rows as CSV."""
    fields = tuple(LineRow.__dataclass_fields__)
    return rows_to_csv((asdict(r) for r in rows), fields)


def line_rows_to_geojson(
    rows: Iterable[LineRow], names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of line points (lon, lat); rows without a place have a null
    geometry. ``names`` (ONS code -> name) adds human names beside the codes."""
    names = names or {}
    features = []
    for r in rows:
        props = asdict(r)
        lon, lat = props.pop("lon"), props.pop("lat")
        props["territory_name"] = names.get(r.territory_code or "")
        props["local_authority_name"] = names.get(r.local_authority_code or "")
        geometry = (
            None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}
        )
        features.append(
            {
                "type": "Feature",
                "id": f"{r.spo_id}/{r.line_id}",
                "geometry": geometry,
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}
