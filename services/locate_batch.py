"""Locate a whole file: every row's postcode, "lat,lon" or place name, in one vectorised pass.

The answers are :func:`services.locate.locate_point`'s, so a row gets exactly what a single
lookup of its value gets; only the work is batched (one ``searchsorted`` for the postcodes, one
vectorised assignment for the points, one store query when the store answers). Every input row
is written out, with its codes or with the stable code and reason of its refusal.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from boundaries.lookup_index import PLACEMENTS, LookupIndex, PointAnswer
from geo.cells import cell_to_str
from geo.errors import (
    EmptyQuery,
    GeoError,
    InvalidPostcode,
    MissingColumn,
    OutsideUK,
    UnknownPostcode,
)
from geo.placement import Placement
from geo.postcode_format import NOT_COVERED, normalise_postcode, postcode_area
from services.locate import (
    Location,
    Source,
    _Point,
    is_place_like,
    locate,
    locate_point,
    looks_like_coordinates,
    parse_lat_lon,
    store_has_areas,
)

if TYPE_CHECKING:
    from geo.assign import Assignment
    from store.port import Store

#: a located row as its output columns (the fast path), a Location, or the refusal
Outcome = Location | GeoError | tuple[str, ...]

#: columns added to every output row, after the input's own
OUTPUT_COLUMNS = (
    "lon", "lat", "placement", "local_authority_code", "local_authority_name",
    "territory_code", "territory_name", "region_code", "region_name", "h3_cell",
    "problem", "reason",
)  # fmt: skip


@dataclass(frozen=True)
class BatchSummary:
    """How a file went: rows read, located, and refused by reason code."""

    rows: int
    located: int
    refused: dict[str, int]


def locate_many(
    index: LookupIndex,
    queries: Sequence[str],
    *,
    store: Store | None = None,
    source: Source = Source.AUTO,
) -> list[Outcome]:
    """The answer (or the refusal) for each query, aligned with ``queries``."""
    use_store = store is not None and (
        source is Source.STORE or (source is Source.AUTO and store_has_areas(store))
    )
    target: Store | LookupIndex = store if use_store and store is not None else index
    out: list[Outcome | None] = [None] * len(queries)
    postcodes: list[tuple[int, str]] = []
    points: list[tuple[int, float, float]] = []
    for i, query in enumerate(queries):
        try:
            kind = _classify(query)
            if isinstance(kind, str):
                postcodes.append((i, kind))
            elif kind is None:
                out[i] = _refuse_outside(locate(target, query, index=index))
            else:
                points.append((i, *kind))
        except GeoError as exc:
            out[i] = exc
    _postcodes(index, target, queries, postcodes, out)
    _points(index, target, queries, points, out)
    return [o if o is not None else GeoError("not located") for o in out]


def _classify(query: str) -> str | tuple[float, float] | None:
    """A normalised postcode, a (lon, lat), or ``None`` for a place name (single path)."""
    text = query.strip()
    if not text:
        raise EmptyQuery("nothing to locate: give a postcode, 'lat,lon' or a place name")
    if looks_like_coordinates(text):
        return parse_lat_lon(text)
    try:
        return normalise_postcode(text)
    except InvalidPostcode:
        if not is_place_like(text):
            raise
        return None


def _refuse_outside(answer: Location) -> Outcome:
    if answer.placement is Placement.OUTSIDE_UK:
        return OutsideUK(f"{answer.query!r} lies outside the UK: " + "; ".join(answer.notes))
    return answer


def _postcodes(
    index: LookupIndex,
    target: Store | LookupIndex,
    queries: Sequence[str],
    todo: list[tuple[int, str]],
    out: list[Outcome | None],
) -> None:
    if not todo:
        return
    rows = index.postcode_rows([p for _, p in todo])
    found = rows >= 0
    safe = np.where(found, rows, 0)
    lonlat = index.postcode_lonlat(safe).tolist()
    cells = index.postcode_cells(safe).tolist()
    fast = _FastRows(index) if target is index else None
    la, terr, place, _ = index.postcode_area_indices(safe)
    points: list[tuple[int, _Point]] = []
    for j, (i, postcode) in enumerate(todo):
        try:
            if not found[j] or postcode_area(postcode) in NOT_COVERED:
                out[i] = _refuse_outside(locate(target, queries[i], index=index))
                continue
            lon, lat = lonlat[j]
            if lon != lon:  # NaN
                raise UnknownPostcode(f"{postcode} has no coordinates in OS Code-Point Open")
            if fast is not None and place[j] == _INSIDE:
                out[i] = fast.row(lon, lat, la[j], terr[j], cells[j])
                continue
            answer = index.postcode_answers(safe[j : j + 1])[0]
            points.append((i, _Point(lon, lat, postcode, answer=answer, cell=cells[j])))
        except GeoError as exc:
            out[i] = exc
    _answer_points(target, queries, points, out)


_INSIDE = PLACEMENTS.index(Placement.INSIDE)


class _FastRows:
    """Output columns straight from the index's arrays for postcodes inside an area: the
    values :func:`outcome_to_row` gives the same postcode's :class:`Location` (tested), with
    none of the per-row objects, so a file runs at array speed."""

    def __init__(self, index: LookupIndex) -> None:
        la_codes, t_codes = index.codes("la"), index.codes("territory")
        region = [index.meta["territory"]["region"].get(c) for c in t_codes]
        self.la = [(c, index.name("la", c) or "") for c in la_codes] + [("", "")]
        self.territory = [
            (c, index.name("territory", c) or "", r or "", index.name("region", r) or "")
            for c, r in zip(t_codes, region, strict=True)
        ] + [("", "", "", "")]

    def row(self, lon: float, lat: float, la: int, territory: int, cell: int) -> tuple[str, ...]:
        la_code, la_name = self.la[la]
        t_code, t_name, r_code, r_name = self.territory[territory]
        return (f"{lon:.6f}", f"{lat:.6f}", "inside", la_code, la_name, t_code, t_name,
                r_code, r_name, cell_to_str(cell), "", "")  # fmt: skip


def _points(
    index: LookupIndex,
    target: Store | LookupIndex,
    queries: Sequence[str],
    todo: list[tuple[int, float, float]],
    out: list[Outcome | None],
) -> None:
    if not todo:
        return
    lon = np.asarray([x for _, x, _ in todo])
    lat = np.asarray([y for _, _, y in todo])
    answers: list[PointAnswer | None] = [None] * len(todo)
    if target is index:
        answers = list(_assignment_answers(index.full_index.assign(lon, lat)))
    points = [(i, _Point(x, y, answer=a)) for (i, x, y), a in zip(todo, answers, strict=True)]
    _answer_points(target, queries, points, out)


def _assignment_answers(a: Assignment) -> list[PointAnswer]:
    return [
        PointAnswer(la, t, r, Placement(p), float(d) if np.isfinite(d) else None)
        for la, t, r, p, d in zip(
            a.local_authority.tolist(), a.territory.tolist(), a.region.tolist(),
            a.placement.tolist(), a.distance_m.tolist(), strict=True,
        )
    ]  # fmt: skip


def _answer_points(
    target: Store | LookupIndex,
    queries: Sequence[str],
    points: list[tuple[int, _Point]],
    out: list[Outcome | None],
) -> None:
    if isinstance(target, LookupIndex):
        for i, point in points:
            out[i] = _refuse_outside(locate_point(target, queries[i].strip(), point))
        return
    chains = target.locate_many([(p.lon, p.lat) for _, p in points])
    for (i, point), chain in zip(points, chains, strict=True):
        answer = locate_point(target, queries[i].strip(), point, chain=chain)
        out[i] = _refuse_outside(answer)


def outcome_to_row(outcome: Outcome) -> dict[str, str]:
    """The output columns of one row."""
    if isinstance(outcome, tuple):
        return dict(zip(OUTPUT_COLUMNS, outcome, strict=True))
    if isinstance(outcome, GeoError):
        return {"problem": outcome.code, "reason": str(outcome)}
    c = outcome.chain
    values = (
        f"{outcome.lon:.6f}", f"{outcome.lat:.6f}", outcome.placement.value,
        c.local_authority_code, outcome.local_authority_name, c.territory_code,
        outcome.territory_name, c.region_code, outcome.region_name, outcome.h3_cell,
        "", "; ".join(outcome.notes),
    )  # fmt: skip
    return {k: v or "" for k, v in zip(OUTPUT_COLUMNS, values, strict=True)}


def locate_file(
    index: LookupIndex,
    source_path: Path,
    column: str,
    out_path: Path,
    *,
    store: Store | None = None,
    source: Source = Source.AUTO,
) -> BatchSummary:
    """Locate the ``column`` of every row of a CSV file and write them all to ``out_path``."""
    with Path(source_path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        if column not in header:
            raise MissingColumn(
                f"{source_path} has no column {column!r} (columns: {', '.join(header)})"
            )
        rows = list(reader)
    at = header.index(column)
    queries = [r[at] if at < len(r) else "" for r in rows]
    outcomes = locate_many(index, queries, store=store, source=source)
    added = [c if c not in header else f"located_{c}" for c in OUTPUT_COLUMNS]
    refused: dict[str, int] = {}
    with Path(out_path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*header, *added])
        width = len(header)
        for row, outcome in zip(rows, outcomes, strict=True):
            cells = row[:width] + [""] * (width - len(row))  # short rows padded, as DictReader
            if isinstance(outcome, tuple):  # the fast path: columns already in order
                writer.writerow(cells + list(outcome))
                continue
            if isinstance(outcome, GeoError):
                refused[outcome.code] = refused.get(outcome.code, 0) + 1
            extra = outcome_to_row(outcome)
            writer.writerow(cells + [extra.get(c, "") for c in OUTPUT_COLUMNS])
    return BatchSummary(len(rows), len(rows) - sum(refused.values()), refused)
