"""Parsers for the text cells of an import file. Each raises ``RowError`` with a reason code.

Needs and offers use one small syntax, items separated by ``;``::

    TYPE[:AMOUNT [UNIT]] [@SECTOR] [(DESCRIPTION)]

    volunteering:200 hours (sports coaches); cash:5000 GBP; skills:40 hours @digital (website)

``TYPE`` is a support type (cash, volunteering, skills, in_kind, jobs); the unit defaults to GBP
for cash, hours for volunteering and skills, items for in-kind goods and people for jobs.
Themes are comma- or semicolon-separated codes of ``domain.vocabulary.THEMES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.model import Need, Offer
from domain.vocabulary import THEMES, SupportType

DEFAULT_UNITS: dict[SupportType, str] = {
    SupportType.CASH: "GBP",
    SupportType.VOLUNTEERING: "hours",
    SupportType.SKILLS: "hours",
    SupportType.IN_KIND: "items",
    SupportType.JOBS: "people",
}

_ITEM = re.compile(
    r"^(?P<type>[A-Za-z_ -]+?)\s*"
    r"(?::\s*£?(?P<amount>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[A-Za-z£]+)?)?\s*"
    r"(?:@\s*(?P<sector>[^()]+?))?\s*"
    r"(?:\((?P<description>[^()]*)\))?\s*$"
)


class RowError(ValueError):
    """A cell dicm cannot accept; ``code`` is the stable reason name shown in the report."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SupportItem:
    """One parsed item of the needs/offers syntax."""

    support_type: SupportType
    amount: float | None
    unit: str | None
    sector: str | None
    description: str


def parse_themes(text: str) -> tuple[str, ...]:
    """Theme codes in the order given, duplicates dropped; unknown codes are ``bad-theme``."""
    codes: list[str] = []
    for raw in re.split(r"[,;]", text):
        code = raw.strip().lower().replace(" ", "_").replace("-", "_")
        if not code:
            continue
        if code not in THEMES:
            raise RowError(
                "bad-theme", f"unknown theme {raw.strip()!r} (theme codes: {', '.join(THEMES)})"
            )
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def parse_support_items(text: str) -> tuple[SupportItem, ...]:
    """Parse the needs/offers syntax (see the module docstring); errors are ``bad-support``."""
    items: list[SupportItem] = []
    for raw in text.split(";"):
        if not raw.strip():
            continue
        match = _ITEM.match(raw.strip())
        if match is None:
            raise RowError("bad-support", f"cannot read {raw.strip()!r} as TYPE[:AMOUNT UNIT]")
        type_name = match["type"].strip().lower().replace(" ", "_").replace("-", "_")
        try:
            support_type = SupportType(type_name)
        except ValueError:
            allowed = ", ".join(s.value for s in SupportType)
            raise RowError(
                "bad-support", f"unknown support type {type_name!r} (use {allowed})"
            ) from None
        amount = float(match["amount"].replace(",", "")) if match["amount"] else None
        unit = match["unit"] or (DEFAULT_UNITS[support_type] if amount is not None else None)
        sector = match["sector"].strip() if match["sector"] else None
        items.append(SupportItem(support_type, amount, unit, sector, match["description"] or ""))
    return tuple(items)


def parse_needs(text: str) -> tuple[Need, ...]:
    """Needs of an activity."""
    return tuple(
        Need(i.support_type, i.description, i.amount, i.unit, i.sector)
        for i in parse_support_items(text)
    )


def parse_offers(text: str) -> tuple[Offer, ...]:
    """Offers of a supplier."""
    return tuple(
        Offer(i.support_type, i.amount, i.unit, i.sector, i.description)
        for i in parse_support_items(text)
    )


def format_support(items: tuple[Need, ...] | tuple[Offer, ...]) -> str:
    """The inverse of the parsers: what the CSV writer puts in a needs/offers cell."""
    parts = []
    for item in items:
        text = item.support_type.value
        if item.amount is not None:
            text += f":{_plain(item.amount)} {item.unit or DEFAULT_UNITS[item.support_type]}"
        if item.sector:
            text += f" @{item.sector}"
        if item.description:
            text += f" ({item.description})"
        parts.append(text)
    return "; ".join(parts)


def _plain(amount: float) -> str:
    """A number without exponent notation (the parser reads digits and one point only)."""
    amount = float(amount)
    if amount.is_integer():
        return str(int(amount))
    return format(amount, "f").rstrip("0").rstrip(".")


def parse_number(text: str, field_name: str) -> float:
    """A number, allowing thousands separators and a leading £."""
    try:
        return float(text.replace(",", "").replace("£", "").strip())
    except ValueError:
        raise RowError("bad-number", f"{field_name} {text!r} is not a number") from None


def parse_bool(text: str, field_name: str) -> bool:
    """yes/no, true/false, 1/0, y/n."""
    lowered = text.strip().lower()
    if lowered in {"yes", "y", "true", "t", "1"}:
        return True
    if lowered in {"no", "n", "false", "f", "0"}:
        return False
    raise RowError("bad-value", f"{field_name} {text!r} is not yes/no")


def parse_date(text: str, field_name: str) -> date:
    """An ISO date (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RowError("bad-value", f"{field_name} {text!r} is not a date (YYYY-MM-DD)") from None
