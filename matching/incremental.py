"""A fitted state (``matching.state``) brought up to date with a change set, without a fit.

At a million activities a fit takes minutes; one validated activity changes one row. Given the
rows written since the state was fitted (``Store.activity_changes``: their columns, and the
ids deleted), ``update_state`` keeps the fitted TF-IDF vocabulary and IDF weights, drops every
changed or deleted row, adds the changed rows that are recommendable now (at their place in
the cell-sorted order the window search relies on, ties by id), and recomputes what depends
on other rows: the id ranks, the provider, territory and local-authority codes (sorted
distinct values), the need columns and patterns, and saturation wherever committed support
moved.

The contract (``tests/matching/test_incremental.py``): a model restored from the updated
state answers exactly as ``Recommender().fit(current data, vectoriser=the state's)`` does,
and every explanation is of the current rows (they are read by id when answering). What it
does not redo is learning the vocabulary: IDF weights drift from a fresh fit's as rows change,
so the caller fits afresh once the changes since the last fit pass ``MAX_SHARE`` of its rows
(``needs_full_fit``). Per-pattern need columns are only ever appended (an unused pattern or
need column changes no score), so those arrays may differ from a fresh fit's in coding, never
in the answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from domain.columns import ActivityChanges
from domain.model import Activity
from domain.vocabulary import SupportType
from matching.context import MatchingContext
from matching.features import IntArray, NeedKey, build_activity_table
from matching.grid import cell_keys
from matching.recommender import recommendable_rows
from matching.state import FORMAT, saved_vectoriser

#: changes since the last full fit, as a share of its rows, past which a full fit is cheaper
#: than applying them (and refreshes the vocabulary)
MAX_SHARE = 0.05
#: plain per-row arrays: the new rows' values go where the rows go
_PER_ROW = (
    "lon",
    "lat",
    "x",
    "y",
    "z",
    "cell_keys",
    "theme_matrix",
    "has_themes",
    "at_risk",
    "funding_gap_gbp",
    "need_gbp",
    "local_need",
    "sustainability",
    "evidence",
)


def needs_full_fit(n_rows: int, changed_since_fit: int, n_changes: int) -> bool:
    """True when the changes (with those applied since the last full fit) are too many."""
    return changed_since_fit + n_changes > MAX_SHARE * max(n_rows, 1)


def update_state(
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    changes: ActivityChanges,
    context: MatchingContext,
    *,
    all_committed: bool,
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The state ``arrays``/``meta`` with ``changes`` applied (see module doc). ``context``
    gives the day, need indicator and committed support of the changed rows; with
    ``all_committed`` its commitments cover every row and saturation is recomputed for all
    (support committed or withdrawn since moves rows that did not change). ``n_skipped`` is
    left as it was: the caller knows how many validated rows the store holds."""
    if meta.get("format") != FORMAT:
        raise ValueError(f"recommender state format {meta.get('format')!r}, expected {FORMAT}")
    ids = np.asarray(arrays["ids"])
    n = int(ids.size)
    by_id = np.empty(n, dtype=np.intp)  # old rows in id order
    by_id[np.asarray(arrays["id_rank"])] = np.arange(n)
    sorted_ids = ids[by_id]
    keep = np.ones(n, dtype=np.bool_)
    touched = [*changes.changed.ids, *changes.deleted]
    keep[by_id[_found(sorted_ids, np.array(touched, dtype=np.str_))]] = False
    kept = np.flatnonzero(keep)

    columns = changes.changed
    added = columns.take(recommendable_rows(columns, context.as_of or date.today()).tolist())
    new_keys = cell_keys(added.lon, added.lat)
    new_ids = np.array(list(added.ids), dtype=np.str_)
    order = np.lexsort((new_ids, new_keys)) if new_ids.size else np.zeros(0, dtype=np.intp)
    added, new_keys, new_ids = added.take(order.tolist()), new_keys[order], new_ids[order]
    mini = build_activity_table(added, context, saved_vectoriser(arrays, meta), _no_rows)

    old_keys = np.asarray(arrays["cell_keys"])
    at = _insert_positions(old_keys[kept], ids, kept, new_keys, new_ids)
    source = np.insert(kept, at, n + np.arange(new_ids.size))
    where = np.empty(n + new_ids.size, dtype=np.intp)  # final row of each source row
    where[source] = np.arange(source.size)
    segments = _segments(source, n)

    def place(old: np.ndarray, new: np.ndarray) -> np.ndarray:
        return _splice(np.asarray(old), np.asarray(new), segments)

    new_values: dict[str, np.ndarray] = dict(zip(("x", "y", "z"), mini.xyz_columns, strict=True))
    new_values["cell_keys"] = new_keys
    out: dict[str, np.ndarray] = {
        name: place(arrays[name], new_values[name] if name in new_values else getattr(mini, name))
        for name in _PER_ROW
    }
    out["ids"] = place(ids, new_ids)
    in_id_order = keep[by_id]
    out["id_rank"] = _id_rank(sorted_ids[in_id_order], by_id[in_id_order], where, n, new_ids)
    out["idf"] = np.asarray(arrays["idf"])
    providers, old_code, new_code = _recode(
        arrays["provider_code"], kept, list(arrays["providers"]), list(added.provider_ids), True
    )
    out["providers"] = np.array(providers, dtype=np.str_)
    out["provider_code"] = place(old_code, new_code)
    coded: dict[str, tuple[str, ...]] = {}
    for name, plural, raw in (
        ("territory", "territories", added.territory_codes),
        ("local_authority", "local_authorities", added.local_authority_codes),
    ):
        values, old_code, new_code = _recode(
            arrays[name], kept, list(meta[plural]), list(raw), False
        )
        coded[plural] = tuple(values)
        out[name] = place(old_code, new_code)
    need_keys = _merge_needs(arrays, meta, mini, out, place)
    out["saturation"] = (
        _saturation_all(out, context)
        if all_committed
        else place(arrays["saturation"], mini.saturation)
    )
    out |= _splice_text(arrays, sparse.csr_matrix(mini.text_matrix), segments)
    updated = dict(meta) | {
        "need_keys": [[str(kind.value), sector] for kind, sector in need_keys],
        "territories": list(coded["territories"]),
        "local_authorities": list(coded["local_authorities"]),
        "text_shape": [int(source.size), int(meta["text_shape"][1])],
        "changed_since_fit": int(meta.get("changed_since_fit", 0)) + len(changes),
    }
    return out, updated


