"""The supplier's page use cases on both backends: the finder's support and theme controls
through the one recommender, lines per support type with units and milestones checked by the
SPO line rule (every form problem at once), a lapsed tender refused in words, and the SPO
document's pounds from ``spo.measure`` and its lock hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.model import Activity, Need, Offer, Supplier, Tender
from domain.vocabulary import SupportType
from matching.tiers import CANNOT_HELP
from services import need_indicators, recommendations
from services.pages import supplier as pages
from services.pages.forms import FormErrors
from services.recommender_cache import RecommenderCache
from services.settings import ServiceSettings
from spo.measure import bid_values, measure_spo, totals
from spo.model import Spo
from store.port import Store
from tests.services.pages.conftest import SUPPLIER, in_delivery


def _draft(store: Store) -> Spo:
    return pages.add_to_spo(
        store, SUPPLIER, tender_id="tender-1", activity_id="act-1", support="cash", amount="£900"
    )


def test_the_finder_lists_the_recommenders_matches_and_filters_by_theme(
    world: Store, settings: ServiceSettings
) -> None:
    mentoring = world.get(Activity, "act-2")
    world.update(replace(mentoring, themes=("reoffending",)))
    cache = RecommenderCache()
    view = pages.finder_view(world, settings, SUPPLIER, cache=cache, tender_id="tender-1")
    answer = recommendations.recommend(
        world, world.get(Supplier, "sup-1"), cache=cache, tender_id="tender-1"
    )
    assert [i.activity_id for i in view.items] == [m.activity_id for m in answer.matches]
    assert {i.activity_id for i in view.items} == {"act-1", "act-2"}
    assert view.items[0].tier_words == "Serves a priority"
    only = pages.finder_view(
        world, settings, SUPPLIER, cache=cache, tender_id="tender-1", themes=("youth_diversion",)
    )
    assert [i.activity_id for i in only.items] == ["act-1"]
    assert only.themes == ("youth_diversion",)


def test_an_unknown_support_type_is_an_error_by_its_field(
    world: Store, settings: ServiceSettings
) -> None:
    view = pages.finder_view(
        world, settings, SUPPLIER, cache=RecommenderCache(), tender_id="tender-1", support="gold"
    )
    assert "support" in view.errors
    assert view.support == ""


def test_a_draft_gets_lines_per_support_type_with_milestones(world: Store) -> None:
    spo = _draft(world)
    due = date.today() + timedelta(days=30)
    form = pages.LineForm(
        support="volunteering",
        unit="hours",
        amount="80",
        milestones=((due.isoformat(), "20"), ("", "")),
    )
    spo = pages.add_spo_line(world, SUPPLIER, spo.id, form, expected_version=spo.version)
    form = pages.LineForm(support="in_kind", unit="items", amount="12")
    spo = pages.add_spo_line(world, SUPPLIER, spo.id, form, expected_version=spo.version)
    assert [(x.support_type.value, x.unit) for x in spo.lines] == [
        ("cash", "GBP"),
        ("volunteering", "hours"),
        ("in_kind", "items"),
    ]
    assert spo.lines[1].milestones[0].amount == 20
    assert len({x.id for x in spo.lines}) == 3
    spo = pages.remove_spo_line(
        world, SUPPLIER, spo.id, spo.lines[2].id, expected_version=spo.version
    )
    assert len(spo.lines) == 2


def test_every_problem_of_the_line_form_at_once_and_the_line_rule_in_words(
    world: Store,
) -> None:
    spo = _draft(world)
    bad = pages.LineForm(support="", unit="kg", amount="x", milestones=(("soon", "1"),))
    with pytest.raises(FormErrors) as refused:
        pages.add_spo_line(world, SUPPLIER, spo.id, bad, expected_version=spo.version)
    assert set(refused.value.errors) == {
        "line-support",
        "line-unit",
        "line-amount",
        "milestone-1-due",
    }
    wrong_unit = pages.LineForm(support="cash", unit="hours", amount="10")
    with pytest.raises(FormErrors) as refused:
        pages.add_spo_line(world, SUPPLIER, spo.id, wrong_unit, expected_version=spo.version)
    assert "cash is committed in GBP" in refused.value.errors["add-line"]
    with pytest.raises(FormErrors) as stale:
        pages.add_spo_line(
            world,
            SUPPLIER,
            spo.id,
            pages.LineForm(support="cash", unit="GBP", amount="10"),
            expected_version=spo.version - 1,
        )
    assert "reload" in stale.value.errors["add-line"]


def test_submitting_after_the_tender_closed_is_refused_in_words(world: Store) -> None:
    spo = _draft(world)
    tender = world.get(Tender, "tender-1")
    closed = date.today() - timedelta(days=3)
    world.update(replace(tender, opens=closed - timedelta(days=30), closes=closed))
    view = pages.spo_view(world, SUPPLIER, spo.id)
    assert view.closes == closed and view.closed
    with pytest.raises(FormErrors) as refused:
        pages.submit_spo(world, SUPPLIER, spo.id, expected_version=spo.version)
    assert refused.value.errors["submit"].startswith(
        f"The tender closed on {closed.strftime('%-d %B %Y')}"
    )
    assert world.get(Spo, spo.id).state.value == "draft"


def test_the_document_of_a_draft_shows_what_the_bid_would_commit(world: Store) -> None:
    spo = _draft(world)
    doc = pages.spo_document(world, SUPPLIER, spo.id)
    assert doc.proposed and doc.lock_hash is None
    assert doc.committed_gbp == totals(bid_values(world.get(Spo, spo.id))).committed_gbp
    assert doc.lines[0].what == "Cash: £900.00"
    assert "Reading" in doc.lines[0].where


def test_the_document_of_an_awarded_spo_has_its_lock_hash_and_measured_pounds(
    world: Store,
) -> None:
    spo = in_delivery(world, cash=True)
    doc = pages.spo_document(world, SUPPLIER, spo.id)
    assert not doc.proposed
    assert doc.lock_hash == spo.content_hash and doc.lock_hash
    expected = totals(measure_spo(spo, [], as_of=date.today())).committed_gbp
    assert doc.committed_gbp == expected > 0
    assert [len(x.when) for x in doc.lines] == [2, 2]


def test_the_support_type_control_ranks_as_the_recommender_does_for_that_offer(
    world: Store, settings: ServiceSettings
) -> None:
    """Choosing the support you would give re-ranks the finder exactly as the API's one
    recommender ranks a supplier offering just that: an activity needing cash moves above one
    needing volunteers when the supplier offers cash, and below it (among the "needs you
    cannot meet" tier) when it offers volunteer hours."""
    mentoring = world.get(Activity, "act-2")
    world.update(replace(mentoring, needs=(Need(SupportType.CASH, "kit", 5000, "GBP"),)))
    cache = RecommenderCache()
    supplier = world.get(Supplier, "sup-1")
    need_by_area = need_indicators.need_indicator(settings, None, cache=cache)
    seen: dict[str, list[tuple[str, str, int]]] = {}
    for support in ("volunteering", "cash"):
        view = pages.finder_view(
            world, settings, SUPPLIER, cache=cache, tender_id="tender-1", support=support
        )
        assert view.support == support and not view.errors
        oracle = recommendations.recommend(
            world,
            replace(supplier, offers=(Offer(SupportType(support)),)),
            cache=cache,
            tender_id="tender-1",
            radius_m=view.radius_km * 1000,
            need_by_area=need_by_area,
        )
        assert [(i.activity_id, i.score_100) for i in view.items] == [
            (m.activity_id, round(m.score * 100)) for m in oracle.matches
        ]
        fit = {m.activity_id: m.feature("offer_fit").value for m in oracle.matches}
        assert (fit["act-1"] > 0) is (support == "volunteering")
        assert (fit["act-2"] > 0) is (support == "cash")
        seen[support] = [(i.activity_id, i.tier_words, i.score_100) for i in view.items]
    assert [a for a, _, _ in seen["volunteering"]] == ["act-1", "act-2"]
    assert [a for a, _, _ in seen["cash"]] == ["act-2", "act-1"]
    cannot = pages.TIER_WORDS[CANNOT_HELP]
    assert dict((a, t) for a, t, _ in seen["volunteering"])["act-2"] == cannot
    assert dict((a, t) for a, t, _ in seen["cash"])["act-1"] == cannot
