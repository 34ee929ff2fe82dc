"""Providers, suppliers (with sites and offers), buyers and tenders (with lots)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from shapely.geometry import Point

from api.schemas.activities import ID_PATTERN
from api.schemas.geojson import (
    Feature,
    FeatureCollection,
    Geometry,
    GeometryIn,
    to_geometry,
    to_shape,
)
from api.schemas.safe import Amount, InputModel
from domain.errors import InvalidInput
from domain.model import Buyer, Lot, Offer, Provider, Site, Supplier, Tender
from domain.vocabulary import THEMES, BuyerKind, ProviderKind, SupportType


class ProviderSchema(InputModel):
    """A charity or social enterprise (the public directory)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    kind: ProviderKind = ProviderKind.CHARITY
    charity_number: str | None = Field(default=None, max_length=20)
    website: str | None = Field(default=None, max_length=500)

    def to_domain(self) -> Provider:
        return Provider(**self.model_dump())

    @classmethod
    def of(cls, provider: Provider) -> ProviderSchema:
        return cls.model_construct(**{k: getattr(provider, k) for k in cls.model_fields})


class BuyerSchema(InputModel):
    """A public body that buys through tenders."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    kind: BuyerKind
    territory_code: str | None = Field(default=None, max_length=12)

    def to_domain(self) -> Buyer:
        return Buyer(**self.model_dump())

    @classmethod
    def of(cls, buyer: Buyer) -> BuyerSchema:
        return cls.model_construct(**{k: getattr(buyer, k) for k in cls.model_fields})


class SiteIn(InputModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    location: GeometryIn
    postcode: str | None = Field(default=None, max_length=10)


class SiteOut(BaseModel):
    id: str
    name: str
    location: Geometry | None
    postcode: str | None


class OfferSchema(InputModel):
    support_type: SupportType
    amount: Amount | None = None
    unit: str | None = Field(default=None, max_length=20)
    sector: str | None = Field(default=None, max_length=100)
    description: str = Field(default="", max_length=2000)


class SupplierIn(InputModel):
    """A business bidding for public contracts, with its sites and what it can offer."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    sites: list[SiteIn] = Field(default=[], max_length=100)
    offers: list[OfferSchema] = Field(default=[], max_length=50)
    sectors: list[str] = Field(default=[], max_length=20)
    description: str = Field(default="", max_length=5000)

    def to_domain(self) -> Supplier:
        sites = []
        for s in self.sites:
            point = to_shape(s.location)
            if not isinstance(point, Point):
                raise InvalidInput("a site's location must be a GeoJSON Point")
            sites.append(Site(s.id, s.name, point, s.postcode))
        return Supplier(
            id=self.id,
            name=self.name,
            sites=tuple(sites),
            offers=tuple(Offer(**o.model_dump()) for o in self.offers),
            sectors=tuple(self.sectors),
            description=self.description,
        )


class SupplierOut(BaseModel):
    id: str
    name: str
    sites: list[SiteOut]
    offers: list[OfferSchema]
    sectors: list[str]
    description: str
    version: int

    @classmethod
    def of(cls, s: Supplier) -> SupplierOut:
        return cls(
            id=s.id,
            name=s.name,
            sites=[
                SiteOut(id=x.id, name=x.name, location=to_geometry(x.location), postcode=x.postcode)
                for x in s.sites
            ],
            offers=[OfferSchema.model_construct(**vars(o)) for o in s.offers],
            sectors=list(s.sectors),
            description=s.description,
            version=s.version,
        )


class LotIn(InputModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    area: GeometryIn


class LotOut(BaseModel):
    id: str
    name: str
    area: Geometry | None


class TenderIn(InputModel):
    """A tender: delivery area or lots (GeoJSON polygons), priorities, contract value."""

    id: str = Field(pattern=ID_PATTERN)
    buyer_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    territory_code: str | None = Field(default=None, max_length=12)
    delivery_area: GeometryIn | None = None
    lots: list[LotIn] = Field(default=[], max_length=50)
    priorities: list[str] = Field(default=[], max_length=20)
    contract_value_gbp: Amount = 0.0
    description: str = Field(default="", max_length=5000)
    opens: date | None = None
    closes: date | None = None

    def to_domain(self) -> Tender:
        unknown = [p for p in self.priorities if p not in THEMES]
        if unknown:
            raise InvalidInput(f"unknown priority theme codes {unknown}")
        area = to_shape(self.delivery_area, areal=True) if self.delivery_area else None
        lots = tuple(Lot(x.id, x.name, to_shape(x.area, areal=True)) for x in self.lots)  # type: ignore[arg-type]
        return Tender(
            id=self.id,
            buyer_id=self.buyer_id,
            title=self.title,
            territory_code=self.territory_code,
            delivery_area=area,  # type: ignore[arg-type]
            lots=lots,
            priorities=tuple(self.priorities),
            contract_value_gbp=self.contract_value_gbp,
            description=self.description,
            opens=self.opens,
            closes=self.closes,
        )


class TenderUpdate(TenderIn):
    """``PUT /tenders/{id}``: the whole tender again, at the version the buyer read."""

    expected_version: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)


class TenderProperties(BaseModel):
    """A tender; its ONS code is the territory it is let in."""

    id: str
    buyer_id: str
    title: str
    territory_code: str | None
    lots: list[LotOut]
    priorities: list[str]
    contract_value_gbp: float | None  # null: the tender states none
    description: str
    opens: date | None
    closes: date | None
    status: str
    version: int


TenderFeature = Feature[TenderProperties]
TenderCollection = FeatureCollection[TenderProperties]


def tender_feature(t: Tender) -> TenderFeature:
    props = TenderProperties(
        id=t.id,
        buyer_id=t.buyer_id,
        title=t.title,
        territory_code=t.territory_code,
        lots=[LotOut(id=x.id, name=x.name, area=to_geometry(x.area)) for x in t.lots],
        priorities=list(t.priorities),
        contract_value_gbp=t.contract_value_gbp,
        description=t.description,
        opens=t.opens,
        closes=t.closes,
        status=t.status,
        version=t.version,
    )
    return TenderFeature(id=t.id, geometry=to_geometry(t.delivery_area), properties=props)
