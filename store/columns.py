"""Activity rows -> ``domain.columns.ActivityColumns``, without an ``Activity`` per row.

The recommender's fit reads a dozen values of every validated activity; decoding each row
into an ``Activity`` (its needs, evidence and location as objects) costs several times the
read itself and kilobytes per row. Both adapters select ``COLUMNS`` in one scan and pass the
rows here; the values are the ones ``row_to_entity`` would give the same fields (defaults for
fields the ``data`` JSON does not hold, amounts as floats, an empty sector as none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from domain.columns import ActivityColumns, NeedRow, need_row
from store import schema

#: what the fit needs of a row, in this order (the location comes from its bbox corner)
COLUMNS: tuple[str, ...] = (
    "id",
    "provider_id",
    "name",
    "minx",
    "miny",
    "validation_status",
    "validated_until",
    "active",
    "themes",
    "local_authority_code",
    "territory_code",
    "data",
)
SELECTED = [schema.activities.c[name] for name in COLUMNS]
#: what ``digest`` reads of each activity and SPO
DIGESTED = [
    schema.activities.c[name]
    for name in (
        "id",
        "version",
        "validation_status",
        "active",
        "territory_code",
        "local_authority_code",
    )
]
SPO_DIGESTED = [schema.spos.c.id, schema.spos.c.version, schema.spos.c.state]


def digest(activities: Iterable[Sequence[Any]], spos: Iterable[Sequence[Any]]) -> str:
    """SHA-256 over the rows sorted (scan order differs between copies of the same data);
    booleans as 0/1, so both backends give the same digest of the same rows. The rows' reprs
    are hashed a block at a time (the same bytes as one update per row, a fraction of the
    Python calls: every worker's start and every refit pays this scan)."""
    h = hashlib.sha256()
    for part in (activities, spos):
        rows = [tuple(row) for row in part]
        if rows and any(isinstance(v, bool) for v in rows[0]):
            rows = [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]
        rows.sort()
        for start in range(0, len(rows), _DIGEST_BLOCK):
            h.update("".join(map(repr, rows[start : start + _DIGEST_BLOCK])).encode())
        h.update(b"\x1e")
    return h.hexdigest()


#: rows hashed per update in ``digest``
_DIGEST_BLOCK = 20_000


def _needs(listed: Sequence[Mapping[str, Any]] | None) -> tuple[NeedRow, ...]:
    if not listed:
        return ()
    return tuple(
        need_row(
            str(n["support_type"]),
            n.get("sector"),
            n.get("amount"),
            n.get("description") or "",
        )
        for n in listed
    )


def _strongest(evidence: Sequence[Mapping[str, Any]] | None) -> float:
    if not evidence:
        return float("nan")
    return float(max(int(e.get("strength", 1)) for e in evidence))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def activity_columns(rows: Iterable[Sequence[Any]]) -> ActivityColumns:
    """The columns of ``rows`` (``COLUMNS`` order; ``themes`` and ``data`` already parsed)."""
    ids: list[str] = []
    providers: list[str] = []
    names: list[str] = []
    descriptions: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    themes: list[tuple[str, ...]] = []
    needs: list[tuple[NeedRow, ...]] = []
    status: list[str] = []
    until: list[date | None] = []
    active: list[bool] = []
    gaps: list[float] = []
    risk: list[bool] = []
    strength: list[float] = []
    las: list[str | None] = []
    territories: list[str | None] = []
    days: dict[Any, date | None] = {}  # few distinct expiry days: parse each once
    for row in rows:
        (id_, provider, name, x, y, state, expires, on, listed, la, territory, data) = row
        ids.append(id_)
        providers.append(provider)
        names.append(name)
        lon.append(x)
        lat.append(y)
        themes.append(tuple(listed or ()))
        status.append(state)
        if expires not in days:
            days[expires] = _day(expires)
        until.append(days[expires])
        active.append(bool(on))
        las.append(la)
        territories.append(territory)
        data = data or {}
        descriptions.append(data.get("description") or "")
        needs.append(_needs(data.get("needs")))
        gap = data.get("funding_gap_gbp")
        gaps.append(0.0 if gap is None else float(gap))
        risk.append(bool(data.get("at_risk", False)))
        strength.append(_strongest(data.get("evidence")))
    return ActivityColumns(
        ids=ids,
        provider_ids=providers,
        names=names,
        descriptions=descriptions,
        lon=np.asarray(lon, dtype=np.float64),
        lat=np.asarray(lat, dtype=np.float64),
        themes=themes,
        needs=needs,
        validation_status=status,
        validated_until=until,
        active=np.asarray(active, dtype=np.bool_),
        funding_gap_gbp=np.asarray(gaps, dtype=np.float64),
        at_risk=np.asarray(risk, dtype=np.bool_),
        evidence_strength=np.asarray(strength, dtype=np.float64),
        local_authority_codes=las,
        territory_codes=territories,
    )
