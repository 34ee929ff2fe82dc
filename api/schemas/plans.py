"""``POST /territories/{code}/plans``: a new version of a Police & Crime Plan."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas.safe import InputModel
from domain.model import PlanPriority
from services.plans import PlanDraft


class PriorityIn(InputModel):
    """One priority: its theme code (the id matching and scoring use) and the plan's words."""

    id: str = Field(max_length=64, description="Theme code, e.g. serious_violence")
    name: str = Field(min_length=1, max_length=300, description="The plan's own words")
    weight: float = Field(default=1.0, ge=0.0, le=1.0)


class PlanIn(InputModel):
    """The plan as published: title, term, priorities and where it comes from."""

    title: str = Field(min_length=1, max_length=300)
    valid_from: date
    valid_until: date | None = Field(default=None, description="Last day (none: open-ended)")
    source: str = Field(min_length=1, max_length=2000, description="URL or citation")
    priorities: list[PriorityIn] = Field(min_length=1, max_length=50)

    def to_draft(self) -> PlanDraft:
        return PlanDraft(
            title=self.title,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            source=self.source,
            priorities=tuple(PlanPriority(p.id, p.name, p.weight) for p in self.priorities),
        )
