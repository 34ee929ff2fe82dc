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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.columns import ActivityColumns, NeedRow
from domain.errors import Conflict
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


#: the activities of fitted rows, in the order asked (a store read, or the fitted list)
RowLoader = Callable[[Sequence[int]], Sequence[Activity]]


@dataclass(frozen=True)
class ActivityTable:
    """Recommendable activities as column arrays only: no Python object per row, so the
    table can live in memory-mapped files shared by workers (``matching.state``). The few rows
    an answer returns come from ``rows`` (``activities_at``) for their explanation."""

    ids: NDArray[np.str_]
    #: ``xyz`` as three contiguous columns: gathers of candidate rows read these (a gather
    #: from a strided column copies the whole column first)
    xyz_columns: tuple[FloatArray, FloatArray, FloatArray]
    lon: FloatArray
    lat: FloatArray
    id_rank: IntArray  # position of each id in sorted order: ties are broken by id
    provider_code: IntArray  # index into ``providers`` per row
    providers: NDArray[np.str_]  # the distinct provider ids, sorted
    theme_matrix: FloatArray  # (n, len(THEMES)) 0/1
    has_themes: NDArray[np.bool_]
    need_keys: tuple[NeedKey, ...]
    need_patterns: FloatArray  # (distinct need sets, len(need_keys)) 0/1
    need_pattern: IntArray  # row of need_patterns for each activity
    need_count: FloatArray  # per pattern, at least 1 (an activity without needs scores 0)
    need_column: dict[NeedKey, int]
    territories: tuple[str, ...]  # the distinct territory codes, sorted
    territory: IntArray  # index into ``territories`` per row, -1 none
    local_authorities: tuple[str, ...]
    local_authority: IntArray  # index into ``local_authorities`` per row, -1 none
    at_risk: NDArray[np.bool_]
    funding_gap_gbp: FloatArray
    need_gbp: FloatArray  # what saturation weighs committed support against (see module doc)
    local_need: FloatArray
    sustainability: FloatArray
    saturation: FloatArray
    evidence: FloatArray
    text_matrix: Any  # scipy sparse (n, vocabulary), rows L2-normalised
    rows: RowLoader = field(compare=False, repr=False)

    def __len__(self) -> int:
        return int(self.ids.size)

    def activities_at(self, rows: Sequence[int]) -> list[Activity]:
        """The activities of fitted ``rows``, in that order (one read of the loader)."""
        found = list(self.rows(rows))
        if len(found) != len(rows):  # removed since the fit: the next request refits
            raise Conflict("the activities changed while answering: ask again")
        return found

    def territory_code(self, row: int) -> str | None:
        """The territory code of a fitted row."""
        index = int(self.territory[row])
        return self.territories[index] if index >= 0 else None

    def local_authority_code(self, row: int) -> str | None:
        """The local authority code of a fitted row."""
        index = int(self.local_authority[row])
        return self.local_authorities[index] if index >= 0 else None


def activity_text(activity: Activity) -> str:
    """The words TF-IDF sees for an activity: name, description and its needs' descriptions."""
    needs = " ".join(need.description for need in activity.needs)
    return f"{activity.name}. {activity.description} {needs}".strip()


def column_texts(columns: ActivityColumns) -> list[str]:
    """``activity_text`` of every row of ``columns`` (the same words, from the columns)."""
    return [
        f"{name}. {description} {' '.join(need[3] for need in needs)}".strip()
        for name, description, needs in zip(
            columns.names, columns.descriptions, columns.needs, strict=True
        )
    ]


def make_vectoriser() -> TfidfVectorizer:
    """The TF-IDF vectoriser's settings (``fit_vectoriser`` and a restored state share them)."""
    return TfidfVectorizer(stop_words="english", sublinear_tf=True)


def fit_vectoriser(texts: Sequence[str]) -> TfidfVectorizer:
    """A TF-IDF vectoriser over activity texts plus the theme labels (so priority words that
    appear in no activity still have a column)."""
    vectoriser = make_vectoriser()
    vectoriser.fit([*texts, *THEMES.values()])
    return vectoriser


def codes(values: Sequence[str | None]) -> tuple[tuple[str, ...], IntArray]:
    """Distinct non-empty codes (sorted) and each value's index among them, -1 for none."""
    distinct = tuple(sorted({v for v in values if v}))
    index = {code: i for i, code in enumerate(distinct)}
    coded = np.fromiter((index.get(v, -1) if v else -1 for v in values), np.intp, len(values))
    return distinct, coded


