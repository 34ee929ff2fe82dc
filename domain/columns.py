"""Activities as columns: what the recommender is fitted from, without an object per row.

At a million activities a decoded ``Activity`` costs kilobytes of Python objects each; the
fit needs a dozen plain values per row. A store reads these straight from its rows
(``Store.activity_columns``); ``from_activities`` builds the same columns from objects (tests,
the evaluation), so both routes give the fit identical input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from domain.model import Activity
from domain.vocabulary import SupportType, ValidationStatus

#: one need of an activity: (support type value, sector or None, amount or None, description)
NeedRow = tuple[str, str | None, float | None, str]


@dataclass(frozen=True)
class ActivityColumns:
    """Row ``i`` of every column is one activity (row order is the caller's).

    ``evidence_strength`` is the strongest evidence's raw strength, NaN without evidence;
    ``funding_gap_gbp`` and ``at_risk`` as stored (the fit clips and weighs them).
    """

    ids: Sequence[str]
    provider_ids: Sequence[str]
    names: Sequence[str]
    descriptions: Sequence[str]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    themes: Sequence[Sequence[str]]
    needs: Sequence[Sequence[NeedRow]]
    validation_status: Sequence[str]
    validated_until: Sequence[date | None]
    active: NDArray[np.bool_]
    funding_gap_gbp: NDArray[np.float64]
    at_risk: NDArray[np.bool_]
    evidence_strength: NDArray[np.float64]
    local_authority_codes: Sequence[str | None]
    territory_codes: Sequence[str | None]

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: Sequence[int]) -> ActivityColumns:
        """The columns of ``rows``, in that order."""
        index = np.asarray(rows, dtype=np.intp)
        as_list = list(rows)

        def pick(values: Sequence[object]) -> list[object]:
            return [values[i] for i in as_list]

        return ActivityColumns(
            ids=pick(self.ids),  # type: ignore[arg-type]
            provider_ids=pick(self.provider_ids),  # type: ignore[arg-type]
            names=pick(self.names),  # type: ignore[arg-type]
            descriptions=pick(self.descriptions),  # type: ignore[arg-type]
            lon=self.lon[index],
            lat=self.lat[index],
            themes=pick(self.themes),  # type: ignore[arg-type]
            needs=pick(self.needs),  # type: ignore[arg-type]
            validation_status=pick(self.validation_status),  # type: ignore[arg-type]
            validated_until=pick(self.validated_until),  # type: ignore[arg-type]
            active=self.active[index],
            funding_gap_gbp=self.funding_gap_gbp[index],
            at_risk=self.at_risk[index],
            evidence_strength=self.evidence_strength[index],
            local_authority_codes=pick(self.local_authority_codes),  # type: ignore[arg-type]
            territory_codes=pick(self.territory_codes),  # type: ignore[arg-type]
        )


def need_row(support_type: str, sector: str | None, amount: float | None, text: str) -> NeedRow:
    """A need as the columns hold it (an empty sector is no sector, as ``need_key`` reads it)."""
    return (support_type, sector or None, None if amount is None else float(amount), text)


def from_activities(activities: Sequence[Activity]) -> ActivityColumns:
    """The columns of decoded activities (the same values a store reads from their rows)."""
    n = len(activities)
    return ActivityColumns(
        ids=[a.id for a in activities],
        provider_ids=[a.provider_id for a in activities],
        names=[a.name for a in activities],
        descriptions=[a.description for a in activities],
        lon=np.fromiter((a.location.x for a in activities), np.float64, n),
        lat=np.fromiter((a.location.y for a in activities), np.float64, n),
        themes=[a.themes for a in activities],
        needs=[
            tuple(
                need_row(SupportType(nd.support_type).value, nd.sector, nd.amount, nd.description)
                for nd in a.needs
            )
            for a in activities
        ],
        validation_status=[ValidationStatus(a.validation_status).value for a in activities],
        validated_until=[a.validated_until for a in activities],
        active=np.fromiter((a.active for a in activities), np.bool_, n),
        funding_gap_gbp=np.fromiter((a.funding_gap_gbp for a in activities), np.float64, n),
        at_risk=np.fromiter((a.at_risk for a in activities), np.bool_, n),
        evidence_strength=np.fromiter(
            (max((e.strength for e in a.evidence), default=np.nan) for a in activities),
            np.float64,
            n,
        ),
        local_authority_codes=[a.local_authority_code for a in activities],
        territory_codes=[a.territory_code for a in activities],
    )


@dataclass(frozen=True)
class ActivityChanges:
    """The activities written since a generation (``Store.activity_changes``): the rows there
    now, whatever their status (a row no longer validated is a change too), and the ids
    deleted. ``generation`` is the "activities" counter the read saw: the next read asks for
    the changes since it."""

    changed: ActivityColumns
    deleted: tuple[str, ...]
    generation: int

    def __len__(self) -> int:
        return len(self.changed) + len(self.deleted)
