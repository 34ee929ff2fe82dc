"""Batch recommendations (the nightly digest): every supplier's answer is the one-supplier
recommender's, the file has one row per supplier x match, and bad requests write nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

from dicm.cli import app
from domain.errors import InvalidInput
from domain.model import Activity, Offer, Site, Supplier
from domain.vocabulary import SupportType
from matching.recommender import Recommender
from services.matching import RecommenderCache, recommend
from services.recommend_batch import write_digest
from store.factory import open_store
from store.port import Store
from tests.builders import make_activity, make_provider, make_supplier
from tests.matching.helpers import CONTEXT


def world(seed: int = 7) -> tuple[list[Activity], list[Supplier]]:
    """400 activities and 40 suppliers (1-3 sites, varied offers) around Reading and Oxford;
    a few in Edinburgh, with no candidate at all."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(-1.6, -0.4, 400), rng.uniform(51.2, 52.1, 400)
    activities = [
        make_activity(id=f"a{i:04d}", provider_id=f"p{i % 37}", lon_lat=(lon[i], lat[i]))
        for i in range(400)
    ]
    suppliers = []
    for i in range(40):
        far = i % 13 == 12
        sites = tuple(
            Site(
                f"s{i}-{j}",
                f"site {j}",
                Point(-3.19, 55.95)
                if far
                else Point(rng.uniform(-1.6, -0.4), rng.uniform(51.2, 52.1)),
            )
            for j in range(1 + i % 3)
        )
        offers = (Offer(list(SupportType)[i % len(SupportType)]),)
        suppliers.append(make_supplier(id=f"sup-{i:02d}", sites=sites, offers=offers))
    return activities, suppliers


def same_top_k(a: object, b: object) -> None:
    """Same ids in the same order with the same scores (to 1e-9) and explanations."""
    from matching.result import Recommendation

    assert isinstance(a, Recommendation) and isinstance(b, Recommendation)
    assert a.supplier_id == b.supplier_id and a.reason == b.reason
    assert [m.activity_id for m in a.matches] == [m.activity_id for m in b.matches]
    assert [m.explanation for m in a.matches] == [m.explanation for m in b.matches]
    for x, y in zip(a.matches, b.matches, strict=True):
        assert x.score == pytest.approx(y.score, abs=1e-9)


def test_the_batch_gives_every_supplier_the_one_supplier_answer() -> None:
    activities, suppliers = world()
    model = Recommender().fit(activities, CONTEXT)
    calls: list[tuple[int, int]] = []
    batch = list(model.recommend_all(suppliers, k=7, progress=lambda d, t: calls.append((d, t))))
    one = Recommender().fit(activities, CONTEXT)  # a fresh model: no cache shared
    for answer, supplier in zip(batch, suppliers, strict=True):
        same_top_k(answer, one.recommend(supplier, k=7))
    assert any(a.matches for a in batch) and any(not a.matches for a in batch)
    assert calls[-1] == (len(suppliers), len(suppliers))


def test_a_bad_request_is_refused_before_any_supplier_is_ranked() -> None:
    activities, suppliers = world()
    model = Recommender().fit(activities, CONTEXT)
    with pytest.raises(InvalidInput, match="k must be"):
        model.recommend_all(suppliers, k=0)
    with pytest.raises(InvalidInput, match="radius_m"):
        model.recommend_all(suppliers, radius_m=500_000)


def stored(store: Store) -> list[Supplier]:
    activities, suppliers = world()
    providers = [make_provider(id=f"p{i}") for i in range(37)]
    store.put_many([*providers, *activities, *suppliers])
    return suppliers


def read_rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_the_digest_file_holds_each_suppliers_top_k(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    suppliers = stored(store)
    path = tmp_path / f"digest{suffix}"
    report = write_digest(store, path, k=5)
    rows = read_rows(path)
    cache = RecommenderCache()  # the one-supplier service, fitted on its own
    expected = [
        (s.id, m.rank, m.activity_id, m.score, m.explanation)
        for s in suppliers
        for m in recommend(store, s, k=5, cache=cache).matches
    ]
    got = [
        (r["supplier_id"], int(r["rank"]), r["activity_id"], float(r["score"]), r["explanation"])
        for r in rows
    ]
    assert [g[:3] + g[4:] for g in got] == [e[:3] + e[4:] for e in expected]
    assert np.allclose([g[3] for g in got], [e[3] for e in expected], rtol=0, atol=1e-9)
    assert report.rows == len(rows) > 0 and report.suppliers == len(suppliers)


def test_an_unknown_suffix_or_unwritable_path_is_refused_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    stored(store)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InvalidInput, match=r"\.csv or \.jsonl"):
        write_digest(store, folder / "digest.xlsx")
    with pytest.raises(InvalidInput, match="no folder"):
        write_digest(store, folder / "missing" / "digest.csv")
    (folder / "taken.csv").mkdir()
    with pytest.raises(InvalidInput, match="it is a folder"):
        write_digest(store, folder / "taken.csv")
    assert [p.name for p in folder.iterdir()] == ["taken.csv"]


def test_cli_recommend_all(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    from dicm.settings import Settings

    store = open_store(Settings(database_url=url).store)
    try:
        stored(store)
    finally:
        store.close()
    env = {"DICM_DATA_DIR": str(tmp_path / ".dicm"), "DICM_DATABASE_URL": url}
    runner = CliRunner()
    out = tmp_path / "digest.jsonl"
    result = runner.invoke(app, ["recommend", "--all", "--out", str(out), "--k", "3"], env=env)
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert {r["rank"] for r in rows} <= {1, 2, 3} and rows[0]["explanation"]
    assert f"wrote {len(rows)} rows" in result.output
    bad = runner.invoke(app, ["recommend", "--all", "--out", str(tmp_path / "d.txt")], env=env)
    assert bad.exit_code == 2 and ".csv or .jsonl" in bad.output
    missing = runner.invoke(app, ["recommend", "--out", str(out)], env=env)
    assert missing.exit_code == 2 and "--all" in missing.output
