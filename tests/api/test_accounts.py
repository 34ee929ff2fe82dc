"""Accounts: tokens are stored hashed, shown once, and tied to an organisation or territory."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from dicm.cli import app as cli
from domain.errors import InvalidInput, NotFound
from domain.model import Account
from domain.vocabulary import Role
from services.accounts import authenticate, create_account, hash_token
from tests.api.conftest import Seeded, open_sqlite
from tests.api.seed import TV, World


def test_token_is_stored_as_its_sha256(seeded: Seeded) -> None:
    _, store, world = seeded
    stored = store.get(Account, "supplier")
    assert stored.token_hash == hashlib.sha256(world.tokens["supplier"].encode()).hexdigest()
    assert world.tokens["supplier"] not in stored.token_hash
    assert authenticate(store, world.tokens["supplier"]).id == "supplier"


def test_ties_are_checked(seeded: Seeded) -> None:
    _, store, _ = seeded
    with pytest.raises(InvalidInput):
        create_account(store, id_="x1", name="x", role=Role.SUPPLIER)
    with pytest.raises(NotFound):
        create_account(store, id_="x2", name="x", role=Role.SUPPLIER, organisation_id="nope")
    with pytest.raises(InvalidInput):
        create_account(store, id_="x3", name="x", role=Role.PCC_OFFICE)
    with pytest.raises(NotFound):
        create_account(store, id_="x4", name="x", role=Role.VALIDATOR, territory_code="E23999999")
    account, token = create_account(
        store, id_="x5", name="x", role=Role.PCC_OFFICE, territory_code=TV
    )
    assert account.token_hash == hash_token(token) and len(token) >= 43


def test_admin_creates_an_account_over_http(client: TestClient, world: World) -> None:
    r = client.post(
        "/accounts",
        headers=world.auth("admin"),
        json={"id": "new-buyer", "name": "New", "role": "buyer", "organisation_id": "buyer-2"},
    )
    assert r.status_code == 201
    token = r.json()["token"]
    me = client.get("/accounts/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["organisation_id"] == "buyer-2" and "token" not in me


def test_cli_creates_an_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings, store = open_sqlite(tmp_path / "cli.sqlite")
    store.close()
    monkeypatch.setenv("DICM_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["accounts", "create", "root", "--role", "admin"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    _, store = open_sqlite(tmp_path / "cli.sqlite")
    try:
        assert authenticate(store, token).role is Role.ADMIN
    finally:
        store.close()
