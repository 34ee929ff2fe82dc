"""Activities: the GeoJSON feature a client reads and the body a provider sends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, field_validator
from pydantic_core import to_json
from shapely.geometry import Point

from api.schemas.geojson import (
    Feature,
    FeatureCollection,
    GeometryIn,
    Link,
    point_geometries,
    to_geometry,
    to_shape,
)
from api.schemas.safe import Amount, InputModel, Limit, Offset
from domain.errors import InvalidInput
from domain.ids import ID_PATTERN as ID_PATTERN
from domain.model import Activity, Evidence, Need
from domain.vocabulary import THEMES, SupportType, ValidationStatus


class NeedSchema(InputModel):
    support_type: SupportType
    description: str = Field(default="", max_length=2000)
    amount: Amount | None = None
    unit: str | None = Field(default=None, max_length=20)
    sector: str | None = Field(default=None, max_length=100)


class EvidenceSchema(InputModel):
    title: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    strength: int = Field(default=1, ge=1, le=5)
    outcome: str | None = Field(default=None, max_length=200)
    quantity: Amount | None = None


class ActivityProperties(BaseModel):
    """An activity's properties; ONS codes of its local authority, territory and region."""

    id: str
    name: str
    provider_id: str
    description: str
    themes: list[str]
    needs: list[NeedSchema]
    evidence: list[EvidenceSchema]
    validation_status: ValidationStatus
    validated_until: date | None
    active: bool
    funding_gap_gbp: float
    at_risk: bool
    postcode: str | None
    local_authority_code: str | None
    territory_code: str | None
    region_code: str | None
    version: int
    distance_m: float | None = None


ActivityFeature = Feature[ActivityProperties]
ActivityCollection = FeatureCollection[ActivityProperties]


class ActivityIn(InputModel):
    """A provider positions an activity: where (a GeoJSON Point), what, needs, evidence."""

    id: str = Field(pattern=ID_PATTERN)
    provider_id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    location: GeometryIn
    description: str = Field(default="", max_length=5000)
    themes: list[str] = Field(default=[], max_length=20)
    needs: list[NeedSchema] = Field(default=[], max_length=50)
    evidence: list[EvidenceSchema] = Field(default=[], max_length=50)
    service_area: GeometryIn | None = None
    funding_gap_gbp: Amount = 0.0
    at_risk: bool = False
    postcode: str | None = Field(default=None, max_length=10)

    @field_validator("themes")
    @classmethod
    def _known_themes(cls, themes: list[str]) -> list[str]:
        unknown = [t for t in themes if t not in THEMES]
        if unknown:
            raise ValueError(f"unknown theme codes {unknown}; see domain.vocabulary.THEMES")
        return themes

    def to_domain(self) -> Activity:
        """The domain value (geometry checked: UK, lon/lat order, valid)."""
        location = to_shape(self.location)
        if not isinstance(location, Point):
            raise InvalidInput("an activity's location must be a GeoJSON Point")
        area = to_shape(self.service_area, areal=True) if self.service_area else None
        return Activity(
            id=self.id,
            provider_id=self.provider_id,
            name=self.name,
            location=location,
            description=self.description,
            themes=tuple(self.themes),
            needs=tuple(Need(**n.model_dump()) for n in self.needs),
            evidence=tuple(Evidence(**e.model_dump()) for e in self.evidence),
            service_area=area,  # type: ignore[arg-type]
            funding_gap_gbp=self.funding_gap_gbp,
            at_risk=self.at_risk,
            postcode=self.postcode,
        )


def activity_feature(activity: Activity, distance_m: float | None = None) -> ActivityFeature:
    """Domain activity -> GeoJSON feature."""
    props = ActivityProperties(
        id=activity.id,
        name=activity.name,
        provider_id=activity.provider_id,
        description=activity.description,
        themes=list(activity.themes),
        needs=[NeedSchema.model_construct(**vars(n)) for n in activity.needs],
        evidence=[EvidenceSchema.model_construct(**vars(e)) for e in activity.evidence],
        validation_status=activity.validation_status,
        validated_until=activity.validated_until,
        active=activity.active,
        funding_gap_gbp=activity.funding_gap_gbp,
        at_risk=activity.at_risk,
        postcode=activity.postcode,
        local_authority_code=activity.local_authority_code,
        territory_code=activity.territory_code,
        region_code=activity.region_code,
        version=activity.version,
        distance_m=distance_m,
    )
    return ActivityFeature(
        id=activity.id, geometry=to_geometry(activity.location), properties=props
    )


