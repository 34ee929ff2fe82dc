"""The plain inputs of the map builders, so maps/ depends on no other package's internals.

Callers (the API services, the CLI, tests) fill these from the store and the recommender.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import Activity, Area


@dataclass(frozen=True)
class Outline:
    """A boundary drawn for context: a territory or a local authority."""

    code: str
    name: str
    geometry: Area
    kind: str = "local_authority"  # or "territory"


@dataclass(frozen=True)
class MatchRecord:
    """One recommended activity for a supplier: its rank and the HOW & WHERE explanation."""

    rank: int
    activity: Activity
    distance_m: float
    score: float
    explanation: str


@dataclass(frozen=True)
class AreaCoverage:
    """Need and provision in one area (a local authority) for one priority."""

    code: str
    name: str
    geometry: Area
    # higher = more need (e.g. IMD score, or the priority's own indicator); None = the indicator
    # has no value for this area (IMD 2019 covers England only): shown as "no need data"
    need: float | None
    validated_activities: int = 0
    committed_gbp: float = 0.0
    delivered_gbp: float = 0.0
    population: int | None = None


@dataclass(frozen=True)
class ValuePoint:
    """Social value at a place: an SPO line's commitment and what has been delivered on it."""

    lon: float
    lat: float
    priority: str
    period: str  # e.g. "2027-Q2" or "2027"; filtered by prefix
    committed_gbp: float = 0.0
    delivered_gbp: float = 0.0
    local_authority_code: str | None = None


@dataclass(frozen=True)
class ActivityPoint:
    """An activity's place and themes, for density maps."""

    lon: float
    lat: float
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpoLink:
    """One SPO line as drawn: the activity it supports and how much."""

    activity_id: str
    activity_name: str
    lon: float
    lat: float
    support_type: str
    amount: float
    unit: str
    priority: str = ""
    delivered: float = 0.0
    committed_gbp: float | None = None  # the one measure's pounds (None: not valued)
    delivered_gbp: float | None = None
    proxy_note: str = ""  # how the pounds were valued: proxy, source, price year, confidence
