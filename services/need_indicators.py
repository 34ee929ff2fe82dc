"""The need indicator matching weighs (``local_need``): which imported indicator applies, read
once per change of its file so the fitted recommender built for it is reused."""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import NotFound
from services import imports
from services.recommender_cache import RecommenderCache
from services.settings import ServiceSettings


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
