"""Activities: the GeoJSON feature a client reads and the body a provider sends."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator
from shapely.geometry import Point

from api.schemas.geojson import Feature, FeatureCollection, GeometryIn, to_geometry, to_shape
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
