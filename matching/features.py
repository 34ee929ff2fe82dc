"""Feature builders: activities (at ``fit``) and suppliers (per request) as numpy arrays.

Each feature is 0..1, 1 the better match (see ``matching.weights`` for how they are weighed):

- ``proximity``: ``0.5 ** (distance_m / half_distance_m)`` from the supplier's nearest site;
  1 on the doorstep, 0.5 at the half distance (default 5 km), strictly falling with distance.
- ``offer_fit``: the share of the activity's needs the supplier's offers can meet. A need
  names a support type (cash, volunteering, skills, in-kind, jobs) and, for skills, a sector;
  an offer meets it when the type matches and, where the need names a sector, the offer's
  sector is that sector (an offer without a sector stands for the supplier's own sectors).
  An activity that lists no needs scores 0: nothing says the supplier can help.
- ``local_need``: the caller's need indicator (0..1, e.g. IMD 2019 deprivation) for the
  activity's local authority, else its territory, else 0 (unknown is not evidence of need).
- ``sustainability``: half "at risk of closing", half the funding gap on a saturating scale:
  ``gap / (gap + 25,000)`` (a £25k gap scores 0.25 of the 0.5; large gaps approach 0.5).
- ``saturation``: ``need / (need + committed)`` with ``need`` the activity's funding gap or
  cash needs (at least £10,000): 1 when nothing is committed, 0.5 when committed support equals
  the need, falling further after (diminishing returns of piling onto one activity).
- ``evidence``: the strongest evidence's strength / 5 (1 anecdotal .. 5 independent
  evaluation), 0 without evidence.
- ``priority`` and ``area_fit``: see ``matching.priorities``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.model import Activity, Need, Supplier
from domain.vocabulary import THEMES, SupportType
from geo.sphere import FloatArray, lon_lat_to_xyz
from matching.context import MatchingContext

IntArray = NDArray[np.intp]
NeedKey = tuple[SupportType, str | None]

THEME_CODES: tuple[str, ...] = tuple(THEMES)
THEME_INDEX: dict[str, int] = {code: i for i, code in enumerate(THEME_CODES)}
GAP_SCALE_GBP = 25_000.0
MIN_NEED_GBP = 10_000.0


@dataclass(frozen=True)
class ActivityTable:
    """Recommendable activities as column arrays, row ``i`` is ``activities[i]``."""

    activities: tuple[Activity, ...]
    xyz: FloatArray
    #: ``xyz`` as three contiguous columns: gathers of candidate rows read these (a gather
    #: from a strided column copies the whole column first)
    xyz_columns: tuple[FloatArray, FloatArray, FloatArray]
    lon: FloatArray
    lat: FloatArray
    id_rank: IntArray  # position of each id in sorted order: ties are broken by id
    provider_code: IntArray
    theme_matrix: FloatArray  # (n, len(THEMES)) 0/1
    has_themes: NDArray[np.bool_]
    need_keys: tuple[NeedKey, ...]
    need_patterns: FloatArray  # (distinct need sets, len(need_keys)) 0/1
    need_pattern: IntArray  # row of need_patterns for each activity
    need_count: FloatArray  # per pattern, at least 1 (an activity without needs scores 0)
    need_column: dict[NeedKey, int]
    need_columns: tuple[tuple[int, ...], ...]  # per activity, the column of each of its needs
    local_need: FloatArray
    sustainability: FloatArray
    saturation: FloatArray
    evidence: FloatArray
    text_matrix: Any  # scipy sparse (n, vocabulary), rows L2-normalised


def activity_text(activity: Activity) -> str:
    """The words TF-IDF sees for an activity: name, description and its needs' descriptions."""
    needs = " ".join(need.description for need in activity.needs)
    return f"{activity.name}. {activity.description} {needs}".strip()


def fit_vectoriser(texts: Sequence[str]) -> TfidfVectorizer:
    """A TF-IDF vectoriser over activity texts plus the theme labels (so priority words that
    appear in no activity still have a column)."""
    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    vectoriser.fit([*texts, *THEMES.values()])
    return vectoriser


