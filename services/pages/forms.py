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


#: digits, commas only between thousands, an optional decimal point: 25, 1500, 1,500, 12.50
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_amount(text: str, what: str, *, positive: bool = True) -> float:
    """The one parser of an amount typed by a person (pounds, hours, outcomes), every form's.

    Accepted: digits with an optional decimal point, a ``£`` in front, commas between
    thousands (``£1,250.50``, ``1500``, ``12.5``). Refused with ``ValueError`` saying what is
    wrong, never guessed: nothing typed (or only ``£``); a comma that is not a thousands
    separator (``12,50``, ``1,2,3``); a decimal comma after a point (``1.200,00``: 1.2 or
    1200?); letters, spaces inside, exponents, ``inf``/``nan`` or ``_``, which Python's
    ``float`` would take; a negative amount, and 0 when ``positive``.
    """
    body = text.strip()
    negative = False
    for _ in range(2):  # "-£5" and "£-5" alike
        if body.startswith("-"):
            negative, body = True, body[1:].strip()
        if body.startswith("£"):
            body = body[1:].strip()
    if not body:
        raise ValueError(f"Enter the {what}")
    if "," in body and "." in body and body.rindex(",") > body.index("."):
        raise ValueError(
            f"The {what} {text.strip()!r} is ambiguous: write it with a point for pence and "
            "commas only between thousands, like 1,200.00"
        )
    if not _AMOUNT.fullmatch(body):
        if "," in body:
            raise ValueError(
                f"Put commas in the {what} only between thousands, like 1,500 (and a point "
                "for pence, like 12.50)"
            )
        raise ValueError(f"The {what} must be a number, like 25 or 1,500")
    value = float(body.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError(f"The {what} must be a number, like 25 or 1,500")
    if negative and value != 0:
        raise ValueError(f"The {what} cannot be negative")
    if positive and value <= 0:
        raise ValueError(f"The {what} must be more than 0")
    return value


def parse_day(text: str, what: str) -> date:
    """A date typed as YYYY-MM-DD (an HTML date field sends that)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"Enter the {what} as a real date, like 2027-03-31") from None
