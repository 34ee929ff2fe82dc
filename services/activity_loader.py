"""Activities by id for a fitted recommender's explanations: the fit itself reads columns and
decodes no ``Activity``, so the few rows an answer explains are read (and kept) here."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence

from domain.errors import NotFound
from domain.model import Activity
from store.port import Store

#: decoded activities a fitted recommender keeps for its explanations (most recently used)
LOADED_CAPACITY = 20_000


def activity_loader(store: Store) -> Callable[[Sequence[str]], list[Activity]]:
    """Activities by id from ``store``, in the order asked, those gone left out: one read
    for the rows an answer explains, the last ``LOADED_CAPACITY`` kept decoded. Made per fit
    (a refit starts empty, so it never serves rows older than its own fit); holds the store
    weakly (the cache of fitted recommenders is keyed by the store)."""
    ref = weakref.ref(store)
    kept: OrderedDict[str, Activity] = OrderedDict()
    guard = threading.Lock()

    def load(ids: Sequence[str]) -> list[Activity]:
        with guard:
            missing = [i for i in ids if i not in kept]
        found: dict[str, Activity] = {}
        if missing:
            owner = ref()
            if owner is None:
                raise NotFound("the store of this recommender is closed")
            found = owner.get_many(Activity, missing)
        with guard:
            kept.update(found)
            out = []
            for i in ids:
                activity = kept.get(i) or found.get(i)
                if activity is not None:
                    out.append(activity)
                    if i in kept:
                        kept.move_to_end(i)
            while len(kept) > LOADED_CAPACITY:
                kept.popitem(last=False)
        return out

    return load