def build_activity_table(
    activities: Sequence[Activity], context: MatchingContext, vectoriser: TfidfVectorizer
) -> ActivityTable:
    """Column arrays for ``activities`` (already filtered to recommendable ones)."""
    n = len(activities)
    lon = np.fromiter((a.location.x for a in activities), np.float64, n)
    lat = np.fromiter((a.location.y for a in activities), np.float64, n)
    ids = np.array([a.id for a in activities], dtype=object)
    id_rank = np.empty(n, dtype=np.intp)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(n)
    _, provider_code = np.unique(np.array([a.provider_id for a in activities]), return_inverse=True)
    theme_matrix = _theme_matrix(activities)
    need_keys, need_matrix = _need_matrix(activities)
    patterns, need_pattern = np.unique(need_matrix, axis=0, return_inverse=True)
    columns = {key: i for i, key in enumerate(need_keys)}
    xyz = lon_lat_to_xyz(lon, lat)
    return ActivityTable(
        activities=tuple(activities),
        xyz=xyz,
        xyz_columns=(
            np.ascontiguousarray(xyz[:, 0]),
            np.ascontiguousarray(xyz[:, 1]),
            np.ascontiguousarray(xyz[:, 2]),
        ),
        lon=lon,
        lat=lat,
        id_rank=id_rank,
        provider_code=np.asarray(provider_code, dtype=np.intp).reshape(n),
        theme_matrix=theme_matrix,
        has_themes=np.asarray(theme_matrix.any(axis=1), dtype=np.bool_),
        need_keys=need_keys,
        need_patterns=patterns,
        need_pattern=np.asarray(need_pattern, dtype=np.intp).reshape(n),
        need_count=np.maximum(patterns.sum(axis=1), 1.0),
        need_column=columns,
        need_columns=tuple(tuple(columns[need_key(n)] for n in a.needs) for a in activities),
        local_need=_local_need(activities, context),
        sustainability=_sustainability(activities),
        saturation=_saturation(activities, context),
        evidence=_evidence(activities),
        text_matrix=_text_matrix(activities, vectoriser),
    )


def _text_matrix(activities: Sequence[Activity], vectoriser: TfidfVectorizer) -> Any:
    if not activities:
        return sparse.csr_matrix((0, len(vectoriser.vocabulary_)))
    return vectoriser.transform([activity_text(a) for a in activities])


def _theme_matrix(activities: Sequence[Activity]) -> FloatArray:
    matrix = np.zeros((len(activities), len(THEME_CODES)), dtype=np.float64)
    for row, activity in enumerate(activities):
        for theme in activity.themes:
            column = THEME_INDEX.get(theme)
            if column is not None:
                matrix[row, column] = 1.0
    return matrix


def need_key(need: Need) -> NeedKey:
    """The column a need falls in: support type plus sector (when it names one)."""
    return (SupportType(need.support_type), need.sector or None)


def _need_matrix(activities: Sequence[Activity]) -> tuple[tuple[NeedKey, ...], FloatArray]:
    keys: dict[NeedKey, int] = {}
    cells: list[tuple[int, int]] = []
    for row, activity in enumerate(activities):
        for need in activity.needs:
            cells.append((row, keys.setdefault(need_key(need), len(keys))))
    matrix = np.zeros((len(activities), max(len(keys), 1)), dtype=np.float64)
    for row, column in cells:
        matrix[row, column] = 1.0
    ordered = tuple(sorted(keys, key=keys.__getitem__))
    if not ordered:  # keep one inert column so matrix products keep their shape
        ordered = ((SupportType.CASH, "\0none"),)
    return ordered, matrix


def offer_coverage(supplier: Supplier, keys: Sequence[NeedKey]) -> FloatArray:
    """1 for each need column the supplier's offers can meet, else 0 (see module doc)."""
    sectors = set(supplier.sectors)
    covered = np.zeros(len(keys), dtype=np.float64)
    for column, (support_type, sector) in enumerate(keys):
        for offer in supplier.offers:
            if offer.support_type != support_type:
                continue
            if (
                sector is None
                or offer.sector == sector
                or (offer.sector is None and sector in sectors)
            ):
                covered[column] = 1.0
                break
    return covered


def _local_need(activities: Sequence[Activity], context: MatchingContext) -> FloatArray:
    lookup = context.need_by_area

    def need_of(activity: Activity) -> float:
        for code in (activity.local_authority_code, activity.territory_code):
            if code is not None and code in lookup:
                return float(lookup[code])
        return 0.0

    return np.fromiter((need_of(a) for a in activities), np.float64, len(activities))


def _sustainability(activities: Sequence[Activity]) -> FloatArray:
    gap = np.fromiter((max(a.funding_gap_gbp, 0.0) for a in activities), np.float64)
    at_risk = np.fromiter((a.at_risk for a in activities), np.float64, len(activities))
    return np.asarray(0.5 * at_risk + 0.5 * gap / (gap + GAP_SCALE_GBP), dtype=np.float64)


def _need_gbp(activity: Activity) -> float:
    cash = sum(n.amount or 0.0 for n in activity.needs if n.support_type == SupportType.CASH)
    return max(activity.funding_gap_gbp, cash, MIN_NEED_GBP)


def _saturation(activities: Sequence[Activity], context: MatchingContext) -> FloatArray:
    need = np.fromiter((_need_gbp(a) for a in activities), np.float64, len(activities))
    committed = np.fromiter(
        (context.committed_by_activity.get(a.id, 0.0) for a in activities),
        np.float64,
        len(activities),
    )
    return np.asarray(need / (need + committed), dtype=np.float64)


def _evidence(activities: Sequence[Activity]) -> FloatArray:
    def strongest(activity: Activity) -> float:
        strengths = [min(max(e.strength, 1), 5) for e in activity.evidence]
        return max(strengths) / 5.0 if strengths else 0.0

    return np.fromiter((strongest(a) for a in activities), np.float64, len(activities))
