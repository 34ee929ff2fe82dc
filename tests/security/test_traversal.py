"""Indicators are named by id from the registry of imported ones, never by a path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from dicm.settings import Settings
from domain.errors import NotFound
from services.imports import import_indicator, list_indicators, load_indicator
from store.port import Store
from tests.api.seed import World


def _secret_csv(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.csv"
    path.write_text("code,value\nE06000038,99\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "need", ["../secret", "../../secret", "/etc/passwd", "%2e%2e%2fsecret", "a/b", "secret.csv"]
)
def test_coverage_map_refuses_paths_as_indicators(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World], need: str
) -> None:
    settings = seeded[0]
    _secret_csv(settings.data_dir)
    answer = client.get(
        "/maps/coverage",
        params={"territory": "E23000029", "need": need},
        headers=world.auth("admin"),
    )
    assert answer.status_code in (404, 422), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_load_indicator_never_follows_a_path(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / ".dicm")
    secret = _secret_csv(tmp_path)
    source = tmp_path / "imd.csv"
    source.write_text("lad,score\nE06000038,12.5\n", encoding="utf-8")
    import_indicator(settings.services, source, name="imd", code_column="lad", value_column="score")
    assert list_indicators(settings.services) == ["imd"]
    assert load_indicator(settings.services, "imd") == {"E06000038": 12.5}
    for name in ("../../secret", str(secret.with_suffix("")), "..", "imd/../imd"):
        with pytest.raises(NotFound):
            load_indicator(settings.services, name)


def test_an_imported_indicator_still_shades_the_map(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World], tmp_path: Path
) -> None:
    settings = seeded[0]
    source = tmp_path / "need.csv"
    source.write_text("lad,score\nE06000038,12.5\nE07000178,3\n", encoding="utf-8")
    import_indicator(
        settings.services, source, name="need-test", code_column="lad", value_column="score"
    )
    params: dict[str, Any] = {"territory": "E23000029", "need": "need-test"}
    answer = client.get("/maps/coverage", params=params, headers=world.auth("admin"))
    assert answer.status_code == 200, answer.text
    assert "indicator need-test" in answer.text
