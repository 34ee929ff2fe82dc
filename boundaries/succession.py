"""Local authority codes that no longer exist, and what replaced them.

``data/lad_successors.csv`` writes down every England & Wales district abolished or recoded
since the 2011 vintage the bundled boundaries come from: old code and name, the code and name
that replaced it, the date it took effect (source in ``SOURCES.md``). Chains are followed
(Taunton Deane -> Somerset West and Taunton, 2019 -> Somerset, 2023), so any code a file may
carry resolves to a local authority that exists today.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

from boundaries.aggregate import MergedValue, aggregate


@dataclass(frozen=True)
class Succession:
    """``old_code`` (``old_name``) became ``new_code`` (``new_name``) on ``effective``."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    effective: date
    change: str  # "abolished" (merged into a new authority) or "recoded" (boundary change)

    def describe(self) -> str:
        """``E07000004 Aylesbury Vale became E06000060 Buckinghamshire on 2020-04-01``."""
        return (
            f"{self.old_code} {self.old_name} became {self.new_code} {self.new_name} "
            f"on {self.effective.isoformat()}"
        )


@cache
def successions() -> dict[str, Succession]:
    """Old code -> its (one) successor."""
    text = files("boundaries").joinpath("data", "lad_successors.csv").read_text(encoding="utf-8")
    return {
        r["old_code"]: Succession(
            r["old_code"],
            r["old_name"],
            r["new_code"],
            r["new_name"],
            date.fromisoformat(r["effective"]),
            r["change"],
        )
        for r in csv.DictReader(text.splitlines())
    }


def succession_chain(code: str) -> tuple[Succession, ...]:
    """The changes from ``code`` to today's code, oldest first (empty for a current code)."""
    table = successions()
    chain: list[Succession] = []
    while code in table and len(chain) < len(table):
        chain.append(table[code])
        code = table[code].new_code
    return tuple(chain)


def current_lad_code(code: str) -> str:
    """The local authority code in use today for ``code`` (``code`` itself when current)."""
    chain = succession_chain(code)
    return chain[-1].new_code if chain else code


def describe_succession(code: str) -> str | None:
    """What happened to an abolished code, in words; None for a current code."""
    chain = succession_chain(code)
    if not chain:
        return None
    return ", which then became ".join(
        s.describe() if i == 0 else s.describe().split(" became ", 1)[1]
        for i, s in enumerate(chain)
    )


def values_to_current_codes(
    values: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> dict[str, MergedValue]:
    """Per-area values keyed by any vintage of LA code, carried to today's codes.

    A recoded or renamed authority keeps its value; authorities merged into one today get the
    weighted mean of their values (``weights``, e.g. population or LSOA count; the plain mean
    when no weights are given or they sum to zero). A code given both as itself and through its
    predecessors is merged with them like any other. Codes that are not local authorities (or
    are unknown) pass through unchanged: callers keep or drop them by their own rule.
    """
    items = (
        (c, v, float(weights.get(c, 0.0)) if weights is not None else None)
        for c, v in values.items()
    )
    return aggregate(items, current_lad_code, "mean")
