"""SPO lines: built from an activity (copying its WHERE), checked, added, removed and totalled.

A line copies the activity's lon/lat, local authority and territory when it is added, so the SPO
keeps its geography even if the activity later moves or is re-coded.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from shapely.geometry import Point

from domain.errors import Conflict, InvalidInput, NotFound
from domain.model import Activity, Tender
from domain.vocabulary import SupportType, is_theme
from spo.model import Milestone, Spo, SpoLine
from spo.validation import is_recommendable

#: units each support type may be committed in
UNITS: dict[SupportType, frozenset[str]] = {
    SupportType.CASH: frozenset({"GBP"}),
    SupportType.VOLUNTEERING: frozenset({"hours"}),
    SupportType.SKILLS: frozenset({"hours"}),
    SupportType.IN_KIND: frozenset({"GBP", "items"}),
    SupportType.JOBS: frozenset({"people"}),
}


def check_milestones(amount: float, milestones: Sequence[Milestone]) -> None:
    """Milestones are cumulative: dates strictly increase; amounts never fall nor pass the line."""
    for earlier, later in itertools.pairwise(milestones):
        if later.due <= earlier.due:
            raise InvalidInput("milestone dates must strictly increase")
        if later.amount < earlier.amount:
            raise InvalidInput("milestone amounts are cumulative and must not decrease")
    for m in milestones:
        if not (math.isfinite(m.amount) and 0 <= m.amount <= amount):
            raise InvalidInput("a milestone amount must lie between 0 and the line amount")


def line_from_activity(
    line_id: str,
    activity: Activity,
    *,
    support_type: SupportType,
    amount: float,
    unit: str,
    priority: str,
    milestones: Sequence[Milestone] = (),
    description: str = "",
) -> SpoLine:
    """A checked line for ``activity`` carrying its location and area codes."""
    if not (math.isfinite(amount) and amount > 0):
        raise InvalidInput("a line's amount must be a positive number")
    if unit not in UNITS[support_type]:
        allowed = ", ".join(sorted(UNITS[support_type]))
        raise InvalidInput(f"{support_type.value} is committed in {allowed}, not {unit!r}")
    if not is_theme(priority):
        raise InvalidInput(f"unknown priority theme {priority!r}")
    check_milestones(amount, milestones)
    return SpoLine(
        id=line_id,
        activity_id=activity.id,
        support_type=support_type,
        amount=float(amount),
        unit=unit,
        priority=priority,
        milestones=tuple(milestones),
        description=description,
        lon=float(activity.location.x),
        lat=float(activity.location.y),
        local_authority_code=activity.local_authority_code,
        territory_code=activity.territory_code,
    )


def is_in_buyer_area(line: SpoLine, tender: Tender) -> bool:
    """True when the line lands in the tender's territory, delivery area or one of its lots."""
    if tender.territory_code is not None and line.territory_code == tender.territory_code:
        return True
    if line.lon is None or line.lat is None:
        return False
    point = Point(line.lon, line.lat)
    areas = [tender.delivery_area] if tender.delivery_area is not None else []
    areas += [lot.area for lot in tender.lots]
    return any(area.covers(point) for area in areas)


def has_buyer_area(tender: Tender) -> bool:
    """True when the tender says where it is (a territory, a delivery area or lots)."""
    return (
        tender.territory_code is not None or tender.delivery_area is not None or bool(tender.lots)
    )


def check_line_rule(line: SpoLine, activity: Activity, tender: Tender, on: date) -> None:
    """The SPO line rule, the same for a draft's new line and a variation's: the activity is
    validated, in date and active on ``on`` and, when the buyer names an area, inside it."""
    if not is_recommendable(activity, on):
        raise InvalidInput(f"activity {activity.id!r} is not validated, in date and active")
    if has_buyer_area(tender) and not is_in_buyer_area(line, tender):
        raise InvalidInput(f"activity {activity.id!r} is outside the buyer's area")


def add_line(spo: Spo, line: SpoLine) -> Spo:
    """The SPO with ``line`` appended (``Conflict`` if its id is taken)."""
    if any(existing.id == line.id for existing in spo.lines):
        raise Conflict(f"the SPO already has a line {line.id!r}")
    return replace(spo, lines=(*spo.lines, line))


def remove_line(spo: Spo, line_id: str) -> Spo:
    """The SPO without line ``line_id`` (``NotFound`` if absent)."""
    kept = tuple(line for line in spo.lines if line.id != line_id)
    if len(kept) == len(spo.lines):
        raise NotFound(f"the SPO has no line {line_id!r}")
    return replace(spo, lines=kept)


def get_line(spo: Spo, line_id: str) -> SpoLine:
    """The line ``line_id`` of ``spo`` (``NotFound`` if absent)."""
    for line in spo.lines:
        if line.id == line_id:
            return line
    raise NotFound(f"the SPO has no line {line_id!r}")


def committed_by_unit(spo: Spo) -> dict[str, float]:
    """Committed amounts summed per unit ("GBP", "hours", ...), units in sorted order."""
    totals: dict[str, float] = {}
    for line in sorted(spo.lines, key=lambda x: x.id):
        totals[line.unit] = totals.get(line.unit, 0.0) + line.amount
    return dict(sorted(totals.items()))
