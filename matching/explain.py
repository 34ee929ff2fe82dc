"""The one-line explanation of a match, in words a supplier or buyer reads at a glance:
"2.3 km from your Reading depot · inside Thames Valley · Police & Crime Plan priority: serious
violence · needs volunteers with construction skills". Names, never codes.

Every part is a fact about the data, checked by ``matching.evaluation.claims`` on every
evaluation scenario: a priority is named as a plan or tender priority only when one of the
activity's themes is that priority's theme; an untagged activity whose words resemble a
priority (``matching.priorities.TEXT_THRESHOLD``) is worded as a suggestion, "may relate to
the Police & Crime Plan priority ...", never as a match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.model import Need
from domain.vocabulary import THEMES, SupportType

SEPARATOR = " · "
HIGH_LOCAL_NEED = 0.7


@dataclass(frozen=True)
class ExplainInput:
    """The facts one explanation is built from (gathered by the recommender)."""

    distance_m: float
    site_name: str
    territory_name: str | None = None
    lot_name: str | None = None
    in_delivery_area: bool = False
    outside: str | None = None  # e.g. "the tender's delivery area", when outside it
    plan_priority: str | None = None
    plan_theme: str | None = None  # theme code of the matched plan priority
    plan_by_text: bool = False
    tender_theme: str | None = None  # theme code of the matched tender priority
    met_needs: Sequence[Need] = ()
    unmet_needs: Sequence[Need] = ()
    at_risk: bool = False
    funding_gap_gbp: float = 0.0
    local_need: float = 0.0


def format_distance(distance_m: float) -> str:
    """ "650 m" under a kilometre, else "2.3 km"."""
    if distance_m < 1000.0:
        return f"{distance_m:.0f} m"
    return f"{distance_m / 1000.0:.1f} km"


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # keep acronyms such as "VAWG"
        return text
    return text[:1].lower() + text[1:]


def need_phrase(need: Need) -> str:
    """What a need asks for, e.g. "volunteers with construction skills", "£12,000"."""
    sector = need.sector
    if need.support_type == SupportType.VOLUNTEERING:
        return f"volunteers with {sector} skills" if sector else "volunteers"
    if need.support_type == SupportType.SKILLS:
        return f"{sector} skills" if sector else "professional skills"
    if need.support_type == SupportType.CASH:
        return f"£{need.amount:,.0f} of funding" if need.amount else "funding"
    if need.support_type == SupportType.IN_KIND:
        return f"in-kind {sector} goods" if sector else "in-kind goods"
    return "jobs or apprenticeships"


def _area_part(facts: ExplainInput) -> str | None:
    where = facts.territory_name
    if facts.outside:
        return f"outside {facts.outside}" + (f" (inside {where})" if where else "")
    if facts.lot_name:
        return f"inside lot {facts.lot_name}" + (f" ({where})" if where else "")
    if facts.in_delivery_area:
        return "inside the delivery area" + (f" ({where})" if where else "")
    return f"inside {where}" if where else None


def _priority_parts(facts: ExplainInput) -> list[str]:
    parts: list[str] = []
    if facts.plan_priority:
        title = _lower_first(facts.plan_priority)
        if facts.tender_theme and facts.tender_theme == facts.plan_theme:
            return [f"Police & Crime Plan and tender priority: {title}"]
        if facts.plan_by_text:
            parts.append(f"may relate to the Police & Crime Plan priority: {title}")
        else:
            parts.append(f"Police & Crime Plan priority: {title}")
    if facts.tender_theme:
        theme = _lower_first(THEMES.get(facts.tender_theme, facts.tender_theme))
        parts.append(f"tender priority: {theme}")
    return parts


def need_part(met: Sequence[Need], unmet: Sequence[Need]) -> str | None:
    """What the activity needs that the supplier offers (or, failing that, its first need)."""
    if len(met) == 1:
        return "needs " + need_phrase(met[0])
    if met:  # the first two
        return f"needs {need_phrase(met[0])} and {need_phrase(met[1])}"
    if unmet:
        return f"needs {need_phrase(unmet[0])} (not in your offer)"
    return None


def _extra_part(facts: ExplainInput) -> str | None:
    if facts.at_risk:
        return "at risk of closing"
    if facts.funding_gap_gbp > 0.0:
        return f"£{facts.funding_gap_gbp:,.0f} funding gap"
    if facts.local_need >= HIGH_LOCAL_NEED:
        return "high local need"
    return None


def static_parts(facts: ExplainInput) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parts that depend on the activity (and tender) only, not on the supplier: those
    before the needs (area, priorities) and after them (sustainability / need)."""
    before = tuple(p for p in (_area_part(facts), *_priority_parts(facts)) if p)
    extra = _extra_part(facts)
    return before, ((extra,) if extra else ())


def join_parts(
    distance_m: float,
    site_name: str,
    parts: tuple[tuple[str, ...], tuple[str, ...]],
    met: Sequence[Need],
    unmet: Sequence[Need],
) -> str:
    """Assemble the line from the distance, cached static parts and the needs."""
    needs = need_part(met, unmet)
    head = f"{format_distance(distance_m)} from your {site_name}"
    before, after = parts
    if needs is None:
        return SEPARATOR.join((head, *before, *after))
    return SEPARATOR.join((head, *before, needs, *after))
