"""``dicm accounts``: create with clean errors, list, deactivate and rotate, effective at once;
no traceback for a user's mistake anywhere in the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dicm.settings import Settings
from domain.vocabulary import Role
from services.accounts import create_account, deactivate_account, rotate_token
from store.port import Store
from tests.api.seed import World

ROOT = Path(__file__).resolve().parents[2]


def _dicm(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "DICM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "DICM_DATA_DIR": str(tmp_path / ".dicm"),
    }
    return subprocess.run(
        [sys.executable, "-m", "dicm", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def _clean_error(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert words in done.stderr + done.stdout


def test_accounts_commands_end_to_end(tmp_path: Path) -> None:
    created = _dicm(tmp_path, "accounts", "create", "ops-admin", "--role", "admin")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert len(token) >= 43
    _clean_error(
        _dicm(tmp_path, "accounts", "create", "ops-admin", "--role", "admin"), "already exists"
    )
    _clean_error(
        _dicm(tmp_path, "accounts", "create", "b1", "--role", "buyer", "--organisation", "nope"),
        "nope",
    )
    _clean_error(
        _dicm(tmp_path, "accounts", "create", "bad id/../x", "--role", "admin"), "account id"
    )
    _clean_error(_dicm(tmp_path, "accounts", "deactivate", "ghost"), "ghost")
    rotated = _dicm(tmp_path, "accounts", "rotate", "ops-admin")
    assert rotated.returncode == 0 and rotated.stdout.strip() not in ("", token)
    assert _dicm(tmp_path, "accounts", "deactivate", "ops-admin").returncode == 0
    listed = _dicm(tmp_path, "accounts", "list")
    assert listed.returncode == 0
    assert "ops-admin\tadmin\t-\t-\tinactive" in listed.stdout
    assert token not in listed.stdout and rotated.stdout.strip() not in listed.stdout


def test_deactivation_and_rotation_take_effect_on_the_next_request(
    client: TestClient, world: World, seeded: tuple[Settings, Store, World]
) -> None:
    store = seeded[1]
    _, token = create_account(
        store, id_="short-lived", name="x", role=Role.SUPPLIER, organisation_id="sup-1"
    )
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/spos", headers=auth).status_code == 200  # now remembered in the cache
    _, new = rotate_token(store, "short-lived")
    assert client.get("/spos", headers=auth).status_code == 401
    auth = {"Authorization": f"Bearer {new}"}
    assert client.get("/spos", headers=auth).status_code == 200
    deactivate_account(store, "short-lived")
    assert client.get("/spos", headers=auth).status_code == 401


@pytest.mark.parametrize("account_id", ["", "a" * 101, "-lead", "nul\x00id", "ünïcode"])
def test_the_cli_and_api_share_the_id_rule(
    seeded: tuple[Settings, Store, World], account_id: str
) -> None:
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_account(seeded[1], id_=account_id, name="x", role=Role.ADMIN)
