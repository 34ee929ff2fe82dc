"""How the store's recommender is fitted: afresh from the store's rows, or, with a state
directory, from the saved state of its generation (memory-mapped: every worker shares the
pages), or from an earlier generation's state with the rows changed since applied
(``matching.incremental``). ``services.recommender_cache`` keeps the result per change."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np

from domain.model import Activity
from domain.vocabulary import ValidationStatus
from matching.incremental import needs_full_fit, update_state
from matching.recommender import Recommender
from matching.state import FORMAT, fitted_arrays
from matching.state import restore as restore_state
from services import recommender_state
from services.matching_context import columns_context
from store.port import Store

#: the reach of a site the store's recommender is fitted with, and a request's default
DEFAULT_RADIUS_M = 25_000.0


def fit_recommender(
    store: Store,
    need_by_area: Mapping[str, float] | None,
    day: date,
    load: Callable[[Sequence[str]], list[Activity]],
) -> Recommender:
    """A fresh fit on the store's validated activities."""
    # read as columns in one scan: no Activity is decoded for the fit
    columns = store.activity_columns(validation_status=ValidationStatus.VALIDATED.value)
    ids = set(columns.ids)
    context = columns_context(
        store, columns.territory_codes, ids, need_by_area=need_by_area, as_of=day
    )
    return Recommender(radius_m=DEFAULT_RADIUS_M).fit(columns, context, loader=load)


def restored_or_fitted(
    store: Store,
    root: Path,
    name: str,
    need_by_area: Mapping[str, float] | None,
    day: date,
    load: Callable[[Sequence[str]], list[Activity]],
) -> Recommender:
    """The state ``name`` memory-mapped from ``root`` when a process wrote it already, else
    the state of an earlier generation with the store's changes since applied
    (``_updated``), else a fit; written there and mapped back (so this process shares the
    pages too)."""
    restored = _restore(store, root, name, need_by_area, day, load)
    if restored is not None:
        return restored
    with recommender_state.fitting(root):  # one process fits; the others wait and map it
        restored = _restore(store, root, name, need_by_area, day, load)
        if restored is not None:
            return restored
        recommender_state.discard(root, name)  # there but of other rows, if at all
        model = None
        if not _updated(store, root, name, need_by_area, day):
            model = _fit_and_save(store, root, name, need_by_area, day, load)
        restored = _restore(store, root, name, need_by_area, day, load, written_here=True)
    if restored is not None:
        return restored
    return model if model is not None else fit_recommender(store, need_by_area, day, load)


def _fit_and_save(
    store: Store,
    root: Path,
    name: str,
    need_by_area: Mapping[str, float] | None,
    day: date,
    load: Callable[[Sequence[str]], list[Activity]],
) -> Recommender:
    """A full fit, saved as ``name`` with what a later update starts from: the "activities"
    and "spos" counters read before the rows (a write after them is in the next change set)."""
    counters = {
        "activities_generation": store.generation("activities"),
        "spos_generation": store.generation("spos"),
    }
    digest = store.activity_digest()  # before the rows: a write between is a refit
    model = fit_recommender(store, need_by_area, day, load)
    arrays, meta = fitted_arrays(model)
    extra = counters | {"digest": digest, "fitted_rows": len(model.table_), "changed_since_fit": 0}
    recommender_state.save(root, name, arrays, meta | extra)
    return model


def _updated(
    store: Store,
    root: Path,
    name: str,
    need_by_area: Mapping[str, float] | None,
    day: date,
) -> bool:
    """Save ``name`` as the newest earlier state for the same day and needs with the rows
    written since applied (``matching.incremental``); False, nothing written, when there is no
    such state that passes its integrity check (``recommender_state.load``), it was not
    fitted from this store's history (its counters are ahead of the store's), or the changes
    since its full fit pass ``MAX_SHARE`` of its rows."""
    base = recommender_state.latest_before(root, name)
    if base is None:
        return False
    base_name, arrays, meta = base
    since = meta.get("activities_generation")
    if meta.get("format") != FORMAT or not isinstance(since, int):
        return False
    spos = store.generation("spos")  # before the commitments read below
    digest = store.activity_digest()  # before the rows, as a fit
    changes = store.activity_changes(since)
    fitted_rows = int(meta.get("fitted_rows", len(arrays["ids"])))
    if changes.generation < since or spos < int(meta.get("spos_generation", 0)):
        return False  # the store is behind the state: not the one it was fitted from
    if needs_full_fit(fitted_rows, int(meta.get("changed_since_fit", 0)), len(changes)):
        return False
    all_committed = spos != meta.get("spos_generation")
    extra = {
        "digest": digest,
        "activities_generation": changes.generation,
        "spos_generation": spos,
        "updated_from": base_name,
    }
    if not changes and not all_committed:  # a plan or an area changed: the rows did not
        recommender_state.save_linked(root, name, base_name, dict(meta) | extra)
        return True
    wanted = set(changes.changed.ids)
    if all_committed:  # support committed or withdrawn moves rows that did not change
        wanted |= set(np.asarray(arrays["ids"]).tolist())
    codes = [*meta.get("territories", ()), *changes.changed.territory_codes]
    context = columns_context(store, codes, wanted, need_by_area=need_by_area, as_of=day)
    validated = store.count(Activity, validation_status=ValidationStatus.VALIDATED.value)
    new_arrays, new_meta = update_state(arrays, meta, changes, context, all_committed=all_committed)
    extra["n_skipped"] = max(validated - len(new_arrays["ids"]), 0)
    recommender_state.save(root, name, new_arrays, new_meta | extra)
    return True


def _restore(
    store: Store,
    root: Path,
    name: str,
    need_by_area: Mapping[str, float] | None,
    day: date,
    load: Callable[[Sequence[str]], list[Activity]],
    *,
    written_here: bool = False,
) -> Recommender | None:
    """The saved state ``name``, if there and of these rows (``activity_digest`` agrees: a
    store recreated or restored from a backup may reach the generation with other rows).
    A state failing its integrity check (``recommender_state.state_fault``) is not restored.
    ``written_here``: this process has just written it from the rows, under the fit lock, so
    the checks (a scan of every row, a read of every file) are skipped; a write since is a
    newer generation anyway."""
    found = recommender_state.load(root, name, check=not written_here)
    if found is None:
        return None
    arrays, meta = found
    if not written_here and meta.get("digest") != store.activity_digest():
        return None
    context = columns_context(
        store, meta.get("territories", ()), None, need_by_area=need_by_area, as_of=day
    )
    try:
        return restore_state(Recommender(radius_m=DEFAULT_RADIUS_M), arrays, meta, context, load)
    except (KeyError, TypeError, ValueError):
        return None
