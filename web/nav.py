"""The navigation each role sees in the header: (label, path) pairs. Each user's pages add
their own entries here (one line per page), so the layout needs no edit."""

from __future__ import annotations

from domain.vocabulary import Role

HOME = ("Your tasks", "/app")

NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.SUPPLIER: (
        HOME,
        ("Find activities", "/app/supplier/finder"),
        ("My SPOs", "/app/supplier/spos"),
    ),
    Role.BUYER: (
        HOME,
        ("Tenders", "/app/buyer/tenders"),
        ("Delivery", "/app/buyer/delivery"),
        ("Coverage gaps", "/app/buyer/coverage"),
        ("Social value report", "/app/buyer/report"),
    ),
    Role.PROVIDER: (
        HOME,
        ("My activities", "/app/provider/activities"),
        ("Position an activity", "/app/provider/activities/new"),
    ),
    Role.VALIDATOR: (HOME, ("Validation queue", "/app/validator/queue")),
    Role.PCC_OFFICE: (HOME, ("Social value dashboard", "/app/pcc")),
    Role.ADMIN: (HOME, ("Accounts", "/app/admin/accounts"), ("API documentation", "/docs")),
}


def nav_for(role: Role | None) -> tuple[tuple[str, str], ...]:
    """The header links of a role (none before sign-in)."""
    return NAV.get(role, ()) if role is not None else ()
