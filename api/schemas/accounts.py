"""Accounts: what an admin sends to create one, and what anyone may read back (never the hash)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.activities import ID_PATTERN
from api.schemas.safe import InputModel
from domain.model import Account
from domain.vocabulary import Role


class AccountIn(InputModel):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    organisation_id: str | None = Field(default=None, max_length=100)
    territory_code: str | None = Field(default=None, max_length=12)


class AccountOut(BaseModel):
    id: str
    name: str
    role: Role
    organisation_id: str | None
    territory_code: str | None
    active: bool

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(
            id=a.id,
            name=a.name,
            role=a.role,
            organisation_id=a.organisation_id,
            territory_code=a.territory_code,
            active=a.active,
        )


class AccountCreated(AccountOut):
    """The new account and its bearer token: shown this once, stored only as a hash."""

    token: str
