"""While the app runs, the cyclic collector's young generation is collected once per
``heap.YOUNG`` net allocations (a 1,000-activity page no longer sets off ~140 young and a full
collection every few pages) and what was alive at start-up is frozen; shutdown restores both."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from api import heap
from api.app import create_app
from tests.api.conftest import Seeded


def test_the_app_raises_the_young_threshold_and_restores_it(seeded: Seeded) -> None:
    settings, store, _ = seeded
    before = gc.get_threshold()
    with TestClient(create_app(settings, store=store)) as client:
        assert gc.get_threshold() == (max(heap.YOUNG, before[0]), *before[1:])
        assert gc.get_freeze_count() > 0
        young = gc.get_stats()[0]["collections"]
        kept = [{"n": i} for i in range(heap.YOUNG // 2)]  # a page's worth of live objects
        assert client.get("/activities").status_code == 200
        assert gc.get_stats()[0]["collections"] - young <= 1
        del kept
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_every_command_line_run_collects_young_objects_rarely() -> None:
    from typer.testing import CliRunner

    from dicm.cli import app

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])
        assert CliRunner().invoke(app, ["version"]).exit_code == 0
        assert gc.get_threshold() == (heap.YOUNG, *before[1:])
    finally:
        gc.set_threshold(*before)
