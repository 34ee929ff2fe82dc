"""A small two-territory world for the API tests: Thames Valley and Hampshire, one provider,
supplier and buyer on each side, accounts of every role, activities in every state.

Boundaries are boxes (test fixtures, not real shapes); codes are real ONS codes so problems
about unknown codes are realistic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shapely.geometry import Point, box

from domain.model import Account, LocalAuthority, PlanPriority, PolicePlan, Region, Territory
from domain.vocabulary import BuyerKind, Role, SupportType, ValidationStatus
from services import spo as spo_service
from services.accounts import create_account
from spo.model import Milestone, Spo
from spo.scoring import QUALITATIVE_PARTS, Mark
from store.port import Store
from tests.builders import make_activity, make_buyer, make_provider, make_supplier, make_tender

TV = "E23000029"  # Thames Valley police force area (fixture boundary)
HANTS = "E23000030"  # Hampshire police force area (fixture boundary)
READING = "E06000038"
OXFORD = "E07000178"
SOUTHAMPTON = "E06000045"
SOUTH_EAST = "E12000008"

#: account id -> (role, organisation, territory)
ACCOUNTS: dict[str, tuple[Role, str | None, str | None]] = {
    "admin": (Role.ADMIN, None, None),
    "supplier": (Role.SUPPLIER, "sup-1", None),
    "supplier2": (Role.SUPPLIER, "sup-2", None),
    "provider": (Role.PROVIDER, "prov-1", None),
    "provider2": (Role.PROVIDER, "prov-2", None),
    "validator": (Role.VALIDATOR, None, TV),
    "buyer": (Role.BUYER, "buyer-1", None),
    "buyer2": (Role.BUYER, "buyer-2", None),
    "pcc": (Role.PCC_OFFICE, None, TV),
    "pcc2": (Role.PCC_OFFICE, None, HANTS),
}


@dataclass(frozen=True)
class World:
    tokens: dict[str, str]

    def auth(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}


def seed(store: Store) -> World:
    """Put the fixture world in ``store`` and return the account tokens."""
    store.put_many(
        [
            Region(SOUTH_EAST, "South East", box(-2.0, 50.5, -0.3, 52.3)),
            Territory(
                TV,
                "Thames Valley",
                "Thames Valley Police",
                "Thames Valley PCC",
                SOUTH_EAST,
                box(-1.7, 51.3, -0.4, 52.2),
            ),
            Territory(
                HANTS,
                "Hampshire",
                "Hampshire Constabulary",
                "Hampshire PCC",
                SOUTH_EAST,
                box(-1.9, 50.7, -0.8, 51.3),
            ),
            LocalAuthority(READING, "Reading", TV, SOUTH_EAST, box(-1.1, 51.4, -0.9, 51.5)),
            LocalAuthority(OXFORD, "Oxford", TV, SOUTH_EAST, box(-1.35, 51.7, -1.15, 51.8)),
            LocalAuthority(
                SOUTHAMPTON, "Southampton", HANTS, SOUTH_EAST, box(-1.5, 50.85, -1.3, 50.96)
            ),
        ]
    )
    store.put_plan(
        PolicePlan(
            TV,
            1,
            "Police and Crime Plan 2021-2025",
            date(2021, 7, 1),
            (PlanPriority("serious_violence", "Serious violence"),),
            "test fixture",
        )
    )
    southampton = (-1.40, 50.90)
    store.put_many(
        [
            make_provider(),
            make_provider(id="prov-2", name="Solent Youth"),
            make_supplier(),
            make_supplier(id="sup-2", name="Solent Ships", sites=()),
            make_buyer(territory_code=TV),
            make_buyer(
                id="buyer-2",
                name="Hampshire Constabulary",
                kind=BuyerKind.POLICE,
                territory_code=HANTS,
            ),
        ]
    )
    store.put_many(
        [
            make_activity(),
            make_activity(
                id="act-pending",
                name="Pending club",
                validation_status=ValidationStatus.PENDING,
                validated_until=None,
            ),
            make_activity(id="act-oxford", lon_lat=(-1.2577, 51.7520)),
            make_activity(
                id="act-declined",
                validation_status=ValidationStatus.DECLINED,
                validated_until=None,
                lon_lat=(-1.26, 51.75),
            ),
            make_activity(id="act-soton", provider_id="prov-2", lon_lat=southampton),
            make_activity(
                id="act-soton-pending",
                provider_id="prov-2",
                lon_lat=southampton,
                validation_status=ValidationStatus.PENDING,
                validated_until=None,
            ),
            make_tender(territory_code=TV),
            make_tender(
                id="tender-2",
                buyer_id="buyer-2",
                territory_code=HANTS,
                delivery_area=box(-1.6, 50.8, -1.2, 51.0),
            ),
        ]
    )
    tokens = {}
    accounts = {}
    for name, (role, org, territory) in ACCOUNTS.items():
        accounts[name], tokens[name] = create_account(
            store, id_=name, name=name, role=role, organisation_id=org, territory_code=territory
        )
    seed_spos(store, accounts)
    return World(tokens)


def _drafted(store: Store, who: Account, spo_id: str, tender_id: str, activity_id: str) -> Spo:
    spo = spo_service.create_draft(store, actor=who, spo_id=spo_id, tender_id=tender_id)
    return spo_service.add_line(
        store,
        spo_id,
        actor=who,
        expected_version=spo.version,
        line_id="l1",
        activity_id=activity_id,
        support_type=SupportType.CASH,
        amount=5000.0,
        unit="GBP",
        priority="serious_violence",
        milestones=(Milestone(date(2027, 6, 30), 2500.0), Milestone(date(2027, 12, 31), 5000.0)),
    )


def seed_spos(store: Store, accounts: dict[str, Account]) -> None:
    """spo-draft (sup-1, tender-1), spo-sub (sup-2, tender-1, submitted), spo-hants (sup-2,
    tender-2, submitted) and spo-live (sup-1, tender-1, awarded and in delivery)."""
    _drafted(store, accounts["supplier"], "spo-draft", "tender-1", "act-1")
    for spo_id, tender_id, act in (
        ("spo-sub", "tender-1", "act-oxford"),
        ("spo-hants", "tender-2", "act-soton"),
    ):
        spo = _drafted(store, accounts["supplier2"], spo_id, tender_id, act)
        spo_service.submit(store, spo_id, actor=accounts["supplier2"], expected_version=spo.version)
    spo = _drafted(store, accounts["supplier"], "spo-live", "tender-1", "act-1")
    buyer = accounts["buyer"]
    spo = spo_service.submit(
        store, spo.id, actor=accounts["supplier"], expected_version=spo.version
    )
    marks = {q: Mark(3, "good") for q in QUALITATIVE_PARTS}
    spo = spo_service.score(store, spo.id, actor=buyer, expected_version=spo.version, marks=marks)
    spo, _ = spo_service.award(store, spo.id, actor=buyer, expected_version=spo.version)
    spo = spo_service.start_delivery(store, spo.id, actor=buyer, expected_version=spo.version)
    spo_service.report_progress(
        store,
        spo.id,
        actor=accounts["provider"],
        report_id="rep-1",
        line_id="l1",
        amount=1000.0,
        delivered_on=date.today(),  # delivery is never dated in the future
    )


def point(lon: float, lat: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [lon, lat]}


__all__ = ["Point", "World", "point", "replace", "seed"]
