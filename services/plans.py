"""Police & Crime Plans: publishing a new version, and the one in force on a day.

A PCC publishes a plan for a term (``valid_from``..``valid_until``); a new version never
rewrites an old one (SPOs scored with version 1 keep version 1). Matching, scoring and the
coverage page weigh priorities by :func:`plan_in_force`: the latest version whose dates cover
the day, so a plan past its last day stops steering anything and a plan published ahead of
its start does not steer yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.errors import InvalidDates, InvalidInput
from domain.model import Account, PlanPriority, PolicePlan, Territory
from domain.vocabulary import THEMES, Role
from services.access import require_role, require_territory
from store.port import Store


@dataclass(frozen=True)
class PlanDraft:
    """What a PCC office publishes: the plan's words, term, priorities and source."""

    title: str
    valid_from: date
    priorities: tuple[PlanPriority, ...]
    source: str
    valid_until: date | None = None


def check_plan(draft: PlanDraft) -> None:
    """``InvalidInput`` for no priority, an unknown or repeated theme code or a weight outside
    0..1; ``InvalidDates`` for a plan that ends before it starts."""
    if not draft.priorities:
        raise InvalidInput("a plan needs at least one priority")
    themes = [p.theme for p in draft.priorities]
    unknown = sorted({t for t in themes if t not in THEMES})
    if unknown:
        raise InvalidInput(f"unknown priority theme codes {unknown} (see domain/vocabulary.py)")
    repeated = sorted({t for t in themes if themes.count(t) > 1})
    if repeated:
        raise InvalidInput(f"priority theme codes repeated: {repeated}")
    if any(not 0.0 <= p.weight <= 1.0 for p in draft.priorities):
        raise InvalidInput("priority weights lie between 0 and 1")
    if draft.valid_until is not None and draft.valid_until < draft.valid_from:
        raise InvalidDates(
            f"the plan ends on {draft.valid_until.isoformat()}, before it starts on "
            f"{draft.valid_from.isoformat()}"
        )


def publish_plan(
    store: Store, viewer: Account | None, territory_code: str, draft: PlanDraft
) -> PolicePlan:
    """Add the next version of the territory's plan (that territory's PCC office, or an admin)."""
    actor = require_role(viewer, Role.PCC_OFFICE)
    require_territory(actor, territory_code)
    store.get(Territory, territory_code)
    check_plan(draft)
    versions = store.plans(territory_code)
    plan = PolicePlan(
        territory_code,
        (versions[-1].version if versions else 0) + 1,
        draft.title,
        draft.valid_from,
        draft.priorities,
        draft.source,
        draft.valid_until,
    )
    store.put_plan(plan)  # Conflict if another publish took this version first
    return plan


def plan_in_force(store: Store, territory_code: str, on: date | None = None) -> PolicePlan | None:
    """The latest version in force on ``on`` (default today), or None."""
    return latest_in_force(store.plans(territory_code), on or date.today())


def latest_in_force(plans: Sequence[PolicePlan], on: date) -> PolicePlan | None:
    """Of ``plans`` (oldest first), the latest version whose term covers ``on``."""
    return next((p for p in reversed(plans) if p.is_in_force(on)), None)
