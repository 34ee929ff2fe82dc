"""Territory and local-authority outlines, drawn for context under every map's own layers."""

from __future__ import annotations

from collections.abc import Sequence

from maps.geometry import geometry_bounds, geometry_to_geojson
from maps.page import DataLayer, esc
from maps.records import Outline

_STYLE = {
    "territory": {"color": "#333333", "weight": 2.5, "fill": False},
    "local_authority": {"color": "#7a7a7a", "weight": 1, "fill": False, "dashArray": "3 3"},
}

_BODY = """
var styles = data.styles;
return L.geoJSON(data.fc, {
  style: function (f) { return styles[f.properties.kind] || styles.local_authority; },
  onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.label, {sticky: true}); }
});
"""


def outlines_layer(outlines: Sequence[Outline], *, name: str = "Boundaries") -> DataLayer:
    """One GeoJSON layer of outlines, territory lines heavier than local-authority ones."""
    features = [
        {
            "type": "Feature",
            "geometry": geometry_to_geojson(o.geometry),
            "properties": {"kind": o.kind, "label": f"{esc(o.name)} ({esc(o.code)})"},
        }
        for o in outlines
    ]
    data = {"fc": {"type": "FeatureCollection", "features": features}, "styles": _STYLE}
    return DataLayer(name, data, _BODY)


def outlines_bounds(
    outlines: Sequence[Outline],
) -> tuple[float, float, float, float] | None:
    """The box around all outlines, or None when there are none."""
    boxes = [b for b in (geometry_bounds(o.geometry) for o in outlines) if b is not None]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
