"""Matching use cases: recommendations for a stored supplier (and tender), coverage, and the
offline evaluation. The store fetches candidates and context; the pure ``matching`` package
ranks and explains. Nothing here knows HTTP."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from domain.errors import InvalidInput, NotFound
from domain.model import Activity, Supplier, Tender, Territory
from domain.vocabulary import ValidationStatus
from matching.context import MatchingContext
from matching.coverage import Coverage, coverage
from matching.evaluation.run import BASELINES, EvalReport, evaluate
from matching.evaluation.scenarios import load_scenarios
from matching.incremental import needs_full_fit, update_state
from matching.recommender import MAX_K, Recommender, check_radius_m
from matching.result import Recommendation
from matching.state import FORMAT, fitted_arrays
from matching.state import restore as restore_state
from services import imports, recommender_state
from services.plans import plan_in_force
from services.recommender_state import state_name, state_root
from services.seal import intact_only
from services.settings import ServiceSettings
from spo.model import FORMAL_STATES, Spo
from store.port import Store
from store.settings import StoreSettings

DEFAULT_RADIUS_M = 25_000.0
#: states in which an SPO's lines are committed support (awarded and locked into a contract)
#: the change counters of what the fitted recommender is built from (not accounts, suppliers)
FIT_COUNTERS = ("activities", "areas", "spos", "plans")


def recommend(
    store: Store,
    supplier: Supplier,
    *,
    tender_id: str | None = None,
    k: int = 10,
    radius_m: float = DEFAULT_RADIUS_M,
    weights: Mapping[str, float] | None = None,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
    cache: RecommenderCache,
) -> Recommendation:
    """The top ``k`` validated activities for ``supplier`` (and a stored tender), explained.

    ``NotFound`` for an unknown tender; ``InvalidInput`` for a radius outside (0, 200 km], bad
    weights or k, or a supplier without sites. No candidate is an answer with no matches and
    the reason. The recommender is fitted once per change of the store and kept in ``cache``
    (see ``fitted_recommender``): a request costs two reads and one ranking.
    """
    radius = _check_request(radius_m, k)
    tender = store.get(Tender, tender_id) if tender_id is not None else None
    if not supplier.sites:
        raise InvalidInput(
            f"supplier {supplier.name!r} has no site: add at least one site to find "
            "activities near it"
        )
    fitted = fitted_recommender(store, cache=cache, need_by_area=need_by_area, as_of=as_of)
    with fitted.lock:  # the estimator's per-tender caches are plain dicts
        return fitted.model.recommend(
            supplier, tender=tender, k=k, radius_m=radius, weights=weights
        )


def recommended_activities(
    store: Store,
    answer: Recommendation,
    *,
    cache: RecommenderCache,
    need_by_area: Mapping[str, float] | None = None,
) -> dict[str, Activity]:
    """The activities of ``answer``'s matches and ``also_nearby``, by id, from the fitted
    recommender that gave it (no store read)."""
    fitted = fitted_recommender(store, cache=cache, need_by_area=need_by_area)
    ids = [m.activity_id for m in (*answer.matches, *answer.also_nearby)]
    return dict(zip(ids, fitted.activities(ids), strict=True))


def _check_request(radius_m: float, k: int) -> float:
    radius = check_radius_m(radius_m)
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return radius


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


def default_indicator(settings: ServiceSettings) -> str | None:
    """The need indicator used when none is named: the most recently imported, else None."""
    folder = imports.indicators_dir(settings)
    names = imports.list_indicators(settings)
    if not names:
        return None
    return max(names, key=lambda n: (folder / f"{n}.csv").stat().st_mtime_ns)


def need_indicator(
    settings: ServiceSettings, name: str | None = None, *, cache: RecommenderCache
) -> Mapping[str, float] | None:
    """The need indicator matching weighs (``local_need``), imported with ``dicm import
    indicator``: the one named (``NotFound`` if never imported), else the most recently
    imported one, else None (no need data: every activity's local need is 0). Rescaled 0..1,
    higher values meaning more need (``services.imports.need_by_area``). Read once per change
    of the file into ``cache``, so the same mapping object comes back and the fitted
    recommender is reused.
    """
    folder = imports.indicators_dir(settings)
    name = name or default_indicator(settings)
    if name is None:
        return None
    path = folder / f"{name}.csv"
    try:
        stat = path.stat()
    except OSError as exc:
        raise NotFound(f"no indicator {name!r}: import it with `dicm import indicator`") from exc
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = cache.needs.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    values = imports.need_by_area(settings, name)
    cache.needs[path] = (stamp, values)
    return values


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
            model = _fit(store, need_by_area, day, load)
        else:
            model = _restored_or_fitted(
                store, cache.state_dir, state_name(generation, key), need_by_area, day, load
            )
        fitted = FittedRecommender(generation, key, model, load)
        cache.fitted[store] = fitted
        return fitted


def _fit(
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


def _restored_or_fitted(
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
    return model if model is not None else _fit(store, need_by_area, day, load)


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
    model = _fit(store, need_by_area, day, load)
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
    such state, it was not fitted from this store's history (its counters are ahead of the
    store's), or the changes since its full fit pass ``MAX_SHARE`` of its rows."""
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
    ``written_here``: this process has just written it from the rows, under the fit lock, so
    the check (a scan of every row) is skipped; a write since is a newer generation anyway."""
    found = recommender_state.load(root, name)
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


def recommender_state_dir(store: StoreSettings, data_dir: Path) -> Path:
    """Where an app or command keeps the fitted states of ``store`` (``state_root``)."""
    return state_root(store, data_dir)


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


def matching_context(
    store: Store,
    activities: Sequence[Activity],
    *,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
) -> MatchingContext:
    """Current plans and names of the activities' territories, and the support committed to
    each activity by awarded SPOs (GBP lines; hours and items are not valued here)."""
    return columns_context(
        store,
        [a.territory_code for a in activities],
        {a.id for a in activities},
        need_by_area=need_by_area,
        as_of=as_of,
    )


def columns_context(
    store: Store,
    territory_codes: Iterable[str | None],
    activity_ids: set[str] | None,
    *,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
) -> MatchingContext:
    """``matching_context`` from the activities' territory codes and ids (``None``: no
    commitments read, for a restored fit whose saturation is already computed)."""
    codes = sorted({code for code in territory_codes if code})
    plans = {c: p for c in codes if (p := plan_in_force(store, c, as_of)) is not None}
    names: dict[str, str] = {}
    for code in codes:
        try:
            names[code] = store.get(Territory, code).name
        except NotFound:
            continue
    committed = {} if activity_ids is None else committed_support(store, activity_ids)
    return MatchingContext(
        plans=plans,
        need_by_area=dict(need_by_area or {}),
        committed_by_activity=committed,
        area_names=names,
        as_of=as_of,
    )


def committed_support(store: Store, activity_ids: set[str]) -> dict[str, float]:
    """GBP committed to each of ``activity_ids`` by SPOs that are awarded or in delivery and
    whose seal verifies (``services.seal``: a tampered SPO is counted in no total, the
    ranking's saturation included)."""
    committed: dict[str, float] = {}
    for state in sorted(FORMAL_STATES):
        for spo in intact_only(store, store.iter_all(Spo, state=state.value)):
            for line in spo.lines:
                if line.activity_id in activity_ids and line.unit == "GBP":
                    committed[line.activity_id] = committed.get(line.activity_id, 0.0) + line.amount
    return committed


def supply_coverage(
    store: Store, *, radius_m: float = DEFAULT_RADIUS_M, as_of: date | None = None
) -> Coverage:
    """Batch mode over the whole store: for every recommendable activity, how many suppliers
    reach it within ``radius_m``; totals per territory and local authority."""
    radius = check_radius_m(radius_m)
    today = as_of or date.today()
    columns = store.activity_columns()  # coverage explains nothing: no Activity decoded
    model = Recommender(radius_m=radius).fit(
        columns, MatchingContext(as_of=today), loader=activity_loader(store)
    )
    return coverage(model, list(store.iter_all(Supplier)), radius)


@dataclass(frozen=True)
class EvaluationOutcome:
    """The evaluation report, whether the recommender passes, and a summary.

    It passes when it beats every baseline on the means of both measures, beats priority-only
    on NDCG@10 in every scenario, and no statement of any explanation is false.
    """

    report: EvalReport
    beats_baselines: bool
    summary: str


def run_evaluation(*, random_state: int = 0, ablation: bool = True) -> EvaluationOutcome:
    """Evaluate the recommender, baselines and ablation on the packaged labelled scenarios."""
    data = load_scenarios()
    report = evaluate(data, random_state=random_state, ablation=ablation)
    ours = report.mean["recommender"]
    losses = report.losses_to("priority-only")
    false = report.false_claims
    beats = (
        all(
            ours.ndcg_at_10 > report.mean[b].ndcg_at_10
            and ours.precision_at_5 > report.mean[b].precision_at_5
            for b in BASELINES
        )
        and not losses
        and not false
    )
    n_activities = sum(len(s.activities) for s in data.scenarios)
    n_labels = sum(len(s.grades) for s in data.scenarios)
    verdict = "beats" if beats else "does NOT beat"
    summary = (
        f"{len(data.scenarios)} scenarios, {n_activities} activities, {n_labels} expert labels; "
        f"the recommender {verdict} priority-only, nearest-only and random "
        f"(loses to priority-only in {len(losses)} scenarios); "
        f"{len(report.claims)} explanation statements checked, {len(false)} false"
    )
    return EvaluationOutcome(report, beats, summary)
