"""PCC heatmap: H3 hexagons of committed and delivered social value and of activity density in
a territory, for one priority and period, with a legend and an optional kernel heat layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import folium
import shapely
from shapely.geometry.base import BaseGeometry

from maps.assets import HEAT_JS
from maps.hexes import DEFAULT_RESOLUTION, cell_ring, sum_by_cell
from maps.outlines import outlines_bounds, outlines_layer
from maps.page import (
    DataLayer,
    SwitchOnBaseLayer,
    TileSpec,
    add_layer_control,
    add_legend,
    add_notices,
    add_title,
    esc,
    legend_html,
    new_map,
    union_bounds,
)
from maps.records import ActivityPoint, Outline, ValuePoint

#: sequential yellow-orange-red, light to dark (ColorBrewer YlOrRd, 5 classes)
SCALE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")

_HEX_BODY = """
return L.geoJSON(data, {
  style: function (f) {
    return {color: '#666', weight: 0.5, fillColor: f.properties.fill, fillOpacity: 0.8};
  },
  onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.tip); }
});
"""

_HEAT_BODY = """
return L.heatLayer(data, {radius: 25, blur: 20, minOpacity: 0.3});
"""


def class_breaks(max_value: float, *, whole: bool = False) -> list[float]:
    """Upper bounds of up to five equal-width classes from 0 to ``max_value``; ``whole`` rounds
    them up to whole numbers (counts), dropping repeats."""
    breaks = [max_value * (i + 1) / len(SCALE) for i in range(len(SCALE))]
    if whole:
        breaks = sorted({float(math.ceil(b)) for b in breaks})
    return breaks


def _scale(breaks: Sequence[float]) -> tuple[str, ...]:
    """The darkest colours when there are fewer classes than colours."""
    return SCALE[len(SCALE) - len(breaks) :]


def _colour(value: float, breaks: Sequence[float]) -> str:
    for colour, upper in zip(_scale(breaks), breaks, strict=True):
        if value <= upper:
            return colour
    return SCALE[-1]


def _inside(area: BaseGeometry | None) -> Callable[[float, float], bool]:
    if area is None:
        return lambda lon, lat: True
    shapely.prepare(area)
    return lambda lon, lat: bool(shapely.intersects_xy(area, lon, lat))


def _metric_layer(
    name: str, totals: dict[int, float], fmt: Callable[[float], str], *, show: bool
) -> tuple[DataLayer, str]:
    breaks = class_breaks(max(totals.values(), default=0.0) or 1.0, whole=fmt is _count)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [cell_ring(cell)]},
            "properties": {"fill": _colour(v, breaks), "tip": esc(f"{name}: {fmt(v)}")},
        }
        for cell, v in sorted(totals.items())
    ]
    layer = DataLayer(
        name,
        {"type": "FeatureCollection", "features": features},
        _HEX_BODY,
        overlay=False,
        show=show,
    )
    lows = [0.0, *breaks[:-1]]
    scale = _scale(breaks)
    rows = [(c, _range_label(lo, hi, fmt)) for c, lo, hi in zip(scale, lows, breaks, strict=True)]
    if not totals:  # never a "£0 – £0" scale for an empty selection
        rows = [(SCALE[0], "none for these filters")]
    legend = legend_html(f"{name} per H3 cell", rows, layer=name)
    if not show:
        legend = legend.replace("<div ", '<div style="display:none" ', 1)
    return layer, legend


def _range_label(low: float, high: float, fmt: Callable[[float], str]) -> str:
    """ "£0 – £2,000" for money; whole counts read "1", "2 – 3"."""
    if fmt is _count:
        first = low + 1
        return fmt(high) if first >= high else f"{fmt(first)} – {fmt(high)}"
    return f"{fmt(low)} – {fmt(high)}"


def _gbp(value: float) -> str:
    return f"£{value:,.0f}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def heatmap_map(
    values: Sequence[ValuePoint],
    activities: Sequence[ActivityPoint],
    *,
    territory: Outline | None = None,
    priority: str | None = None,
    period: str | None = None,
    resolution: int = DEFAULT_RESOLUTION,
    kernel_heat: bool = True,
    tiles: TileSpec | None = None,
    notes: Sequence[str] = (),
) -> folium.Map:
    """Hexagons of committed £, delivered £ and activity count; ``priority`` and ``period``
    (a prefix such as "2027" or "2027-Q2") filter the values, ``priority`` the activities.
    ``notes`` are shown as notices; an empty selection says so itself."""
    inside = _inside(territory.geometry if territory else None)
    kept = [
        v
        for v in values
        if (priority is None or v.priority == priority)
        and (period is None or v.period.startswith(period))
        and inside(v.lon, v.lat)
    ]
    acts = [
        a for a in activities if (priority is None or priority in a.themes) and inside(a.lon, a.lat)
    ]
    metrics = [
        (
            "Committed £",
            sum_by_cell(((v.lon, v.lat, v.committed_gbp) for v in kept), resolution),
            _gbp,
        ),
        (
            "Delivered £",
            sum_by_cell(((v.lon, v.lat, v.delivered_gbp) for v in kept), resolution),
            _gbp,
        ),
        ("Activities", sum_by_cell(((a.lon, a.lat, 1.0) for a in acts), resolution), _count),
    ]
    pts = [(v.lon, v.lat) for v in kept] + [(a.lon, a.lat) for a in acts]
    data_box = (
        (
            min(p[0] for p in pts),
            min(p[1] for p in pts),
            max(p[0] for p in pts),
            max(p[1] for p in pts),
        )
        if pts
        else None
    )
    box = outlines_bounds([territory]) if territory else data_box
    m = new_map(union_bounds(box), tiles=tiles)
    legends = []
    for i, (name, totals, fmt) in enumerate(metrics):
        layer, legend = _metric_layer(name, totals, fmt, show=i == 0)
        m.add_child(layer)
        legends.append(legend)
    if kernel_heat and acts:
        heat = [[round(a.lat, 5), round(a.lon, 5), 1] for a in acts]
        m.add_child(
            DataLayer("Activity density (kernel)", heat, _HEAT_BODY, assets=(HEAT_JS,), show=False)
        )
    if territory:
        m.add_child(outlines_layer([territory], name="Territory"))
    m.add_child(SwitchOnBaseLayer())
    add_legend(m, legends)
    scope = [
        territory.name if territory else "All areas",
        priority or "all priorities",
        period or "all periods",
    ]
    add_title(m, "Social value: " + " · ".join(scope))
    empty = [] if kept else [f"No committed or delivered social value for {' · '.join(scope)}."]
    add_notices(m, [*empty, *notes])
    add_layer_control(m)
    return m
