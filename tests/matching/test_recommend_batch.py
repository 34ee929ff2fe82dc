"""Batch recommendations (the nightly digest): every supplier's answer is the one-supplier
recommender's, the file has one row per supplier x match, and bad requests write nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point, box
from typer.testing import CliRunner

from dicm.cli import app
from domain.errors import InvalidInput
from domain.model import Activity, Lot, Need, Offer, Site, Supplier, Tender
from domain.vocabulary import THEMES, SupportType
from matching.batch import CHUNK
from matching.diversity import mmr_order, mmr_order_batch
from matching.recommender import Recommender
from services.recommend_batch import write_digest
from services.recommendations import recommend
from services.recommender_cache import RecommenderCache
from store.factory import open_store
from store.port import Store
from tests.builders import make_activity, make_provider, make_supplier, make_tender
from tests.matching.helpers import CONTEXT, TVP


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


SECTORS = ("construction", "digital", None)


def crowded_world(seed: int) -> tuple[list[Activity], list[Supplier]]:
    """1,500 activities with mixed needs, themes and territories, many sharing a place (equal
    distances) or being copies under another id (equal scores, ties broken by id); 150
    suppliers with 1 to 12 sites, some sites repeated (equal nearest distances), some far
    from everything, varied offers and sectors."""
    rng = np.random.default_rng(seed)
    themes = list(THEMES)
    places = np.column_stack((rng.uniform(-1.6, -0.4, 600), rng.uniform(51.2, 52.1, 600)))
    activities = []
    for i in range(1_500):
        lon, lat = places[int(rng.integers(0, 600))] if i % 3 else places[i % 600]
        needs = tuple(
            Need(list(SupportType)[int(rng.integers(0, 5))], "help", 100.0, None,
                 SECTORS[int(rng.integers(0, 3))])
            for _ in range(int(rng.integers(0, 3)))
        )  # fmt: skip
        chosen = tuple(rng.choice(themes, size=int(rng.integers(0, 3)), replace=False))
        activities.append(
            make_activity(
                id=f"a{i:05d}",
                provider_id=f"p{i % 97}",
                lon_lat=(float(lon), float(lat)),
                themes=chosen if i % 7 else ("serious_violence",),
                needs=needs,
                territory_code=TVP if i % 4 else "E23000001",
                at_risk=bool(i % 11 == 0),
                funding_gap_gbp=float(int(rng.integers(0, 4)) * 10_000),
            )
        )
    suppliers = []
    for i in range(150):
        n_sites = 1 + int(rng.integers(0, 12)) if i % 5 == 0 else 1 + i % 3
        spots = [places[int(rng.integers(0, 600))] for _ in range(n_sites)]
        if i % 9 == 0:
            spots[-1] = spots[0]  # the same place twice: the first site is the nearest
        if i % 17 == 0:
            spots = [np.array([-3.19, 55.95])] * n_sites  # Edinburgh: nothing in reach
        sites = tuple(
            Site(f"s{i}-{j}", f"site {j}", Point(float(x), float(y)))
            for j, (x, y) in enumerate(spots)
        )
        offers = tuple(
            Offer(list(SupportType)[int(t)], sector=SECTORS[int(rng.integers(0, 3))])
            for t in rng.choice(5, size=1 + i % 2, replace=False)
        )
        suppliers.append(
            make_supplier(id=f"sup-{i:03d}", sites=sites, offers=offers,
                          sectors=(SECTORS[i % 2] or "construction",))
        )  # fmt: skip
    return activities, suppliers


def tenders() -> list[Tender | None]:
    """No tender, a delivery area, lots, a territory only (each with priorities)."""
    return [
        None,
        make_tender(),
        make_tender(
            delivery_area=None,
            lots=(
                Lot("l1", "North", box(-1.6, 51.7, -0.4, 52.1)),
                Lot("l2", "South", box(-1.6, 51.2, -1.0, 51.7)),
            ),
            priorities=("domestic_abuse", "youth_diversion"),
        ),
        make_tender(delivery_area=None, territory_code=TVP),
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_vectorised_batch_equals_recommend_for_every_supplier(seed: int) -> None:
    activities, suppliers = crowded_world(seed)
    assert len(suppliers) > CHUNK  # more than one vectorised step
    model = Recommender().fit(activities, CONTEXT)
    alone = Recommender().fit(activities, CONTEXT)  # no cache shared with the batch
    answers = []
    for tender in tenders():
        for radius_m in (3_000.0, 25_000.0):
            batch = model.recommend_batch(suppliers, tender=tender, k=8, radius_m=radius_m)
            expected = [
                alone.recommend(s, tender=tender, k=8, radius_m=radius_m) for s in suppliers
            ]
            assert batch == expected  # every field: ids, scores, distances, explanations
            answers += batch
    assert any(len(a.matches) == 8 for a in answers) and any(not a.matches for a in answers)
    assert any(a.also_nearby for a in answers)
    digest = list(model.recommend_all(suppliers, k=5, weights={"proximity": 0.6}))
    assert digest == [alone.recommend(s, k=5, weights={"proximity": 0.6}) for s in suppliers]


def test_without_hard_constraints_the_batch_still_equals_recommend() -> None:
    activities, suppliers = crowded_world(3)
    model = Recommender(hard_constraints=False, diversity=0.8, margin=0.2)
    model.fit(activities, CONTEXT)
    tender = make_tender()
    assert model.recommend_batch(suppliers, tender=tender) == [
        model.recommend(s, tender=tender) for s in suppliers
    ]


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


def test_the_vectorised_re_ranking_picks_what_the_one_pool_re_ranking_picks() -> None:
    """Pools of 0 to 30 items with coarse scores (many exact and near ties), few providers
    (the cap bites) and mixed tiers: ``mmr_order_batch`` gives each pool ``mmr_order``'s."""
    rng = np.random.default_rng(11)
    pools = []
    for size in rng.integers(0, 31, 300).tolist():
        tier = np.sort(rng.integers(0, 3, size)).astype(np.intp)
        score = np.round(rng.uniform(0.3, 0.8, size), 2)
        order = np.lexsort((-score, tier))  # pool order: tier, then score, best first
        themes = (rng.random((size, len(THEMES))) < 0.2).astype(np.float64)
        provider = rng.integers(0, 4, size).astype(np.intp)
        pools.append((score[order], provider[order], themes[order], tier[order]))
    for diversity, cap, margin in ((0.3, 2, 0.025), (0.9, 1, 0.2), (0.5, None, 0.05)):
        batch = mmr_order_batch(
            pools, k=10, diversity=diversity, max_per_provider=cap, margin=margin
        )
        for (score, provider, themes, tier), picks in zip(pools, batch, strict=True):
            alone = mmr_order(
                score,
                provider,
                themes,
                k=min(10, score.size),
                diversity=diversity,
                max_per_provider=cap,
                margin=margin,
                tier=tier,
            )
            assert picks.tolist() == alone.tolist()
