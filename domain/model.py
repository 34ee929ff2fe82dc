"""dicm's entities. Geometries are shapely objects in EPSG:4326 (lon, lat).

Entities are frozen: an update is a new value (``dataclasses.replace``) that the store writes
with optimistic locking on ``version``. Ids are strings chosen by the caller (slugs or UUIDs);
ONS codes are the ids of geography.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shapely.geometry import MultiPolygon, Point, Polygon

from domain.vocabulary import BuyerKind, ProviderKind, Role, SupportType, ValidationStatus

Area = Polygon | MultiPolygon


# --- geography -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """An ITL1 region (9 English regions, Wales, Scotland, Northern Ireland)."""

    code: str  # ITL1 code (TLC..TLN) or ONS region code (E12...)
    name: str
    geometry: Area | None = None


@dataclass(frozen=True)
class PlanPriority:
    """One priority of a Police & Crime Plan, expressed as a theme code plus the plan's words."""

    theme: str
    title: str
    weight: float = 1.0


@dataclass(frozen=True)
class PolicePlan:
    """A version of a territory's Police & Crime Plan. Versions never change once written."""

    territory_code: str
    version: int
    title: str
    valid_from: date
    priorities: tuple[PlanPriority, ...]
    source: str  # where the priorities come from (URL or "dicm default")
    valid_until: date | None = None  # the plan's last day (None: until the next version)

    def is_in_force(self, on: date) -> bool:
        """True from ``valid_from`` to ``valid_until`` inclusive."""
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class Territory:
    """A police territory: one of 43 E&W police force areas, Police Scotland or PSNI."""

    code: str  # PFA23CD (E23/W15) or country code for Scotland/NI
    name: str
    force_name: str
    pcc_name: str  # the Commissioner's office (or equivalent body for Scotland / NI)
    region_code: str | None = None
    geometry: Area | None = None


@dataclass(frozen=True)
class LocalAuthority:
    """A local authority district; nests in one territory and one region."""

    code: str  # LAD code (E06/E07/E08/E09/W06/S12/N09)
    name: str
    territory_code: str | None = None
    region_code: str | None = None
    geometry: Area | None = None


@dataclass(frozen=True)
class SmallArea:
    """An area below the council that ONS publishes boundaries for: a community safety
    partnership (``csp``: E22/W14, the council-level partnership police work through) or an
    LSOA (``lsoa``: E01/W01). Stored as its own kind so CSP- and LSOA-keyed data has an area to
    draw; its council and territory are where its representative point falls."""

    code: str
    name: str
    level: str  # csp | lsoa
    local_authority_code: str | None = None
    territory_code: str | None = None
    geometry: Area | None = None


@dataclass(frozen=True)
class AreaChain:
    """Where a point is: local authority -> territory -> region (codes), plus its H3 cell."""

    lon: float
    lat: float
    local_authority_code: str | None
    territory_code: str | None
    region_code: str | None
    h3_cell: int | None = None
    note: str | None = None  # e.g. "nearest territory: point at sea within 2 km of the coast"
    distance_m: float | None = None  # set only near the coast: metres to the area given


# --- organisations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    """A charity or social enterprise that runs dual-impact activities."""

    id: str
    name: str
    kind: ProviderKind = ProviderKind.CHARITY
    charity_number: str | None = None
    website: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Need:
    """What an activity needs: a support type, how much, in what unit, and for what."""

    support_type: SupportType
    description: str = ""
    amount: float | None = None
    unit: str | None = None  # "GBP", "hours", "people", "items"
    sector: str | None = None  # for skills: e.g. "construction", "digital"


@dataclass(frozen=True)
class Evidence:
    """Evidence of dual impact: a report, evaluation or outcome measure."""

    title: str
    url: str | None = None
    strength: int = 1  # 1 anecdotal .. 5 independent evaluation
    outcome: str | None = None  # e.g. "youth_reoffending_reduction"
    quantity: float | None = None  # e.g. people helped per year


@dataclass(frozen=True)
class Activity:
    """A local programme/service/project delivering dual impact, positioned on the map."""

    id: str
    provider_id: str
    name: str
    location: Point
    description: str = ""
    themes: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    service_area: Area | None = None
    validation_status: ValidationStatus = ValidationStatus.PENDING
    validated_until: date | None = None
    active: bool = True
    funding_gap_gbp: float = 0.0
    at_risk: bool = False
    postcode: str | None = None
    local_authority_code: str | None = None  # filled by the store from the location
    territory_code: str | None = None
    region_code: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Offer:
    """What a supplier can give: support type, capacity, and sector for skills."""

    support_type: SupportType
    amount: float | None = None
    unit: str | None = None
    sector: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Site:
    """A supplier's site (office, depot, store) from which it can reach activities."""

    id: str
    name: str
    location: Point
    postcode: str | None = None


@dataclass(frozen=True)
class Supplier:
    """A business bidding for public contracts."""

    id: str
    name: str
    sites: tuple[Site, ...] = ()
    offers: tuple[Offer, ...] = ()
    sectors: tuple[str, ...] = ()
    description: str = ""
    version: int = 1


@dataclass(frozen=True)
class Buyer:
    """A public body buying through tenders: police, council, NHS, fire, justice, university."""

    id: str
    name: str
    kind: BuyerKind
    territory_code: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Lot:
    """A geographic lot of a tender (Wigan let its homecare framework in eight)."""

    id: str
    name: str
    area: Area


@dataclass(frozen=True)
class Tender:
    """A procurement: its delivery area or lots, its priorities and contract value."""

    id: str
    buyer_id: str
    title: str
    territory_code: str | None = None
    delivery_area: Area | None = None
    lots: tuple[Lot, ...] = ()
    priorities: tuple[str, ...] = ()  # theme codes
    #: None: not stated (an import's empty cell), never read as £0
    contract_value_gbp: float | None = 0.0
    description: str = ""
    opens: date | None = None
    closes: date | None = None
    status: str = "open"  # open | closed | awarded | cancelled
    version: int = 1


@dataclass(frozen=True)
class Contract:
    """An awarded contract: the winning supplier and its locked SPO."""

    id: str
    tender_id: str
    supplier_id: str
    awarded_at: datetime
    spo_id: str | None = None
    value_gbp: float = 0.0
    version: int = 1


@dataclass(frozen=True)
class Account:
    """A person or system acting in one role for one organisation (and, where it applies, one
    territory). Only the hash of its bearer token is stored, and of its web password (argon2)
    when it has one; without one it cannot sign in to the web pages."""

    id: str
    name: str
    role: Role
    organisation_id: str | None = None  # supplier, provider, buyer id; None for admin/validator
    territory_code: str | None = None  # validator and PCC office accounts
    token_hash: str = ""
    password_hash: str | None = None
    active: bool = True
    version: int = 1


@dataclass(frozen=True)
class AuditEntry:
    """One append-only record: who did what to which entity, when and why."""

    actor: str
    action: str
    entity_type: str
    entity_id: str
    at: datetime
    reason: str | None = None
    detail: dict[str, object] = field(default_factory=dict)
    id: int | None = None  # assigned by the store
