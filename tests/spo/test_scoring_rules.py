"""Scoring that means something: local share against the lots, need by ONS code in 0..1,
marks only for the rubric's parts in its 0..4 range, and the plan version recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import box

from domain.errors import InvalidInput, InvalidMark
from domain.model import Lot
from spo.scoring import QUALITATIVE_PARTS, Mark, Rubric, ScoringInputs, score
from tests.builders import make_tender
from tests.spo.builders import TVP, make_spo

AT = datetime(2027, 1, 5, tzinfo=UTC)
MARKS = {name: Mark(3, "evidence") for name in QUALITATIVE_PARTS}
FAR_LOTS = tuple(
    Lot(f"lot-{i}", f"Lot {i}", box(-3 + i * 0.1, 53, -2.95 + i * 0.1, 53.05)) for i in range(8)
)


def _score(**kw: object) -> object:
    args: dict[str, object] = {"tender": make_tender(territory_code=TVP), "marks": MARKS}
    args.update(kw)
    return score(make_spo(), ScoringInputs(**args), Rubric(), scored_by="b", scored_at=AT)  # type: ignore[arg-type]


def test_a_line_outside_every_lot_is_not_local() -> None:
    inside = _score()
    outside = _score(tender=make_tender(territory_code=TVP, delivery_area=None, lots=FAR_LOTS))
    assert inside.raw["local_share"] == 1.0  # type: ignore[attr-defined]
    assert outside.raw["local_share"] == 0.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "marks",
    [
        {**MARKS, "charm": Mark(2, "nice")},
        {**MARKS, "purpose": Mark(5, "too high")},
        {**MARKS, "purpose": Mark(-1, "too low")},
        {**MARKS, "purpose": Mark(100, "0-100 is not the rubric")},
    ],
)
def test_unknown_or_out_of_range_marks_are_refused(marks: dict[str, Mark]) -> None:
    with pytest.raises(InvalidMark) as caught:
        _score(marks=marks)
    assert caught.value.code == "invalid-mark"


@pytest.mark.parametrize("need", [{"Reading": 0.5}, {"E06000038": 1.5}, {"E06000038": -0.1}])
def test_buyer_supplied_need_is_codes_only_and_between_0_and_1(need: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        _score(need_by_area=need)


def test_the_score_records_the_plan_version_it_used() -> None:
    got = _score(plan_territory_code=TVP, plan_version=3, need_indicator="imd2019")
    assert (got.plan_territory_code, got.plan_version, got.need_indicator) == (TVP, 3, "imd2019")  # type: ignore[attr-defined]
