"""UK-wide coverage and heatmaps for national buyers, on every store backend: the regions add
up to the UK total, and so do the territories, each as its own territory heatmap says."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from domain.errors import Forbidden
from domain.model import Account, Region, Territory
from domain.vocabulary import Role
from services import spo as spo_service
from services.accounts import create_account
from services.analytics import UK_CODE, aggregate, national_aggregate, national_coverage
from spo.model import Spo
from spo.scoring import QUALITATIVE_PARTS, Mark
from store.port import Store
from tests.api.seed import HANTS, SOUTH_EAST, TV, seed
from tests.builders import make_buyer

LONDON = "E12000007"
LONDON_ITL1 = "TLI"  # stored under its ITL1 code, as the bundled geography stores regions
MET = "E23000001"


def _two_regions(store: Store) -> Account:
    """The API world with Hampshire's SPO awarded too (GBP 5,000 in each territory of the
    South East) and London, with no activity, as a second region; returns the admin."""
    seed(store)
    store.put_many(
        [
            Region(LONDON_ITL1, "London", box(-0.5, 51.3, 0.3, 51.39)),
            Territory(
                MET, "Metropolitan Police", "Met", "MOPAC", LONDON_ITL1, box(-0.3, 51.3, 0.3, 51.39)
            ),
        ]
    )
    buyer = store.get(Account, "buyer2")
    spo = store.get(Spo, "spo-hants")
    marks = {q: Mark(3, "good") for q in QUALITATIVE_PARTS}
    spo = spo_service.score(store, spo.id, actor=buyer, expected_version=spo.version, marks=marks)
    spo_service.award(store, spo.id, actor=buyer, expected_version=spo.version)
    return store.get(Account, "admin")


def test_regions_add_up_to_the_uk_and_to_the_territories(store: Store) -> None:
    admin = _two_regions(store)
    regions = {r.key: r for r in national_aggregate(store, admin, level="region").rows}
    (uk,) = national_aggregate(store, admin, level="uk").rows
    territories = national_aggregate(store, admin, level="territory").rows
    # each territory as its own heatmap measures it (by H3 cell: every line counts)
    own = [aggregate(store, admin, code, level="h3").rows for code in (TV, HANTS, MET)]
    assert set(regions) == {SOUTH_EAST, LONDON}
    assert uk.key == UK_CODE and uk.committed_gbp == 10_000
    for figure in ("committed_gbp", "delivered_gbp", "activities", "spo_lines"):
        total = getattr(uk, figure)
        assert sum(getattr(r, figure) for r in regions.values()) == pytest.approx(total)
        assert sum(getattr(t, figure) for t in territories) == pytest.approx(total)
        assert sum(getattr(c, figure) for rows in own for c in rows) == pytest.approx(total)
    assert regions[SOUTH_EAST].committed_gbp == 10_000
    assert regions[SOUTH_EAST].delivered_gbp == 1_000
    assert regions[LONDON].is_gap
    gaps_first = national_coverage(store, admin, level="region").rows
    assert [r.key for r in gaps_first] == [LONDON, SOUTH_EAST]


def test_only_national_buyers_and_admins_see_the_uk(store: Store) -> None:
    seed(store)
    store.put(make_buyer(id="buyer-nhs", name="NHS England", territory_code=None))
    national, _ = create_account(
        store, id_="nhs", name="nhs", role=Role.BUYER, organisation_id="buyer-nhs"
    )
    assert national_aggregate(store, national, level="uk").rows[0].committed_gbp == 5_000
    for who in ("buyer", "pcc", "supplier"):
        with pytest.raises(Forbidden):
            national_aggregate(store, store.get(Account, who), level="region")
