"""GIS clients push work down: GDAL's OAPIF driver (``ogr2ogr -where``/``-spat``) sends the
attribute filter and the bbox to the server, which answers only the matching features in a
handful of requests, on every store backend. Requests are counted server-side."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pytest

from api.app import create_app
from dicm.settings import Settings
from store.port import Store
from tests.api.gis_client import read_layer
from tests.api.live import RequestCounter, serve
from tests.api.seed import OXFORD, READING, TV, seed

pytestmark = pytest.mark.timeout(180)


def _items_requests(counter: RequestCounter) -> list[str]:
    """The items requests after GDAL's first one, a 20-feature sample that fixes the fields."""
    items = [unquote(r) for r in counter.requests if "/items" in r]
    assert items[0].endswith("/items?limit=20"), items
    return items[1:]


def test_gdal_pushes_an_attribute_filter_down(store: Store) -> None:
    seed(store)
    counter = RequestCounter(create_app(Settings(), store=store))
    with serve(counter) as base:
        counter.reset()
        started = time.perf_counter()
        read = read_layer(f"OAPIF:{base}/ogc", "local-authorities", where=f"territory_code='{TV}'")
        seconds = time.perf_counter() - started
    assert {r["local_authority_code"] for r in read["rows"]} == {READING, OXFORD}
    items = _items_requests(counter)
    assert len(items) == 1, counter.requests
    assert f"filter=territory_code = '{TV}'" in items[0]
    assert len(counter.requests) <= 6, counter.requests
    print(f"\n-where: {len(counter.requests)} requests, {counter.bytes_sent} B, {seconds:.2f} s")


def test_gdal_pushes_a_bbox_down(store: Store) -> None:
    seed(store)
    counter = RequestCounter(create_app(Settings(), store=store))
    with serve(counter) as base:
        counter.reset()
        read = read_layer(f"OAPIF:{base}/ogc", "activities", bbox=(-1.1, 51.3, -0.8, 51.6))
    assert [r["id"] for r in read["rows"]] == ["act-1"]
    items = _items_requests(counter)
    assert len(items) == 1 and "bbox=" in items[0], counter.requests
    assert len(counter.requests) <= 6, counter.requests
