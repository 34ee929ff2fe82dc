"""Scoring: a published rubric, every part in the breakdown, the same inputs the same score."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.vocabulary import SupportType
from spo.model import SpoLine
from spo.scoring import ALL_PARTS, QUALITATIVE_PARTS, Mark, Rubric, ScoringInputs, score
from tests.builders import make_tender
from tests.spo.builders import READING_LA, TVP, make_line, make_spo

AT = datetime(2027, 1, 5, 12, tzinfo=UTC)
MARKS = {name: Mark(3, f"good {name}") for name in QUALITATIVE_PARTS}


def _inputs(**overrides: object) -> ScoringInputs:
    base = ScoringInputs(tender=make_tender(territory_code=TVP), marks=MARKS)
    return replace(base, **overrides)  # type: ignore[arg-type]


def test_breakdown_has_every_part_and_parts_sum_to_total() -> None:
    b = score(
        make_spo(), _inputs(need_by_area={READING_LA: 0.5}), Rubric(), scored_by="b", scored_at=AT
    )
    assert set(b.parts) == set(b.raw) == set(b.reasons) == set(ALL_PARTS)
    assert b.total == pytest.approx(sum(b.parts.values()), abs=1e-6)
    assert b.rubric_id == "dicm-spo-rubric/1"
    # 200 volunteer hours at the National Living Wage proxy, all local, on a tender priority
    assert b.raw["local_share"] == 1.0
    assert b.raw["priority_alignment"] == 1.0
    assert b.raw["need"] == 0.5
    assert b.raw["purpose"] == 0.75
    assert b.raw["committed_value"] == pytest.approx(200 * 12.21 / 1_000_000 / 0.05, rel=1e-6)
    assert "£2,442.00" in b.reasons["committed_value"]


def test_a_tender_without_a_stated_value_scores_no_value_ratio_and_says_why() -> None:
    tender = make_tender(territory_code=TVP, contract_value_gbp=None)
    b = score(make_spo(), _inputs(tender=tender), Rubric(), scored_by="b", scored_at=AT)
    assert b.raw["committed_value"] == 0.0
    assert "states no contract value" in b.reasons["committed_value"]


def test_lines_outside_the_buyers_area_and_priorities_score_less() -> None:
    away = make_line(
        id="line-2",
        lon=-2.59,
        lat=51.45,
        territory_code="E23000036",
        local_authority_code="E06000023",
        priority="road_safety",
    )
    spo = make_spo(lines=(make_line(), away))
    b = score(spo, _inputs(), Rubric(), scored_by="b", scored_at=AT)
    assert b.raw["local_share"] == pytest.approx(0.5)
    assert b.raw["priority_alignment"] == pytest.approx(0.5)


def test_plan_priorities_count_as_buyer_priorities() -> None:
    spo = make_spo(lines=(make_line(priority="mental_health"),))
    without = score(spo, _inputs(), Rubric(), scored_by="b", scored_at=AT)
    with_plan = score(
        spo, _inputs(priorities=("mental_health",)), Rubric(), scored_by="b", scored_at=AT
    )
    assert without.raw["priority_alignment"] == 0.0
    assert with_plan.raw["priority_alignment"] == 1.0


@pytest.mark.parametrize("bad", [Mark(3, "  "), Mark(5, "too high"), Mark(-1, "negative")])
def test_a_qualitative_mark_needs_a_reason_and_a_valid_mark(bad: Mark) -> None:
    with pytest.raises(InvalidInput):
        score(
            make_spo(),
            _inputs(marks={**MARKS, "purpose": bad}),
            Rubric(),
            scored_by="b",
            scored_at=AT,
        )


def test_every_qualitative_part_must_be_marked() -> None:
    marks = {k: v for k, v in MARKS.items() if k != "transparency"}
    with pytest.raises(InvalidInput, match="transparency"):
        score(make_spo(), _inputs(marks=marks), Rubric(), scored_by="b", scored_at=AT)


def test_rubric_is_published_and_round_trips_through_json() -> None:
    rubric = Rubric()
    again = Rubric.from_dict(json.loads(json.dumps(rubric.to_dict())))
    assert again == rubric
    assert rubric.max_total == 100.0
    with pytest.raises(InvalidInput):
        Rubric(weights=(("need", 1.0),))


lines_st = st.lists(
    st.builds(
        make_line,
        id=st.uuids().map(str),
        amount=st.floats(1, 1e5),
        lon=st.floats(-2.0, 0.0),
        lat=st.floats(51.0, 52.5),
        priority=st.sampled_from(["serious_violence", "mental_health", "road_safety"]),
        support_type=st.just(SupportType.VOLUNTEERING),
        milestones=st.just(()),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda line: line.id,
)


@settings(max_examples=40, deadline=None)
@given(lines=lines_st, mark=st.integers(0, 4), need=st.floats(0, 1))
def test_same_spo_and_rubric_always_give_the_same_score(
    lines: list[SpoLine], mark: int, need: float
) -> None:
    marks = {name: Mark(mark, "because") for name in QUALITATIVE_PARTS}
    inputs = _inputs(marks=marks, need_by_area={READING_LA: need})
    first = score(make_spo(lines=tuple(lines)), inputs, Rubric(), scored_by="b", scored_at=AT)
    shuffled = make_spo(lines=tuple(reversed(lines)))
    later = datetime(2030, 1, 1, tzinfo=UTC)
    second = score(shuffled, inputs, Rubric(), scored_by="b", scored_at=later)
    assert (first.total, first.parts, first.raw) == (second.total, second.parts, second.raw)
    assert 0.0 <= first.total <= Rubric().max_total
    assert all(0.0 <= v <= 1.0 for v in first.raw.values())
