"""Buyer coverage gaps: local authorities shaded by need minus provision, one layer per priority.

The gap is a difference of percentile ranks among the areas shown: ``need_rank`` (0 = least
need, 1 = most) minus ``provision_rank`` (the mean rank of validated activities, committed and
delivered social value, each per head where the population is known). It lies in [-1, 1];
positive means more need than provision relative to the other areas. Ranks make the three
provision measures and any need indicator comparable without assuming their units. Areas the
need indicator does not cover are ranked on neither side: they are shown grey as "no need data",
never as well provided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium

from maps.geometry import geometry_to_geojson
from maps.outlines import outlines_bounds, outlines_layer
from maps.page import (
    DataLayer,
    SwitchOnBaseLayer,
    TileSpec,
    add_layer_control,
    add_legend,
    add_notices,
    add_side_panel,
    add_title,
    esc,
    legend_html,
    new_map,
    union_bounds,
)
from maps.records import AreaCoverage, Outline

#: (lower bound of gap, colour, label), highest first; a diverging red-blue scale
GAP_BINS: tuple[tuple[float, str, str], ...] = (
    (0.5, "#b2182b", "Large gap (need far above provision)"),
    (0.2, "#ef8a62", "Gap"),
    (-0.2, "#f7f7f7", "Balanced"),
    (-0.5, "#67a9cf", "Provision above need"),
    (-1.01, "#2166ac", "Provision far above need"),
)
NO_DATA = ("#bdbdbd", "No need data for this area")


@dataclass(frozen=True)
class Gap:
    """One area's place in the ranking, with the numbers its tooltip shows."""

    area: AreaCoverage
    need_rank: float | None  # None: the need indicator has no value for this area
    provision_rank: float

    @property
    def gap(self) -> float | None:
        if self.need_rank is None:
            return None
        return self.need_rank - self.provision_rank


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """Rank of each value in [0, 1], ties sharing their mean rank; 0.5 for a single value."""
    n = len(values)
    if n == 1:
        return [0.5]
    order = sorted(range(n), key=lambda i: values[i])
    ranks = [0.0] * n
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = ((i + j) / 2) / (n - 1)
        i = j + 1
    return ranks


def _per_head(value: float, area: AreaCoverage) -> float:
    return value / area.population if area.population else value


def compute_gaps(areas: Sequence[AreaCoverage]) -> list[Gap]:
    """Every area's gap, largest gap first (ties by code); areas without need data last.

    Both need and provision are ranked among the areas WITH need data only, so an area the
    indicator does not cover cannot push the others' ranks around."""
    rated = [a for a in areas if a.need is not None]
    need = percentile_ranks([float(a.need) for a in rated if a.need is not None]) if rated else []
    measures = (
        [
            percentile_ranks([_per_head(a.validated_activities, a) for a in rated]),
            percentile_ranks([_per_head(a.committed_gbp, a) for a in rated]),
            percentile_ranks([_per_head(a.delivered_gbp, a) for a in rated]),
        ]
        if rated
        else []
    )
    gaps = [
        Gap(a, need[i], sum(m[i] for m in measures) / len(measures)) for i, a in enumerate(rated)
    ]
    gaps.sort(key=lambda g: (-(g.gap or 0.0), g.area.code))
    unrated = sorted((a for a in areas if a.need is None), key=lambda a: a.code)
    return gaps + [Gap(a, None, 0.0) for a in unrated]


def gap_colour(gap: float | None) -> str:
    """The fill colour of a gap value (grey when the area has no need data)."""
    if gap is None:
        return NO_DATA[0]
    for lower, colour, _ in GAP_BINS:
        if gap >= lower:
            return colour
    return GAP_BINS[-1][1]


def gap_label(gap: float | None) -> str:
    """The words of a gap value (the legend's label of its colour), so colour is never alone."""
    if gap is None:
        return NO_DATA[1]
    for lower, _, label in GAP_BINS:
        if gap >= lower:
            return label
    return GAP_BINS[-1][2]


