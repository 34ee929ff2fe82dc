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
    Role.BUYER: (HOME,),
    Role.PROVIDER: (HOME,),
    Role.VALIDATOR: (HOME,),
    Role.PCC_OFFICE: (HOME,),
    Role.ADMIN: (HOME, ("API documentation", "/docs")),
}


def nav_for(role: Role | None) -> tuple[tuple[str, str], ...]:
    """The header links of a role (none before sign-in)."""
    return NAV.get(role, ()) if role is not None else ()
