"""A buyer's tenders: the list with its bids counted, and a new tender from the web form with
its delivery area and lots drawn on the map or uploaded as GeoJSON or GeoPackage.

Shapes, drawn or uploaded, go through the one GeoJSON parser (:mod:`geo.geojson_in`) and the
tender through :func:`services.directory.create_tender` (territory and UK-land checks), so a page
refuses exactly what the API refuses. The rule for shapes is the same either way: a shape with
a name is a lot; shapes without one make up the delivery area.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from datasets.table import FORMATS, read_table
from domain.errors import DomainError, InvalidInput
from domain.model import Account, Area, Buyer, Lot, Tender, Territory
from domain.vocabulary import THEMES, Role
from geo.errors import GeoError
from geo.geojson_in import geometry_from_geojson
from geo.validity import polygonal, snap_to_grid
from services.access import require_role, visible_spos
from services.directory import create_tender
from services.pages.forms import FormErrors, parse_amount, raise_if_any
from spo.model import FORMAL_STATES, SpoState
from store.port import Store

MAX_SHAPES = 50  # a tender has at most 50 lots (the API's limit)
MAX_UPLOAD_BYTES = 5_000_000
UPLOAD_SUFFIXES = (".geojson", ".json", ".gpkg")
SIMPLIFY_DEG = 0.002


@dataclass(frozen=True)
class TenderRow:
    """One tender in the buyer's list with its bids counted by stage."""

    tender: Tender
    bids: int  # submitted onwards (what the buyer sees)
    to_score: int  # submitted, not yet scored
    awarded: int  # formalised


@dataclass(frozen=True)
class Upload:
    """A file a person uploaded: its name (for the suffix and messages) and its bytes."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class TenderFormView:
    """What the new-tender form offers: priorities (plan first) and the territory to draw in."""

    territory: Territory | None
    priorities: tuple[tuple[str, str], ...]
    outline: str  # GeoJSON of the territory outline (simplified), "" when unknown


def _buyer(store: Store, viewer: Account | None) -> tuple[Account, Buyer]:
    actor = require_role(viewer, Role.BUYER)
    if actor.organisation_id is None:
        raise InvalidInput("this account acts for no buyer: sign in as a buyer")
    return actor, store.get(Buyer, actor.organisation_id)


def my_tenders(store: Store, viewer: Account | None) -> tuple[TenderRow, ...]:
    """The signed-in buyer's tenders, newest id last, with their bids counted."""
    _actor, buyer = _buyer(store, viewer)
    bids = visible_spos(store, viewer)
    rows = []
    for tender in store.iter_all(Tender, buyer_id=buyer.id):
        mine = [s for s in bids if s.tender_id == tender.id]
        rows.append(
            TenderRow(
                tender,
                len(mine),
                sum(1 for s in mine if s.state is SpoState.SUBMITTED),
                sum(1 for s in mine if s.state in FORMAL_STATES),
            )
        )
    return tuple(rows)


def tender_form(store: Store, viewer: Account | None) -> TenderFormView:
    """The form's choices for the signed-in buyer."""
    _actor, buyer = _buyer(store, viewer)
    territory = store.get(Territory, buyer.territory_code) if buyer.territory_code else None
    plan = store.current_plan(territory.code) if territory else None
    first = [p.theme for p in plan.priorities] if plan else []
    options = [(c, THEMES[c]) for c in first if c in THEMES]
    options += [(c, THEMES[c]) for c in sorted(THEMES) if c not in first]
    outline = ""
    if territory is not None and territory.geometry is not None:
        shape = snap_to_grid(territory.geometry.simplify(SIMPLIFY_DEG, preserve_topology=True))
        outline = shapely.to_geojson(shape)
    return TenderFormView(territory, tuple(options), outline)


# --- shapes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """A drawn or uploaded polygon and the name it was given ("" = part of the delivery area)."""

    geometry: BaseGeometry
    name: str


def _as_area(geometry: Mapping[str, Any]) -> Area:
    return polygonal(geometry_from_geojson(geometry, areal=True))


