"""Benchmark: dicm's full OGC API Features pages against pygeoapi on PostGIS, same tables, one run.

Issue 17 asks for full pages "at least as fast as pygeoapi on PostGIS for the same data"; this is
the measurement. A throwaway PostGIS cluster (tests/pgcluster.py, or ``DICM_BENCH_POSTGIS_URL``)
gets the bundled geography (``ensure_geography``) and N validated activities written by dicm's
store. dicm's ASGI app serves them in process; pygeoapi 0.21's Starlette app (configured by a YAML
file in a temp dir, its PostgreSQL provider reading the SAME rows: ``local_authorities`` directly,
``activities`` through a view that casts the geography point to a geometry) is served in process
too, both through Starlette's TestClient. Each full page (``limit=1000``, every feature, GeoJSON)
is timed as a median, dicm and pygeoapi fetched in turn, and the feature counts are compared.
Both are asked for an uncompressed body (``Accept-Encoding: identity``): pygeoapi as
configured here does not compress, while dicm gzips large answers, and gzip of a 26 MB page
costs ~2 s on its own; the dicm gzip time is printed beside it so that cost stays visible.

pygeoapi is deliberately not a dev dependency (``make install`` stays lean); to run this bench:
``pip install pygeoapi==0.21.0`` (plus ``psycopg2-binary`` for its PostgreSQL provider), then
``python -m bench ogc_pygeoapi [--repeat 5] [--activities 5000] [--cache DIR]``. Without
pygeoapi it exits 2 saying so.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from bench.ogc import _seed
from bench.store_knn import postgis_url
from dicm.settings import Settings

INSTALL = "pip install pygeoapi==0.21.0 psycopg2-binary"

#: the activity properties pygeoapi serves here (the columns of ``ACTIVITIES_VIEW``): dicm's
#: features carry more (description, needs, funding gap, evidence...), so a second row asks dicm
#: for these only (``properties=``), the same weight on both sides
PEER_PROPERTIES = (
    "id",
    "name",
    "provider_id",
    "validation_status",
    "validated_until",
    "active",
    "themes",
    "local_authority_code",
    "territory_code",
    "region_code",
    "version",
)

#: (page, dicm path, pygeoapi path): the same features, the whole collection in one page
PAGES = (
    (
        "activities limit=1000",
        "/ogc/collections/activities/items?limit=1000",
        "/collections/activities/items?f=json&limit=1000",
    ),
    (
        "activities, pygeoapi's properties",
        "/ogc/collections/activities/items?limit=1000&properties=" + ",".join(PEER_PROPERTIES),
        "/collections/activities/items?f=json&limit=1000",
    ),
    (
        "local authorities limit=1000",
        "/ogc/collections/local-authorities/items?limit=1000",
        "/collections/local-authorities/items?f=json&limit=1000",
    ),
)

#: pygeoapi's provider wants a geometry column; dicm stores activity points as geography
ACTIVITIES_VIEW = """
CREATE OR REPLACE VIEW pygeoapi_activities AS
SELECT id, name, provider_id, validation_status, validated_until, active, themes,
       local_authority_code, territory_code, region_code, version,
       location::geometry AS geom
FROM activities WHERE validation_status = 'validated'
"""

CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: 5000}}
  url: http://testserver
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 1000, max_items: 10000}}
  map:
    url: 'https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png'
    attribution: none
logging: {{level: ERROR}}
metadata:
  identification:
    title: bench
    description: bench
    keywords: [bench]
    keywords_type: theme
    terms_of_service: none
    url: http://testserver
  license: {{name: none, url: http://testserver}}
  provider: {{name: bench, url: http://testserver}}
  contact: {{name: bench, position: bench, address: x, city: x, stateorprovince: x,
            postalcode: x, country: x, phone: x, email: x@example.org, url: http://testserver,
            hours: x, instructions: x, role: pointOfContact}}
resources:
  activities:
    type: collection
    title: activities
    description: validated activities
    keywords: [activities]
    links: []
    extents: {{spatial: {{bbox: [-180, -90, 180, 90],
              crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {data}
        id_field: id
        table: pygeoapi_activities
        geom_field: geom
  local-authorities:
    type: collection
    title: local authorities
    description: local authorities
    keywords: [boundaries]
    links: []
    extents: {{spatial: {{bbox: [-180, -90, 180, 90],
              crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {data}
        id_field: code
        table: local_authorities
        geom_field: geometry
"""

#: the same body for both servers (pygeoapi does not compress here); and dicm's gzip, as reported
PLAIN, GZIP = {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}

OPENAPI = "openapi: 3.0.2\ninfo: {title: bench, version: '0'}\npaths: {}\n"


