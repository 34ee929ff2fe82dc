"""Turn a table of rows into providers, activities or suppliers, rejecting bad rows with reasons.

Pure: the caller supplies the table, the column mapping, the known providers and a geocoder.
A reader never stops at the first bad row: it returns every accepted entity AND every rejected
row (number, reason code, message), and the import service decides what a rejection means.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Generic, TypeVar

import shapely
import shapely.errors
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from datasets.features import TERRITORY_AREA
from datasets.fields import (
    DATE_FORMATS,
    RowError,
    parse_bool,
    parse_date,
    parse_needs,
    parse_number,
    parse_offers,
    parse_optional_number,
    parse_themes,
)
from datasets.locations import Geocoder, Located, locate_row
from datasets.mapping import FIELDS, ColumnMapping
from datasets.table import Row, Table
from domain.errors import DomainError
from domain.model import (
    Activity,
    Area,
    Buyer,
    Evidence,
    Lot,
    Need,
    Offer,
    Provider,
    Site,
    Supplier,
    Tender,
)
from domain.vocabulary import BuyerKind, ProviderKind, ValidationStatus

T = TypeVar("T")
V = TypeVar("V")

#: typed stand-ins for a cell that failed to parse (the row is rejected, they are never stored)
_NO_VALIDATION: tuple[ValidationStatus, date | None] = (ValidationStatus.PENDING, None)
_NONE_STR: tuple[str, ...] = ()
_NO_NEEDS: tuple[Need, ...] = ()
_NO_OFFERS: tuple[Offer, ...] = ()
_NO_EVIDENCE: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported: its 1-based data-row number, reason code and message."""

    row: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.code}: {self.message}"


@dataclass(frozen=True)
class ReadResult(Generic[T]):
    """What a reader made of a table."""

    accepted: tuple[T, ...]
    rejected: tuple[Rejection, ...]
    rows_read: int
    extra: dict[str, int] = field(default_factory=dict)


class _Cells:
    """A row seen through the mapping: ``cells["name"]`` is the mapped column's text."""

    def __init__(self, row: Row, columns: Mapping[str, str | None]) -> None:
        self.row = row
        self._columns = columns
        self.errors: list[RowError] = []

    def __getitem__(self, field_name: str) -> str:
        column = self._columns.get(field_name)
        return self.row.values.get(column, "") if column else ""

    def attempt(self, parse: Callable[[], V], default: V) -> V:
        """``parse()``, or ``default`` with the error kept: a row reports every bad cell at once,
        so a user fixes a file in one pass instead of one reason per attempt."""
        try:
            return parse()
        except RowError as exc:
            self.errors.append(exc)
            return default

    def check(self) -> None:
        """Raise the first kept error (``_read`` reports all of them)."""
        if self.errors:
            raise self.errors[0]


