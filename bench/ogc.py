"""Benchmark: full OGC API pages against the REST listings of the same data, in one run.

The bundled geography (its local authorities as stored, real boundaries) and 5,000 validated
activities in a SQLite store; each page is fetched through the ASGI app in process. The peer of
the OGC page is the REST listing of the same features (``/activities``, ``/local-authorities``:
the pydantic serialisation the OGC routes used before), so the ratio says whether full pages got
faster. Each row prints how many features both pages returned (counted in the run, never a
constant: the README's counts are these). Run: ``python -m bench.ogc [--repeat 5] [--cache DIR]``
(``--cache`` reuses a built geography, e.g. ``.dicm/cache``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from api.app import create_app
from dicm.settings import Settings
from domain.vocabulary import ValidationStatus
from services.geography import ensure_geography
from store.factory import open_store
from tests.builders import make_activity, make_provider

PAGES = (
    (
        "activities limit=1000",
        "/ogc/collections/activities/items?limit=1000",
        "/activities?limit=1000",
    ),
    (
        "local authorities limit=1000",
        "/ogc/collections/local-authorities/items?limit=1000",
        "/local-authorities?limit=1000",
    ),
    (
        "local authorities simplify=100",
        "/ogc/collections/local-authorities/items?limit=1000&simplify=100",
        "/local-authorities?limit=1000",
    ),
)


def _seed(settings: Settings, n: int) -> None:
    store = open_store(settings.store)
    ensure_geography(store, settings.services)
    rng = np.random.default_rng(3)
    lon = rng.uniform(-2.5, 0.5, n)
    lat = rng.uniform(51.0, 53.0, n)
    store.put_many([make_provider()])
    store.put_many(
        [
            make_activity(
                id=f"act-{i:05d}",
                lon_lat=(float(x), float(y)),
                validation_status=ValidationStatus.VALIDATED,
            )
            for i, (x, y) in enumerate(zip(lon, lat, strict=True))
        ]
    )
    store.close()


def _count(client: TestClient, url: str) -> int:
    """How many features the page returns (a GeoJSON FeatureCollection or a JSON list)."""
    body = client.get(url).json()
    return len(body["features"] if isinstance(body, dict) else body)


def _time(client: TestClient, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm caches
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - started)
        assert r.status_code == 200, r.text[:300]
        size = len(r.content)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.ogc")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / ".dicm"
        if args.cache is not None:
            (data / "cache").parent.mkdir(parents=True, exist_ok=True)
            (data / "cache").symlink_to(args.cache.resolve())
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.sqlite", data_dir=data)
        _seed(settings, args.activities)
        with TestClient(create_app(settings)) as client:
            print(
                f"{'page':34} {'OGC s':>8} {'MB':>6} {'REST s':>8} {'MB':>6} {'ratio':>6} "
                f"{'features OGC/REST':>18}"
            )
            for name, ogc, rest in PAGES:
                t_ogc, b_ogc = _time(client, ogc, args.repeat)
                t_rest, b_rest = _time(client, rest, args.repeat)
                counts = f"{_count(client, ogc):,}/{_count(client, rest):,}"
                print(
                    f"{name:34} {t_ogc:8.3f} {b_ogc / 1e6:6.2f} {t_rest:8.3f} "
                    f"{b_rest / 1e6:6.2f} {t_ogc / t_rest:5.2f}x {counts:>18}"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
