"""Coverage and heatmap aggregates as GeoJSON features (one per local authority or H3 cell)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.geojson import Feature, FeatureCollection, to_geometry
from services.analytics import Aggregate, AreaFigures


class AggregateProperties(BaseModel):
    """Figures of one area; ONS codes of the local authority (when by LA), territory, region."""

    key: str
    name: str | None
    local_authority_code: str | None
    territory_code: str | None
    region_code: str | None
    h3_cell: str | None
    activities: int
    activities_at_risk: int
    spo_lines: int
    committed_gbp: float
    delivered_gbp: float
    is_gap: bool


AggregateFeature = Feature[AggregateProperties]


class AggregateCollection(FeatureCollection[AggregateProperties]):
    """The areas with the filters applied, the totals, and what was left out and why."""

    priority: str | None = None
    period: str | None = None
    committed_gbp_total: float = 0.0
    delivered_gbp_total: float = 0.0
    tampered_spos: list[str] = Field(
        default_factory=list,
        description="SPOs whose lock no longer verifies: flagged and left out of every figure",
    )
    message: str | None = Field(None, description="Set when nothing matches the filters")


def aggregate_feature(row: Aggregate, *, level: str, geometry: bool = True) -> AggregateFeature:
    props = AggregateProperties(
        key=row.key,
        name=row.name,
        local_authority_code=row.local_authority_code,
        territory_code=row.territory_code,
        region_code=row.region_code,
        h3_cell=row.key if level == "h3" else None,
        activities=row.activities,
        activities_at_risk=row.activities_at_risk,
        spo_lines=row.spo_lines,
        committed_gbp=round(row.committed_gbp, 2),
        delivered_gbp=round(row.delivered_gbp, 2),
        is_gap=row.is_gap,
    )
    geom = to_geometry(row.geometry) if geometry else None
    return AggregateFeature(id=row.key, geometry=geom, properties=props)


def aggregate_collection(
    found: AreaFigures, *, level: str, geometry: bool = True
) -> AggregateCollection:
    features = [aggregate_feature(r, level=level, geometry=geometry) for r in found.rows]
    filters = found.figures.filters
    totals = found.figures.totals
    return AggregateCollection(
        features=features,
        numberMatched=len(features),
        numberReturned=len(features),
        priority=filters.priority,
        period=filters.period.label if filters.period else None,
        committed_gbp_total=totals.committed_gbp,
        delivered_gbp_total=totals.delivered_gbp,
        tampered_spos=list(found.tampered),
        message=found.message,
    )