def _segments(source: IntArray, n: int) -> list[tuple[bool, int, int]]:
    """``source`` (each final row's old row, or ``n`` + its new row) as runs: (new?, first,
    end) of consecutive rows of one side. A change set of m rows makes O(m) runs, so the
    arrays are rebuilt by copying a few long slices rather than gathering row by row."""
    if source.size == 0:
        return []
    fresh = source >= n
    breaks = np.flatnonzero((np.diff(source) != 1) | (fresh[1:] != fresh[:-1])) + 1
    starts = np.concatenate(([0], breaks)).tolist()
    ends = np.concatenate((breaks, [source.size])).tolist()
    runs = []
    for first, start, end in zip(source[starts].tolist(), starts, ends, strict=True):
        offset = n if first >= n else 0
        runs.append((first >= n, first - offset, first - offset + end - start))
    return runs


def _splice(old: np.ndarray, new: np.ndarray, segments: list[tuple[bool, int, int]]) -> np.ndarray:
    """The rows of ``old`` and ``new`` in ``segments`` order (see ``_segments``)."""
    pieces = [new[a:b] if fresh else old[a:b] for fresh, a, b in segments]
    return np.concatenate(pieces) if pieces else old[:0]


def _splice_text(
    arrays: Mapping[str, np.ndarray], new: Any, segments: list[tuple[bool, int, int]]
) -> dict[str, np.ndarray]:
    """The CSR text matrix's arrays spliced like every row array: each run's stored values
    copied whole, the row pointers rebuilt from the row lengths (in the state's index dtype,
    so a restore maps them as they are, without a converting copy)."""
    old_ptr = np.asarray(arrays["text_indptr"])
    new_ptr = np.asarray(new.indptr)
    spans = [
        (fresh, int(ptr[a]), int(ptr[b]))
        for fresh, a, b in segments
        for ptr in ((new_ptr if fresh else old_ptr),)
    ]
    lengths = _splice(np.diff(old_ptr), np.diff(new_ptr), segments)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    kind = old_ptr.dtype if indptr[-1] < np.iinfo(np.int32).max else np.dtype(np.int64)
    indices = _splice(np.asarray(arrays["text_indices"]), np.asarray(new.indices), spans)
    return {
        "text_data": _splice(np.asarray(arrays["text_data"]), np.asarray(new.data), spans),
        "text_indices": indices.astype(kind, copy=False),
        "text_indptr": indptr.astype(kind, copy=False),
    }


def _no_rows(rows: Sequence[int]) -> Sequence[Activity]:
    raise AssertionError("an updated state reads its activities through the restored model")


def _found(sorted_values: NDArray[np.str_], wanted: NDArray[np.str_]) -> IntArray:
    """Positions in ``sorted_values`` of those of ``wanted`` that are there."""
    if wanted.size == 0 or sorted_values.size == 0:
        return np.zeros(0, dtype=np.intp)
    at = np.minimum(np.searchsorted(sorted_values, wanted), sorted_values.size - 1)
    return np.asarray(at[sorted_values[at] == wanted], dtype=np.intp)


