"""Checks every statement of every explanation against the data it talks about.

An explanation is parts joined by " · "; each part is one statement, checked here from the
scenario's own data (the supplier's sites and offers, the tender's areas and priorities, the
activity's themes, needs and finances, the plans and need indicators), with its own geometry
and rules rather than the recommender's: distance (to the named site, which is the nearest),
site, territory, delivery area, lot, plan and tender priorities, needs met or not, funding gap,
risk, local need. A statement the checker does not recognise counts as false, so a new kind of
statement must come with its check.

A text suggestion ("may relate to the Police & Crime Plan priority: X") is true when X is a
priority of the activity's own plan and the activity's description names X's subject in the
words an officer would use (``spec.EXPERT_KEYWORDS``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from domain.model import Activity, Need, Supplier, Tender
from domain.vocabulary import THEMES
from matching.context import MatchingContext
from matching.evaluation.spec import EXPERT_KEYWORDS
from matching.explain import SEPARATOR, need_phrase
from matching.result import Match

EARTH_RADIUS_M = 6_371_008.8
HIGH_LOCAL_NEED = 0.7


@dataclass(frozen=True)
class Claim:
    """One statement of one explanation, and whether the data bears it out."""

    activity_id: str
    statement: str
    true: bool


@dataclass(frozen=True)
class Facts:
    """What the statements are checked against."""

    supplier: Supplier
    tender: Tender | None
    context: MatchingContext
    activities: dict[str, Activity]


def _metres(a: Point, b: Point) -> float:
    p1, p2 = math.radians(a.y), math.radians(b.y)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.x - a.x) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def _lower_first(text: str) -> str:
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def _meets(supplier: Supplier, need: Need) -> bool:
    for offer in supplier.offers:
        if offer.support_type != need.support_type:
            continue
        if not need.sector or offer.sector == need.sector:
            return True
        if offer.sector is None and need.sector in supplier.sectors:
            return True
    return False


def check_match(facts: Facts, match: Match) -> list[Claim]:
    """Every statement of ``match.explanation``, each marked true or false."""
    activity = facts.activities[match.activity_id]
    parts = match.explanation.split(SEPARATOR)
    return [
        Claim(activity.id, part, _check_part(facts, activity, match, part, i == 0))
        for i, part in enumerate(parts)
    ]


def _check_part(facts: Facts, activity: Activity, match: Match, part: str, first: bool) -> bool:
    if first:
        return _distance_true(facts, activity, match, part)
    for check in (_area_true, _priority_true, _need_true, _extra_true):
        verdict = check(facts, activity, part)
        if verdict is not None:
            return verdict
    return False  # not a statement the checker knows


def _distance_true(facts: Facts, activity: Activity, match: Match, part: str) -> bool:
    distance, sep, site_name = part.partition(" from your ")
    sites = [s for s in facts.supplier.sites if s.name == site_name]
    if not sep or not sites or match.site_name != site_name:
        return False
    metres = min(_metres(s.location, activity.location) for s in sites)
    nearest = min(_metres(s.location, activity.location) for s in facts.supplier.sites)
    if metres > nearest + 1.0:
        return False
    if distance.endswith(" km"):
        return abs(float(distance[:-3]) * 1000.0 - metres) <= 50.0 + 1.0
    if distance.endswith(" m"):
        return abs(float(distance[:-2]) - metres) <= 0.5 + 1.0 and metres < 1000.0
    return False


def _territory(facts: Facts, activity: Activity) -> str | None:
    return facts.context.name_of(activity.territory_code)


def _inside(area: BaseGeometry, activity: Activity) -> bool:
    return bool(shapely.intersects_xy(area, activity.location.x, activity.location.y))


def _in_scope(tender: Tender, activity: Activity) -> bool:
    areas = [a for a in (tender.delivery_area, *(lot.area for lot in tender.lots)) if a]
    if areas:
        return any(_inside(a, activity) for a in areas)
    return not tender.territory_code or activity.territory_code == tender.territory_code


def _area_true(facts: Facts, activity: Activity, part: str) -> bool | None:
    where, tender = _territory(facts, activity), facts.tender
    suffix = f" ({where})" if where else ""
    if part.startswith("outside "):
        return (
            tender is not None
            and not _in_scope(tender, activity)
            and part
            in (
                f"outside the tender's delivery area (inside {where})",
                f"outside the tender's lots (inside {where})",
            )
        )
    if part.startswith("inside lot "):
        return tender is not None and any(
            part == f"inside lot {lot.name}{suffix}" and _inside(lot.area, activity)
            for lot in tender.lots
        )
    if part.startswith("inside the delivery area"):
        return (
            tender is not None
            and part == f"inside the delivery area{suffix}"
            and tender.delivery_area is not None
            and _inside(tender.delivery_area, activity)
        )
    if part.startswith("inside "):
        return where is not None and part == f"inside {where}"
    return None


def _plan_titles(facts: Facts, activity: Activity) -> dict[str, str]:
    """Lower-first title -> theme of the priorities of the activity's own plan."""
    plan = facts.context.plans.get(activity.territory_code or "")
    return {_lower_first(p.title): p.theme for p in plan.priorities} if plan else {}