def slugify(text: str) -> str:
    """A lower-case, dash-separated id fragment."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "x"


def stable_id(prefix: str, *parts: str) -> str:
    """An id derived from content, so re-importing the same file updates the same entities."""
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:8]
    return f"{prefix}-{slugify(parts[0])}-{digest}"


def _read(
    table: Table,
    mapping: ColumnMapping,
    kind: str,
    build: Callable[[_Cells], T],
    key: Callable[[T], str],
) -> ReadResult[T]:
    mapping.check(kind, table.columns)
    columns = {f: mapping.column_for(f, table.columns) for f in FIELDS[kind]}
    accepted: list[T] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for row in table:
        cells = _Cells(row, columns)
        try:
            entity = build(cells)
            if key(entity) in seen:
                raise RowError("duplicate-id", f"id {key(entity)!r} appears twice in the file")
        except RowError as exc:
            reasons = cells.errors if exc in cells.errors else [*cells.errors, exc]
            rejected.extend(Rejection(row.number, e.code, str(e)) for e in reasons)
            continue
        seen.add(key(entity))
        accepted.append(entity)
    return ReadResult(tuple(accepted), tuple(rejected), len(table))


def _required_name(cells: _Cells) -> str:
    name = cells["name"]
    if not name:
        raise RowError("missing-name", "the name is empty")
    return name


def read_providers(table: Table, mapping: ColumnMapping) -> ReadResult[Provider]:
    """Providers (charities, social enterprises, community groups)."""

    def build(cells: _Cells) -> Provider:
        name = cells.attempt(lambda: _required_name(cells), "")
        kind_text = cells["kind"].lower().replace(" ", "_").replace("-", "_") or "charity"
        try:
            kind = ProviderKind(kind_text)
        except ValueError:
            allowed = ", ".join(k.value for k in ProviderKind)
            raise RowError("bad-value", f"kind {kind_text!r} is not one of {allowed}") from None
        cells.check()
        return Provider(
            id=cells["id"] or stable_id("prov", name),
            name=name,
            kind=kind,
            charity_number=cells["charity_number"] or None,
            website=cells["website"] or None,
        )

    return _read(table, mapping, "providers", build, lambda p: p.id)


def read_activities(
    table: Table,
    mapping: ColumnMapping,
    *,
    providers: Mapping[str, str],
    geocoder: Geocoder | None,
    today: date,
    assume_crs: int | None = None,
) -> ReadResult[Activity]:
    """Activities; ``providers`` maps known provider ids to names (a row may name either)."""
    by_name = {name.lower(): pid for pid, name in providers.items()}

    def build(cells: _Cells) -> Activity:
        name = cells.attempt(lambda: _required_name(cells), "")
        provider_id = cells.attempt(lambda: _provider(cells["provider_id"], providers, by_name), "")
        located = cells.attempt(lambda: _locate(cells, geocoder, assume_crs), None)
        status, until = cells.attempt(lambda: _validation(cells, today), _NO_VALIDATION)
        themes = cells.attempt(lambda: parse_themes(cells["themes"]), _NONE_STR)
        needs = cells.attempt(lambda: parse_needs(cells["needs"]), _NO_NEEDS)
        evidence = cells.attempt(lambda: _evidence(cells), _NO_EVIDENCE)
        active = cells.attempt(lambda: _flag(cells, "active", default=True), True)
        gap = cells.attempt(
            lambda: parse_optional_number(cells["funding_gap_gbp"], "funding_gap_gbp"), None
        )
        at_risk = cells.attempt(lambda: _flag(cells, "at_risk", default=False), False)
        cells.check()
        assert located is not None  # check() raised otherwise
        return Activity(
            id=cells["id"] or stable_id("act", name, provider_id, located.point.wkt),
            provider_id=provider_id,
            name=name,
            location=located.point,
            service_area=located.area,
            postcode=located.postcode,
            description=cells["description"],
            themes=themes,
            needs=needs,
            evidence=evidence,
            validation_status=status,
            validated_until=until,
            active=active,
            # the domain has no "unknown" gap yet: a missing cell is the model's default
            funding_gap_gbp=gap if gap is not None else Activity.funding_gap_gbp,
            at_risk=at_risk,
        )

    return _read(table, mapping, "activities", build, lambda a: a.id)


def _flag(cells: _Cells, field_name: str, *, default: bool) -> bool:
    return parse_bool(cells[field_name], field_name) if cells[field_name] else default


def _locate(cells: _Cells, geocoder: Geocoder | None, assume_crs: int | None) -> Located:
    return locate_row(
        geometry=cells.row.geometry,
        lon=cells["lon"],
        lat=cells["lat"],
        easting=cells["easting"],
        northing=cells["northing"],
        postcode=cells["postcode"],
        place=cells["place"],
        geocoder=geocoder,
        assume_crs=assume_crs,
    )


def _provider(text: str, providers: Mapping[str, str], by_name: Mapping[str, str]) -> str:
    if not text:
        raise RowError("unknown-provider", "no provider_id given")
    if text in providers:
        return text
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise RowError("unknown-provider", f"no provider with id or name {text!r}: import it first")


def _validation(cells: _Cells, today: date) -> tuple[ValidationStatus, date | None]:
    text = cells["validation_status"].lower() or "pending"
    try:
        status = ValidationStatus(text)
    except ValueError:
        allowed = ", ".join(s.value for s in ValidationStatus)
        raise RowError("bad-value", f"validation_status {text!r} is not one of {allowed}") from None
    until = (
        parse_date(cells["validated_until"], "validated_until")
        if cells["validated_until"]
        else None
    )
    if status is ValidationStatus.VALIDATED and until is None:
        raise RowError("bad-value", f"a validated activity needs validated_until ({DATE_FORMATS})")
    if status is ValidationStatus.VALIDATED and until is not None and until < today:
        status = ValidationStatus.LAPSED
    return status, until


def _evidence(cells: _Cells) -> tuple[Evidence, ...]:
    if not cells["evidence_title"]:
        return ()
    strength = 1
    if cells["evidence_strength"]:
        value = parse_number(cells["evidence_strength"], "evidence_strength")
        if not (1 <= value <= 5) or not value.is_integer():
            raise RowError("bad-value", "evidence_strength must be a whole number 1..5")
        strength = int(value)
    return (Evidence(cells["evidence_title"], cells["evidence_url"] or None, strength),)


def read_suppliers(
    table: Table,
    mapping: ColumnMapping,
    *,
    geocoder: Geocoder | None,
    assume_crs: int | None = None,
) -> ReadResult[Supplier]:
    """Suppliers, one row per site: rows sharing an id (or a name) make one supplier.

    Offers, sectors and description come from the supplier's first row that has them.
    """
    result = _read(
        table, mapping, "suppliers", lambda c: _site_row(c, geocoder, assume_crs), _site_key
    )
    grouped: dict[str, list[_SiteRow]] = {}
    for site_row in result.accepted:
        grouped.setdefault(site_row.supplier_id, []).append(site_row)
    suppliers = tuple(_merge_sites(rows) for rows in grouped.values())
    return ReadResult(suppliers, result.rejected, result.rows_read, {"sites": len(result.accepted)})


@dataclass(frozen=True)
class _SiteRow:
    supplier_id: str
    name: str
    site: Site
    description: str
    sectors: tuple[str, ...]
    offers_text: str


def _site_key(site_row: _SiteRow) -> str:
    return f"{site_row.supplier_id}/{site_row.site.id}"


def _site_row(cells: _Cells, geocoder: Geocoder | None, assume_crs: int | None) -> _SiteRow:
    name = cells.attempt(lambda: _required_name(cells), "")
    supplier_id = cells["id"] or stable_id("sup", name)
    located = cells.attempt(lambda: _locate(cells, geocoder, assume_crs), None)
    cells.attempt(lambda: parse_offers(cells["offers"]), _NO_OFFERS)  # reject now, not when merging
    cells.check()
    assert located is not None  # check() raised otherwise
    site = Site(
        id=cells["site_id"] or stable_id("site", supplier_id, located.point.wkt),
        name=cells["site_name"] or name,
        location=located.point,
        postcode=located.postcode,
    )
    sectors = tuple(s.strip().lower() for s in re.split(r"[,;]", cells["sectors"]) if s.strip())
    return _SiteRow(supplier_id, name, site, cells["description"], sectors, cells["offers"])


def _merge_sites(rows: list[_SiteRow]) -> Supplier:
    first = rows[0]
    return Supplier(
        id=first.supplier_id,
        name=first.name,
        sites=tuple(r.site for r in rows),
        offers=parse_offers(next((r.offers_text for r in rows if r.offers_text), "")),
        sectors=next((r.sectors for r in rows if r.sectors), ()),
        description=next((r.description for r in rows if r.description), ""),
    )


# --- buyers and tenders ------------------------------------------------------------------------

#: what a tender's status may be
TENDER_STATUSES: tuple[str, ...] = ("open", "closed", "awarded", "cancelled")


def read_buyers(
    table: Table, mapping: ColumnMapping, *, territories: Collection[str]
) -> ReadResult[Buyer]:
    """Public buyers (police, councils, NHS bodies...); ``territories``: the known territory
    codes a buyer's ``territory_code`` must be one of (empty: any)."""

    def build(cells: _Cells) -> Buyer:
        name = cells.attempt(lambda: _required_name(cells), "")
        kind = cells.attempt(lambda: _buyer_kind(cells["kind"]), BuyerKind.COUNCIL)
        territory = cells.attempt(lambda: _territory(cells, territories), None)
        cells.check()
        return Buyer(
            id=cells["id"] or stable_id("buyer", name),
            name=name,
            kind=kind,
            territory_code=territory,
        )

    return _read(table, mapping, "buyers", build, lambda b: b.id)


