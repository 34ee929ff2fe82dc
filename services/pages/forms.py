"""Form results a page can show as a GOV.UK-style error summary: every field's problem at once.

Two shapes, for two kinds of handler: a use case that changes the store checks every field first
and raises :class:`FormErrors` (an ``InvalidInput``, so an API caller would get 422); a handler
that only parses gets an :class:`Outcome` (the value, or field -> message). A page shows the
errors twice (GOV.UK's pattern): a summary linking to each field and a message beside it.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from domain.errors import InvalidInput

#: the key of an error about the form as a whole (no single field to link to)
FORM = "form"


class FormErrors(InvalidInput):
    """Refused form input: ``errors`` maps each field name to what is wrong with it."""

    code = "invalid-form"

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def raise_if_any(errors: Mapping[str, str]) -> None:
    """:class:`FormErrors` when ``errors`` is not empty."""
    if errors:
        raise FormErrors(errors)


def parse_money(text: str, field: str, errors: dict[str, str], *, label: str) -> float:
    """A pound amount typed by a person (``£1,250.50`` is fine); 0.0 with an error otherwise."""
    cleaned = text.strip().replace(",", "").removeprefix("£").strip()
    if not cleaned:
        errors[field] = f"Enter {label}"
        return 0.0
    try:
        value = float(cleaned)
    except ValueError:
        errors[field] = f"{label[0].upper()}{label[1:]} must be a number, like 250000"
        return 0.0
    if not value >= 0 or value == float("inf"):
        errors[field] = f"{label[0].upper()}{label[1:]} must be 0 or more"
        return 0.0
    return value


T = TypeVar("T")

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """``value`` when the use case succeeded, else ``errors`` (field -> message)."""

    value: T | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.errors


def failed(errors: Mapping[str, str]) -> Outcome[T]:
    """An outcome with field errors and no value."""
    return Outcome(None, dict(errors))


def new_id(prefix: str, name: str = "") -> str:
    """An id made by dicm (people never invent ids): prefix, a slug of the name, 8 hex."""
    slug = _SLUG.sub("-", name.lower()).strip("-")[:40].strip("-")
    return "-".join(p for p in (prefix, slug, secrets.token_hex(4)) if p)


def parse_amount(text: str, what: str, *, positive: bool = True) -> float:
    """A finite number typed by a person (commas allowed); ``ValueError`` says what is wrong."""
    cleaned = text.strip().replace(",", "").lstrip("£")
    if not cleaned:
        raise ValueError(f"Enter the {what}")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"The {what} must be a number, like 25 or 1,500") from None
    if not math.isfinite(value):
        raise ValueError(f"The {what} must be a number, like 25 or 1,500")
    if positive and value <= 0:
        raise ValueError(f"The {what} must be more than 0")
    if value < 0:
        raise ValueError(f"The {what} cannot be negative")
    return value


def parse_day(text: str, what: str) -> date:
    """A date typed as YYYY-MM-DD (an HTML date field sends that)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"Enter the {what} as a real date, like 2027-03-31") from None
