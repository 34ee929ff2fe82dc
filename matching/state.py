"""A fitted recommender's state as named arrays plus a JSON-ready ``meta``, and back.

Every per-activity value of the fit (``features.ActivityTable``, the cell keys, the CSR text
matrix) is a numpy array, and the vectoriser is its vocabulary and IDF weights: a caller can
write them as ``.npy`` files and load them memory-mapped, so worker processes share one copy
of the pages and start without fitting (``services.recommender_state`` does the I/O). Nothing
here is pickled: plain arrays, strings and numbers only.

``matching.incremental`` applies a change set to these arrays without a fit (it needs the
provider ids and each row's need in GBP, kept since format 2).

``restore`` gives a model whose answers equal the fitted one's: the arrays are the same
numbers, and the plan alignment (which depends on the plans in the context) is derived again
the way ``fit`` derives it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.model import Activity
from domain.vocabulary import SupportType
from matching.context import MatchingContext
from matching.features import ActivityTable, NeedKey, make_vectoriser
from matching.recommender import Recommender

#: bump when the arrays or their meaning change: older files are then refitted, not misread
#: (3: 0.02 degree cells for the best-first search; 2: providers and need_gbp kept)
FORMAT = 3
#: plain per-row (or per-pattern) arrays of the table, stored under their field names
_TABLE_ARRAYS = (
    "ids",
    "lon",
    "lat",
    "id_rank",
    "provider_code",
    "providers",
    "theme_matrix",
    "has_themes",
    "need_patterns",
    "need_pattern",
    "need_count",
    "territory",
    "local_authority",
    "at_risk",
    "funding_gap_gbp",
    "need_gbp",
    "local_need",
    "sustainability",
    "saturation",
    "evidence",
)


def fitted_arrays(model: Recommender) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The fitted state of ``model``: arrays by name, and the rest as JSON-ready ``meta``."""
    table: ActivityTable = model.table_
    text = sparse.csr_matrix(table.text_matrix)
    vectoriser: TfidfVectorizer = model.vectoriser_
    arrays: dict[str, np.ndarray] = {
        name: np.asarray(getattr(table, name)) for name in _TABLE_ARRAYS
    }
    x, y, z = table.xyz_columns
    arrays |= {
        "x": x,
        "y": y,
        "z": z,
        "cell_keys": np.asarray(model.cell_keys_),
        "text_data": text.data,
        "text_indices": text.indices,
        "text_indptr": text.indptr,
        "idf": np.asarray(vectoriser.idf_, dtype=np.float64),
    }
    vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
    meta = {
        "format": FORMAT,
        "n_skipped": int(model.n_skipped_),
        "need_keys": [[str(kind.value), sector] for kind, sector in table.need_keys],
        "territories": list(table.territories),
        "local_authorities": list(table.local_authorities),
        "vocabulary": vocabulary,
        "text_shape": list(text.shape),
    }
    return arrays, meta


def restore(
    model: Recommender,
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    context: MatchingContext,
    loader: Callable[[Sequence[str]], Sequence[Activity]],
) -> Recommender:
    """``model`` (unfitted, its hyper-parameters set) with the state ``fitted_arrays`` gave;
    ``loader`` reads activities by id for explanations, as ``fit(columns, loader=...)``."""
    if meta.get("format") != FORMAT:
        raise ValueError(f"recommender state format {meta.get('format')!r}, expected {FORMAT}")
    # plain ndarray views of mapped files: the same memory, without ``np.memmap``'s Python
    # hooks on every slice and operation of a request
    arrays = {name: np.asarray(array) for name, array in arrays.items()}
    ids = arrays["ids"]

    def rows(at: Sequence[int]) -> Sequence[Activity]:
        return loader([str(ids[r]) for r in at])

    need_keys: tuple[NeedKey, ...] = tuple(
        (SupportType(kind), sector) for kind, sector in meta["need_keys"]
    )
    text = sparse.csr_matrix(
        (arrays["text_data"], arrays["text_indices"], arrays["text_indptr"]),
        shape=tuple(meta["text_shape"]),
        copy=False,
    )
    table = ActivityTable(
        **{name: arrays[name] for name in _TABLE_ARRAYS},
        xyz_columns=(arrays["x"], arrays["y"], arrays["z"]),
        need_keys=need_keys,
        need_column={key: i for i, key in enumerate(need_keys)},
        territories=tuple(meta["territories"]),
        local_authorities=tuple(meta["local_authorities"]),
        text_matrix=text,
        rows=rows,
    )
    return model.restore(
        table,
        arrays["cell_keys"],
        saved_vectoriser(arrays, meta),
        context,
        n_skipped=int(meta["n_skipped"]),
    )


def saved_vectoriser(arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> TfidfVectorizer:
    """The fitted TF-IDF vectoriser of a state: its vocabulary and IDF weights."""
    vectoriser = make_vectoriser()
    vectoriser.vocabulary_ = {term: i for i, term in enumerate(meta["vocabulary"])}
    vectoriser.idf_ = np.asarray(arrays["idf"], dtype=np.float64)
    return vectoriser