def _buyer_kind(text: str) -> BuyerKind:
    cleaned = re.sub(r"[\s&/-]+", "_", text.strip().lower()).replace("_and_", "_")
    try:
        return BuyerKind(cleaned)
    except ValueError:
        allowed = ", ".join(k.value for k in BuyerKind)
        raise RowError("bad-value", f"kind {text!r} is not one of {allowed}") from None


def _territory(cells: _Cells, territories: Collection[str]) -> str | None:
    code = cells["territory_code"].strip().upper()
    if not code:
        return None
    if territories and code not in territories:
        raise RowError("unknown-territory", f"territory_code {code} is no police territory")
    return code


@dataclass(frozen=True)
class _TenderRow:
    tender: Tender  # the row's tender fields (its own area or lot not yet merged)
    row: int
    lot: Lot | None
    area: Area | None


def read_tenders(
    table: Table,
    mapping: ColumnMapping,
    *,
    buyers: Mapping[str, Buyer],
    territories: Collection[str],
    area_of: Callable[[str], Area | None],
    check: Callable[[Tender], None] | None = None,
) -> ReadResult[Tender]:
    """Tenders, one row per tender or per lot: rows sharing an id make one tender, a row with
    ``lot_id`` or ``lot_name`` is one of its lots, a row without is its delivery area. An area
    is the row's (Multi)Polygon geometry (GeoJSON, GeoPackage), a ``wkt`` cell, or
    ``area_code``: a stored local authority or territory (``area_of``). ``buyer_id`` is a
    buyer's id or exact name (import buyers first); ``territory_code`` defaults to the
    buyer's. ``check`` runs every rule a stored tender keeps on each merged tender (dates,
    lots inside the territory, on land): a tender it refuses is rejected at its first row."""
    by_name = {b.name.lower(): b for b in buyers.values()}

    def build(cells: _Cells) -> _TenderRow:
        title = cells["title"]
        if not title:
            cells.errors.append(RowError("missing-title", "the title is empty"))
        buyer = cells.attempt(lambda: _buyer(cells["buyer_id"], buyers, by_name), None)
        territory = cells.attempt(lambda: _territory(cells, territories), None)
        priorities = cells.attempt(lambda: parse_themes(cells["priorities"]), _NONE_STR)
        value = cells.attempt(
            lambda: parse_optional_number(cells["contract_value_gbp"], "contract_value_gbp"),
            None,
        )
        opens = cells.attempt(lambda: _optional_date(cells, "opens"), None)
        closes = cells.attempt(lambda: _optional_date(cells, "closes"), None)
        status = cells.attempt(lambda: _status(cells["status"]), "open")
        before = len(cells.errors)
        area = cells.attempt(lambda: _area(cells, area_of), None)
        lot_name = cells["lot_name"] or cells["lot_id"]
        if lot_name and area is None and len(cells.errors) == before:  # not said twice
            cells.errors.append(RowError("missing-area", f"lot {lot_name!r} has no area"))
        cells.check()
        assert buyer is not None  # check() raised otherwise
        tender = Tender(
            id=cells["id"] or stable_id("tender", title, buyer.id),
            buyer_id=buyer.id,
            title=title,
            territory_code=territory or buyer.territory_code,
            priorities=priorities,
            contract_value_gbp=value,  # an empty cell: not stated, not £0
            description=cells["description"],
            opens=opens,
            closes=closes,
            status=status,
        )
        lot = None
        if lot_name and area is not None:
            lot_id = cells["lot_id"] or stable_id("lot", lot_name, tender.id)
            lot = Lot(lot_id, cells["lot_name"] or lot_id, area)
        return _TenderRow(tender, cells.row.number, lot, area)

    result = _read(table, mapping, "tenders", build, _tender_row_key)
    rejected = list(result.rejected)
    tenders: list[Tender] = []
    for group in _group_rows(list(result.accepted)).values():
        tender = _merge_tender(group)
        try:
            if check is not None:
                check(tender)
        except (DomainError, ValueError) as exc:  # the broken rule, in its own words
            code = getattr(exc, "code", "")  # the rule's problem type (outside-uk...)
            generic = not isinstance(code, str) or code in ("", "invalid-input", "domain-error")
            rejected.append(
                Rejection(group[0].row, "invalid-tender" if generic else code, str(exc))
            )
            continue
        tenders.append(tender)
    lots = sum(len(t.lots) for t in tenders)
    return ReadResult(tuple(tenders), tuple(rejected), result.rows_read, {"lots": lots})


