"""Accounts: an admin creates them (the token is shown once); anyone may ask who they are."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep, ViewerDep
from api.schemas.accounts import AccountCreated, AccountIn, AccountOut
from api.schemas.common import PROBLEM_RESPONSES
from services import access, accounts

router = APIRouter(tags=["accounts"], responses=PROBLEM_RESPONSES)


@router.get("/accounts/me", response_model=AccountOut)
def who_am_i(viewer: ViewerDep) -> AccountOut:
    """The account of the bearer token."""
    return AccountOut.of(access.require_actor(viewer))


@router.post("/accounts", status_code=201, response_model=AccountCreated)
def create_account(body: AccountIn, store: StoreDep, viewer: ViewerDep) -> AccountCreated:
    """Create an account tied to its organisation / territory (admin). Keep the token."""
    account, token = accounts.create_account_as_admin(
        store,
        viewer,
        id_=body.id,
        name=body.name,
        role=body.role,
        organisation_id=body.organisation_id,
        territory_code=body.territory_code,
    )
    return AccountCreated(**AccountOut.of(account).model_dump(), token=token)
