"""The home page's "your tasks": per role, what is waiting and where to do it, counted from the
store with the same filters the role's own pages use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain.model import Account, Activity, Tender
from domain.vocabulary import Role, ValidationStatus
from services.pages.validator import LAPSE_SOON_DAYS, renewals_due
from spo.model import Spo, SpoState
from store.port import Store


@dataclass(frozen=True)
class Task:
    """One line of the task list: a link, a hint, and how many things wait there."""

    label: str
    href: str
    count: int
    hint: str = ""


def _supplier(store: Store, account: Account) -> list[Task]:
    mine = account.organisation_id or ""
    return [
        Task(
            "Find activities to support",
            "/app/supplier/finder",
            store.count(Tender, status="open"),
            "Open tenders you can bid into with a Social Purchase Order",
        ),
        Task(
            "Finish your draft SPOs",
            "/app/supplier/spos",
            store.count(Spo, supplier_id=mine, state=SpoState.DRAFT.value),
            "Drafts not yet submitted with a bid",
        ),
    ]


def _buyer(store: Store, account: Account) -> list[Task]:
    mine = account.organisation_id or ""
    tenders = [t.id for t in store.iter_all(Tender, buyer_id=mine)]
    to_score = sum(store.count(Spo, tender_id=t, state=SpoState.SUBMITTED.value) for t in tenders)
    return [Task("Score submitted SPOs", "/app/buyer/tenders", to_score, "Bids in your tenders")]


def _provider(store: Store, account: Account) -> list[Task]:
    mine = account.organisation_id or ""
    pending = store.count(
        Activity, provider_id=mine, validation_status=ValidationStatus.PENDING.value
    )
    return [Task("Your activities", "/app/provider/activities", pending, "Waiting for validation")]


def _validator(store: Store, account: Account) -> list[Task]:
    pending = store.count(
        Activity,
        territory_code=account.territory_code or "",
        validation_status=ValidationStatus.PENDING.value,
    )
    due = renewals_due(store, account.territory_code or "", date.today())
    return [
        Task("Validate activities", "/app/validator/queue", pending, "Pending in your territory"),
        Task(
            "Renew validations",
            "/app/validator/queue",
            len(due),
            f"Ending in the next {LAPSE_SOON_DAYS} days, or lapsed",
        ),
    ]


def _pcc(store: Store, account: Account) -> list[Task]:
    return [
        Task(
            "Social value against the plan",
            "/app/pcc",
            0,
            "Committed and delivered £ by Police & Crime Plan priority",
        )
    ]


def _admin(store: Store, account: Account) -> list[Task]:
    no_password = sum(1 for a in store.iter_all(Account) if a.active and a.password_hash is None)
    return [
        Task(
            "Manage accounts",
            "/app/admin/accounts",
            no_password,
            "Create accounts, reset passwords, disable accounts; to do: active accounts "
            "without a web password",
        ),
        Task("API documentation", "/docs", 0, "The HTTP API for programs and GIS tools"),
    ]


TASKS: dict[Role, Callable[[Store, Account], list[Task]]] = {
    Role.SUPPLIER: _supplier,
    Role.BUYER: _buyer,
    Role.PROVIDER: _provider,
    Role.VALIDATOR: _validator,
    Role.PCC_OFFICE: _pcc,
    Role.ADMIN: _admin,
}


def tasks_for(store: Store, account: Account) -> list[Task]:
    """The home page's task list of ``account``."""
    return TASKS[account.role](store, account)
