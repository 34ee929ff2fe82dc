"""Social Purchase Orders over HTTP: drafts, lines, transitions, scores, progress, history.

Every change carries the ``expected_version`` the client read (optimistic locking: a stale
version is a 409 ``stale-version`` problem and changes nothing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.activities import ID_PATTERN
from api.schemas.safe import Amount, InputModel, PositiveAmount, Share
from domain.model import AuditEntry, Contract
from domain.vocabulary import SupportType
from spo.model import Milestone, ProgressReport, Spo, SpoLine, SpoState
from spo.progress import SpoProgress


class MilestoneSchema(InputModel):
    due: date
    amount: Amount
    description: str = Field(default="", max_length=500)

    def to_domain(self) -> Milestone:
        return Milestone(self.due, self.amount, self.description)


class SpoLineIn(InputModel):
    """One commitment: support of a type and amount to one activity, toward one priority."""

    line_id: str = Field(pattern=ID_PATTERN)
    activity_id: str = Field(pattern=ID_PATTERN)
    support_type: SupportType
    amount: PositiveAmount
    unit: str = Field(max_length=20, examples=["GBP", "hours"])
    priority: str = Field(max_length=64, description="Theme code of the priority it serves")
    milestones: list[MilestoneSchema] = Field(default=[], max_length=50)
    description: str = Field(default="", max_length=2000)


class SpoLineOut(BaseModel):
    """A line with its WHERE: location and the ONS codes of its local authority and territory."""

    id: str
    activity_id: str
    support_type: SupportType
    amount: float
    unit: str
    priority: str
    milestones: list[MilestoneSchema]
    description: str
    lon: float | None
    lat: float | None
    local_authority_code: str | None
    territory_code: str | None

    @classmethod
    def of(cls, line: SpoLine) -> SpoLineOut:
        data = vars(line) | {
            "milestones": [MilestoneSchema.model_construct(**vars(m)) for m in line.milestones]
        }
        return cls(**data)


class ScoreOut(BaseModel):
    rubric_id: str
    total: float
    parts: dict[str, float]
    raw: dict[str, float]
    reasons: dict[str, str]
    scored_by: str
    scored_at: datetime
    plan_territory_code: str | None = None
    plan_version: int | None = None
    need_indicator: str | None = None


class VariationOut(BaseModel):
    version: int
    reason: str
    approved_by: str
    at: datetime
    content_hash: str


class SpoOut(BaseModel):
    id: str
    supplier_id: str
    tender_id: str
    title: str
    state: SpoState
    lines: list[SpoLineOut]
    score: ScoreOut | None
    content_hash: str | None
    locked_at: datetime | None
    variations: list[VariationOut]
    created_at: datetime | None
    updated_at: datetime | None
    version: int
    tampered: bool = Field(
        False, description="The lines no longer match the lock: listed, never counted"
    )

    @classmethod
    def of(cls, spo: Spo, *, tampered: bool = False) -> SpoOut:
        return cls(
            id=spo.id,
            supplier_id=spo.supplier_id,
            tender_id=spo.tender_id,
            title=spo.title,
            state=spo.state,
            lines=[SpoLineOut.of(x) for x in spo.lines],
            score=ScoreOut(**vars(spo.score)) if spo.score else None,
            content_hash=spo.content_hash,
            locked_at=spo.locked_at,
            variations=[VariationOut(**vars(v)) for v in spo.variations],
            created_at=spo.created_at,
            updated_at=spo.updated_at,
            version=spo.version,
            tampered=tampered,
        )


class SpoCreate(InputModel):
    id: str = Field(pattern=ID_PATTERN)
    tender_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(default="", max_length=300)
    supplier_id: str | None = Field(default=None, pattern=ID_PATTERN, description="Admin only")


class Versioned(InputModel):
    """A transition request: the version read, and an optional reason for the audit log."""

    expected_version: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)


class Decline(Versioned):
    """A validator's decline: the written reason is mandatory."""

    reason: str = Field(min_length=1, max_length=2000)


class AddLine(SpoLineIn):
    expected_version: int = Field(ge=1)


class MarkIn(InputModel):
    mark: int = Field(ge=0, le=100)
    reason: str = Field(min_length=1, max_length=2000)


class ScoreIn(InputModel):
    expected_version: int = Field(ge=1)
    marks: dict[str, MarkIn] = Field(description="Qualitative part -> mark with written reason")
    need_by_area: dict[str, Share] = Field(default={}, description="ONS code -> need 0..1")


class AwardIn(InputModel):
    expected_version: int = Field(ge=1)
    contract_id: str | None = Field(default=None, pattern=ID_PATTERN)


class ContractOut(BaseModel):
    id: str
    tender_id: str
    supplier_id: str
    awarded_at: datetime
    spo_id: str | None
    value_gbp: float

    @classmethod
    def of(cls, c: Contract) -> ContractOut:
        return cls(**{k: getattr(c, k) for k in cls.model_fields})


class Awarded(BaseModel):
    spo: SpoOut
    contract: ContractOut


class VaryIn(InputModel):
    expected_version: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=2000)
    lines: list[SpoLineIn] = Field(min_length=1, max_length=100)


class ProgressIn(InputModel):
    report_id: str = Field(pattern=ID_PATTERN)
    line_id: str = Field(pattern=ID_PATTERN)
    amount: PositiveAmount
    delivered_on: date
    evidence_url: str | None = Field(default=None, max_length=2000)
    note: str = Field(default="", max_length=2000)
    corrects: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Id of the earlier report this corrects"
    )


class ProgressReportOut(BaseModel):
    id: str
    spo_id: str
    line_id: str
    amount: float
    delivered_on: date
    reported_by: str
    evidence_url: str | None
    note: str
    corrects: str | None = None

    @classmethod
    def of(cls, r: ProgressReport) -> ProgressReportOut:
        return cls(**vars(r))


class LineProgressOut(BaseModel):
    line_id: str
    unit: str
    committed: float
    expected: float
    delivered: float
    status: str


class ProgressOut(BaseModel):
    """Delivered against committed, per line and per unit, with on track / at risk / behind."""

    spo_id: str
    as_of: date
    status: str
    rag: str = Field(description="green (on track), amber (at risk) or red (behind)")
    lines: list[LineProgressOut]
    committed_by_unit: dict[str, float]
    delivered_by_unit: dict[str, float]

    @classmethod
    def of(cls, p: SpoProgress) -> ProgressOut:
        return cls(
            spo_id=p.spo_id,
            as_of=p.as_of,
            status=p.status.value,
            rag=p.rag.value,
            lines=[LineProgressOut(**(vars(x) | {"status": x.status.value})) for x in p.lines],
            committed_by_unit=p.committed_by_unit,
            delivered_by_unit=p.delivered_by_unit,
        )


class AuditOut(BaseModel):
    """One decision: who, what, when, why."""

    id: int | None
    actor: str
    action: str
    entity_type: str
    entity_id: str
    at: datetime
    reason: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntry) -> AuditOut:
        return cls(**vars(e))
