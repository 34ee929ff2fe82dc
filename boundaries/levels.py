"""Boundary levels dicm imports, their ONS field prefixes and the code patterns they accept.

ONS names code/name fields ``<PREFIX><YY>CD`` / ``<PREFIX><YY>NM`` (``PFA23CD``, ``LAD24NM``,
``ITL125CD`` = ITL1 + 25). Code patterns are the GSS entity codes of each product (ONS Register
of Geographic Codes): E23/W15 police force areas, E06-E09/W06/S12/N09 local authority
districts, E12 regions or TL? ITL1, E/W/S/N92 countries, E22/W14 community safety
partnerships, E01/W01 LSOAs.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    """A boundary level; the value is what the CLI's ``--level`` accepts."""

    PFA = "pfa"
    LAD = "lad"
    REGION = "region"
    COUNTRY = "country"
    CSP = "csp"
    LSOA = "lsoa"


#: the levels stored as small areas (:class:`~domain.model.SmallArea`), CSPs and LSOAs
SMALL_AREA_LEVELS: tuple[Level, ...] = (Level.CSP, Level.LSOA)

FIELD_PREFIXES: dict[Level, tuple[str, ...]] = {
    Level.PFA: ("PFA",),
    Level.LAD: ("LAD", "LTLA"),
    Level.REGION: ("ITL1", "RGN"),
    Level.COUNTRY: ("CTRY",),
    Level.CSP: ("CSP",),
    Level.LSOA: ("LSOA",),
}

CODE_PATTERNS: dict[Level, re.Pattern[str]] = {
    Level.PFA: re.compile(r"^(E23|W15)\d{6}$"),
    Level.LAD: re.compile(r"^(E0[6-9]|W06|S12|N09)\d{6}$"),
    Level.REGION: re.compile(r"^(E12\d{6}|TL[C-N])$"),
    Level.COUNTRY: re.compile(r"^[EWSN]92\d{6}$"),
    Level.CSP: re.compile(r"^(E22|W14)\d{6}$"),
    Level.LSOA: re.compile(r"^(E01|W01)\d{6}$"),
}

_FIELD_RE = re.compile(r"^(?P<stem>(?P<prefix>[A-Z]+?1?)(?P<yy>\d{2}))CD$", re.IGNORECASE)


def find_code_field(columns: list[str], level: Level) -> tuple[str, str | None]:
    """(code field, name field or None) for ``level`` among ``columns``.

    The newest vintage wins when several match (``LAD24CD`` over ``LAD23CD``).
    """
    found: list[tuple[int, str, str]] = []
    for column in columns:
        match = _FIELD_RE.match(column)
        if match and match.group("prefix").upper() in FIELD_PREFIXES[level]:
            found.append((int(match.group("yy")), column, match.group("stem")))
    if not found:
        return "", None
    _yy, code_field, stem = max(found)
    name_field = next((c for c in columns if c.upper() == f"{stem.upper()}NM"), None)
    return code_field, name_field
