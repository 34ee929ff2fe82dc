"""Rows that give a place name instead of a postcode import at that place (as ``dicm locate``
resolves it); a name several places share is refused with the choices."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from shapely.geometry import box

from boundaries.lookup_index import LookupIndex
from datasets.mapping import ColumnMapping
from dicm.settings import Settings
from domain.model import Activity, Region, Territory
from services.imports import import_entities
from store.factory import open_store
from store.port import Store
from tests.builders import make_provider
from tests.geo.fixtures import bundled, geo_data_dir, lookup

__all__ = ["bundled", "geo_data_dir", "lookup"]

WritCsv = Callable[[str, Sequence[dict[str, str]]], Path]


@pytest.fixture
def tv_store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite'}").store)
    opened.put_many([
        Region("TLJ", "South East"),
        Territory("E23000029", "Thames Valley", "TVP", "PCC", "TLJ", box(-1.6, 51.3, -0.5, 52.1)),
        make_provider(),
    ])  # fmt: skip
    yield opened
    opened.close()


def test_a_place_column_locates_the_row(
    tv_store: Store, lookup: LookupIndex, write_csv: WritCsv
) -> None:
    path = write_csv("a.csv", [
        {"name": "Boxing club", "provider_id": "prov-1", "place": "Reading"},
        {"name": "Youth club", "provider_id": "prov-1", "place": "Newport"},
        {"name": "Chess club", "provider_id": "prov-1", "place": "Xyzzyville"},
    ])  # fmt: skip
    report = import_entities(
        tv_store, "activities", path, mapping=ColumnMapping({}), skip_invalid=True, lookup=lookup
    )
    assert report.imported == 1
    assert [(r.row, r.code) for r in report.rejected] == [
        (2, "ambiguous-place"), (3, "unknown-place"),
    ]  # fmt: skip
    assert "Isle of Wight E06000046" in report.rejected[0].message
    (activity,) = tv_store.find(Activity)
    assert (round(activity.location.x, 3), round(activity.location.y, 3)) == (-0.971, 51.456)


def test_without_the_index_a_place_is_refused_clearly(tv_store: Store, write_csv: WritCsv) -> None:
    path = write_csv(
        "b.csv", [{"name": "Boxing club", "provider_id": "prov-1", "place": "Reading"}]
    )
    report = import_entities(tv_store, "activities", path, mapping=ColumnMapping({}))
    assert [(r.code, "dicm geography build" in r.message) for r in report.rejected] == [
        ("unknown-place", True)
    ]
