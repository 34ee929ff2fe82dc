"""Each feature behaves as documented: 0..1, in the direction a person expects."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.model import Activity, Evidence, Need, Offer, Supplier
from domain.vocabulary import SupportType
from matching.context import MatchingContext
from matching.recommender import Recommender
from matching.result import Match
from tests.builders import READING, make_activity, make_supplier
from tests.matching.helpers import CONTEXT, TVP


def only_match(
    activity: Activity,
    supplier: Supplier | None = None,
    context: MatchingContext = CONTEXT,
    **kwargs: Any,
) -> Match:
    model = Recommender().fit([activity], context)
    answer = model.recommend(supplier or make_supplier(), **kwargs)
    assert len(answer.matches) == 1
    return answer.matches[0]


@settings(max_examples=40, deadline=None)
@given(
    near_m=st.floats(min_value=0.0, max_value=20_000.0),
    extra_m=st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=4_000.0)),
)
def test_score_never_rises_with_distance(near_m: float, extra_m: float) -> None:
    """Everything else equal, an activity farther from the site never scores higher.

    (Distances are computed to micrometres, so "farther" means by a centimetre or more.)"""
    degrees_per_m = 1.0 / 111_195.0  # along a meridian
    near = make_activity(id="near", lon_lat=(READING[0], READING[1] + near_m * degrees_per_m))
    far = make_activity(
        id="far", lon_lat=(READING[0], READING[1] + (near_m + extra_m) * degrees_per_m)
    )
    model = Recommender(diversity=0.0, max_per_provider=None).fit([near, far], CONTEXT)
    scores = {m.activity_id: m.score for m in model.recommend(make_supplier()).matches}
    assert scores["far"] <= scores["near"]


def test_every_feature_is_between_0_and_1_and_contributions_add_up() -> None:
    match = only_match(make_activity(territory_code=TVP, at_risk=True, funding_gap_gbp=9e9))
    assert {c.feature for c in match.contributions} >= {"proximity", "priority", "offer_fit"}
    for item in match.contributions:
        assert 0.0 <= item.value <= 1.0
        assert item.contribution == pytest.approx(item.value * item.weight)
    assert match.score == pytest.approx(sum(c.contribution for c in match.contributions))


def test_offer_fit_needs_the_right_support_type_and_sector() -> None:
    needs = (Need(SupportType.SKILLS, "site surveys", sector="construction"),)
    activity = make_activity(needs=needs)
    builder = make_supplier(offers=(Offer(SupportType.SKILLS),), sectors=("construction",))
    lawyer = make_supplier(offers=(Offer(SupportType.SKILLS, sector="legal"),), sectors=())
    cash_only = make_supplier(offers=(Offer(SupportType.CASH, 5000, "GBP"),))
    assert only_match(activity, builder).feature("offer_fit").value == 1.0
    assert only_match(activity, lawyer).feature("offer_fit").value == 0.0
    assert only_match(activity, cash_only).feature("offer_fit").value == 0.0


def test_offer_fit_is_the_share_of_needs_met() -> None:
    needs = (Need(SupportType.VOLUNTEERING), Need(SupportType.CASH, amount=1000))
    match = only_match(make_activity(needs=needs))  # the supplier offers volunteering only
    assert match.feature("offer_fit").value == pytest.approx(0.5)


def test_local_need_comes_from_the_activitys_area_code() -> None:
    context = replace(CONTEXT, need_by_area={"E06000038": 0.9, TVP: 0.2})
    in_reading = make_activity(local_authority_code="E06000038", territory_code=TVP)
    elsewhere = make_activity(local_authority_code="E06000041", territory_code=TVP)
    assert only_match(in_reading, context=context).feature("local_need").value == 0.9
    assert only_match(elsewhere, context=context).feature("local_need").value == 0.2


def test_sustainability_rises_with_funding_gap_and_risk() -> None:
    values = [
        only_match(make_activity(**kw)).feature("sustainability").value
        for kw in (
            {},
            {"funding_gap_gbp": 10_000.0},
            {"funding_gap_gbp": 10_000.0, "at_risk": True},
        )
    ]
    assert values[0] == 0.0
    assert values[0] < values[1] < values[2] <= 1.0


def test_saturation_falls_as_support_is_committed() -> None:
    activity = make_activity(funding_gap_gbp=20_000.0)
    values = [
        only_match(activity, context=replace(CONTEXT, committed_by_activity={"act-1": c}))
        .feature("saturation")
        .value
        for c in (0.0, 20_000.0, 100_000.0)
    ]
    assert values[0] == 1.0
    assert values[1] == pytest.approx(0.5)
    assert values[2] < values[1]


def test_evidence_is_the_strongest_evidence() -> None:
    weak = make_activity(evidence=(Evidence("blog", strength=1),))
    strong = make_activity(evidence=(Evidence("blog", strength=1), Evidence("RCT", strength=5)))
    assert only_match(make_activity()).feature("evidence").value == 0.0
    assert only_match(weak).feature("evidence").value == pytest.approx(0.2)
    assert only_match(strong).feature("evidence").value == 1.0


def test_priority_by_theme_uses_the_plan_weights() -> None:
    violence = make_activity(themes=("serious_violence",), territory_code=TVP)
    abuse = make_activity(themes=("domestic_abuse",), territory_code=TVP)
    fraud = make_activity(themes=("fraud_cybercrime",), territory_code=TVP)
    assert only_match(violence).feature("priority").value == 1.0
    assert only_match(abuse).feature("priority").value == pytest.approx(0.8)
    assert only_match(fraud).feature("priority").value == 0.0


def test_priority_falls_back_to_tfidf_text_when_themes_are_missing() -> None:
    about_violence = make_activity(
        id="a",
        themes=(),
        territory_code=TVP,
        description="Mentoring to prevent serious violence and knife crime among teenagers.",
    )
    about_gardens = make_activity(
        id="b", themes=(), territory_code=TVP, description="Allotment gardening for pensioners."
    )
    model = Recommender(diversity=0.0).fit([about_violence, about_gardens], CONTEXT)
    matches = {m.activity_id: m for m in model.recommend(make_supplier()).matches}
    assert matches["a"].feature("priority").value > matches["b"].feature("priority").value
    assert (
        "may relate to the Police & Crime Plan priority: serious violence"
        in matches["a"].explanation
    )
    assert "priority" not in matches["b"].explanation  # a claim only above the threshold


def test_tender_priorities_and_area_count() -> None:
    from tests.builders import make_tender

    activity = make_activity(themes=("domestic_abuse",), territory_code=TVP)
    tender = make_tender(priorities=("domestic_abuse",), territory_code=TVP)
    plain = only_match(activity)
    with_tender = only_match(activity, tender=tender)
    assert with_tender.feature("area_fit").value == 1.0
    assert plain.feature("area_fit").value == 0.0
    assert with_tender.feature("priority").value == pytest.approx((0.8 + 1.0) / 2)
    assert "tender priority: domestic abuse" in with_tender.explanation


def test_need_indicator_outside_0_1_is_rejected() -> None:
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"0\.\.1"):
        MatchingContext(need_by_area={"E06000038": 7.0})
