"""Proxy values and secondary impact: every figure carries its source, year and confidence."""

from __future__ import annotations

from importlib.resources import files

import pytest

from domain.model import Evidence
from domain.vocabulary import SupportType
from spo.impact import estimate_impact, load_unit_costs
from spo.values import load_proxy_values, value_amount, value_line
from tests.spo.builders import make_line


def test_every_proxy_value_has_source_year_url_and_grade() -> None:
    proxies = load_proxy_values()
    assert {p.support_type for p in proxies} == set(SupportType)
    for p in proxies:
        assert p.source and p.confidence in {"A", "B", "C"}
        if p.confidence != "A":
            assert p.note
        if p.code != "in_kind_declared_gbp" and p.confidence != "A":
            assert p.url.startswith("https://") and p.price_year and p.licence


def test_no_national_toms_figures_are_shipped() -> None:
    for name in ("proxy_values.csv", "unit_costs.csv"):
        text = files("spo").joinpath(name).read_text(encoding="utf-8").lower()
        assert "toms" not in text and "social value portal" not in text


def test_volunteer_hours_are_valued_at_the_national_living_wage() -> None:
    valued = value_line(make_line(amount=10.0))
    assert valued.value_gbp == pytest.approx(122.10)
    assert valued.proxy is not None and valued.proxy.price_year == 2025
    assert "National Living Wage" in valued.proxy.source


def test_goods_counted_in_items_are_not_valued() -> None:
    assert value_amount(SupportType.IN_KIND, "items", 5) is None
    assert value_amount(SupportType.CASH, "GBP", 5) == 5.0


def test_unit_costs_carry_source_year_url_and_confidence() -> None:
    costs = load_unit_costs()
    assert costs
    for c in costs.values():
        assert c.source and c.price_year and c.url.startswith("https://www.gov.uk/")
        assert c.kind in {"fiscal", "economic_and_social"}
        assert c.confidence in {"verified", "corroborated", "unverified"}
        assert c.value_gbp > 0


def test_impact_is_a_range_with_fiscal_apart_and_every_item_sourced() -> None:
    evidence = [
        Evidence("evaluation", strength=4, outcome="violence_with_injury_prevented", quantity=10),
        Evidence("MoJ data", strength=5, outcome="custody_year_avoided", quantity=2),
        Evidence("story", strength=1, outcome="kindness_spread", quantity=3),
        Evidence("no outcome", strength=3),
    ]
    est = estimate_impact(evidence)
    assert est.indicative
    assert est.unmatched_outcomes == ("kindness_spread",)
    assert 0 <= est.fiscal_low_gbp < est.fiscal_high_gbp
    assert 0 <= est.social_low_gbp < est.social_high_gbp
    assert est.fiscal_low_gbp == pytest.approx(2 * 51724 * 0.3)
    assert est.social_high_gbp == pytest.approx(10 * 14050 * 0.5)
    for item in est.items:
        assert item.low_gbp <= item.high_gbp
        assert item.unit_cost.source and item.unit_cost.price_year
