"""The demo dataset: seeded, reproducible, at real places in all 45 police territories.

Pure: territories (with geometry), local authorities, real places and postcodes in; plain
entities and SPO scenarios out. The same inputs, ``seed``, ``scale`` and ``today`` always give
the same dataset. Activities sit on real Code-Point Open postcodes near real GeoNames towns
inside their territory (Northern Ireland, which Code-Point Open does not cover, on the GeoNames
place itself) — never at random points. SPOs are *scenarios* (who, what, which target state):
``demo.driver`` drives them through the real SPO services so audit logs and hashes are
real.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import Point

from datasets.fields import parse_needs, parse_offers
from datasets.places import Place, Postcodes, lon_lat_to_bng
from demo import catalogue as cat
from demo.people import make_buyers, make_plans, make_tenders
from demo.spos import SpoLinePlan, SpoScenario, scenarios_for
from domain.model import (
    Activity,
    Buyer,
    Evidence,
    LocalAuthority,
    PolicePlan,
    Provider,
    Site,
    Supplier,
    Tender,
    Territory,
)
from domain.vocabulary import ProviderKind, ValidationStatus

POSTCODE_RADIUS_M = 3_000.0
POSTCODE_STRIDE = 8

__all__ = ["DemoDataset", "SpoLinePlan", "SpoScenario", "build_demo_dataset"]


@dataclass(frozen=True)
class DemoDataset:
    """Everything the demo puts in the store, parents first."""

    providers: tuple[Provider, ...]
    activities: tuple[Activity, ...]
    suppliers: tuple[Supplier, ...]
    buyers: tuple[Buyer, ...]
    plans: tuple[PolicePlan, ...]
    tenders: tuple[Tender, ...]
    spos: tuple[SpoScenario, ...]
    counts: dict[str, int] = field(default_factory=dict)


class _Placer:
    """Real points inside a territory: postcodes near GeoNames towns, else the town itself."""

    def __init__(self, places: Sequence[Place], postcodes: Postcodes | None) -> None:
        self.places = list(places)
        self.lons = np.array([p.lon for p in self.places])
        self.lats = np.array([p.lat for p in self.places])
        # one postcode in eight still leaves dozens within reach of any town, builds 8x faster
        self.postcodes = _every_nth(postcodes, POSTCODE_STRIDE) if postcodes is not None else None
        self.tree = (
            cKDTree(np.column_stack([self.postcodes.easting, self.postcodes.northing]))
            if self.postcodes is not None
            else None
        )
        self.used: set[int] = set()

    def towns_in(self, territory: Territory) -> list[Place]:
        if territory.geometry is None:
            return []
        inside = shapely.contains_xy(territory.geometry, self.lons, self.lats)
        return [self.places[i] for i in np.flatnonzero(inside)]

    def point_near(
        self, town: Place, territory: Territory, rng: np.random.Generator
    ) -> tuple[Point, str | None]:
        if self.tree is None or self.postcodes is None or territory.geometry is None:
            return Point(town.lon, town.lat), None
        candidates = self.tree.query_ball_point(
            lon_lat_to_bng(town.lon, town.lat), POSTCODE_RADIUS_M
        )
        candidates = sorted(i for i in candidates if i not in self.used)
        rng.shuffle(candidates)
        pc = self.postcodes
        for i in candidates[:20]:
            if shapely.contains_xy(territory.geometry, pc.lon[i], pc.lat[i]):
                self.used.add(i)
                return Point(float(pc.lon[i]), float(pc.lat[i])), str(pc.codes[i])
        return Point(town.lon, town.lat), None


def _every_nth(postcodes: Postcodes, step: int) -> Postcodes:
    return Postcodes(
        postcodes.codes[::step],
        postcodes.lon[::step],
        postcodes.lat[::step],
        postcodes.easting[::step],
        postcodes.northing[::step],
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def build_demo_dataset(
    territories: Sequence[Territory],
    local_authorities: Sequence[LocalAuthority],
    places: Sequence[Place],
    postcodes: Postcodes | None,
    *,
    seed: int = 42,
    scale: float = 1.0,
    today: date,
) -> DemoDataset:
    """The demo dataset for these territories; ``scale`` multiplies how many of everything."""
    rng = np.random.default_rng(seed)
    placer = _Placer(places, postcodes)
    ordered = sorted(territories, key=lambda t: t.code)
    providers: dict[str, Provider] = {}
    activities: list[Activity] = []
    by_territory: dict[str, list[Activity]] = {}
    towns_by_territory: dict[str, list[Place]] = {}
    for territory in ordered:
        towns = placer.towns_in(territory) or [_centre_place(territory)]
        towns_by_territory[territory.code] = towns
        base = 40 if territory.code == cat.THAMES_VALLEY else 10
        least = len(_FIXED_STATUSES) + 4 if territory.code == cat.THAMES_VALLEY else 3
        count = max(least, round(base * scale))
        own = _territory_activities(territory, towns, count, placer, providers, rng, today)
        by_territory[territory.code] = own
        activities += own
    suppliers = _suppliers(ordered, towns_by_territory, placer, rng, scale)
    buyers = make_buyers(ordered, local_authorities, rng)
    tenders = make_tenders(ordered, buyers, local_authorities, rng, scale, today)
    spos = scenarios_for(ordered, by_territory, suppliers, tenders, rng, today)
    dataset = DemoDataset(
        providers=tuple(sorted(providers.values(), key=lambda p: p.id)),
        activities=tuple(activities),
        suppliers=suppliers,
        buyers=buyers.all,
        plans=make_plans(ordered),
        tenders=tenders,
        spos=spos,
    )
    counts = {
        name: len(getattr(dataset, name))
        for name in ("providers", "activities", "suppliers", "buyers", "plans", "tenders", "spos")
    }
    return replace(dataset, counts=counts)


def _centre_place(territory: Territory) -> Place:
    """A territory with no GeoNames town (never in the bundled data): its interior point."""
    assert territory.geometry is not None, f"{territory.code} has no geometry"
    inside = territory.geometry.representative_point()
    return Place(territory.name, territory.name, "", inside.x, inside.y)


_STATUS_WEIGHTS = (
    (ValidationStatus.VALIDATED, 0.75),
    (ValidationStatus.PENDING, 0.10),
    (ValidationStatus.DECLINED, 0.07),
    (ValidationStatus.LAPSED, 0.08),
)


def _territory_activities(
    territory: Territory,
    towns: list[Place],
    count: int,
    placer: _Placer,
    providers: dict[str, Provider],
    rng: np.random.Generator,
    today: date,
) -> list[Activity]:
    chosen = [towns[int(i)] for i in rng.choice(len(towns), size=count, replace=len(towns) < count)]
    templates = cat.ACTIVITY_TEMPLATES
    result = []
    for n, town in enumerate(chosen):
        fitting = [t for t in templates if not (t.rural and territory.code in cat.URBAN)]
        template = fitting[int(rng.integers(len(fitting)))]
        provider = _provider_for(template, town, territory, providers, rng)
        point, postcode = placer.point_near(town, territory, rng)
        fixed = _FIXED_STATUSES.get(n) if territory.code == cat.THAMES_VALLEY else None
        status = fixed[0] if fixed else None
        status = status or (ValidationStatus.VALIDATED if n < 2 else _pick_status(rng))
        until = _valid_until(status, rng, today)
        if fixed and fixed[1] is not None:
            until = today + timedelta(days=fixed[1])
        result.append(
            Activity(
                id=f"act-{territory.code.lower()}-{n + 1:03d}",
                provider_id=provider.id,
                name=template.name.format(town=town.name),
                location=point,
                postcode=postcode,
                description=template.description,
                themes=template.themes,
                needs=parse_needs(template.needs),
                evidence=_evidence(template, rng),
                validation_status=status,
                validated_until=until,
                funding_gap_gbp=float(rng.integers(0, 40) * 1000),
                at_risk=bool(rng.random() < 0.15),
                active=status is not ValidationStatus.DECLINED or bool(rng.random() < 0.5),
            )
        )
    return result


def _provider_for(
    template: cat.ActivityTemplate,
    town: Place,
    territory: Territory,
    providers: dict[str, Provider],
    rng: np.random.Generator,
) -> Provider:
    # about a third of activities are run by the territory's umbrella charity (several branches)
    umbrella = rng.random() < 0.35
    name = (
        cat.UMBRELLA_PROVIDER.format(territory=territory.name)
        if umbrella
        else template.provider.format(town=town.name)
    )
    pid = f"prov-{_slug(name)}-{territory.code.lower()}"
    if pid not in providers:
        kind = ProviderKind.SOCIAL_ENTERPRISE if "CIC" in name else ProviderKind.CHARITY
        number = (
            str(1_100_000 + int(rng.integers(0, 99_999))) if kind is ProviderKind.CHARITY else None
        )
        providers[pid] = Provider(pid, name, kind, number, f"https://example.org/{_slug(name)}")
    return providers[pid]


#: Thames Valley always shows every validation state, whatever the seed, and gives the demo
#: validator a queue: activities waiting for a first decision, and validations about to lapse
#: (status, days left of the validation)
_FIXED_STATUSES: dict[int, tuple[ValidationStatus, int | None]] = {
    2: (ValidationStatus.PENDING, None),
    3: (ValidationStatus.DECLINED, None),
    4: (ValidationStatus.LAPSED, None),
    5: (ValidationStatus.PENDING, None),
    6: (ValidationStatus.VALIDATED, 9),
    7: (ValidationStatus.PENDING, None),
    8: (ValidationStatus.VALIDATED, 20),
}


def _pick_status(rng: np.random.Generator) -> ValidationStatus:
    weights = np.array([w for _, w in _STATUS_WEIGHTS])
    return _STATUS_WEIGHTS[int(rng.choice(len(weights), p=weights / weights.sum()))][0]


def _valid_until(status: ValidationStatus, rng: np.random.Generator, today: date) -> date | None:
    if status is ValidationStatus.VALIDATED:
        return today + timedelta(days=int(rng.integers(30, 360)))
    if status is ValidationStatus.LAPSED:
        return today - timedelta(days=int(rng.integers(1, 120)))
    return None


def _evidence(template: cat.ActivityTemplate, rng: np.random.Generator) -> tuple[Evidence, ...]:
    strength = int(rng.integers(1, 6))
    kinds = {
        1: "case studies",
        2: "annual outcomes report",
        3: "before/after monitoring",
        4: "matched comparison",
        5: "independent evaluation",
    }
    people = float(round(template.people_per_year * (0.5 + rng.random())))
    return (Evidence(f"{kinds[strength].capitalize()}", None, strength, template.outcome, people),)


def _suppliers(
    territories: list[Territory],
    towns: dict[str, list[Place]],
    placer: _Placer,
    rng: np.random.Generator,
    scale: float,
) -> tuple[Supplier, ...]:
    count = max(len(cat.SUPPLIER_TEMPLATES), round(60 * scale))
    weights = np.array([6.0 if t.code == cat.THAMES_VALLEY else 1.0 for t in territories])
    suppliers: dict[str, Supplier] = {}
    for n in range(count):
        territory = territories[int(rng.choice(len(territories), p=weights / weights.sum()))]
        template = cat.SUPPLIER_TEMPLATES[n % len(cat.SUPPLIER_TEMPLATES)]
        local = towns[territory.code]
        home = local[int(rng.integers(len(local)))]
        name = template.name.format(place=home.name)
        sid = f"sup-{_slug(name)}"
        if sid in suppliers:
            continue
        sites = []
        for k in range(int(rng.integers(1, 4))):
            town = home if k == 0 else local[int(rng.integers(len(local)))]
            point, postcode = placer.point_near(town, territory, rng)
            sites.append(Site(f"{sid}-site-{k + 1}", f"{town.name} site", point, postcode))
        suppliers[sid] = Supplier(
            sid,
            name,
            tuple(sites),
            parse_offers(template.offers),
            template.sectors,
            template.description,
        )
    return tuple(suppliers[k] for k in sorted(suppliers))
