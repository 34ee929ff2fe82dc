"""The UK postcode format: normalise and validate, with no table loaded (cheap to import).

The format is the published one (GOV.UK Bulk Data Transfer, "Postcode format"); the areas
Code-Point Open does not cover are named so every refusal says why.
"""

from __future__ import annotations

import re

from geo.errors import InvalidPostcode

# The published format (GOV.UK Bulk Data Transfer, "Postcode format"): outward code
# (area + district) and inward code (sector digit + two unit letters that never use C I K M O V),
# plus the special non-geographic GIR 0AA.
_POSTCODE_RE = re.compile(
    r"^(?:GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2})$"
)

NOT_COVERED: dict[str, str] = {
    "BT": "Northern Ireland",
    "IM": "the Isle of Man (a Crown Dependency)",
    "JE": "Jersey (a Crown Dependency)",
    "GY": "Guernsey (a Crown Dependency)",
}


def normalise_postcode(text: str) -> str:
    """Canonical form: upper case, one space before the inward code ("rg1 1aa" -> "RG1 1AA").

    Raises ``InvalidPostcode`` unless the result has the official UK format.
    """
    if not isinstance(text, str):
        raise InvalidPostcode(f"a postcode must be text, got {type(text).__name__}")
    compact = re.sub(r"\s+", "", text).upper()
    candidate = f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact
    if not _POSTCODE_RE.match(candidate):
        raise InvalidPostcode(f"{text!r} is not a valid UK postcode")
    return candidate


def is_valid_postcode(text: str) -> bool:
    """True when ``text`` normalises to a well-formed UK postcode."""
    try:
        normalise_postcode(text)
    except InvalidPostcode:
        return False
    return True


def postcode_area(postcode: str) -> str:
    """The area: the leading letters of the outward code ("RG1 1AA" -> "RG", "B1 1AA" -> "B")."""
    match = re.match(
        r"[A-Z]+", postcode if _POSTCODE_RE.match(postcode) else normalise_postcode(postcode)
    )
    return match.group(0) if match else ""