def _tender_row_key(row: _TenderRow) -> str:
    return f"{row.tender.id}/{row.lot.id if row.lot else ''}"


def _group_rows(rows: list[_TenderRow]) -> dict[str, list[_TenderRow]]:
    grouped: dict[str, list[_TenderRow]] = {}
    for row in rows:
        grouped.setdefault(row.tender.id, []).append(row)
    return grouped


def _merge_tender(rows: list[_TenderRow]) -> Tender:
    """The first row's fields, the lots of every lot row, the area of the row without a lot."""
    first = rows[0].tender
    delivery = next((r.area for r in rows if r.lot is None and r.area is not None), None)
    return replace(
        first,
        delivery_area=delivery,
        lots=tuple(r.lot for r in rows if r.lot is not None),
        description=next((r.tender.description for r in rows if r.tender.description), ""),
    )


def _buyer(text: str, buyers: Mapping[str, Buyer], by_name: Mapping[str, Buyer]) -> Buyer:
    if not text:
        raise RowError("unknown-buyer", "no buyer_id given")
    found = buyers.get(text) or by_name.get(text.lower())
    if found is None:
        raise RowError("unknown-buyer", f"no buyer with id or name {text!r}: import it first")
    return found


def _optional_date(cells: _Cells, field_name: str) -> date | None:
    return parse_date(cells[field_name], field_name) if cells[field_name] else None