def pygeoapi_missing() -> bool:
    """True when pygeoapi (or the driver its PostgreSQL provider needs) cannot be imported."""
    return any(importlib.util.find_spec(m) is None for m in ("pygeoapi", "psycopg2"))


def _connection(url: str) -> str:
    """pygeoapi's ``data:`` mapping (host, port, dbname, user, password) for a database URL."""
    u = sa.make_url(url)
    return (
        f"{{host: '{u.host or '127.0.0.1'}', port: {u.port or 5432}, dbname: '{u.database}', "
        f"user: '{u.username or 'postgres'}', password: '{u.password or ''}'}}"
    )


def _pygeoapi_app(url: str, folder: Path) -> Any:
    """pygeoapi's Starlette app, configured by files in ``folder`` (it reads them at import)."""
    config, openapi = folder / "pygeoapi.yml", folder / "openapi.yml"
    config.write_text(CONFIG.format(data=_connection(url)))
    openapi.write_text(OPENAPI)
    os.environ["PYGEOAPI_CONFIG"] = str(config)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi)
    return importlib.import_module("pygeoapi.starlette_app").APP


def _check(r: Any) -> tuple[int, int]:
    assert r.status_code == 200, r.text[:300]
    return len(r.content), len(r.json()["features"])


def _time_pair(
    ours: Callable[[], Any], theirs: Callable[[], Any], repeat: int
) -> tuple[tuple[float, int, int], tuple[float, int, int]]:
    """(median seconds, bytes, features) of ``ours`` and of ``theirs``, fetched in turn
    ``repeat`` times after one warm-up each: on a shared machine a load spike then hits both
    sides, not one side's whole series."""
    ours(), theirs()
    times: tuple[list[float], list[float]] = ([], [])
    sizes = [(0, 0), (0, 0)]
    for _ in range(repeat):
        for side, get in enumerate((ours, theirs)):
            started = time.perf_counter()
            r = get()
            times[side].append(time.perf_counter() - started)
            sizes[side] = _check(r)
    a, b = (statistics.median(t) for t in times)
    return (a, *sizes[0]), (b, *sizes[1])


def run(url: str, activities: int, repeat: int, cache: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / ".dicm"
        if cache is not None:
            data.mkdir(parents=True, exist_ok=True)
            (data / "cache").symlink_to(cache.resolve())
        settings = Settings(database_url=url, data_dir=data)
        _seed(settings, activities)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(ACTIVITIES_VIEW))
        engine.dispose()
        peer = _pygeoapi_app(url, Path(tmp))
        with TestClient(create_app(settings)) as dicm, TestClient(peer) as pyg:
            print(
                f"{'page':36} {'dicm s':>7} {'MB':>6} {'n':>5} "
                f"{'pygeoapi s':>10} {'MB':>6} {'n':>5} {'ratio':>6} {'dicm gzip s':>11}"
            )
            for name, ours, theirs in PAGES:
                (t_d, b_d, n_d), (t_p, b_p, n_p) = _time_pair(
                    lambda p=ours: dicm.get(p, headers=PLAIN),  # type: ignore[misc]
                    lambda p=theirs: pyg.get(p, headers=PLAIN),  # type: ignore[misc]
                    repeat,
                )
                (t_z, _, _), _ = _time_pair(
                    lambda p=ours: dicm.get(p, headers=GZIP),  # type: ignore[misc]
                    lambda p=theirs: pyg.get(p, headers=PLAIN),  # type: ignore[misc]
                    max(1, repeat // 3),
                )
                note = "" if n_d == n_p else f"  FEATURE COUNTS DIFFER ({n_d} vs {n_p})"
                print(
                    f"{name:36} {t_d:7.3f} {b_d / 1e6:6.2f} {n_d:5d} "
                    f"{t_p:10.3f} {b_p / 1e6:6.2f} {n_p:5d} {t_d / t_p:5.2f}x {t_z:11.3f}{note}"
                )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.ogc_pygeoapi", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--cache", type=Path, default=None, help="a built geography cache dir")
    args = parser.parse_args(argv or [])
    if pygeoapi_missing():
        print(f"bench.ogc_pygeoapi needs pygeoapi, not a dev dependency: {INSTALL}")
        raise SystemExit(2)
    with postgis_url() as url:
        if url is None:
            print("bench.ogc_pygeoapi needs PostGIS (tests/pgcluster.py or DICM_BENCH_POSTGIS_URL)")
            raise SystemExit(2)
        run(url, args.activities, args.repeat, args.cache)


if __name__ == "__main__":
    main(sys.argv[1:])
