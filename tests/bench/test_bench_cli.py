"""The README's bench commands work as written and ``bench.load`` refuses to measure a stranger.

Only argument parsing runs here (``--help`` exits before any workload), so the tests stay cheap.
"""

from __future__ import annotations

import http.server
import importlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from bench import __main__ as bench_main
from bench.load import NotMeasured, Tally, expected_version, refuse_errors, verify_dicm
from dicm.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_bench_name_as_the_readme_writes_it() -> None:
    """``python -m bench recommend`` exited 2 (its parser read the module name from sys.argv)."""
    listing = subprocess.run(
        [sys.executable, "-m", "bench", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    assert "recommend" in listing.stdout and "load" in listing.stdout
    one = subprocess.run(
        [sys.executable, "-m", "bench", "recommend", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert one.returncode == 0, one.stderr
    assert "--activities" in one.stdout


@pytest.mark.parametrize("name", bench_main.available())
def test_every_benchmark_parses_its_own_arguments_only(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["bench", name])  # what `python -m bench NAME` leaves
    module = importlib.import_module(f"bench.{name}")
    with pytest.raises(SystemExit) as exited:
        module.main(["--help"])
    assert exited.value.code == 0
    assert "usage:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        bench_main.main([name, "--", "--help"])
    assert exited.value.code == 0


def test_unknown_benchmark_or_arguments_for_many_is_a_usage_error() -> None:
    assert bench_main.main(["no_such_bench"]) == 2
    assert bench_main.main(["ogc", "maps", "--repeat", "1"]) == 2
    assert bench_main.split_argv(["load", "--", "--clients", "1"]) == (
        ["load"],
        ["--clients", "1"],
    )


class _Answers404(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"not found")

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def stranger() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers404)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_load_refuses_a_server_that_is_not_dicm(stranger: str) -> None:
    with httpx.Client(base_url=stranger) as http, pytest.raises(NotMeasured, match="not dicm"):
        verify_dicm(http, ["/activities?limit=1"])


def test_load_accepts_dicm_and_refuses_its_error_answers(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd.sqlite'}", data_dir=tmp_path)
    with TestClient(create_app(settings)) as http:
        assert verify_dicm(http, ["/activities?limit=1"]) == expected_version()
        with pytest.raises(NotMeasured, match="answered 401"):
            verify_dicm(http, ["/suppliers/nobody/matches?k=10"])


def test_load_refuses_to_report_a_run_with_errors() -> None:
    refuse_errors("clean", Tally(latencies_ms=[1.0], statuses={200: 1}))
    with pytest.raises(NotMeasured, match="1 of 2 responses were not 2xx"):
        refuse_errors("mixed", Tally(latencies_ms=[1.0, 2.0], errors=1, statuses={200: 1, 404: 1}))


def test_ogc_pygeoapi_without_pygeoapi_exits_2_with_the_install_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pygeoapi is not a dev dependency: the bench says how to install it instead of a traceback."""
    from bench import ogc_pygeoapi

    if not ogc_pygeoapi.pygeoapi_missing():
        pytest.skip("pygeoapi is installed here; the refusal only shows without it")
    with pytest.raises(SystemExit) as exited:
        ogc_pygeoapi.main(["--repeat", "1"])
    assert exited.value.code == 2
    assert "pip install pygeoapi==0.21.0" in capsys.readouterr().out
