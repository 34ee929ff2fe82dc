"""Transparent SPO scoring with a published rubric.

Measurable parts are computed by dicm from the SPO, the tender and a need mapping keyed by ONS
code; qualitative parts are the buyer's marks (0..``max_mark``) on the toolkit's relational
qualities, each with a mandatory written reason. Every part's raw measure lies in 0..1 and is
multiplied by its published weight. The computation reads no clock and no store: the same SPO,
tender, inputs and rubric always give the same breakdown (``scored_at`` is passed in).

Measurable parts (pounds are the committed value after :mod:`spo.values` proxies; lines that
cannot be valued weigh nothing):
- ``committed_value``: committed pounds / contract value, full marks at ``full_value_ratio``;
- ``local_share``: share of committed pounds landing in the buyer's territory, area or lots;
- ``priority_alignment``: share of committed pounds on lines serving a buyer priority;
- ``need``: pound-weighted mean need (0..1) of the areas served, looked up by the line's local
  authority code, then its territory code; an area with no indicator counts as 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shapely.geometry import Point

from domain.errors import InvalidInput, InvalidMark
from domain.model import Tender
from spo.lines import is_in_buyer_area
from spo.model import ScoreBreakdown, Spo, SpoLine
from spo.values import value_line

MEASURABLE_PARTS: tuple[str, ...] = ("committed_value", "local_share", "priority_alignment", "need")
#: the relational qualities of the Social Value Toolkit for Cooperative Councils (CCIN)
QUALITATIVE_PARTS: tuple[str, ...] = (
    "purpose",
    "capability",
    "local_knowledge_engagement",
    "collaboration",
    "transparency",
)
ALL_PARTS = MEASURABLE_PARTS + QUALITATIVE_PARTS

DEFAULT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("committed_value", 20.0),
    ("local_share", 20.0),
    ("priority_alignment", 15.0),
    ("need", 15.0),
    ("purpose", 6.0),
    ("capability", 6.0),
    ("local_knowledge_engagement", 6.0),
    ("collaboration", 6.0),
    ("transparency", 6.0),
)


@dataclass(frozen=True)
class Rubric:
    """A published, versioned scoring rubric. ``id`` names the exact weights used."""

    id: str = "dicm-spo-rubric/1"
    weights: tuple[tuple[str, float], ...] = DEFAULT_WEIGHTS
    max_mark: int = 4  # qualitative marks run 0..max_mark
    full_value_ratio: float = 0.05  # committed value / contract value earning full marks

    def __post_init__(self) -> None:
        names = [name for name, _ in self.weights]
        if sorted(names) != sorted(ALL_PARTS):
            raise InvalidInput(f"a rubric weighs exactly these parts: {', '.join(ALL_PARTS)}")
        if any(w < 0 for _, w in self.weights) or self.max_mark < 1 or self.full_value_ratio <= 0:
            raise InvalidInput("rubric weights must be >= 0, max_mark >= 1, full_value_ratio > 0")

    @property
    def weight(self) -> dict[str, float]:
        """Part name -> weight."""
        return dict(self.weights)

    @property
    def max_total(self) -> float:
        """The highest total the rubric can give."""
        return sum(w for _, w in self.weights)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description to publish with the tender."""
        return {
            "id": self.id,
            "weights": dict(self.weights),
            "max_mark": self.max_mark,
            "full_value_ratio": self.full_value_ratio,
            "measurable_parts": list(MEASURABLE_PARTS),
            "qualitative_parts": list(QUALITATIVE_PARTS),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rubric:
        """The rubric :meth:`to_dict` described."""
        return cls(
            id=str(data["id"]),
            weights=tuple((str(k), float(v)) for k, v in dict(data["weights"]).items()),
            max_mark=int(data["max_mark"]),
            full_value_ratio=float(data["full_value_ratio"]),
        )


@dataclass(frozen=True)
class Mark:
    """A buyer's qualitative mark on one relational quality, with its written reason."""

    mark: int
    reason: str


@dataclass(frozen=True)
class ScoringInputs:
    """Everything scoring reads besides the SPO and rubric."""

    tender: Tender
    marks: Mapping[str, Mark]
    need_by_area: Mapping[str, float] = field(default_factory=dict)  # ONS code -> 0..1
    priorities: tuple[str, ...] = ()  # extra buyer priorities (e.g. the Police & Crime Plan)
    plan_territory_code: str | None = None  # the plan those priorities come from...
    plan_version: int | None = None  # ...and its version, so the score can be reproduced
    need_indicator: str | None = None  # the indicator need_by_area was read from


ONS_CODE = re.compile(r"^[ENSW]\d{8}$")


def is_in_delivery_area(line: SpoLine, tender: Tender) -> bool:
    """True when the line lands in the tender's delivery area or one of its lots; only a
    tender with neither falls back to its territory (a line outside every lot is not local)."""
    if tender.delivery_area is None and not tender.lots:
        return is_in_buyer_area(line, tender)
    if line.lon is None or line.lat is None:
        return False
    point = Point(line.lon, line.lat)
    areas = [tender.delivery_area] if tender.delivery_area is not None else []
    areas += [lot.area for lot in tender.lots]
    return any(area.covers(point) for area in areas)


def check_need(need_by_area: Mapping[str, float]) -> None:
    """Buyer-supplied need: keys are ONS codes, values lie in 0..1 (``InvalidInput``)."""
    for code, value in need_by_area.items():
        if not ONS_CODE.match(code):
            raise InvalidInput(f"need is keyed by ONS code (e.g. E06000038), not {code!r}")
        if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
            raise InvalidInput(f"need for {code} must lie in 0..1, got {value!r}")


def lot_shares(spo: Spo, tender: Tender) -> dict[str, float]:
    """Per lot of ``tender`` (by lot id), the share of the SPO's committed pounds landing in it:
    the lot-by-lot view of :func:`measure_parts`' ``local_share``."""
    valued = [(line, value_line(line).value_gbp or 0.0) for line in spo.lines]
    total_gbp = sum(v for _, v in valued)
    shares: dict[str, float] = {}
    for lot in tender.lots:
        inside = sum(
            v
            for line, v in valued
            if line.lon is not None
            and line.lat is not None
            and lot.area.covers(Point(line.lon, line.lat))
        )
        shares[lot.id] = inside / total_gbp if total_gbp > 0 else 0.0
    return shares


def measure_parts(spo: Spo, inputs: ScoringInputs, rubric: Rubric) -> dict[str, tuple[float, str]]:
    """The measurable parts' raw 0..1 measures and their reasons, exactly as :func:`score`
    computes them (``inputs.marks`` is not read): what a buyer compares before marking."""
    tender = inputs.tender
    valued = [
        (line, value_line(line).value_gbp or 0.0) for line in sorted(spo.lines, key=lambda x: x.id)
    ]
    total_gbp = sum(v for _, v in valued)
    priorities = set(tender.priorities) | set(inputs.priorities)

    def share(selected: float) -> float:
        return selected / total_gbp if total_gbp > 0 else 0.0

    contract = tender.contract_value_gbp or 0.0  # not stated: no ratio to give
    ratio = total_gbp / contract if contract > 0 else 0.0
    local = share(sum(v for line, v in valued if is_in_delivery_area(line, tender)))
    aligned = share(sum(v for line, v in valued if line.priority in priorities))
    need_sum = 0.0
    for line, v in valued:
        code = (
            line.local_authority_code
            if line.local_authority_code in inputs.need_by_area
            else line.territory_code
        )
        need_sum += v * min(1.0, max(0.0, inputs.need_by_area.get(code or "", 0.0)))
    need = share(need_sum)
    return {
        "committed_value": (
            min(1.0, ratio / rubric.full_value_ratio),
            f"£{total_gbp:,.2f} committed = {ratio:.2%} of £{contract:,.2f}"
            if tender.contract_value_gbp is not None
            else f"£{total_gbp:,.2f} committed; the tender states no contract value",
        ),
        "local_share": (local, f"{local:.1%} of committed value lands in the buyer's area"),
        "priority_alignment": (
            aligned,
            f"{aligned:.1%} of committed value serves a buyer priority",
        ),
        "need": (need, f"value-weighted need of the areas served: {need:.3f}"),
    }


def score(
    spo: Spo, inputs: ScoringInputs, rubric: Rubric, *, scored_by: str, scored_at: datetime
) -> ScoreBreakdown:
    """The breakdown of ``spo`` under ``rubric``; ``InvalidInput`` on a missing or bad mark."""
    unknown = set(inputs.marks) - set(QUALITATIVE_PARTS)
    if unknown:
        raise InvalidMark(
            f"unknown qualitative parts: {', '.join(sorted(unknown))} "
            f"(the rubric marks {', '.join(QUALITATIVE_PARTS)})"
        )
    check_need(inputs.need_by_area)
    raw: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for name, (value, why) in measure_parts(spo, inputs, rubric).items():
        raw[name], reasons[name] = round(value, 6), why
    for name in QUALITATIVE_PARTS:
        mark = inputs.marks.get(name)
        if mark is None:
            raise InvalidMark(f"the qualitative part {name!r} needs a mark")
        if not 0 <= mark.mark <= rubric.max_mark:
            raise InvalidMark(f"marks run 0..{rubric.max_mark}; {name!r} got {mark.mark}")
        if not mark.reason.strip():
            raise InvalidInput(f"the mark for {name!r} needs a written reason")
        raw[name], reasons[name] = round(mark.mark / rubric.max_mark, 6), mark.reason.strip()
    weight = rubric.weight
    parts = {name: round(weight[name] * raw[name], 4) for name in ALL_PARTS}
    total = round(sum(parts[name] for name in ALL_PARTS), 4)
    return ScoreBreakdown(
        rubric_id=rubric.id,
        total=total,
        parts=parts,
        raw={name: raw[name] for name in ALL_PARTS},
        reasons={name: reasons[name] for name in ALL_PARTS},
        scored_by=scored_by,
        scored_at=scored_at,
        plan_territory_code=inputs.plan_territory_code,
        plan_version=inputs.plan_version,
        need_indicator=inputs.need_indicator,
    )
