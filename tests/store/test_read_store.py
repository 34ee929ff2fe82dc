"""The read store (``DICM_DATABASE_READ_URL``) on SQLite: it reads the file it names and refuses
to write it (``query_only``), so a write routed to a read copy fails instead of diverging.
(PostGIS: ``tests/api/test_read_replica.py``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from dicm.settings import Settings
from domain.model import Activity
from store.errors import StorageError
from store.factory import open_read_store, open_store
from tests.builders import make_activity, make_provider


def test_sqlite_read_store_reads_and_refuses_writes(tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    written = open_store(Settings(database_url=f"sqlite:///{copy}").store)
    written.put_many([make_provider(), make_activity()])
    written.close()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'primary.sqlite'}",
        database_read_url=f"sqlite:///{copy}",
    )
    reads = open_read_store(settings.store)
    assert reads is not None
    try:
        assert reads.get(Activity, "act-1").name == make_activity().name
        with pytest.raises(StorageError):
            reads.put(make_activity(id="act-2"))
        assert reads.count(Activity) == 1
        assert reads.schema_revisions()[0] == reads.schema_revisions()[1]
    finally:
        reads.close()
    assert not (tmp_path / "primary.sqlite").exists()  # opening the read store left it alone
