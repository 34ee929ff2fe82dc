"""Supplier finder: the supplier's sites and reach, and its recommended activities, ranked.

Each activity marker carries the HOW & WHERE explanation, the activity's needs and a link to
start a Social Purchase Order. Markers cluster when there are more than ``cluster_above``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import urlencode

import folium

from domain.model import Activity, Supplier
from domain.vocabulary import THEMES
from maps.assets import CLUSTER_CSS, CLUSTER_DEFAULT_CSS, CLUSTER_JS
from maps.outlines import outlines_bounds, outlines_layer
from maps.page import (
    DataLayer,
    TileSpec,
    add_layer_control,
    add_legend,
    add_title,
    bounds_of,
    esc,
    legend_html,
    new_map,
    union_bounds,
)
from maps.records import MatchRecord, Outline

SITE_COLOUR = "#c0392b"
REACH_COLOUR = "#e67e22"
ACTIVITY_COLOUR = "#1f6f8b"

_SITES_BODY = """
var group = L.featureGroup();
data.forEach(function (s) {
  L.circle([s.lat, s.lon], {radius: s.radius_m, color: data.reach_colour || '#e67e22',
    weight: 1, fillOpacity: 0.06, interactive: true}).bindTooltip(s.reach).addTo(group);
  L.circleMarker([s.lat, s.lon], {radius: 7, color: '#fff', weight: 2,
    fillColor: '#c0392b', fillOpacity: 1}).bindTooltip(s.label).addTo(group);
});
return group;
"""

_ACTIVITIES_BODY = """
var T = data.strings;
function popup(a) {
  var themes = T[a[7]] ? '<p>Themes: ' + T[a[7]] + '</p>' : '';
  var needs = T[a[8]] ? '<p>Needs:</p><ul><li>' + T[a[8]].split('\\n').join('</li><li>') +
    '</li></ul>' : '';
  var link = data.spo_link[0] + encodeURIComponent(a[9]) + data.spo_link[1];
  return '<div class="dicm-popup"><h3>#' + a[2] + ' ' + T[a[3]] + '</h3><p>' +
    a[4].toFixed(1) + ' km away · score ' + a[5].toFixed(2) + '</p><p>' + T[a[6]] + '</p>' +
    themes + needs + '<p><a href="' + link + '">Start a Social Purchase Order</a></p></div>';
}
var group = data.cluster
  ? L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false})
  : L.featureGroup();
var markers = data.items.map(function (a) {
  var icon = L.divIcon({className: 'dicm-rank', html: String(a[2]), iconSize: [24, 24]});
  return L.marker([a[1], a[0]], {icon: icon, zIndexOffset: -a[2]})
    .bindPopup(function () { return popup(a); }, {maxWidth: 320});
});
if (data.cluster) { group.addLayers(markers); }
else { markers.forEach(function (m) { group.addLayer(m); }); }
return group;
"""


def reach_corners(lon: float, lat: float, reach_m: float) -> list[tuple[float, float]]:
    """Two corners of the box around a site's reach circle, so the whole circle is in view."""
    dlat = reach_m / 111_320.0
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return [(lon - dlon, lat - dlat), (lon + dlon, lat + dlat)]


#: the web page where the signed-in supplier drafts an SPO for one activity (``web.pages.supplier``)
ADD_TO_SPO_PATH = "/app/supplier/spos/new"


def spo_link(activity_id: str) -> str:
    """The web page that starts a Social Purchase Order for this activity: a form for the
    signed-in supplier (tender, support, amount), never the JSON API, which a browser cannot
    use by following a link."""
    return ADD_TO_SPO_PATH + "?" + urlencode({"activity": activity_id})


def needs_text(activity: Activity) -> str:
    """The activity's needs, one escaped line each (the page turns them into a list)."""
    lines = []
    for need in activity.needs:
        amount = f" {need.amount:,.0f} {need.unit or ''}".rstrip() if need.amount else ""
        detail = f": {need.description}" if need.description else ""
        lines.append(esc(f"{need.support_type.value}{amount}{detail}"))
    return "\n".join(lines)


class _Strings:
    """Repeated popup texts (explanations, themes, needs) sent once and referred to by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def ref(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]


def _activity_rows(matches: Sequence[MatchRecord], strings: _Strings) -> list[list[object]]:
    """One compact row per match; every text is escaped here, in Python."""
    rows: list[list[object]] = []
    for r in sorted(matches, key=lambda r: r.rank):
        a = r.activity
        themes = ", ".join(THEMES.get(t, t) for t in a.themes)
        rows.append(
            [
                round(a.location.x, 5),
                round(a.location.y, 5),
                r.rank,
                strings.ref(esc(a.name)),
                round(r.distance_m / 1000, 1),
                round(r.score, 2),
                strings.ref(esc(r.explanation)),
                strings.ref(esc(themes)),
                strings.ref(needs_text(a)),
                a.id,
            ]
        )
    return rows


def _site_rows(supplier: Supplier, reach_m: float) -> list[dict[str, object]]:
    return [
        {
            "lon": round(s.location.x, 6),
            "lat": round(s.location.y, 6),
            "radius_m": reach_m,
            "label": esc(f"{supplier.name}: {s.name}"),
            "reach": esc(f"{s.name}: reach {reach_m / 1000:.0f} km"),
        }
        for s in supplier.sites
    ]


def supplier_map(
    supplier: Supplier,
    matches: Sequence[MatchRecord],
    *,
    reach_m: float = 25_000.0,
    outlines: Sequence[Outline] = (),
    cluster_above: int = 50,
    tiles: TileSpec | None = None,
) -> folium.Map:
    """The supplier-finder map. Fits the sites, their reach and the recommended activities."""
    points = [(m.activity.location.x, m.activity.location.y) for m in matches]
    for site in supplier.sites:
        points += reach_corners(site.location.x, site.location.y, reach_m)
    box = bounds_of(points) if points else outlines_bounds(outlines)
    m = new_map(union_bounds(box), tiles=tiles)
    if outlines:
        m.add_child(outlines_layer(outlines))
    m.add_child(DataLayer("Sites and reach", _site_rows(supplier, reach_m), _SITES_BODY))
    strings = _Strings()
    items = _activity_rows(matches, strings)
    cluster = len(items) > cluster_above
    data = {
        "items": items,
        "strings": strings.items,
        "cluster": cluster,
        "spo_link": [ADD_TO_SPO_PATH + "?activity=", ""],
    }
    m.add_child(
        DataLayer(
            "Recommended activities",
            data,
            _ACTIVITIES_BODY,
            assets=(CLUSTER_JS, CLUSTER_CSS, CLUSTER_DEFAULT_CSS) if cluster else (),
        )
    )
    add_title(m, f"Activities for {supplier.name}")
    add_legend(
        m,
        [
            legend_html(
                "Supplier finder",
                [
                    (SITE_COLOUR, "Supplier site"),
                    (REACH_COLOUR, f"Reach ({reach_m / 1000:.0f} km)"),
                    (ACTIVITY_COLOUR, "Recommended activity (number = rank)"),
                ],
            )
        ],
    )
    add_layer_control(m)
    return m
