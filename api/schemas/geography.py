"""Regions, territories (with their current Police & Crime Plan) and local authorities."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from api.schemas.geojson import Feature, FeatureCollection, to_geometry
from domain.model import LocalAuthority, PolicePlan, Region, Territory


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


RegionFeature = Feature[RegionProperties]
TerritoryFeature = Feature[TerritoryProperties]
LocalAuthorityFeature = Feature[LocalAuthorityProperties]
RegionCollection = FeatureCollection[RegionProperties]
TerritoryCollection = FeatureCollection[TerritoryProperties]
LocalAuthorityCollection = FeatureCollection[LocalAuthorityProperties]


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
    )


def region_feature(region: Region, *, geometry: bool = True) -> RegionFeature:
    props = RegionProperties(code=region.code, name=region.name, region_code=region.code)
    geom = to_geometry(region.geometry) if geometry else None
    return RegionFeature(id=region.code, geometry=geom, properties=props)


def territory_feature(
    territory: Territory, plan: PolicePlan | None = None, *, geometry: bool = True
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
    geom = to_geometry(territory.geometry) if geometry else None
    return TerritoryFeature(id=territory.code, geometry=geom, properties=props)


def local_authority_feature(la: LocalAuthority, *, geometry: bool = True) -> LocalAuthorityFeature:
    props = LocalAuthorityProperties(
        code=la.code,
        name=la.name,
        local_authority_code=la.code,
        territory_code=la.territory_code,
        region_code=la.region_code,
    )
    geom = to_geometry(la.geometry) if geometry else None
    return LocalAuthorityFeature(id=la.code, geometry=geom, properties=props)
