"""Fitting on columns (as a store reads them) answers exactly as fitting on objects, and reads
only the activities an answer returns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from shapely.geometry import box

from domain.columns import from_activities
from domain.model import Activity, Evidence, Need
from domain.vocabulary import SupportType
from matching.recommender import Recommender
from tests.builders import make_activity, make_supplier, make_tender
from tests.matching.helpers import CONTEXT, READING_LA, TVP


def varied_activities(n: int = 300) -> list[Activity]:
    rng = np.random.default_rng(5)
    kinds = list(SupportType)
    return [
        make_activity(
            id=f"c{i:04d}",
            provider_id=f"p{i % 23}",
            lon_lat=(float(rng.uniform(-1.3, -0.7)), float(rng.uniform(51.3, 51.7))),
            themes=(("serious_violence",), (), ("domestic_abuse", "youth_diversion"))[i % 3],
            needs=(Need(kinds[i % len(kinds)], f"help {i}", amount=float(i), sector=None),),
            evidence=(Evidence("report", strength=1 + i % 5),) if i % 4 else (),
            funding_gap_gbp=float(i * 300),
            at_risk=i % 7 == 0,
            local_authority_code=READING_LA if i % 2 else None,
            territory_code=TVP if i % 5 else None,
        )
        for i in range(n)
    ]


def test_columns_and_objects_give_the_same_answers_and_only_returned_rows_are_read() -> None:
    activities = varied_activities()
    by_id = {a.id: a for a in activities}
    asked: list[str] = []

    def loader(ids: Sequence[str]) -> list[Activity]:
        asked.extend(ids)
        return [by_id[i] for i in ids]

    objects = Recommender().fit(activities, CONTEXT)
    columns = Recommender().fit(from_activities(activities), CONTEXT, loader=loader)
    tender = make_tender(delivery_area=box(-1.05, 51.4, -0.95, 51.5), territory_code=TVP)
    for with_tender in (None, tender):
        asked.clear()
        want = objects.recommend(make_supplier(), k=10, tender=with_tender)
        got = columns.recommend(make_supplier(), k=10, tender=with_tender)
        assert got == want
        returned = [m.activity_id for m in (*got.matches, *got.also_nearby)]
        assert asked == returned
    assert objects.recommend_batch([make_supplier()] * 3) == columns.recommend_batch(
        [make_supplier()] * 3
    )