def _status(text: str) -> str:
    status = text.strip().lower() or "open"
    if status not in TENDER_STATUSES:
        raise RowError("bad-value", f"status {text!r} is not one of {', '.join(TENDER_STATUSES)}")
    return status


def _area(cells: _Cells, area_of: Callable[[str], Area | None]) -> Area | None:
    """The row's area: its geometry, its ``wkt`` cell, or the stored area of ``area_code``;
    none for a row an export drew as its territory (``area_source`` = ``territory``)."""
    if cells["area_source"].strip().lower() == TERRITORY_AREA:
        return None
    geometry: BaseGeometry | None = cells.row.geometry
    if geometry is None and cells["wkt"]:
        try:
            geometry = shapely.from_wkt(cells["wkt"])
        except shapely.errors.GEOSException:
            raise RowError("bad-geometry", "wkt is not a readable geometry") from None
    if geometry is None and cells["area_code"]:
        code = cells["area_code"].strip().upper()
        found = area_of(code)
        if found is None:
            raise RowError("unknown-area", f"area_code {code} is no stored area")
        return found
    if geometry is None or geometry.is_empty:
        return None
    if not isinstance(geometry, Polygon | MultiPolygon):
        raise RowError("bad-geometry", f"a tender's area is a polygon, not a {geometry.geom_type}")
    return geometry