def collection_text(
    activities: Sequence[Activity],
    distances_m: Mapping[str, float],
    *,
    matched: int | None,
    links: Sequence[Link],
) -> bytes:
    """The page as UTF-8 JSON, the same bytes as ``ActivityCollection(...).model_dump_json()``
    of :func:`activity_feature` features (a test holds the two equal), written from plain
    values by pydantic's own serialiser in one call, the page's coordinates read in one
    vectorised call. Building and validating 1,000 pydantic features cost 50-100 ms of a
    1,000-activity page (``bench.keyset``: REST pages over 100 ms where the database's own
    page took 4-10 ms); this costs 3-5 ms."""
    geometries = point_geometries([a.location for a in activities])
    if geometries is None:  # not all 2D points: each through the response schema's own writer
        geometries = [_geometry(a.location) for a in activities]
    features = [
        {
            "type": "Feature",
            "id": a.id,
            "geometry": geometry,
            "properties": _properties(a, distances_m.get(a.id)),
        }
        for a, geometry in zip(activities, geometries, strict=True)
    ]
    return to_json(  # NaN and Infinity as null, as the schema's serialiser writes them
        {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": matched,
            "numberReturned": len(features),
            "links": [link.model_dump() for link in links],
            "bbox": None,
        },
        inf_nan_mode="null",
    )


def _geometry(location: Any) -> dict[str, Any] | None:
    geometry = to_geometry(location)
    return None if geometry is None else geometry.model_dump()


def _value(member: Any) -> Any:
    """An enum member's value (the JSON pydantic writes for it); anything else as it is."""
    return getattr(member, "value", member)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _properties(a: Activity, distance_m: float | None) -> dict[str, Any]:
    """:class:`ActivityProperties` as the plain values its JSON holds, in its field order."""
    return {
        "id": a.id,
        "name": a.name,
        "provider_id": a.provider_id,
        "description": a.description,
        "themes": list(a.themes),
        "needs": [
            {
                "support_type": _value(n.support_type),
                "description": n.description,
                "amount": _float(n.amount),
                "unit": n.unit,
                "sector": n.sector,
            }
            for n in a.needs
        ],
        "evidence": [
            {
                "title": e.title,
                "url": e.url,
                "strength": e.strength,
                "outcome": e.outcome,
                "quantity": _float(e.quantity),
            }
            for e in a.evidence
        ],
        "validation_status": _value(a.validation_status),
        "validated_until": None if a.validated_until is None else a.validated_until.isoformat(),
        "active": a.active,
        "funding_gap_gbp": float(a.funding_gap_gbp),
        "at_risk": a.at_risk,
        "postcode": a.postcode,
        "local_authority_code": a.local_authority_code,
        "territory_code": a.territory_code,
        "region_code": a.region_code,
        "version": a.version,
        "distance_m": _float(distance_m),
    }


class ActivitySearch(InputModel):
    """A POST search: the same filters as the query string, plus a polygon to search within."""

    within: GeometryIn | None = None
    within_code: str | None = Field(default=None, max_length=12)
    bbox: list[float] | None = Field(default=None, min_length=4, max_length=4)
    near: list[float] | None = Field(default=None, min_length=3, max_length=3)
    status: ValidationStatus = ValidationStatus.VALIDATED
    limit: Limit = 100
    offset: Offset = 0


class ActivityUpdate(ActivityIn):
    """``PUT /activities/{id}``: the whole activity as at creation, plus the version it was read
    at (optimistic locking: another version is a 409 ``stale-version``) and an optional reason
    for the audit log. ``id`` must be the one in the path; the provider cannot change."""

    expected_version: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)
