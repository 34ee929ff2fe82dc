"""The Social Purchase Order: a supplier's formal, geographic commitment inside a bid.

Plain frozen values; the lifecycle, scoring, lock-in and progress rules live in sibling modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from domain.vocabulary import SupportType


class SpoState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCORED = "scored"
    AWARDED = "awarded"  # formalised and locked into the contract
    NOT_AWARDED = "not_awarded"
    IN_DELIVERY = "in_delivery"
    REVIEWED = "reviewed"  # reviewed and closed
    WITHDRAWN = "withdrawn"


#: the states of a formalised SPO: locked into an awarded contract (awarded, in delivery and
#: reviewed). The one list: visibility, committed value, maps and reports all use it.
FORMAL_STATES = frozenset({SpoState.AWARDED, SpoState.IN_DELIVERY, SpoState.REVIEWED})


@dataclass(frozen=True)
class Milestone:
    """A dated target for one line: by ``due``, ``amount`` (cumulative) should be delivered."""

    due: date
    amount: float
    description: str = ""


@dataclass(frozen=True)
class SpoLine:
    """One commitment: support of a type and amount to one activity, toward one priority.

    The WHERE (local authority, territory, lon/lat) is copied from the activity when the line is
    added, so the SPO keeps its geography even if the activity later moves.
    """

    id: str
    activity_id: str
    support_type: SupportType
    amount: float
    unit: str  # "GBP", "hours", "items", "people"
    priority: str  # theme code of the Police & Crime Plan priority it serves
    milestones: tuple[Milestone, ...] = ()
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    local_authority_code: str | None = None
    territory_code: str | None = None


@dataclass(frozen=True)
class ProgressReport:
    """Delivery reported against one line: how much, when, and the evidence."""

    id: str
    spo_id: str
    line_id: str
    amount: float
    delivered_on: date
    reported_by: str
    evidence_url: str | None = None
    note: str = ""
    corrects: str | None = None  # id of the earlier report this one replaces (a correction)


@dataclass(frozen=True)
class ScoreBreakdown:
    """A buyer's score with every part: reproducible from the SPO and the rubric."""

    rubric_id: str
    total: float
    parts: dict[str, float]  # part name -> weighted points
    raw: dict[str, float]  # part name -> 0..1 measure before weighting
    reasons: dict[str, str]  # part name -> the buyer's written reason (qualitative parts)
    scored_by: str
    scored_at: datetime
    plan_territory_code: str | None = None  # the Police & Crime Plan whose priorities counted
    plan_version: int | None = None  # its version: old SPOs keep the version they were scored on
    need_indicator: str | None = None  # the need indicator used, by name


@dataclass(frozen=True)
class Variation:
    """A formal change to an awarded SPO: a new version, a reason and who approved it."""

    version: int
    reason: str
    approved_by: str
    at: datetime
    content_hash: str


@dataclass(frozen=True)
class Spo:
    """A Social Purchase Order."""

    id: str
    supplier_id: str
    tender_id: str
    lines: tuple[SpoLine, ...] = ()
    state: SpoState = SpoState.DRAFT
    title: str = ""
    score: ScoreBreakdown | None = None
    content_hash: str | None = None  # set on award (lock-in); recomputed on each variation
    locked_at: datetime | None = None
    variations: tuple[Variation, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1  # optimistic-locking counter, bumped by every stored change
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_locked(self) -> bool:
        """True once awarded: from then on only a recorded variation may change the lines."""
        return self.content_hash is not None
