"""Providers, buyers, suppliers and tenders: the organisations and their procurements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import StoreDep, ViewerDep
from api.routes._common import (
    CursorQuery,
    GeoJSONResponse,
    LimitQuery,
    OffsetQuery,
    collection,
    page_limit,
)
from api.schemas.activities import ID_PATTERN
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.directory import (
    BuyerSchema,
    ProviderSchema,
    SupplierIn,
    SupplierOut,
    TenderCollection,
    TenderFeature,
    TenderIn,
    TenderUpdate,
    tender_feature,
)
from domain.errors import InvalidInput
from domain.model import Buyer, Provider, Tender
from services import directory, tenders

router = APIRouter(responses=PROBLEM_RESPONSES)
IdPath = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("/providers", response_model=list[ProviderSchema], tags=["directory"])
def list_providers(
    request: Request,
    store: StoreDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
) -> list[ProviderSchema]:
    """Charities and social enterprises running activities (public)."""
    page = directory.list_all(store, Provider, page_limit(request, limit), offset, after=cursor)
    return [ProviderSchema.of(p) for p in page.items]


@router.get("/providers/{provider_id}", response_model=ProviderSchema, tags=["directory"])
def get_provider(provider_id: IdPath, store: StoreDep) -> ProviderSchema:
    """One provider (public)."""
    return ProviderSchema.of(store.get(Provider, provider_id))


@router.post("/providers", status_code=201, response_model=ProviderSchema, tags=["directory"])
def create_provider(body: ProviderSchema, store: StoreDep, viewer: ViewerDep) -> ProviderSchema:
    """Register a provider (admin)."""
    directory.create_organisation(store, viewer, body.to_domain())
    return ProviderSchema.of(store.get(Provider, body.id))


@router.get("/buyers", response_model=list[BuyerSchema], tags=["directory"])
def list_buyers(
    request: Request,
    store: StoreDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
) -> list[BuyerSchema]:
    """Public bodies buying through tenders (public)."""
    page = directory.list_all(store, Buyer, page_limit(request, limit), offset, after=cursor)
    return [BuyerSchema.of(b) for b in page.items]


@router.get("/buyers/{buyer_id}", response_model=BuyerSchema, tags=["directory"])
def get_buyer(buyer_id: IdPath, store: StoreDep) -> BuyerSchema:
    """One buyer (public)."""
    return BuyerSchema.of(store.get(Buyer, buyer_id))


@router.post("/buyers", status_code=201, response_model=BuyerSchema, tags=["directory"])
def create_buyer(body: BuyerSchema, store: StoreDep, viewer: ViewerDep) -> BuyerSchema:
    """Register a buyer (admin)."""
    directory.create_organisation(store, viewer, body.to_domain())
    return BuyerSchema.of(store.get(Buyer, body.id))


@router.get("/suppliers", response_model=list[SupplierOut], tags=["suppliers"])
def list_suppliers(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
) -> list[SupplierOut]:
    """Suppliers: all for buyers and admins, only itself for a supplier."""
    page = directory.list_suppliers(store, viewer, page_limit(request, limit), offset, cursor)
    return [SupplierOut.of(s) for s in page.items]


@router.get("/suppliers/{supplier_id}", response_model=SupplierOut, tags=["suppliers"])
def get_supplier(supplier_id: IdPath, store: StoreDep, viewer: ViewerDep) -> SupplierOut:
    """One supplier with its sites and offers."""
    return SupplierOut.of(directory.get_supplier(store, viewer, supplier_id))


@router.post("/suppliers", status_code=201, response_model=SupplierOut, tags=["suppliers"])
def create_supplier(body: SupplierIn, store: StoreDep, viewer: ViewerDep) -> SupplierOut:
    """Register a supplier with its sites (admin)."""
    supplier = body.to_domain()
    directory.create_organisation(store, viewer, supplier)
    return SupplierOut.of(directory.get_supplier(store, viewer, supplier.id))


@router.get(
    "/tenders", response_model=TenderCollection, response_class=GeoJSONResponse, tags=["tenders"]
)
def list_tenders(
    request: Request,
    store: StoreDep,
    buyer: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: LimitQuery = None,
    offset: OffsetQuery = 0,
    cursor: CursorQuery = None,
) -> TenderCollection:
    """Tenders with their delivery areas (public notices)."""
    filters = {} if buyer is None else {"buyer_id": buyer}
    page = directory.list_all(
        store, Tender, page_limit(request, limit), offset, after=cursor, **filters
    )
    features = [tender_feature(t) for t in page.items]
    result: TenderCollection = collection(request, page, features, TenderCollection)
    return result


@router.get(
    "/tenders/{tender_id}",
    response_model=TenderFeature,
    response_class=GeoJSONResponse,
    tags=["tenders"],
)
def get_tender(tender_id: IdPath, store: StoreDep) -> TenderFeature:
    """One tender (public notice)."""
    return tender_feature(store.get(Tender, tender_id))


@router.post(
    "/tenders",
    status_code=201,
    response_model=TenderFeature,
    response_class=GeoJSONResponse,
    tags=["tenders"],
)
def create_tender(body: TenderIn, store: StoreDep, viewer: ViewerDep) -> TenderFeature:
    """A buyer publishes a tender with its delivery area or lots."""
    return tender_feature(directory.create_tender(store, viewer, body.to_domain()))


@router.put(
    "/tenders/{tender_id}",
    response_model=TenderFeature,
    response_class=GeoJSONResponse,
    tags=["tenders"],
)
def update_tender(
    tender_id: IdPath, body: TenderUpdate, store: StoreDep, viewer: ViewerDep
) -> TenderFeature:
    """Its buyer rewrites an open tender (dates, area, lots...) at the version it read: 409
    ``stale-version`` after another edit, 409 ``tender-closed`` once it has closed."""
    if body.id != tender_id:
        raise InvalidInput(f"the body's id {body.id!r} is not the path's {tender_id!r}")
    changed = tenders.update_tender(
        store,
        body.to_domain(),
        actor=viewer,
        expected_version=body.expected_version,
        reason=body.reason,
    )
    return tender_feature(changed)
