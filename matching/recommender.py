"""The recommender: a scikit-learn style estimator over the pure feature builders.

``Recommender(...).fit(activities, context)`` learns the state (``table_``, ``cell_keys_``,
``vectoriser_``, ``plan_``); ``recommend(supplier, tender=..., k=..., radius_m=...)`` and
``recommend_batch(suppliers, ...)`` answer. It never sees the store: callers pass plain data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.columns import ActivityColumns, from_activities
from domain.errors import InvalidInput
from domain.model import Activity, Supplier, Tender
from domain.vocabulary import ValidationStatus
from geo.sphere import FloatArray
from matching.batch import CHUNK, batch_candidates, rank_batch
from matching.bounds import SEARCHES, cell_index
from matching.context import MatchingContext
from matching.diversity import DEFAULT_MARGIN
from matching.explain import format_distance
from matching.features import (
    ActivityTable,
    build_activity_table,
    column_texts,
    fit_vectoriser,
)
from matching.grid import Int64Array, cell_keys
from matching.priorities import TenderView, align_plans, build_tender_view
from matching.ranking import (
    OfferFit,
    Ranked,
    Ranking,
    Scene,
    rank_supplier,
    static_features,
)
from matching.result import Recommendation
from matching.tiers import priority_tiers
from matching.weights import FEATURES, resolve_weights

MAX_RADIUS_M = 200_000.0
MAX_K = 1_000
PROGRESS_EVERY = 256
# per tender: the tender itself, its view, the supplier-free feature matrix, and cached
# explanation parts per row
_Static = tuple[
    Tender | None,
    TenderView | None,
    FloatArray,
    dict[int, tuple[tuple[str, ...], tuple[str, ...]]],
]


def check_radius_m(radius_m: float) -> float:
    """``radius_m`` as a float if it is more than 0 and at most 200 km, else ``InvalidInput``."""
    try:
        value = float(radius_m)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0.0 < value <= MAX_RADIUS_M):
        raise InvalidInput(
            f"radius_m must be more than 0 and at most {MAX_RADIUS_M:,.0f} m (200 km), "
            f"got {radius_m}"
        )
    return value


def no_candidates_reason(
    radius_m: float, tender: Tender | None, ranked: Ranked | None = None
) -> str:
    """Why an answer is empty, in the supplier's words."""
    if ranked is not None and ranked.also_nearby:
        return (
            "no validated activity inside the tender's delivery area; "
            f"{len(ranked.also_nearby)} nearby outside it (also_nearby)"
        )
    where = f"within {format_distance(radius_m).replace('.0 km', ' km')} of your sites"
    if tender is not None:
        where += " or inside the tender's delivery area"
    return f"no validated activity {where}"


