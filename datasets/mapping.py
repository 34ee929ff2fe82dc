"""Column mappings: which column of the user's file holds which dicm field.

A mapping is given on the command line (``--map name=Activity Name --map postcode=PC``) or as a
small YAML/JSON file (``{"name": "Activity Name", "postcode": "PC"}``). A field without a mapping
is read from the column with the field's own name (case-insensitive), so a file that already uses
dicm's column names needs no mapping at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from domain.errors import InvalidInput

#: the fields each kind of entity reads; "one of" groups are checked by the readers
FIELDS: dict[str, tuple[str, ...]] = {
    "providers": ("id", "name", "kind", "charity_number", "website"),
    "activities": (
        "id",
        "name",
        "provider_id",
        "description",
        "themes",
        "needs",
        "lon",
        "lat",
        "easting",
        "northing",
        "postcode",
        "place",
        "validation_status",
        "validated_until",
        "active",
        "funding_gap_gbp",
        "at_risk",
        "evidence_title",
        "evidence_url",
        "evidence_strength",
    ),
    "suppliers": (
        "id",
        "name",
        "description",
        "sectors",
        "offers",
        "site_id",
        "site_name",
        "lon",
        "lat",
        "easting",
        "northing",
        "postcode",
        "place",
    ),
    "buyers": ("id", "name", "kind", "territory_code"),
    "tenders": (
        "id",
        "buyer_id",
        "title",
        "territory_code",
        "priorities",
        "contract_value_gbp",
        "description",
        "opens",
        "closes",
        "status",
        "lot_id",
        "lot_name",
        "area_code",
        "wkt",
        "area_source",
    ),
}


@dataclass(frozen=True)
class ColumnMapping:
    """dicm field -> the user's column name."""

    columns: Mapping[str, str]

    def column_for(self, field_name: str, available: Iterable[str]) -> str | None:
        """The column holding ``field_name`` in a file with ``available`` columns, or None."""
        names = list(available)
        if field_name in self.columns:
            wanted = self.columns[field_name]
            return wanted if wanted in names else None
        lowered = {n.lower(): n for n in names}
        return lowered.get(field_name.lower())

    def check(self, kind: str, available: Iterable[str]) -> None:
        """Fail early (``InvalidInput``) on a mapping that names unknown fields or columns."""
        names = set(available)
        known = FIELDS[kind]
        for field_name, column in self.columns.items():
            if field_name not in known:
                raise InvalidInput(
                    f"--map {field_name}=...: {kind} have no field {field_name!r} "
                    f"(fields: {', '.join(known)})"
                )
            if column not in names:
                raise InvalidInput(
                    f"--map {field_name}={column}: the file has no column {column!r} "
                    f"(columns: {', '.join(sorted(names))})"
                )


def parse_map_options(options: Iterable[str]) -> ColumnMapping:
    """Parse ``field=Column Name`` pairs (the ``--map`` option, repeatable)."""
    columns: dict[str, str] = {}
    for option in options:
        field_name, sep, column = option.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise InvalidInput(f"--map {option!r}: expected FIELD=COLUMN, e.g. name=Activity Name")
        columns[field_name.strip()] = column.strip()
    return ColumnMapping(columns)


def load_mapping_file(path: Path) -> ColumnMapping:
    """Read a YAML or JSON object of ``field: column`` pairs."""
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path.name}: not a valid mapping file ({exc})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise InvalidInput(f"{path.name}: expected an object of field: column pairs")
    return ColumnMapping(dict(data))


def merge(*mappings: ColumnMapping) -> ColumnMapping:
    """Later mappings win (the command line overrides a mapping file)."""
    columns: dict[str, str] = {}
    for mapping in mappings:
        columns.update(mapping.columns)
    return ColumnMapping(columns)
