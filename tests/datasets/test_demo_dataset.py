"""The pure demo generator: reproducible, at real places inside every territory."""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from datasets.places import gb_postcodes, uk_places
from demo.dataset import DemoDataset, build_demo_dataset
from domain.model import Territory
from domain.vocabulary import ValidationStatus, is_theme
from spo.model import SpoState

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
TODAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def territories() -> list[Territory]:
    path = SHARED / "boundaries" / "police_areas_uk_bgc.geojson"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI")
        pytest.skip("shared boundary data not present")
    frame = pyogrio.read_dataframe(path)
    return [
        Territory(code, name, force, f"{name} PCC", None, geom)
        for code, name, force, geom in zip(
            frame["AREACD"], frame["AREANM"], frame["FORCE"], frame.geometry, strict=True
        )
    ]


@pytest.fixture(scope="module")
def dataset(territories: list[Territory]) -> DemoDataset:
    return build_demo_dataset(
        territories, [], uk_places(), gb_postcodes(), seed=7, scale=0.3, today=TODAY
    )


def test_same_seed_same_dataset(territories: list[Territory], dataset: DemoDataset) -> None:
    again = build_demo_dataset(
        territories, [], uk_places(), gb_postcodes(), seed=7, scale=0.3, today=TODAY
    )
    assert again == dataset
    other = build_demo_dataset(
        territories, [], uk_places(), gb_postcodes(), seed=8, scale=0.3, today=TODAY
    )
    assert [a.name for a in other.activities] != [a.name for a in dataset.activities]


def test_activities_sit_on_real_postcodes_inside_their_territory(
    territories: list[Territory], dataset: DemoDataset
) -> None:
    by_code = {t.code: t for t in territories}
    postcodes = gb_postcodes()
    used = np.isin(postcodes.codes, [a.postcode for a in dataset.activities if a.postcode])
    known = {
        str(code): (float(lon), float(lat))
        for code, lon, lat in zip(
            postcodes.codes[used], postcodes.lon[used], postcodes.lat[used], strict=True
        )
    }
    per_territory: Counter[str | None] = Counter()
    for activity in dataset.activities:
        code = activity.id.split("-")[1].upper()
        per_territory[code] += 1
        assert shapely.covers(by_code[code].geometry, activity.location), activity.id
        if activity.postcode is not None:
            lon, lat = known[activity.postcode]
            assert (activity.location.x, activity.location.y) == pytest.approx((lon, lat))
        else:  # Northern Ireland: Code-Point Open is Great Britain only
            assert code == "N92000002"
    assert set(per_territory) == set(by_code)
    assert sum(a.postcode is not None for a in dataset.activities) > 0.9 * len(dataset.activities)


def test_themes_needs_and_states_are_realistic(dataset: DemoDataset) -> None:
    assert all(all(is_theme(t) for t in a.themes) and a.needs for a in dataset.activities)
    states = Counter(a.validation_status for a in dataset.activities)
    assert set(states) == set(ValidationStatus)
    assert states[ValidationStatus.VALIDATED] > 0.6 * len(dataset.activities)


def test_every_spo_state_and_plans_everywhere(dataset: DemoDataset) -> None:
    assert {s.target for s in dataset.spos} == set(SpoState)
    assert len(dataset.plans) == 45
    assert sum(p.source.startswith("dicm default") for p in dataset.plans) == 44
    assert all(s.sites for s in dataset.suppliers)
    kinds = Counter(b.kind.value for b in dataset.buyers)
    assert kinds["police"] == 45 and kinds["nhs"] and kinds["fire_rescue"]
