"""The recommender fitted on a store, kept per change of the store in a ``RecommenderCache``
(owned by the caller: an app, a command); with a state directory the fit is shared between
processes as a saved state (``services.recommender_fit``, ``services.recommender_state``).

The fitted recommender answers every request (``services.recommendations``) and the nightly
batch (``services.recommend_batch``); a request costs a generation read and one ranking."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from domain.errors import NotFound
from domain.model import Activity
from matching.recommender import Recommender
from services.activity_loader import activity_loader
from services.recommender_fit import fit_recommender, restored_or_fitted
from services.recommender_state import state_name
from store.port import Store

#: the change counters of what the fitted recommender is built from (not accounts, suppliers)
FIT_COUNTERS = ("activities", "areas", "spos", "plans")


@dataclass(frozen=True)
class FittedRecommender:
    """A recommender fitted on every recommendable activity of a store, and what it was
    fitted from: the store's generation, and the day and need indicators (``key``).

    The fitted table holds arrays only; ``load`` reads the activities an answer explains by
    id from the store (``activity_loader``)."""

    generation: int
    key: tuple[object, ...]
    model: Recommender
    load: Callable[[Sequence[str]], Sequence[Activity]] = field(compare=False, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    def activity(self, activity_id: str) -> Activity:
        """A fitted activity by id, as the store holds it."""
        return self.activities([activity_id])[0]

    def activities(self, ids: Sequence[str]) -> list[Activity]:
        """Fitted activities by id, in the order asked (``NotFound`` for one gone since)."""
        found = list(self.load(ids))
        if len(found) != len(ids):
            missing = sorted(set(ids) - {a.id for a in found})
            raise NotFound(f"no activity with id {missing[0]!r} (it changed: ask again)")
        return found

    def is_fresh(self, generation: int, key: tuple[object, ...]) -> bool:
        """Fitted on data at least as new as ``generation``, for the same day and needs."""
        return self.key == key and self.generation >= generation


class RecommenderCache:
    """The fitted recommenders of one owner, per store, and the need indicators read for them.

    An app resource, never a module global: the API builds one in its lifespan
    (``app.state.recommenders``, injected as ``api.deps.RecommendersDep``), a CLI command or a
    script builds its own and passes it in. So two apps in one process (tests, the demo) never
    share fitted state, and the state goes when its owner does.
    """

    def __init__(self, state_dir: Path | None = None) -> None:
        #: where fitted states are written and memory-mapped from (``services.recommender_state``;
        #: ``state_root`` names it for a store); None: every fit stays in this process only
        self.state_dir = state_dir
        self.fitted: weakref.WeakKeyDictionary[Store, FittedRecommender] = (
            weakref.WeakKeyDictionary()
        )
        self.fitting = threading.Lock()
        #: the last need mapping seen and its sorted key (by identity)
        self.need_key: tuple[object, tuple[object, ...]] = (None, ())
        #: need indicator file -> (its mtime and size, its values)
        self.needs: dict[Path, tuple[tuple[int, int], Mapping[str, float]]] = {}

    def key(
        self, need_by_area: Mapping[str, float] | None, as_of: date | None
    ) -> tuple[object, ...]:
        """What a fit depends on besides the store: the day and the need indicator."""
        if need_by_area is None or not need_by_area:
            return (as_of or date.today(), ())
        if self.need_key[0] is not need_by_area:  # the same loaded indicator: sorted once
            self.need_key = (need_by_area, tuple(sorted(need_by_area.items())))
        return (as_of or date.today(), self.need_key[1])

    def fresh(
        self, store: Store, generation: int, key: tuple[object, ...]
    ) -> FittedRecommender | None:
        """The recommender fitted for ``store`` at ``generation`` or later with ``key``, if any."""
        cached = self.fitted.get(store)
        return cached if cached is not None and cached.is_fresh(generation, key) else None


def needs_fit(
    store: Store,
    *,
    cache: RecommenderCache,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
) -> bool:
    """True when the next ``recommend`` would fit first (the store changed, a new day): an
    async caller then runs ``fitted_recommender`` in a thread instead of its event loop."""
    return (
        cache.fresh(store, store.generation(*FIT_COUNTERS), cache.key(need_by_area, as_of)) is None
    )


def fitted_recommender(
    store: Store,
    *,
    cache: RecommenderCache,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
) -> FittedRecommender:
    """The recommender for ``store`` as it is now, fitted at most once per change (kept in
    ``cache``).

    The generation of ``FIT_COUNTERS`` grows with every write to activities, areas, SPOs and
    plans, in any process. It is read before the data, so a write racing a fit leaves an older
    generation on newer data: the next call refits, and no call gets data older than the
    generation it read.
    """
    key = cache.key(need_by_area, as_of)
    day = as_of or date.today()
    generation = store.generation(*FIT_COUNTERS)
    cached = cache.fresh(store, generation, key)
    if cached is not None:
        return cached
    with cache.fitting:  # one fit at a time; a fit that finished while we waited is taken
        cached = cache.fresh(store, generation, key)
        if cached is not None:
            return cached
        # the estimator keeps only those in date and active (``is_recommendable``)
        load = activity_loader(store)
        if cache.state_dir is None:
            model = fit_recommender(store, need_by_area, day, load)
        else:
            model = restored_or_fitted(
                store, cache.state_dir, state_name(generation, key), need_by_area, day, load
            )
        fitted = FittedRecommender(generation, key, model, load)
        cache.fitted[store] = fitted
        return fitted