def _tooltip(g: Gap, priority_label: str) -> str:
    a = g.area
    per_head = " per head" if a.population else ""
    rows = [
        f"<b>{esc(a.name)}</b> ({esc(a.code)})",
        f"{esc(priority_label)}",
        (
            f"Gap {g.gap:+.2f} (need rank {g.need_rank:.2f}, provision rank {g.provision_rank:.2f})"
            if g.gap is not None and g.need_rank is not None
            else NO_DATA[1]
        ),
        f"Need indicator {a.need:,.2f}" if a.need is not None else "Need indicator: no value",
        f"Validated activities {a.validated_activities}",
        f"Committed £{_per_head(a.committed_gbp, a):,.2f}{per_head}",
        f"Delivered £{_per_head(a.delivered_gbp, a):,.2f}{per_head}",
    ]
    if a.population:
        rows.append(f"Population {a.population:,}")
    return "<br>".join(rows)


_BODY = """
return L.geoJSON(data, {
  style: function (f) {
    return {color: '#555', weight: 0.8, fillColor: f.properties.fill, fillOpacity: 0.75};
  },
  onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.tip, {sticky: true}); }
});
"""


def _priority_layer(gaps: Sequence[Gap], label: str, *, show: bool) -> DataLayer:
    features = [
        {
            "type": "Feature",
            "geometry": geometry_to_geojson(g.area.geometry),
            "properties": {"fill": gap_colour(g.gap), "tip": _tooltip(g, label)},
        }
        for g in gaps
    ]
    fc = {"type": "FeatureCollection", "features": features}
    return DataLayer(label, fc, _BODY, overlay=False, show=show)


def _panel_section(gaps: Sequence[Gap], label: str, top: int, *, show: bool) -> str:
    items = "".join(
        f"<li><b>{esc(g.area.name)}</b> <span class='numbers'>gap {g.gap:+.2f} · "
        f"{g.area.validated_activities} validated activities · "
        f"£{g.area.committed_gbp:,.0f} committed · £{g.area.delivered_gbp:,.0f} delivered"
        "</span></li>"
        for g in [g for g in gaps if g.gap is not None and g.gap > 0][:top]
    )
    body = f"<ol>{items}</ol>" if items else "<p>No area has more need than provision.</p>"
    hidden = "" if show else ' style="display:none"'
    return f'<section data-dicm-layer="{esc(label)}"{hidden}><h3>{esc(label)}</h3>{body}</section>'


def coverage_map(
    by_priority: Mapping[str, Sequence[AreaCoverage]],
    *,
    priority_labels: Mapping[str, str] | None = None,
    need_label: str = "Index of Multiple Deprivation 2019 score",
    outlines: Sequence[Outline] = (),
    top: int = 10,
    title: str = "Coverage gaps",
    tiles: TileSpec | None = None,
    notes: Sequence[str] = (),
) -> folium.Map:
    """Areas shaded by gap, one switchable layer per priority, the largest gaps beside the map."""
    labels = dict(priority_labels or {})
    all_areas = [a for areas in by_priority.values() for a in areas]
    area_outlines = [Outline(a.code, a.name, a.geometry) for a in all_areas]
    box = outlines_bounds([*area_outlines, *outlines])
    m = new_map(union_bounds(box), tiles=tiles, width="72%")
    sections = []
    for i, (priority, areas) in enumerate(by_priority.items()):
        label = labels.get(priority, priority)
        gaps = compute_gaps(areas)
        m.add_child(_priority_layer(gaps, label, show=i == 0))
        sections.append(_panel_section(gaps, label, top, show=i == 0))
    if outlines:
        m.add_child(outlines_layer(outlines, name="Territory"))
    m.add_child(SwitchOnBaseLayer())
    rows = [(colour, label) for _, colour, label in GAP_BINS]
    if any(a.need is None for a in all_areas):
        rows.append(NO_DATA)
    add_legend(m, [legend_html(f"Need ({need_label}) vs provision", rows)])
    add_title(m, title)
    add_notices(m, notes)
    add_side_panel(m, f"<h2>Largest gaps</h2>{''.join(sections)}")
    add_layer_control(m)
    return m
