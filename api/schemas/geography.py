"""Regions, territories (with their current Police & Crime Plan) and local authorities."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from shapely.geometry.base import BaseGeometry

from api.schemas.geojson import Feature, FeatureCollection, Geometry, to_geometry
from domain.model import LocalAuthority, PolicePlan, Region, SmallArea, Territory
from geo.simplify import simplify_m as simplify


class PriorityOut(BaseModel):
    theme: str
    title: str
    weight: float


class PlanOut(BaseModel):
    """A version of a Police & Crime Plan."""

    territory_code: str
    version: int
    title: str
    valid_from: date
    priorities: list[PriorityOut]
    source: str
    valid_until: date | None = None


class RegionProperties(BaseModel):
    code: str
    name: str
    region_code: str


class TerritoryProperties(BaseModel):
    code: str
    name: str
    force_name: str
    pcc_name: str
    territory_code: str
    region_code: str | None
    plan: PlanOut | None = None


class LocalAuthorityProperties(BaseModel):
    code: str
    name: str
    local_authority_code: str
    territory_code: str | None
    region_code: str | None


class SmallAreaProperties(BaseModel):
    code: str
    name: str
    level: str  # csp | lsoa
    local_authority_code: str | None
    territory_code: str | None


RegionFeature = Feature[RegionProperties]
TerritoryFeature = Feature[TerritoryProperties]
LocalAuthorityFeature = Feature[LocalAuthorityProperties]
RegionCollection = FeatureCollection[RegionProperties]
TerritoryCollection = FeatureCollection[TerritoryProperties]
LocalAuthorityCollection = FeatureCollection[LocalAuthorityProperties]


def _geometry(area: BaseGeometry | None, simplify_m: float) -> Geometry | None:
    """The response geometry, generalised by ``simplify_m`` metres (valid) when asked."""
    if area is not None and simplify_m > 0:
        area = simplify(area, simplify_m)
    return to_geometry(area)


def plan_out(plan: PolicePlan | None) -> PlanOut | None:
    if plan is None:
        return None
    return PlanOut(
        territory_code=plan.territory_code,
        version=plan.version,
        title=plan.title,
        valid_from=plan.valid_from,
        priorities=[
            PriorityOut(theme=p.theme, title=p.title, weight=p.weight) for p in plan.priorities
        ],
        source=plan.source,
        valid_until=plan.valid_until,
    )


def region_feature(
    region: Region, *, geometry: bool = True, simplify_m: float = 0.0
) -> RegionFeature:
    props = RegionProperties(code=region.code, name=region.name, region_code=region.code)
    geom = _geometry(region.geometry, simplify_m) if geometry else None
    return RegionFeature(id=region.code, geometry=geom, properties=props)


def territory_feature(
    territory: Territory,
    plan: PolicePlan | None = None,
    *,
    geometry: bool = True,
    simplify_m: float = 0.0,
) -> TerritoryFeature:
    props = TerritoryProperties(
        code=territory.code,
        name=territory.name,
        force_name=territory.force_name,
        pcc_name=territory.pcc_name,
        territory_code=territory.code,
        region_code=territory.region_code,
        plan=plan_out(plan),
    )
    geom = _geometry(territory.geometry, simplify_m) if geometry else None
    return TerritoryFeature(id=territory.code, geometry=geom, properties=props)


def local_authority_feature(
    la: LocalAuthority, *, geometry: bool = True, simplify_m: float = 0.0
) -> LocalAuthorityFeature:
    props = LocalAuthorityProperties(
        code=la.code,
        name=la.name,
        local_authority_code=la.code,
        territory_code=la.territory_code,
        region_code=la.region_code,
    )
    geom = _geometry(la.geometry, simplify_m) if geometry else None
    return LocalAuthorityFeature(id=la.code, geometry=geom, properties=props)


SmallAreaFeature = Feature[SmallAreaProperties]


def small_area_feature(area: SmallArea, *, simplify_m: float = 0.0) -> SmallAreaFeature:
    props = SmallAreaProperties(
        code=area.code,
        name=area.name,
        level=area.level,
        local_authority_code=area.local_authority_code,
        territory_code=area.territory_code,
    )
    return SmallAreaFeature(
        id=area.code, geometry=_geometry(area.geometry, simplify_m), properties=props
    )