def _insert_positions(
    kept_keys: NDArray[np.int64],
    ids: NDArray[np.str_],
    kept: IntArray,
    new_keys: NDArray[np.int64],
    new_ids: NDArray[np.str_],
) -> IntArray:
    """Where each new row goes among the kept rows (sorted by cell, then id): the number of
    kept rows before it. Only a cell's own rows are compared by id."""
    low = np.searchsorted(kept_keys, new_keys, side="left")
    high = np.searchsorted(kept_keys, new_keys, side="right")
    at = low.copy()
    for j in np.flatnonzero(high > low).tolist():
        in_cell = ids[kept[low[j] : high[j]]]
        at[j] = low[j] + int(np.searchsorted(in_cell, new_ids[j]))
    return np.asarray(at, dtype=np.intp)


def _id_rank(
    kept_sorted_ids: NDArray[np.str_],
    kept_by_id: IntArray,
    where: IntArray,
    n: int,
    new_ids: NDArray[np.str_],
) -> IntArray:
    """Each final row's position in id order: the kept rows' id order (``kept_by_id``, their
    ids ``kept_sorted_ids``) merged with the new ids'."""
    new_by_id = np.argsort(new_ids, kind="stable")
    at = np.searchsorted(kept_sorted_ids, new_ids[new_by_id])
    sequence = np.insert(where[kept_by_id], at, where[n + new_by_id])
    rank = np.empty(sequence.size, dtype=np.intp)
    rank[sequence] = np.arange(sequence.size)
    return rank


def _recode(
    codes: np.ndarray,
    kept: IntArray,
    values: Sequence[str],
    raw: Sequence[str | None],
    keep_empty: bool,
) -> tuple[list[str], IntArray, IntArray]:
    """Distinct sorted values of the ``kept`` rows (``codes`` into ``values``, -1 none) and
    the new ``raw`` values; every old row's code and every new row's under them (as
    ``features.codes`` and ``np.unique`` give a fit; ``keep_empty``: "" is a value too)."""
    old = np.asarray(codes, dtype=np.intp)
    in_use = old[kept]
    used = np.bincount(in_use[in_use >= 0], minlength=len(values)) > 0
    fresh = {v for v in raw if v is not None and (keep_empty or v)}
    distinct = sorted({str(v) for v, u in zip(values, used.tolist(), strict=True) if u} | fresh)
    index = {v: i for i, v in enumerate(distinct)}
    remap = np.array([index.get(str(v), -1) for v in values] + [-1], dtype=np.intp)
    new = np.fromiter(
        (index[v] if v is not None and (keep_empty or v) else -1 for v in raw), np.intp, len(raw)
    )
    return distinct, remap[old], new


def _merge_needs(
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    mini: Any,
    out: dict[str, np.ndarray],
    place: Any,
) -> tuple[NeedKey, ...]:
    """The state's need columns with the new rows' appended, patterns likewise (the old
    patterns keep their numbers), and each row's pattern."""
    keys: list[NeedKey] = [(SupportType(kind), sector) for kind, sector in meta["need_keys"]]
    column = {key: i for i, key in enumerate(keys)}
    mini_patterns = np.asarray(mini.need_patterns)
    for j, key in enumerate(mini.need_keys):
        if mini_patterns[:, j].any() and key not in column:
            column[key] = len(keys)
            keys.append(key)
    old_patterns = np.asarray(arrays["need_patterns"])
    patterns = np.zeros((old_patterns.shape[0], len(keys)), dtype=np.float64)
    patterns[:, : old_patterns.shape[1]] = old_patterns
    mapped = np.zeros((mini_patterns.shape[0], len(keys)), dtype=np.float64)
    for j, key in enumerate(mini.need_keys):
        if key in column:
            mapped[:, column[key]] = mini_patterns[:, j]
    number = {row.tobytes(): i for i, row in enumerate(patterns)}
    extra: list[NDArray[np.float64]] = []
    of_mini = np.empty(mapped.shape[0], dtype=np.intp)
    for j, row in enumerate(mapped):
        at = number.get(row.tobytes())
        if at is None:
            at = number[row.tobytes()] = len(number)
            extra.append(row)
        of_mini[j] = at
    if extra:
        patterns = np.vstack([patterns, np.array(extra)])
    out["need_patterns"] = patterns
    out["need_count"] = np.maximum(patterns.sum(axis=1), 1.0)
    out["need_pattern"] = place(np.asarray(arrays["need_pattern"]), of_mini[mini.need_pattern])
    return tuple(keys)


def _saturation_all(out: Mapping[str, np.ndarray], context: MatchingContext) -> np.ndarray:
    """Saturation of every row from its need and the support committed to it now, as
    ``features.saturation`` computes it (1 where nothing is committed: need / need)."""
    need = out["need_gbp"]
    value = np.asarray(need / need, dtype=np.float64)
    committed = context.committed_by_activity
    if committed:
        ids = out["ids"]
        order = np.empty(ids.size, dtype=np.intp)  # rows in id order
        order[out["id_rank"]] = np.arange(ids.size)
        wanted = np.array(sorted(committed), dtype=np.str_)
        hits = _found(ids[order], wanted)
        rows = order[hits]
        amounts = np.array([committed[str(i)] for i in ids[rows]], dtype=np.float64)
        value[rows] = need[rows] / (need[rows] + amounts)
    return value
