"""Demo buyers, Police & Crime Plans and tender lots (pure; see ``demo.dataset``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from demo import catalogue as cat
from domain.model import Buyer, LocalAuthority, Lot, PolicePlan, Tender, Territory
from domain.vocabulary import BuyerKind


@dataclass(frozen=True)
class DemoBuyers:
    """Every demo buyer; the police force of each territory first."""

    all: tuple[Buyer, ...]

    def in_territory(self, code: str) -> list[Buyer]:
        """The territory's buyers, its police force first."""
        own = [b for b in self.all if b.territory_code == code]
        return sorted(own, key=lambda b: (b.kind is not BuyerKind.POLICE, b.id))

    def police(self, code: str) -> Buyer:
        return next(b for b in self.all if b.territory_code == code and b.kind is BuyerKind.POLICE)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


def make_buyers(
    territories: Sequence[Territory],
    local_authorities: Sequence[LocalAuthority],
    rng: np.random.Generator,
) -> DemoBuyers:
    """Each territory's police force; councils (all of Thames Valley's, one in four elsewhere);
    the NHS bodies and fire services of ``demo_catalogue``."""
    buyers: list[Buyer] = []
    codes = {t.code for t in territories}
    for territory in territories:
        buyers.append(
            Buyer(
                f"buyer-police-{territory.code.lower()}",
                territory.force_name,
                BuyerKind.POLICE,
                territory.code,
            )
        )
    by_territory: dict[str, list[LocalAuthority]] = {}
    for la in sorted(local_authorities, key=lambda x: x.code):
        if la.territory_code in codes:
            by_territory.setdefault(la.territory_code, []).append(la)
    for code, las in sorted(by_territory.items()):
        picked = las if code == cat.THAMES_VALLEY else las[:1] if rng.random() < 0.25 else []
        for la in picked:
            buyers.append(
                Buyer(
                    f"buyer-council-{la.code.lower()}",
                    f"{la.name} Council",
                    BuyerKind.COUNCIL,
                    code,
                )
            )
    for table, kind in ((cat.NHS_BUYERS, BuyerKind.NHS), (cat.FIRE_BUYERS, BuyerKind.FIRE_RESCUE)):
        for code, names in sorted(table.items()):
            if code in codes:
                buyers += [Buyer(f"buyer-{kind.value}-{_slug(n)}", n, kind, code) for n in names]
    return DemoBuyers(tuple(buyers))


def make_plans(territories: Sequence[Territory]) -> tuple[PolicePlan, ...]:
    """Thames Valley's published priorities (with source); the marked dicm default elsewhere."""
    plans = []
    for territory in territories:
        if territory.code == cat.THAMES_VALLEY:
            plans.append(
                PolicePlan(
                    territory.code,
                    1,
                    cat.THAMES_VALLEY_PLAN_TITLE,
                    cat.THAMES_VALLEY_PLAN_FROM,
                    cat.THAMES_VALLEY_PRIORITIES,
                    cat.THAMES_VALLEY_PLAN_SOURCE,
                )
            )
        else:
            plans.append(
                PolicePlan(
                    territory.code,
                    1,
                    cat.DEFAULT_PLAN_TITLE,
                    cat.DEFAULT_PLAN_FROM,
                    cat.DEFAULT_PRIORITIES,
                    cat.DEFAULT_PLAN_SOURCE,
                )
            )
    return tuple(plans)


def tender_lots(
    territory: Territory, local_authorities: Sequence[LocalAuthority]
) -> tuple[Lot, ...]:
    """Geographic lots (Wigan-style): up to four of the territory's local authorities."""
    own = [
        la
        for la in sorted(local_authorities, key=lambda x: x.code)
        if la.territory_code == territory.code and la.geometry is not None
    ]
    return tuple(
        Lot(f"lot-{territory.code.lower()}-{n + 1}", f"Lot {n + 1}: {la.name}", la.geometry)
        for n, la in enumerate(own[:4])
        if la.geometry is not None
    )


def make_tenders(
    territories: list[Territory],
    buyers: DemoBuyers,
    local_authorities: Sequence[LocalAuthority],
    rng: np.random.Generator,
    scale: float,
    today: date,
) -> tuple[Tender, ...]:
    """Tenders in every territory (six in Thames Valley, never fewer than three), the first
    with its delivery area (the territory) and geographic lots inside it."""
    tenders = []
    for territory in territories:
        own = buyers.in_territory(territory.code)
        tv = territory.code == cat.THAMES_VALLEY
        per = max(3 if tv else 1, round((6 if tv else 1) * max(scale, 0.2)))
        for n in range(per):
            buyer = own[n % len(own)]
            subject, _, value = cat.TENDER_SUBJECTS[int(rng.integers(len(cat.TENDER_SUBJECTS)))]
            plan_themes = [p.theme for p in make_plans([territory])[0].priorities]
            lots = tender_lots(territory, local_authorities) if n == 0 else ()
            tenders.append(
                Tender(
                    id=f"tender-{territory.code.lower()}-{n + 1}",
                    buyer_id=buyer.id,
                    title=f"{buyer.name}: {subject} {today.year + 1}-{today.year + 4}",
                    territory_code=territory.code,
                    delivery_area=territory.geometry if n == 0 else None,
                    lots=lots,
                    priorities=tuple(plan_themes[:3]),
                    contract_value_gbp=value * float(0.5 + rng.random()),
                    opens=today - timedelta(days=365),  # SPOs awarded over a year
                    closes=today + timedelta(days=int(rng.integers(10, 90))),
                    description=f"{subject} for {territory.name}.",
                )
            )
    return tuple(tenders)
