"""Batch recommendations for every stored supplier (the nightly supplier digest behind
``dicm recommend --all --out FILE``): one row per supplier x recommended activity, with its
rank, score and the explanation the one-supplier recommender gives (the same fitted model and
the same ranking code, ``Recommender.recommend_all``).

The output format follows the file's suffix (``.csv`` or ``.jsonl``). Everything that can be
wrong with the request (the suffix, the folder, k, the radius) is checked before the file is
created, so a bad request leaves nothing behind."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from domain.errors import InvalidInput
from domain.model import Supplier
from matching.result import Recommendation
from services.recommender_cache import RecommenderCache, fitted_recommender
from services.recommender_fit import DEFAULT_RADIUS_M
from store.port import Store

FORMATS = {".csv": "csv", ".jsonl": "jsonl"}
COLUMNS = (
    "supplier_id",
    "supplier_name",
    "rank",
    "activity_id",
    "activity_name",
    "provider_id",
    "score",
    "distance_m",
    "site_id",
    "site_name",
    "explanation",
)


@dataclass(frozen=True)
class DigestReport:
    """What a digest run wrote: suppliers answered, rows written, suppliers left out."""

    path: Path
    suppliers: int
    rows: int
    skipped_no_sites: int


def digest_format(path: Path) -> str:
    """``csv`` or ``jsonl`` from the file's suffix, else ``InvalidInput`` naming both."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        known = " or ".join(FORMATS)
        raise InvalidInput(f"cannot write {path.name!r}: the file must end in {known}")
    return found


def _check_writable(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InvalidInput(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise InvalidInput(f"cannot write {path}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InvalidInput(f"cannot write {path}: permission denied")


def digest_rows(supplier: Supplier, answer: Recommendation) -> Iterator[dict[str, object]]:
    """One row per recommended activity of one supplier, best first."""
    for match in answer.matches:
        yield {
            "supplier_id": supplier.id,
            "supplier_name": supplier.name,
            "rank": match.rank,
            "activity_id": match.activity_id,
            "activity_name": match.activity_name,
            "provider_id": match.provider_id,
            "score": match.score,
            "distance_m": match.distance_m,
            "site_id": match.site_id,
            "site_name": match.site_name,
            "explanation": match.explanation,
        }


def recommend_all_suppliers(
    store: Store,
    *,
    k: int = 10,
    radius_m: float = DEFAULT_RADIUS_M,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: RecommenderCache,
) -> list[tuple[Supplier, Recommendation]]:
    """Every stored supplier that has a site, by id, with its recommendation (no tender)."""
    suppliers = sorted((s for s in store.iter_all(Supplier) if s.sites), key=lambda s: s.id)
    fitted = fitted_recommender(store, cache=cache, need_by_area=need_by_area, as_of=as_of)
    with fitted.lock:  # the estimator's caches are plain dicts: rank under the lock
        answers = list(
            fitted.model.recommend_all(suppliers, k=k, radius_m=radius_m, progress=progress)
        )
    return list(zip(suppliers, answers, strict=True))


def write_digest(
    store: Store,
    path: Path,
    *,
    k: int = 10,
    radius_m: float = DEFAULT_RADIUS_M,
    need_by_area: Mapping[str, float] | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache: RecommenderCache | None = None,
) -> DigestReport:
    """Write every supplier's top ``k`` to ``path`` (CSV or JSONL by its suffix).

    ``InvalidInput`` for an unknown suffix, a path that cannot be written, or a bad k or
    radius, all before the file is opened. The rows go to a temporary file beside ``path``
    that replaces it at the end, so a failed run never leaves half a digest."""
    fmt = digest_format(path)
    _check_writable(path)
    answers = recommend_all_suppliers(
        store,
        k=k,
        radius_m=radius_m,
        need_by_area=need_by_area,
        as_of=as_of,
        progress=progress,
        cache=cache or RecommenderCache(),  # a one-off run fits its own
    )
    skipped = sum(1 for _ in store.iter_all(Supplier)) - len(answers)
    partial = path.with_name(f".{path.name}.partial")
    rows = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as handle:
            rows = _write(handle, fmt, answers)
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc
    return DigestReport(path, len(answers), rows, skipped)


def _write(handle: IO[str], fmt: str, answers: list[tuple[Supplier, Recommendation]]) -> int:
    rows = 0
    writer = csv.DictWriter(handle, fieldnames=COLUMNS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for supplier, answer in answers:
        for row in digest_rows(supplier, answer):
            if writer is not None:
                writer.writerow(row)
            else:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows += 1
    return rows
