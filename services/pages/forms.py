"""What a form handler gets back: the saved value, or the field errors to show.

A page shows the errors twice (GOV.UK's pattern): a summary at the top linking to each field
and a message beside the field, with what the person typed kept. Field names are the form's
own, in form order, so the summary reads in the order the form does.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

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
