"""The body of ``GET /locate``: the same JSON as ``dicm locate --json``
(:meth:`services.locate.Location.to_dict`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CodeName(BaseModel):
    """An area's ONS code and name (both null where the point is in none)."""

    code: str | None
    name: str | None


class TerritoryRef(CodeName):
    """A police territory with its force and Police and Crime Commissioner."""

    force: str | None
    pcc: str | None


class LocationBody(BaseModel):
    """Where a postcode, "lat,lon" or place name lands."""

    query: str
    postcode: str | None = Field(description="The normalised postcode, when one was asked")
    place: str | None = Field(description="The GeoNames place (name, county, nation), if named")
    lon: float
    lat: float
    placement: str = Field(description="inside or near-coast")
    local_authority: CodeName
    territory: TerritoryRef
    region: CodeName
    h3_cell: str
    h3_resolution: int
    notes: list[str]
