"""Form refusals a page can show as a GOV.UK-style error summary: every field's problem at once.

A use case behind a form checks every field before it changes anything and raises
:class:`FormErrors` naming each bad field, so a person fixes them all in one go instead of
meeting them one submit at a time. It is an ``InvalidInput``, so an API caller would get 422.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.errors import InvalidInput

#: the key of an error about the form as a whole (no single field to link to)
FORM = "form"


class FormErrors(InvalidInput):
    """Refused form input: ``errors`` maps each field name to what is wrong with it."""

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
