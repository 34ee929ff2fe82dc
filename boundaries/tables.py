"""The geography facts dicm writes down (CSV files in ``boundaries/data``, sources in
``boundaries/SOURCES.md``): local authority -> police force area -> ITL1 region, the 45
territories with their force and PCC office, and the 12 ITL1 regions."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class LocalAuthorityFact:
    """One of the 348 England & Wales local authorities of the 2011 LSOA vintage."""

    code: str  # the LA's own latest GSS code (e.g. E07000004 Aylesbury Vale, abolished 2020)
    name: str
    lsoa_name_prefix: str  # how its 2011 LSOA names start ("Aylesbury Vale 001A")
    territory_code: str  # PFA23CD
    region_code: str  # ITL1 (January 2025)
    current_code: str  # the December 2023 LAD that contains it today
    note: str


@dataclass(frozen=True)
class TerritoryFact:
    """A police territory: code, ONS name, force, PCC office (or equivalent), ITL1 region."""

    code: str
    name: str
    force_name: str
    pcc_name: str
    region_code: str


@dataclass(frozen=True)
class RegionFact:
    """An ITL1 region and the ONS region or country code that matches it."""

    code: str
    name: str
    ons_code: str


def _rows(name: str) -> list[dict[str, str]]:
    text = files("boundaries").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def local_authority_facts() -> tuple[LocalAuthorityFact, ...]:
    """The LA -> PFA -> ITL1 table (348 rows, by code)."""
    return tuple(
        LocalAuthorityFact(
            r["lad_code"],
            r["lad_name"],
            r["lsoa_name_prefix"],
            r["pfa_code"],
            r["itl1_code"],
            r["current_lad_code"],
            r["note"],
        )
        for r in _rows("lad11_pfa_itl1.csv")
    )


@cache
def territory_facts() -> tuple[TerritoryFact, ...]:
    """The 45 territories (43 E&W PFAs, Police Scotland, PSNI)."""
    return tuple(
        TerritoryFact(r["code"], r["name"], r["force_name"], r["pcc_name"], r["itl1_code"])
        for r in _rows("territories.csv")
    )


@cache
def region_facts() -> tuple[RegionFact, ...]:
    """The 12 ITL1 regions."""
    return tuple(
        RegionFact(r["itl1_code"], r["name"], r["ons_region_code"]) for r in _rows("regions.csv")
    )


@dataclass(frozen=True)
class CurrentLocalAuthorityFact:
    """A local authority that exists today (LAD December 2024 code and name) and the 2011
    districts it is made of (one, itself, unless districts were merged into it)."""

    code: str
    name: str
    territory_code: str
    region_code: str
    parts: tuple[str, ...]  # 2011-vintage codes (``LocalAuthorityFact.code``)


@cache
def current_local_authority_facts() -> tuple[CurrentLocalAuthorityFact, ...]:
    """England & Wales's 318 local authorities of today, by code, with their 2011 parts.

    Each 2011 district goes to the code :func:`boundaries.succession.current_lad_code` gives;
    the police force area and region are the parts' (they never straddle one).
    """
    from boundaries.succession import current_lad_code, successions

    names = {s.new_code: s.new_name for s in successions().values()}
    parts: dict[str, list[LocalAuthorityFact]] = {}
    for fact in local_authority_facts():
        parts.setdefault(current_lad_code(fact.code), []).append(fact)
    out = []
    for code, members in sorted(parts.items()):
        pfa = {m.territory_code for m in members}
        itl1 = {m.region_code for m in members}
        if len(pfa) != 1 or len(itl1) != 1:
            raise RuntimeError(f"{code}: parts in several police force areas or regions")
        name = members[0].name if members[0].code == code else names[code]
        out.append(
            CurrentLocalAuthorityFact(
                code, name, pfa.pop(), itl1.pop(), tuple(m.code for m in members)
            )
        )
    return tuple(out)


def territory_fact(code: str) -> TerritoryFact | None:
    """The metadata of one territory, or None for a code dicm does not know."""
    return next((t for t in territory_facts() if t.code == code), None)


def region_codes(code: str) -> tuple[str, ...]:
    """``code`` and its twin: an ITL1 code (``TLJ``) and the ONS region or country code that
    names the same area (``E12000008``), either way round; just ``code`` when it has none."""
    wanted = code.strip().upper()
    fact = next((r for r in region_facts() if wanted in (r.code, r.ons_code)), None)
    return (wanted,) if fact is None else (wanted, fact.code, fact.ons_code)


def region_ons_code(code: str) -> str:
    """The ONS region or country code (``E12000008``) of a region stored under either code
    (ITL1 ``TLJ`` or the ONS code itself); ``code`` when dicm knows no twin."""
    wanted = code.strip().upper()
    fact = next((r for r in region_facts() if wanted in (r.code, r.ons_code)), None)
    return wanted if fact is None else fact.ons_code
