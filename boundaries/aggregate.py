"""One rule for carrying per-area values up to the areas that contain them.

Used for LSOAs and MSOAs into local authorities and territories, and for old local authority
codes into today's authorities (:func:`boundaries.succession.values_to_current_codes`), so a
count, a sum and a (population-weighted) mean mean the same thing at every level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: how values of the areas inside a larger one become its value
AGGREGATES: tuple[str, ...] = ("count", "sum", "mean")


@dataclass(frozen=True)
class MergedValue:
    """A value carried to area ``code`` from the codes it came from."""

    code: str
    value: float
    sources: tuple[str, ...]  # the codes read (one: carried as it is; several: merged)


def aggregate(
    items: Iterable[tuple[str, float, float | None]],
    group_of: Callable[[str], str | None],
    how: str,
) -> dict[str, MergedValue]:
    """``(code, value, weight)`` items grouped by ``group_of(code)`` (None: left out).

    ``count``: how many items (rows: one per incident in a police.uk file); ``sum``: their
    total; ``mean``: their mean weighted by ``weight`` (population, say), the plain mean when
    no item of the group has a weight or the weights sum to zero. Groups come out by code."""
    if how not in AGGREGATES:
        raise ValueError(f"aggregate {how!r}: use one of {', '.join(AGGREGATES)}")
    groups: dict[str, list[tuple[str, float, float | None]]] = {}
    for item in items:
        group = group_of(item[0])
        if group is not None:
            groups.setdefault(group, []).append(item)
    merged: dict[str, MergedValue] = {}
    for code in sorted(groups):
        members = groups[code]
        sources = tuple(sorted({c for c, _, _ in members}))
        if how == "count":
            value = float(len(members))
        elif how == "sum":
            value = sum(v for _, v, _ in members)
        else:
            weights = [w or 0.0 for _, _, w in members]
            if sum(weights) <= 0:
                weights = [1.0] * len(members)
            value = sum(v * w for (_, v, _), w in zip(members, weights, strict=True)) / sum(weights)
        merged[code] = MergedValue(code, value, sources)
    return merged