def drawn_shapes(text: str) -> list[Shape]:
    """Shapes from the map: a GeoJSON FeatureCollection (``properties.name`` optional), a
    Feature or a bare geometry. ``InvalidInput`` saying which shape is wrong and why."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"the shapes are not GeoJSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise InvalidInput("the shapes must be a GeoJSON object")
    if data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif data.get("type") == "Feature":
        features = [data]
    else:
        features = [{"type": "Feature", "geometry": data, "properties": {}}]
    if not isinstance(features, list):
        raise InvalidInput("a FeatureCollection needs a list of features")
    return _shapes(
        [
            (
                f.get("geometry") if isinstance(f, dict) else None,
                str(((f.get("properties") or {}) if isinstance(f, dict) else {}).get("name") or ""),
            )
            for f in features
        ]
    )


def _shapes(items: Sequence[tuple[Any, str]]) -> list[Shape]:
    if len(items) > MAX_SHAPES:
        raise InvalidInput(f"at most {MAX_SHAPES} shapes (lots) in one tender, got {len(items)}")
    problems: list[str] = []
    shapes: list[Shape] = []
    for n, (geometry, name) in enumerate(items, start=1):
        what = f"shape {n}" + (f" ({name})" if name else "")
        if not isinstance(geometry, dict):
            problems.append(f"{what} has no geometry")
            continue
        try:
            shapes.append(Shape(_as_area(geometry), name.strip()[:200]))
        except GeoError as exc:
            problems.append(f"{what}: {exc}")
    if problems:
        raise InvalidInput("; ".join(problems))
    return shapes


def uploaded_shapes(upload: Upload) -> list[Shape]:
    """Shapes from an uploaded GeoJSON or GeoPackage (any CRS, reprojected to WGS 84 by the
    one file reader); a ``name`` column names the lots."""
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES or FORMATS.get(suffix) not in ("geojson", "gpkg"):
        raise InvalidInput(f"{upload.filename}: upload a GeoJSON (.geojson) or GeoPackage (.gpkg)")
    if len(upload.content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"{upload.filename}: files of up to {MAX_UPLOAD_BYTES:,} bytes only")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.content)
        table = read_table(path)
    column = next((c for c in table.columns if c.lower() == "name"), None)
    items: list[tuple[Any, str]] = [
        (
            json.loads(shapely.to_geojson(row.geometry)) if row.geometry is not None else None,
            row.values.get(column, "") if column else "",
        )
        for row in table
    ]
    if not items:
        raise InvalidInput(f"{upload.filename}: the file has no features")
    return _shapes(items)


def _area_and_lots(shapes: Sequence[Shape], tender_id: str) -> tuple[Area | None, tuple[Lot, ...]]:
    unnamed = [s.geometry for s in shapes if not s.name]
    area = polygonal(shapely.union_all(unnamed)) if unnamed else None
    named = [s for s in shapes if s.name]
    lots = tuple(Lot(f"{tender_id}-lot-{n}", s.name, s.geometry) for n, s in enumerate(named, 1))  # type: ignore[arg-type]
    return area, lots


# --- the form ----------------------------------------------------------------------------------


def _date(text: str, field: str, label: str, errors: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = f"{label} must be a real date, like 2027-03-31"
        return None


def new_tender_id(title: str) -> str:
    """An id made by dicm from the title: readable, unique enough, within the id pattern."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "tender"
    return f"{slug}-{secrets.token_hex(3)}"


def _shapes_from(
    fields: Mapping[str, str], upload: Upload | None, errors: dict[str, str]
) -> list[Shape]:
    shapes: list[Shape] = []
    if upload is not None and upload.content:
        try:
            shapes += uploaded_shapes(upload)
        except InvalidInput as exc:
            errors["upload"] = f"The file could not be used: {exc}"
    drawn = fields.get("shapes", "").strip()
    if drawn and drawn not in ("{}", '{"type":"FeatureCollection","features":[]}'):
        try:
            shapes += drawn_shapes(drawn)
        except InvalidInput as exc:
            errors["shapes"] = f"The shapes on the map could not be used: {exc}"
    if not shapes and "upload" not in errors and "shapes" not in errors:
        errors["shapes"] = "Draw the delivery area or a lot on the map, or upload a file"
    return shapes


def create_tender_from_form(
    store: Store,
    viewer: Account | None,
    *,
    fields: Mapping[str, str],
    priorities: Sequence[str],
    upload: Upload | None = None,
) -> Tender:
    """Publish a tender for the signed-in buyer from the form: every field checked at once
    (:class:`FormErrors`), its id made by dicm, its territory the buyer's."""
    _actor, buyer = _buyer(store, viewer)
    errors: dict[str, str] = {}
    title = fields.get("title", "").strip()
    if not title:
        errors["title"] = "Enter the tender's title"
    elif len(title) > 300:
        errors["title"] = "The title must be 300 characters or fewer"
    try:
        value = parse_amount(
            fields.get("contract_value", ""), "contract value in pounds", positive=False
        )
    except ValueError as exc:
        errors["contract_value"], value = str(exc), 0.0
    unknown = [p for p in priorities if p not in THEMES]
    if unknown:
        errors["priorities"] = f"Unknown priorities: {', '.join(unknown)}"
    opens = _date(fields.get("opens", ""), "opens", "The opening date", errors)
    closes = _date(fields.get("closes", ""), "closes", "The closing date", errors)
    if opens and closes and closes < opens:
        errors["closes"] = "The closing date must be on or after the opening date"
    shapes = _shapes_from(fields, upload, errors)
    raise_if_any(errors)
    tender_id = new_tender_id(title)
    area, lots = _area_and_lots(shapes, tender_id)
    tender = Tender(
        id=tender_id,
        buyer_id=buyer.id,
        title=title,
        territory_code=buyer.territory_code,
        delivery_area=area,
        lots=lots,
        priorities=tuple(dict.fromkeys(priorities)),
        contract_value_gbp=value,
        description=fields.get("description", "").strip()[:5000],
        opens=opens,
        closes=closes,
    )
    try:
        return create_tender(store, viewer, tender)
    except (GeoError, DomainError) as exc:
        if isinstance(exc, FormErrors):
            raise
        raise FormErrors({"upload" if upload and upload.content else "shapes": str(exc)}) from exc
