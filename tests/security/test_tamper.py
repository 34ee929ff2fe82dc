"""Tamper evidence that survives a forger with database access: the seal is an HMAC under a key
kept outside the database, so rewriting a line and recomputing the hash — with dicm's old bare
sha256, or an HMAC under a guessed key — is detected on every read through ``services.seal``."""

from __future__ import annotations

import hashlib
import hmac
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import update

from dicm.settings import Settings
from domain.errors import TamperDetected
from services.matching_context import committed_support
from services.seal import is_intact, sealed, verified
from spo.lockin import SEAL_PREFIX, commitment_json, content_hash
from spo.model import Spo
from store import schema
from store.codec_rows import entity_to_row
from store.factory import open_store
from store.lock_key import key_path, load_lock_key
from store.port import Store
from tests.api.seed import World
from tests.spo.builders import make_spo

AT = datetime(2027, 1, 5, tzinfo=UTC)


def _forge(spo: Spo, seal: Any) -> Spo:
    """What a forger with write access to the database does: new amount, matching hash."""
    forged = replace(spo, lines=(replace(spo.lines[0], amount=999_999.0), *spo.lines[1:]))
    return replace(forged, content_hash=seal(forged))


def _bare_sha256(spo: Spo) -> str:
    return hashlib.sha256(commitment_json(spo).encode("ascii")).hexdigest()


def _guessed_key(spo: Spo) -> str:
    digest = hmac.new(b"guess" * 8, commitment_json(spo).encode("ascii"), hashlib.sha256)
    return SEAL_PREFIX + digest.hexdigest()


def _write_around_the_api(store: Store, spo: Spo) -> None:
    """An UPDATE straight in the database: no store checks, no audit entry."""
    row = entity_to_row(spo, h3_resolution=8)
    values = {k: v for k, v in row.items() if k in ("content_hash", "data")}
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(schema.spos).where(schema.spos.c.id == spo.id).values(**values))


@pytest.mark.parametrize("seal", [_bare_sha256, _guessed_key], ids=["bare-sha256", "guessed-key"])
def test_a_recomputed_hash_does_not_pass(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World], seal: Any
) -> None:
    store = seeded[1]
    genuine = store.get(Spo, "spo-live")
    assert verified(store, genuine) is genuine
    forged = _forge(genuine, seal)
    assert not is_intact(store, forged)
    _write_around_the_api(store, forged)
    try:
        with pytest.raises(TamperDetected):
            verified(store, store.get(Spo, "spo-live"))
        answer = client.get("/spos/spo-live", headers=world.auth("buyer"))
        assert answer.status_code == 409
        assert answer.json()["type"].endswith("/tamper-detected")
    finally:
        _write_around_the_api(store, genuine)
    assert client.get("/spos/spo-live", headers=world.auth("buyer")).status_code == 200


def test_a_tampered_spo_counts_in_no_commitment_the_ranking_reads(
    seeded: tuple[Settings, Store, World],
) -> None:
    """The recommender's saturation reads committed support: a forged amount must not lower
    an activity's standing, and the SPO is left out, not counted at its old amount."""
    store = seeded[1]
    genuine = store.get(Spo, "spo-live")
    ids = {line.activity_id for line in genuine.lines}
    before = committed_support(store, ids)
    _write_around_the_api(store, _forge(genuine, _bare_sha256))
    try:
        after = committed_support(store, ids)
    finally:
        _write_around_the_api(store, genuine)
    for activity_id in ids:
        own = sum(
            line.amount
            for line in genuine.lines
            if line.activity_id == activity_id and line.unit == "GBP"
        )
        assert after.get(activity_id, 0.0) == pytest.approx(before.get(activity_id, 0.0) - own)
    assert committed_support(store, ids) == before


def test_removing_the_seal_of_an_awarded_spo_is_tampering(
    seeded: tuple[Settings, Store, World],
) -> None:
    store = seeded[1]
    genuine = store.get(Spo, "spo-live")
    assert not is_intact(store, replace(genuine, content_hash=None, locked_at=None))


def test_the_key_file_is_created_once_private_and_shared(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'k.sqlite'}", data_dir=tmp_path)
    first = load_lock_key(settings.store)
    assert load_lock_key(settings.store) == first and len(first) == 32
    key = key_path(settings.store)
    assert key is not None and stat.S_IMODE(key.stat().st_mode) == 0o600
    # a second process (another store on the same settings) seals with the same key
    one, two = open_store(settings.store), open_store(settings.store)
    try:
        locked = sealed(one, make_spo(), at=AT)
        assert is_intact(two, locked)
    finally:
        one.close()
        two.close()


def test_a_settings_key_wins_and_other_keys_do_not_verify(tmp_path: Path) -> None:
    with_secret = Settings(data_dir=tmp_path, lock_key=SecretStr("s3cret-key-from-vault"))
    assert load_lock_key(with_secret.store) == b"s3cret-key-from-vault"
    assert not key_path(with_secret.store).exists()  # type: ignore[union-attr]
    spo = make_spo()
    assert content_hash(spo, load_lock_key(with_secret.store)) != content_hash(spo, b"x" * 32)
