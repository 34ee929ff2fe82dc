"""Fixtures for SPO service tests: a seeded world on the shared ``store`` fixture."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from domain.model import LocalAuthority, Territory
from store.port import Store
from tests.builders import make_activity, make_buyer, make_provider, make_supplier, make_tender
from tests.spo.builders import READING_LA, TVP

# Thames Valley and Reading as rough boxes: enough for locate() to fill area codes.
TVP_AREA = box(-1.8, 51.2, -0.4, 52.2)
READING_AREA = box(-1.05, 51.40, -0.90, 51.50)


def seed_world(store: Store) -> None:
    """Territory, local authority, provider, a validated activity, supplier, buyer, tender."""
    store.put_many(
        [
            Territory(
                TVP, "Thames Valley", "Thames Valley Police", "Thames Valley PCC", geometry=TVP_AREA
            ),
            LocalAuthority(READING_LA, "Reading", territory_code=TVP, geometry=READING_AREA),
            make_provider(),
            make_provider(id="prov-2", name="Oxford Mentors"),
            make_supplier(),
            make_supplier(id="sup-2", name="Other Ltd"),
            make_buyer(territory_code=TVP),
            make_buyer(id="buyer-2", name="Other buyer"),
        ]
    )
    store.put_many(
        [
            make_activity(territory_code=TVP, local_authority_code=READING_LA),
            make_activity(
                id="act-2",
                provider_id="prov-2",
                name="Mentoring",
                lon_lat=(-1.2577, 51.752),
                territory_code=TVP,
            ),
            make_tender(territory_code=TVP),
        ]
    )


@pytest.fixture
def world(store: Store) -> Store:
    seed_world(store)
    return store