def build_activity_table(
    columns: ActivityColumns,
    context: MatchingContext,
    vectoriser: TfidfVectorizer,
    rows: RowLoader,
    texts: Sequence[str] | None = None,
) -> ActivityTable:
    """Column arrays for ``columns`` (already filtered to recommendable ones); ``texts`` are
    their ``column_texts`` when the caller has them already."""
    n = len(columns)
    lon = np.asarray(columns.lon, dtype=np.float64)
    lat = np.asarray(columns.lat, dtype=np.float64)
    ids = np.array(list(columns.ids), dtype=np.str_) if n else np.array([], dtype="<U1")
    id_rank = np.empty(n, dtype=np.intp)
    id_rank[np.argsort(ids, kind="stable")] = np.arange(n)
    providers, provider_code = np.unique(
        np.array(list(columns.provider_ids), dtype=np.str_), return_inverse=True
    )
    theme_matrix = _theme_matrix(columns.themes)
    need_keys, need_matrix = _need_matrix(columns.needs)
    patterns, need_pattern = np.unique(need_matrix, axis=0, return_inverse=True)
    column_of = {key: i for i, key in enumerate(need_keys)}
    xyz = lon_lat_to_xyz(lon, lat)
    territories, territory = codes(columns.territory_codes)
    local_authorities, local_authority = codes(columns.local_authority_codes)
    gap = np.asarray(columns.funding_gap_gbp, dtype=np.float64)
    at_risk = np.asarray(columns.at_risk, dtype=np.bool_)
    need_gbp = need_amounts(columns)
    return ActivityTable(
        ids=ids,
        xyz_columns=(
            np.ascontiguousarray(xyz[:, 0]),
            np.ascontiguousarray(xyz[:, 1]),
            np.ascontiguousarray(xyz[:, 2]),
        ),
        lon=lon,
        lat=lat,
        id_rank=id_rank,
        provider_code=np.asarray(provider_code, dtype=np.intp).reshape(n),
        providers=providers,
        theme_matrix=theme_matrix,
        has_themes=np.asarray(theme_matrix.any(axis=1), dtype=np.bool_),
        need_keys=need_keys,
        need_patterns=patterns,
        need_pattern=np.asarray(need_pattern, dtype=np.intp).reshape(n),
        need_count=np.maximum(patterns.sum(axis=1), 1.0),
        need_column=column_of,
        territories=territories,
        territory=territory,
        local_authorities=local_authorities,
        local_authority=local_authority,
        at_risk=at_risk,
        funding_gap_gbp=gap,
        need_gbp=need_gbp,
        local_need=_local_need(columns, context),
        sustainability=_sustainability(gap, at_risk),
        saturation=saturation(columns.ids, need_gbp, context),
        evidence=_evidence(columns.evidence_strength),
        text_matrix=_text_matrix(column_texts(columns) if texts is None else texts, vectoriser),
        rows=rows,
    )


def _text_matrix(texts: Sequence[str], vectoriser: TfidfVectorizer) -> Any:
    if not texts:
        return sparse.csr_matrix((0, len(vectoriser.vocabulary_)))
    return vectoriser.transform(texts)


def _theme_matrix(themes: Sequence[Sequence[str]]) -> FloatArray:
    matrix = np.zeros((len(themes), len(THEME_CODES)), dtype=np.float64)
    for row, listed in enumerate(themes):
        for theme in listed:
            column = THEME_INDEX.get(theme)
            if column is not None:
                matrix[row, column] = 1.0
    return matrix


def need_key(need: Need) -> NeedKey:
    """The column a need falls in: support type plus sector (when it names one)."""
    return (SupportType(need.support_type), need.sector or None)


def _need_matrix(needs: Sequence[Sequence[NeedRow]]) -> tuple[tuple[NeedKey, ...], FloatArray]:
    keys: dict[NeedKey, int] = {}
    cells: list[tuple[int, int]] = []
    kinds: dict[str, SupportType] = {}
    for row, listed in enumerate(needs):
        for support_type, sector, _amount, _text in listed:
            kind = kinds.get(support_type)
            if kind is None:
                kind = kinds[support_type] = SupportType(support_type)
            cells.append((row, keys.setdefault((kind, sector or None), len(keys))))
    matrix = np.zeros((len(needs), max(len(keys), 1)), dtype=np.float64)
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


def _local_need(columns: ActivityColumns, context: MatchingContext) -> FloatArray:
    lookup = context.need_by_area

    def need_of(la: str | None, territory: str | None) -> float:
        for code in (la, territory):
            if code is not None and code in lookup:
                return float(lookup[code])
        return 0.0

    pairs = zip(columns.local_authority_codes, columns.territory_codes, strict=True)
    return np.fromiter((need_of(la, t) for la, t in pairs), np.float64, len(columns))


def _sustainability(gap_gbp: FloatArray, at_risk: NDArray[np.bool_]) -> FloatArray:
    gap = np.maximum(gap_gbp, 0.0)
    risk = at_risk.astype(np.float64)
    return np.asarray(0.5 * risk + 0.5 * gap / (gap + GAP_SCALE_GBP), dtype=np.float64)


def _need_gbp(gap_gbp: float, needs: Sequence[NeedRow]) -> float:
    cash = sum(amount or 0.0 for kind, _s, amount, _t in needs if kind == SupportType.CASH)
    return max(gap_gbp, cash, MIN_NEED_GBP)


def need_amounts(columns: ActivityColumns) -> FloatArray:
    """Each row's need in GBP: its funding gap or cash needs, at least ``MIN_NEED_GBP``."""
    gaps = columns.funding_gap_gbp.tolist()
    pairs = zip(gaps, columns.needs, strict=True)
    return np.fromiter((_need_gbp(g, nd) for g, nd in pairs), np.float64, len(columns))


def saturation(ids: Sequence[str], need_gbp: FloatArray, context: MatchingContext) -> FloatArray:
    """``need / (need + committed)`` per row (see module doc): the one place it is computed,
    so a state updated in place (``matching.incremental``) gives a fit's very numbers."""
    committed_by = context.committed_by_activity
    committed = np.fromiter((committed_by.get(i, 0.0) for i in ids), np.float64, len(ids))
    return np.asarray(need_gbp / (need_gbp + committed), dtype=np.float64)


def _evidence(strength: FloatArray) -> FloatArray:
    """The strongest evidence's strength / 5 (clipped to 1..5), 0 without evidence (NaN)."""
    values = np.asarray(strength, dtype=np.float64)
    clipped = np.clip(np.nan_to_num(values, nan=0.0), 1, 5) / 5.0
    return np.asarray(np.where(np.isnan(values), 0.0, clipped), dtype=np.float64)
