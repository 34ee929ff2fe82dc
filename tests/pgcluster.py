"""A throwaway PostgreSQL 15 + PostGIS cluster on loopback, for tests and benchmarks.

``initdb`` refuses to run as root, so as root the cluster is created and run by the
``postgres`` OS user (``runuser``) in a temporary directory it owns. Trust authentication on
127.0.0.1 only; fsync off (the data is thrown away).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

BIN_DIR = Path(os.environ.get("DICM_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


class ClusterUnavailable(RuntimeError):
    """PostgreSQL/PostGIS is not installed or would not start."""


@dataclass
class PgCluster:
    """A running cluster; ``url(db)`` gives a SQLAlchemy URL, ``stop()`` removes it all."""

    root: Path
    port: int
    prefix: list[str]

    def url(self, dbname: str, driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, dbname: str) -> str:
        """Create ``dbname`` with the postgis extension; returns its SQLAlchemy URL."""
        with psycopg.connect(self.url("postgres", "postgresql"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
            conn.execute(f'CREATE DATABASE "{dbname}"')
        with psycopg.connect(self.url(dbname, "postgresql"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(dbname)

    def stop(self) -> None:
        _run([*self.prefix, str(BIN_DIR / "pg_ctl"), "-D", str(self.root / "data"),
              "-m", "immediate", "stop"], check=False)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> PgCluster:
    """initdb + pg_ctl start on a free loopback port. ``ClusterUnavailable`` with the reason."""
    for path in (BIN_DIR / "initdb", BIN_DIR / "pg_ctl", POSTGIS_CONTROL):
        if not path.exists():
            raise ClusterUnavailable(
                f"{path} is missing: install postgresql-15-postgis-3 (make system)"
            )
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="dicm-pg-"))
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    try:
        _run([*prefix, str(BIN_DIR / "initdb"), "-D", str(data), "-U", "postgres",
              "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"])  # fmt: skip
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        _run([*prefix, str(BIN_DIR / "pg_ctl"), "-D", str(data), "-o", options,
              "-l", str(root / "server.log"), "-w", "-t", "60", "start"])  # fmt: skip
    except ClusterUnavailable:
        log = root / "server.log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise ClusterUnavailable(f"PostgreSQL would not start. {tail}") from None
    return PgCluster(root, port, prefix)


def empty_dicm_tables(url: str) -> None:
    """TRUNCATE every dicm table (cheaper than a database per test; migrations ran once)."""
    from store.schema import metadata

    names = ", ".join(
        f'"{t.name}"' for t in metadata.sorted_tables if t.name != "store_generations"
    )
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        conn.execute("UPDATE store_generations SET value = value + 1")


def _run(cmd: list[str], check: bool = True) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise ClusterUnavailable(f"{' '.join(cmd[:5])}... failed: {done.stderr.strip()[-1500:]}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