class Recommender(BaseEstimator):  # type: ignore[misc]
    """Ranks validated activities for a supplier (and optionally a tender), explained.

    Hyper-parameters: ``weights`` (overrides of ``matching.weights.DEFAULT_WEIGHTS``),
    ``radius_m`` (default reach of a site, 25 km), ``half_distance_m`` (distance at which
    proximity halves, 5 km), ``diversity`` (0 = pure score order .. 1 = only novelty; MMR),
    ``max_per_provider`` (places one provider may take while others remain; None = no cap),
    ``pool_size`` (how many of the best candidates the re-ranking considers), ``search``
    (how one supplier's candidates are searched, ``matching.bounds.SEARCHES``: the same answer
    either way, at a different cost).
    """

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        radius_m: float = 25_000.0,
        half_distance_m: float = 5_000.0,
        diversity: float = 0.3,
        margin: float = DEFAULT_MARGIN,
        max_per_provider: int | None = 2,
        pool_size: int = 30,
        hard_constraints: bool = True,
        search: str = "auto",
    ) -> None:
        self.weights = weights
        self.radius_m = radius_m
        self.half_distance_m = half_distance_m
        self.diversity = diversity
        self.margin = margin
        self.hard_constraints = hard_constraints
        self.max_per_provider = max_per_provider
        self.pool_size = pool_size
        self.search = search

    def fit(
        self,
        activities: Sequence[Activity] | ActivityColumns,
        context: MatchingContext | None = None,
        *,
        loader: Callable[[Sequence[str]], Sequence[Activity]] | None = None,
        vectoriser: TfidfVectorizer | None = None,
    ) -> Self:
        """Learn the activity table, spatial index, TF-IDF vocabulary and plan alignment.

        ``activities`` are decoded activities, or their columns (``domain.columns``, as a
        store reads them) with ``loader``: activities by id, in the order asked, for the few
        rows an answer explains (the table itself keeps arrays only). ``vectoriser``: a
        fitted TF-IDF vocabulary to keep instead of learning one (what a state updated in
        place keeps, ``matching.incremental``, and the fit its contract is checked against)."""
        self._check_params()
        context = context or MatchingContext()
        as_of = context.as_of or date.today()
        if isinstance(activities, ActivityColumns):
            if loader is None:
                raise InvalidInput("fitting on columns needs a loader of activities by id")
            columns, objects = activities, None
        else:
            columns, objects = from_activities(activities), activities
        kept_rows = recommendable_rows(columns, as_of)
        keys = cell_keys(columns.lon[kept_rows], columns.lat[kept_rows])
        ids = np.array([columns.ids[i] for i in kept_rows.tolist()], dtype=np.str_)
        # stored by cell: a window is a few contiguous slices; ties by id
        order = np.lexsort((ids, keys)) if ids.size else np.zeros(0, dtype=np.intp)
        kept = kept_rows[order]
        rows_of = _row_loader(kept, ids[order], objects, loader)
        table_columns = columns.take(kept.tolist())
        texts = column_texts(table_columns)
        self.cell_keys_ = keys[order]
        self.context_ = context
        self.n_skipped_ = len(columns) - len(kept)
        self.vectoriser_ = fit_vectoriser(texts) if vectoriser is None else vectoriser
        self.table_ = build_activity_table(table_columns, context, self.vectoriser_, rows_of, texts)
        self._finish_fit()
        return self

    def _finish_fit(self) -> None:
        """The state every fit (or a restored one) derives from its table and context."""
        self.plan_ = align_plans(self.table_, self.context_.plans, self.vectoriser_)
        self.cells_ = cell_index(self.cell_keys_, self.table_.need_pattern)
        self._static: dict[int | None, _Static] = {}
        self._default_weights = resolve_weights(self.weights)
        self._offers: dict[object, OfferFit] = {}
        self._scenes: dict[tuple[int | None, tuple[float, ...]], Scene] = {}

    def restore(
        self,
        table: ActivityTable,
        cell_keys_: Int64Array,
        vectoriser: TfidfVectorizer,
        context: MatchingContext,
        n_skipped: int = 0,
    ) -> Self:
        """This estimator with the fitted state of an earlier ``fit`` (``matching.state``
        reads it back from arrays), as if it had just been fitted on the same data."""
        self._check_params()
        self.cell_keys_ = cell_keys_
        self.context_ = context
        self.n_skipped_ = n_skipped
        self.vectoriser_ = vectoriser
        self.table_ = table
        self._finish_fit()
        return self

    def recommend(
        self,
        supplier: Supplier,
        *,
        tender: Tender | None = None,
        k: int = 10,
        radius_m: float | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> Recommendation:
        """The top ``k`` activities for ``supplier``, best first, each explained."""
        scene, ranking = self._request([supplier], tender, k, radius_m, weights)
        return self._recommend_one(supplier, scene, ranking)

    def recommend_batch(
        self,
        suppliers: Sequence[Supplier],
        *,
        tender: Tender | None = None,
        k: int = 10,
        radius_m: float | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> list[Recommendation]:
        """``recommend`` for every supplier, vectorised (``matching.batch``): the supplier-free
        features once for the whole batch, candidates and scores as array operations over
        chunks of suppliers, the same answers as ``recommend``."""
        scene, ranking = self._request(suppliers, tender, k, radius_m, weights)
        return list(self._each(suppliers, scene, ranking, None))

    def recommend_all(
        self,
        suppliers: Sequence[Supplier],
        *,
        k: int = 10,
        radius_m: float | None = None,
        weights: Mapping[str, float] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[Recommendation]:
        """``recommend_batch`` without a tender for a whole directory of suppliers (the
        nightly digest), lazily, a chunk of suppliers at a time (``matching.batch``: the same
        answers as ``recommend``). ``progress(done, total)`` is called every
        ``PROGRESS_EVERY`` suppliers and at the end."""
        scene, ranking = self._request(suppliers, None, k, radius_m, weights)  # checked now
        return self._each(suppliers, scene, ranking, progress)

    def _each(
        self,
        suppliers: Sequence[Supplier],
        scene: Scene,
        ranking: Ranking,
        progress: Callable[[int, int], None] | None,
    ) -> Iterator[Recommendation]:
        total = len(suppliers)
        done = 0
        for start in range(0, total, CHUNK):
            for answer in self._chunk(suppliers[start : start + CHUNK], scene, ranking):
                yield answer
                done += 1
                if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                    progress(done, total)

    def _chunk(
        self, suppliers: Sequence[Supplier], scene: Scene, ranking: Ranking
    ) -> list[Recommendation]:
        """One vectorised step; suppliers with like numbers of sites go together (the pair
        arrays are as wide as the most sites in the step)."""
        buckets: dict[int, list[int]] = {}
        for i, supplier in enumerate(suppliers):
            n_sites = len(supplier.sites)  # up to 4 sites exactly, then by powers of two
            buckets.setdefault(n_sites if n_sites <= 4 else 4 + n_sites.bit_length(), []).append(i)
        answers: list[Recommendation | None] = [None] * len(suppliers)
        view = scene.view
        for members in buckets.values():
            group = [suppliers[i] for i in members]
            cand = batch_candidates(
                self.cell_keys_,
                self.table_.xyz_columns,
                group,
                ranking.radius_m,
                in_reach=view.in_reach if view is not None else None,
                reach=view.reach if view is not None else None,
            )
            ranked = rank_batch(scene, group, cand, ranking)
            for s, (i, supplier) in enumerate(zip(members, group, strict=True)):
                count = int(cand.bounds[s + 1] - cand.bounds[s])
                answers[i] = self._recommendation(supplier, scene, count, ranked[s], ranking)
        return [a for a in answers if a is not None]

    def _request(
        self,
        suppliers: Sequence[Supplier],
        tender: Tender | None,
        k: int,
        radius_m: float | None,
        weights: Mapping[str, float] | None,
    ) -> tuple[Scene, Ranking]:
        """The checked request: its supplier-free scene and ranking parameters."""
        if not hasattr(self, "table_"):
            raise InvalidInput("the recommender must be fitted before it recommends")
        radius = check_radius_m(self.radius_m if radius_m is None else radius_m)
        ranking = Ranking(
            weights=self._weights(weights),
            k=_check_k(k),
            diversity=float(self.diversity),
            max_per_provider=self.max_per_provider,
            pool_size=int(self.pool_size),
            half_distance_m=float(self.half_distance_m),
            radius_m=radius,
            margin=float(self.margin),
            hard_constraints=bool(self.hard_constraints),
        )
        for supplier in suppliers:
            _check_sites(supplier)
        return self._scene(tender, ranking.weights), ranking

    def _recommend_one(self, supplier: Supplier, scene: Scene, ranking: Ranking) -> Recommendation:
        """One supplier's answer, best first (``matching.bounds``): the exhaustive ranking's
        answer without scoring every candidate."""
        site_lon_lat = np.array([(s.location.x, s.location.y) for s in supplier.sites])
        ranked, count = rank_supplier(
            scene, supplier, self.cells_, site_lon_lat, ranking, SEARCHES[self.search]
        )
        return self._recommendation(supplier, scene, count, ranked, ranking)

    def _recommendation(
        self, supplier: Supplier, scene: Scene, candidates: int, ranked: Ranked, ranking: Ranking
    ) -> Recommendation:
        radius_m = ranking.radius_m
        matches = ranked.matches
        return Recommendation(
            supplier_id=supplier.id,
            tender_id=scene.tender.id if scene.tender is not None else None,
            radius_m=radius_m,
            candidate_count=candidates,
            matches=tuple(matches),
            reason=None if matches else no_candidates_reason(radius_m, scene.tender, ranked),
            also_nearby=tuple(ranked.also_nearby),
        )

    def _scene(self, tender: Tender | None, weights: FloatArray) -> Scene:
        """Supplier-free state for a request, cached per tender object and weights (a tender
        is immutable, so the same object always gives the same view)."""
        key = None if tender is None else id(tender)
        cached = self._static.get(key)
        if cached is None or cached[0] is not tender:
            if len(self._static) >= 16:
                self._static.clear()
                self._scenes.clear()
            view = (
                None
                if tender is None
                else build_tender_view(self.table_, self.plan_, tender, self.vectoriser_)
            )
            cached = (tender, view, static_features(self.table_, self.plan_, view), {})
            self._static[key] = cached
            self._scenes = {k: v for k, v in self._scenes.items() if k[0] != key}
        scene_key = (key, tuple(weights.tolist()))
        scene = self._scenes.get(scene_key)
        if scene is None:
            if len(self._scenes) >= 64:
                self._scenes.clear()
            _, view, features, explain_cache = cached
            priority = np.ascontiguousarray(features[:, FEATURES.index("priority")])
            scene = Scene(
                self.table_,
                self.plan_,
                tender,
                view,
                features,
                features @ weights,
                self.context_.area_names,
                explain_cache,
                self._offers,
                priority,
                priority_tiers(priority),
                {},
            )
            self._scenes[scene_key] = scene
        return scene

    def _weights(self, overrides: Mapping[str, float] | None) -> FloatArray:
        """The request's weights; the estimator's own are resolved once per fit."""
        if overrides is None:
            return self._default_weights
        return resolve_weights(self.weights, overrides)

    def _check_params(self) -> None:
        resolve_weights(self.weights)
        check_radius_m(self.radius_m)
        if not (math.isfinite(self.half_distance_m) and self.half_distance_m > 0.0):
            raise InvalidInput(f"half_distance_m must be > 0, got {self.half_distance_m}")
        if not (math.isfinite(self.margin) and self.margin >= 0.0):
            raise InvalidInput(f"margin must be >= 0, got {self.margin}")
        if not 0.0 <= self.diversity <= 1.0:
            raise InvalidInput(f"diversity must be in 0..1, got {self.diversity}")
        if self.max_per_provider is not None and self.max_per_provider < 1:
            raise InvalidInput(f"max_per_provider must be >= 1, got {self.max_per_provider}")
        if self.pool_size < 1:
            raise InvalidInput(f"pool_size must be >= 1, got {self.pool_size}")
        if self.search not in SEARCHES:
            raise InvalidInput(f"search must be one of {', '.join(SEARCHES)}, got {self.search!r}")


def _row_loader(
    kept: NDArray[np.intp],
    fitted_ids: NDArray[np.str_],
    objects: Sequence[Activity] | None,
    loader: Callable[[Sequence[str]], Sequence[Activity]] | None,
) -> Callable[[Sequence[int]], Sequence[Activity]]:
    """Fitted rows -> activities: from the fitted objects themselves, else by id through
    the caller's ``loader``."""
    if objects is not None:
        chosen = [objects[i] for i in kept.tolist()]
        return lambda rows: [chosen[r] for r in rows]
    assert loader is not None
    by_id = loader
    return lambda rows: by_id([str(fitted_ids[r]) for r in rows])


def recommendable_rows(columns: ActivityColumns, as_of: date) -> NDArray[np.intp]:
    """Rows that are validated, in date on ``as_of`` and active (``spo.validation``'s
    ``is_recommendable``, over columns), in row order."""
    validated = ValidationStatus.VALIDATED.value
    keep = [
        i
        for i, (status, until) in enumerate(
            zip(columns.validation_status, columns.validated_until, strict=True)
        )
        if status == validated and (until is None or until >= as_of)
    ]
    rows = np.asarray(keep, dtype=np.intp)
    return rows[columns.active[rows]] if rows.size else rows


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
    return k


def _check_sites(supplier: Supplier) -> None:
    if not supplier.sites:
        raise InvalidInput(
            f"supplier {supplier.name!r} has no site: add at least one site to find "
            "activities near it"
        )
    for site in supplier.sites:
        if not (math.isfinite(site.location.x) and math.isfinite(site.location.y)):
            raise InvalidInput(f"site {site.name!r} has no valid location")
