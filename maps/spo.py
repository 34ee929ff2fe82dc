"""SPO map: a line from the supplier's nearest site to each activity its SPO supports, labelled
with the amount (and what has been delivered), so a buyer sees WHERE the commitment lands.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium

from domain.model import Site, Supplier
from geo.sphere import great_circle_m
from maps.outlines import outlines_layer
from maps.page import (
    DataLayer,
    TileSpec,
    add_layer_control,
    add_legend,
    add_notices,
    add_title,
    bounds_of,
    esc,
    legend_html,
    new_map,
)
from maps.records import Outline, SpoLink

LINE_COLOUR = "#6a3d9a"

_BODY = """
var group = L.featureGroup();
data.sites.forEach(function (s) {
  L.circleMarker([s[1], s[0]], {radius: 7, color: '#fff', weight: 2, fillColor: '#c0392b',
    fillOpacity: 1}).bindTooltip(s[2]).addTo(group);
});
data.links.forEach(function (k) {
  L.polyline([[k.from[1], k.from[0]], [k.to[1], k.to[0]]],
    {color: '#6a3d9a', weight: k.weight, opacity: 0.8})
    .bindTooltip(k.label, {permanent: true, direction: 'center', className: 'dicm-amount'})
    .addTo(group);
  L.circleMarker([k.to[1], k.to[0]], {radius: 6, color: '#fff', weight: 2,
    fillColor: '#1f6f8b', fillOpacity: 1}).bindPopup(k.popup).addTo(group);
});
return group;
"""


def nearest_site(sites: Sequence[Site], lon: float, lat: float) -> Site:
    """The site closest to a point (ties by site id)."""
    return min(sites, key=lambda s: (great_circle_m(s.location.x, s.location.y, lon, lat), s.id))


def amount_text(link: SpoLink) -> str:
    """ "£5,000" for cash, "200 hours" otherwise."""
    if link.unit.upper() == "GBP":
        return f"£{link.amount:,.0f}"
    return f"{link.amount:,.0f} {link.unit}"


def _popup(link: SpoLink) -> str:
    delivered = (
        f"£{link.delivered:,.0f}"
        if link.unit.upper() == "GBP"
        else (f"{link.delivered:,.0f} {link.unit}")
    )
    return (
        f'<div class="dicm-popup"><h3>{esc(link.activity_name)}</h3>'
        f"<p>{esc(link.support_type)}: {esc(amount_text(link))} committed, "
        f"{esc(delivered)} delivered</p>"
        + (
            f"<p>£{link.committed_gbp:,.0f} committed, £{link.delivered_gbp or 0:,.0f} "
            f"delivered</p>"
            if link.committed_gbp is not None and link.unit.upper() != "GBP"
            else ""
        )
        + (f"<p>{esc(link.proxy_note)}</p>" if link.proxy_note else "")
        + (f"<p>Priority: {esc(link.priority)}</p>" if link.priority else "")
        + "</div>"
    )


def spo_map(
    supplier: Supplier,
    links: Sequence[SpoLink],
    *,
    title: str = "",
    outlines: Sequence[Outline] = (),
    tiles: TileSpec | None = None,
    notes: Sequence[str] = (),
) -> folium.Map:
    """The SPO's lines drawn from the supplier's nearest site; line width grows with amount.
    ``notes`` (e.g. the avoided-cost range) are shown as notices beside the title."""
    biggest = max((k.amount for k in links), default=1.0) or 1.0
    rows = []
    for k in links:
        start = nearest_site(supplier.sites, k.lon, k.lat).location if supplier.sites else None
        origin = (start.x, start.y) if start is not None else (k.lon, k.lat)
        rows.append(
            {
                "from": [round(origin[0], 5), round(origin[1], 5)],
                "to": [round(k.lon, 5), round(k.lat, 5)],
                "weight": round(2 + 6 * k.amount / biggest, 1),
                "label": esc(amount_text(k)),
                "popup": _popup(k),
            }
        )
    sites = [[round(s.location.x, 5), round(s.location.y, 5), esc(s.name)] for s in supplier.sites]
    points = [(s.location.x, s.location.y) for s in supplier.sites]
    points += [(k.lon, k.lat) for k in links]
    m = new_map(bounds_of(points) if points else (-6.0, 49.9, 2.0, 55.9), tiles=tiles)
    if outlines:
        m.add_child(outlines_layer(outlines))
    m.add_child(DataLayer("SPO lines", {"sites": sites, "links": rows}, _BODY))
    add_title(m, title or f"Social Purchase Order: {supplier.name}")
    add_notices(m, notes)
    add_legend(
        m,
        [
            legend_html(
                "SPO",
                [
                    ("#c0392b", "Supplier site"),
                    ("#1f6f8b", "Supported activity"),
                    (LINE_COLOUR, "Commitment (width grows with amount)"),
                ],
            )
        ],
    )
    add_layer_control(m)
    return m
