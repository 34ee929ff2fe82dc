"""The ESG / social value report: pure builders over the one measure's rows.

The rows are :class:`spo.measure.LineValue` (formalised SPOs only, committed and delivered in the
line's unit and in £ with the proxy's source, price year and confidence). This module adds the
buyer, sums per area, and costs the *secondary impact* of the activities the SPOs support as
low–high ranges of avoided fiscal and wider social cost (:mod:`spo.impact`), each unit cost
with its source and year. Rows carry ONS codes (local authority, territory), never names only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.model import Evidence
from spo.impact import ImpactEstimate, estimate_impact
from spo.measure import VALUE_FIELDS, LineValue, totals

LINE_FIELDS = (
    "record_type",
    "buyer_id",
    "supplier_id",
    "tender_id",
    "spo_id",
    "line_id",
    "activity_id",
    "territory_code",
    "local_authority_code",
    "lon",
    "lat",
    "priority",
    "support_type",
    "unit",
    "committed",
    "delivered",
    *VALUE_FIELDS,
)
IMPACT_FIELDS = (
    "record_type",
    "activity_id",
    "outcome",
    "quantity",
    "unit_cost_gbp",
    "unit_cost_unit",
    "unit_cost_kind",
    "unit_cost_source",
    "unit_cost_price_year",
    "unit_cost_confidence",
    "attribution_low",
    "attribution_high",
    "avoided_low_gbp",
    "avoided_high_gbp",
)
AREA_KEYS = ("territory_code", "local_authority_code", "support_type", "unit")


def line_record(row: LineValue, buyer_id: str | None) -> dict[str, Any]:
    """One report row: the line's figures, its WHERE and the proxy behind its pounds."""
    p = row.proxy
    return {
        "record_type": "line",
        "buyer_id": buyer_id,
        "supplier_id": row.supplier_id,
        "tender_id": row.tender_id,
        "spo_id": row.spo_id,
        "line_id": row.line_id,
        "activity_id": row.activity_id,
        "territory_code": row.territory_code,
        "local_authority_code": row.local_authority_code,
        "lon": row.lon,
        "lat": row.lat,
        "priority": row.priority,
        "support_type": row.support_type,
        "unit": row.unit,
        "committed": row.committed,
        "delivered": row.delivered,
        "committed_gbp": row.committed_gbp,
        "delivered_gbp": row.delivered_gbp,
        "valued": row.valued,
        "proxy_code": p.code if p else None,
        "proxy_value_gbp": p.value_gbp if p else None,
        "proxy_source": p.source if p else None,
        "proxy_price_year": p.price_year if p else None,
        "proxy_confidence": p.confidence if p else None,
        "committed_period": row.committed_period,
    }


def impact_records(estimates: Mapping[str, ImpactEstimate]) -> list[dict[str, Any]]:
    """One row per costed outcome of each supported activity, with its unit cost's provenance."""
    out = []
    for activity_id in sorted(estimates):
        for item in estimates[activity_id].items:
            cost = item.unit_cost
            out.append(
                {
                    "record_type": "impact",
                    "activity_id": activity_id,
                    "outcome": item.outcome,
                    "quantity": item.quantity,
                    "unit_cost_gbp": cost.value_gbp,
                    "unit_cost_unit": cost.unit,
                    "unit_cost_kind": cost.kind,
                    "unit_cost_source": cost.source,
                    "unit_cost_price_year": cost.price_year,
                    "unit_cost_confidence": cost.confidence,
                    "attribution_low": item.attribution_low,
                    "attribution_high": item.attribution_high,
                    "avoided_low_gbp": item.low_gbp,
                    "avoided_high_gbp": item.high_gbp,
                }
            )
    return out


@dataclass(frozen=True)
class AvoidedRange:
    """Avoided costs per year as low–high ranges: fiscal apart from wider social. Indicative."""

    fiscal_low_gbp: float
    fiscal_high_gbp: float
    social_low_gbp: float
    social_high_gbp: float
    unmatched_outcomes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fiscal_gbp": {"low": self.fiscal_low_gbp, "high": self.fiscal_high_gbp},
            "social_gbp": {"low": self.social_low_gbp, "high": self.social_high_gbp},
            "unmatched_outcomes": list(self.unmatched_outcomes),
            "indicative": True,
            "per": "year",
        }


def avoided_range(estimates: Iterable[ImpactEstimate]) -> AvoidedRange:
    """The ranges of several estimates summed (each activity counted once by the caller)."""
    est = list(estimates)
    return AvoidedRange(
        round(sum(e.fiscal_low_gbp for e in est), 2),
        round(sum(e.fiscal_high_gbp for e in est), 2),
        round(sum(e.social_low_gbp for e in est), 2),
        round(sum(e.social_high_gbp for e in est), 2),
        tuple(sorted({o for e in est for o in e.unmatched_outcomes})),
    )


def activity_estimates(
    rows: Iterable[LineValue], evidence_of: Mapping[str, tuple[Evidence, ...]]
) -> dict[str, ImpactEstimate]:
    """Activity id -> its avoided-cost estimate, once per activity the rows support."""
    return {
        a: estimate_impact(evidence_of.get(a, ())) for a in sorted({r.activity_id for r in rows})
    }


def by_area(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Line records summed per territory, local authority, support type and unit."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    spos: dict[tuple[Any, ...], set[str]] = {}
    for r in records:
        key = tuple(r[k] for k in AREA_KEYS)
        g = groups.setdefault(
            key,
            {
                **{k: r[k] for k in AREA_KEYS},
                "committed": 0.0,
                "delivered": 0.0,
                "committed_gbp": 0.0,
                "delivered_gbp": 0.0,
            },
        )
        spos.setdefault(key, set()).add(str(r["spo_id"]))
        for field in ("committed", "delivered", "committed_gbp", "delivered_gbp"):
            g[field] = round(g[field] + float(r[field]), 2)
    ordered = sorted(groups, key=lambda k: tuple("" if v is None else str(v) for v in k))
    return [{**groups[k], "spo_count": len(spos[k])} for k in ordered]


def report_totals(rows: Iterable[LineValue]) -> dict[str, float]:
    """Committed and delivered £ of the report: the same sum the coverage endpoint makes."""
    t = totals(rows)
    return {"committed_gbp": t.committed_gbp, "delivered_gbp": t.delivered_gbp}


def records_to_csv(records: Iterable[Mapping[str, Any]], fields: tuple[str, ...]) -> str:
    """CSV text with a header row; None is written as an empty cell; extra keys ignored."""
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in records:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in fields})
    return buf.getvalue()


def report_csv(lines: list[dict[str, Any]], impacts: list[dict[str, Any]]) -> str:
    """One CSV: ``line`` rows, then ``impact`` rows (the columns of both, blanks elsewhere)."""
    fields = LINE_FIELDS + tuple(f for f in IMPACT_FIELDS if f not in LINE_FIELDS)
    return records_to_csv([*lines, *impacts], fields)


def report_geojson(lines: list[dict[str, Any]], names: Mapping[str, str]) -> dict[str, Any]:
    """Line points (lon, lat; null geometry without a place) with codes and names."""
    features = []
    for r in lines:
        props = {k: v for k, v in r.items() if k not in ("lon", "lat")}
        props["territory_name"] = names.get(r["territory_code"] or "")
        props["local_authority_name"] = names.get(r["local_authority_code"] or "")
        geometry = (
            None
            if r["lon"] is None or r["lat"] is None
            else {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
        )
        features.append(
            {
                "type": "Feature",
                "id": f"{r['spo_id']}/{r['line_id']}",
                "geometry": geometry,
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}
