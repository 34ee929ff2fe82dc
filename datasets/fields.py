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


#: digits grouped in threes by commas or spaces (``1,200``, ``1 200``), then an optional
#: decimal point: the only separators a UK spreadsheet writes
_UK_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.\d+)?$")
#: a continental number (``1.200,00``, ``1.200.000``, ``3,5``): ambiguous in a UK file
_AMBIGUOUS = re.compile(
    r"^[+-]?\d{1,3}(?:\.\d{3}){2,}$"  # 1.200.000
    r"|^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"  # 1.200,00
    r"|^[+-]?\d+,\d{1,2}$"  # 3,5 or 1,20: a decimal comma
    r"|\..*,"  # a point before a comma
)


def parse_number(text: str, field_name: str) -> float:
    """A number as a UK file writes it: a leading £, thousands grouped by commas or spaces
    (``£1,200``, ``1 200``, ``1,200.50``). Anything a European locale could mean differently
    (``1.200,00``, ``3,5``) is refused with a reason rather than guessed: a wrong guess is a
    thousandfold error, a refusal costs one edit."""
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = cleaned.removeprefix("£").strip()
    if cleaned.startswith("-£") or cleaned.startswith("+£"):
        cleaned = cleaned[0] + cleaned[2:]
    if not cleaned:
        raise RowError("missing-number", f"{field_name} is empty")
    if _AMBIGUOUS.search(cleaned):
        raise RowError(
            "ambiguous-number",
            f"{field_name} {text!r} is ambiguous: write it with a decimal point and no "
            "separators or comma thousands (e.g. 1200.00 or 1,200.00)",
        )
    if not _UK_NUMBER.match(cleaned):
        raise RowError("bad-number", f"{field_name} {text!r} is not a number")
    return float(cleaned.replace(",", "").replace(" ", ""))


def parse_optional_number(text: str, field_name: str) -> float | None:
    """``parse_number``, but an empty cell is missing (None), never 0."""
    return parse_number(text, field_name) if text.strip() else None


def parse_bool(text: str, field_name: str) -> bool:
    """yes/no, true/false, 1/0, y/n."""
    lowered = text.strip().lower()
    if lowered in {"yes", "y", "true", "t", "1"}:
        return True
    if lowered in {"no", "n", "false", "f", "0"}:
        return False
    raise RowError("bad-value", f"{field_name} {text!r} is not yes/no")


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_UK_NAMED_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?[ -](\d{4})$")
DATE_FORMATS = "YYYY-MM-DD, DD/MM/YYYY, DD-Mon-YYYY or DD Month YYYY"


def parse_date(text: str, field_name: str) -> date:
    """An ISO date or a UK day-first one (``31/03/2027``, ``31-Mar-2027``, ``31 March 2027``).

    Never month-first: ``03/31/2027`` is refused as an impossible date (there is no month 31),
    so a US-formatted file fails loudly instead of swapping days and months below the 13th."""
    cleaned = text.strip()
    if (match := _ISO_DATE.match(cleaned)) is not None:
        year, month, day = (int(g) for g in match.groups())
    elif (match := _UK_NUMERIC_DATE.match(cleaned)) is not None:
        day, month, year = (int(g) for g in match.groups())
    elif (match := _UK_NAMED_DATE.match(cleaned)) is not None:
        month_name = match[2].lower()
        if month_name not in _MONTHS:
            raise RowError("bad-date", f"{field_name} {text!r}: unknown month {match[2]!r}")
        day, month, year = int(match[1]), _MONTHS[month_name], int(match[3])
    else:
        raise RowError("bad-date", f"{field_name} {text!r} is not a date ({DATE_FORMATS})")
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise RowError(
            "impossible-date",
            f"{field_name} {text!r} is not a real date ({exc}; dates are read day first)",
        ) from None