def _priority_true(facts: Facts, activity: Activity, part: str) -> bool | None:
    titles = _plan_titles(facts, activity)
    tender_themes = set(facts.tender.priorities) if facts.tender else set()
    for prefix, needs_tender in (
        ("Police & Crime Plan and tender priority: ", True),
        ("Police & Crime Plan priority: ", False),
    ):
        if part.startswith(prefix):
            theme = titles.get(part[len(prefix) :])
            return (
                theme is not None
                and theme in activity.themes
                and (not needs_tender or theme in tender_themes)
            )
    if part.startswith("may relate to the Police & Crime Plan priority: "):
        theme = titles.get(part.split(": ", 1)[1])
        text = activity.description.lower()
        return (
            theme is not None
            and not activity.themes
            and any(w in text for w in EXPERT_KEYWORDS.get(theme, ()))
        )
    if part.startswith("tender priority: "):
        label = part[len("tender priority: ") :]
        return any(
            _lower_first(THEMES.get(t, t)) == label and t in activity.themes for t in tender_themes
        )
    return None


def _need_true(facts: Facts, activity: Activity, part: str) -> bool | None:
    if not part.startswith("needs "):
        return None
    met = [n for n in activity.needs if _meets(facts.supplier, n)]
    unmet = [n for n in activity.needs if not _meets(facts.supplier, n)]
    body = part[len("needs ") :]
    if body.endswith(" (not in your offer)"):
        phrase = body[: -len(" (not in your offer)")]
        return not met and any(need_phrase(n) == phrase for n in unmet)
    phrases = {need_phrase(n) for n in met}
    named = _split_needs(body, phrases)
    return named is not None and all(p in phrases for p in named)


def _split_needs(body: str, phrases: set[str]) -> list[str] | None:
    """``body`` as one or two known phrases joined by " and " (phrases may contain "and")."""
    if body in phrases:
        return [body]
    for phrase in phrases:
        rest = body.removeprefix(phrase + " and ")
        if rest != body and rest in phrases:
            return [phrase, rest]
    return None


def _extra_true(facts: Facts, activity: Activity, part: str) -> bool | None:
    if part == "at risk of closing":
        return activity.at_risk
    if part.endswith(" funding gap") and part.startswith("£"):
        return part == f"£{activity.funding_gap_gbp:,.0f} funding gap"
    if part == "high local need":
        need = facts.context.need_by_area
        codes = (activity.local_authority_code, activity.territory_code)
        value = next((need[c] for c in codes if c is not None and c in need), 0.0)
        return value >= HIGH_LOCAL_NEED
    return None


def iter_claims(facts: Facts, matches: Iterator[Match] | list[Match]) -> Iterator[Claim]:
    """Every statement of every match."""
    for match in matches:
        yield from check_match(facts, match)


__all__ = ["Claim", "Facts", "check_match", "iter_claims"]
