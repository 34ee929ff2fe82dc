"""Export any layer of the store to GeoJSON, GeoPackage or CSV, with ONS codes on every row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from datasets import features as ft
from datasets.features import Feature
from datasets.writers import EXPORT_FORMATS, write_features
from domain.errors import InvalidInput
from domain.model import (
    Activity,
    LocalAuthority,
    Provider,
    Region,
    SmallArea,
    Supplier,
    Tender,
    Territory,
)
from geo.simplify import MAX_TOLERANCE_M
from geo.simplify import simplify_m as simplify
from services.gis_features import region_of, tender_row_features
from services.spo.figures import gather_figures
from spo.model import FORMAL_STATES
from store.port import Store


def _territories(store: Store) -> list[Feature]:
    return [ft.territory_feature(t) for t in store.iter_all(Territory)]


def _local_authorities(store: Store) -> list[Feature]:
    return [ft.local_authority_feature(la) for la in store.iter_all(LocalAuthority)]


def _regions(store: Store) -> list[Feature]:
    return [ft.region_feature(r) for r in store.iter_all(Region)]


def _small_areas(store: Store) -> list[Feature]:
    """CSPs and LSOAs, each with its ``level``: ``dicm boundaries import --level csp|lsoa``
    reads the file back (the rows of its level)."""
    return [ft.small_area_feature(a) for a in store.iter_all(SmallArea)]


def _activities(store: Store) -> list[Feature]:
    return [ft.activity_feature(a) for a in store.iter_all(Activity)]


def _providers(store: Store) -> list[Feature]:
    by_provider: dict[str, list[Activity]] = defaultdict(list)
    for activity in store.iter_all(Activity):
        by_provider[activity.provider_id].append(activity)
    return [ft.provider_feature(p, by_provider[p.id]) for p in store.iter_all(Provider)]


def _suppliers(store: Store) -> list[Feature]:
    return [f for s in store.iter_all(Supplier) for f in ft.supplier_site_features(s, store.locate)]


def _tenders(store: Store) -> list[Feature]:
    """One row per delivery area and per lot: ``dicm import tenders`` reads the file back."""
    return tender_row_features(store, store.iter_all(Tender))


def spo_features(store: Store, states: Sequence[str] | None = None) -> list[Feature]:
    """Formalised SPO lines in the one measure (units and £), optionally of some formalised
    states only; tampered SPOs listed with ``integrity`` = ``tampered`` and no figures."""
    wanted = set(states or ())
    allowed = {s.value for s in FORMAL_STATES}
    if wanted - allowed:
        bad = ", ".join(sorted(wanted - allowed))
        raise InvalidInput(
            f"only formalised SPOs carry committed value: {bad} is not one of "
            f"{', '.join(sorted(allowed))}"
        )
    figures = gather_figures(store)
    rows = [r for r in figures.rows if not wanted or figures.states[r.spo_id] in wanted]
    tampered = [s for s in figures.tampered_spos if not wanted or s.state.value in wanted]
    return ft.measured_line_features(rows, figures.states, region_of(store), tampered)


def _spos(store: Store) -> list[Feature]:
    return spo_features(store)


#: layer name -> how to gather its features
LAYERS: dict[str, Callable[[Store], list[Feature]]] = {
    "territories": _territories,
    "local-authorities": _local_authorities,
    "regions": _regions,
    "small-areas": _small_areas,
    "activities": _activities,
    "providers": _providers,
    "suppliers": _suppliers,
    "tenders": _tenders,
    "spos": _spos,
}


def export_layer(
    store: Store,
    layer: str,
    *,
    fmt: str,
    out: Path,
    simplify_m: float = 0.0,
    states: Sequence[str] | None = None,
) -> int:
    """Write ``layer`` to ``out`` in ``fmt``; returns the number of rows written.

    ``simplify_m`` > 0 generalises every geometry by that many metres (kept valid); ``states``
    narrows the ``spos`` layer to some formalised states.
    """
    if states and layer != "spos":
        raise InvalidInput("only the spos layer is filtered by state")
    if layer not in LAYERS:
        raise InvalidInput(f"unknown layer {layer!r}: use one of {', '.join(LAYERS)}")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if not 0 <= simplify_m <= MAX_TOLERANCE_M:
        raise InvalidInput(f"simplify is a tolerance in metres from 0 to {MAX_TOLERANCE_M:g}")
    features = spo_features(store, states) if layer == "spos" else LAYERS[layer](store)
    if simplify_m:
        features = [
            Feature(f.properties, simplify(f.geometry, simplify_m) if f.geometry else None)
            for f in features
        ]
    return write_features(features, out, fmt=fmt, layer=layer.replace("-", "_"))
