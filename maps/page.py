"""The page every dicm map is drawn on: a folium map that links only dicm's own static files.

No tile layer unless one is configured (the boundaries give the map its shape), the attribution
the Open Government Licence asks for, and small elements (data layers, legends, a side panel)
whose text is escaped in Python and whose data travel as JSON.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer, LayerControl
from folium.template import Template

from maps.assets import DICM_CSS, LEAFLET_CSS, LEAFLET_JS, Asset, asset_url, inline_assets

#: Boundary vintage of the ONS layers dicm draws (LAD December 2024, PFA December 2023).
BOUNDARY_YEAR = 2024
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def ons_attribution(year: int = BOUNDARY_YEAR) -> str:
    """The wording the Open Government Licence v3.0 asks for with ONS / OS boundaries."""
    return (
        "Source: Office for National Statistics licensed under the Open Government Licence "
        f"v.3.0. Contains OS data © Crown copyright and database right {year}"
    )


@dataclass(frozen=True)
class TileSpec:
    """An optional background tile layer (``settings.maps.tiles_url``)."""

    url: str
    attribution: str | None = None

    @property
    def attribution_text(self) -> str:
        """The layer's attribution; OpenStreetMap's wording for its own tiles."""
        if self.attribution:
            return self.attribution
        return OSM_ATTRIBUTION if "openstreetmap" in self.url.lower() else "Map tiles"


def to_script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``</script>``, no ``<!--`` (``&`` has
    no meaning in script text, so escaped entities such as ``&amp;`` stay as they are)."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def esc(text: object) -> str:
    """HTML-escape any value for a popup, tooltip, legend or panel."""
    return html.escape(str(text), quote=True)


class LocalMap(folium.Map):
    """A folium map whose Leaflet comes from ``/static`` (no CDN, no jQuery, no Bootstrap)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(tiles=None, **kwargs)
        # Leaflet learns zoom limits from tile layers; with none, marker clustering needs them.
        self.options.update({"maxZoom": 18, "minZoom": 4})
        # An empty icon, so browsers do not ask the server for /favicon.ico.
        root: Any = self.get_root()
        root.header.add_child(Element('<link rel="icon" href="data:,">'), name="icon")
        self.default_js = [(LEAFLET_JS.name, asset_url(LEAFLET_JS))]
        self.default_css = [
            (LEAFLET_CSS.name, asset_url(LEAFLET_CSS)),
            (DICM_CSS.name, asset_url(DICM_CSS)),
        ]


def new_map(
    bounds: tuple[float, float, float, float],
    *,
    tiles: TileSpec | None = None,
    width: str = "100%",
    attribution_year: int = BOUNDARY_YEAR,
) -> LocalMap:
    """A map fitted to ``bounds`` = (min_lon, min_lat, max_lon, max_lat), with attribution."""
    min_lon, min_lat, max_lon, max_lat = bounds
    m = LocalMap(
        location=((min_lat + max_lat) / 2, (min_lon + max_lon) / 2),
        zoom_start=8,
        width=width,
        control_scale=True,
    )
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url, attr=tiles.attribution_text, name="Background", control=False
        ).add_to(m)
    m.add_child(Attribution(ons_attribution(attribution_year)))
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]], padding=(70, 70), max_zoom=14)
    return m


def bounds_of(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of lon/lat pairs, padded when degenerate."""
    lons, lats = zip(*points, strict=True)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    pad = 0.01
    if max_lon - min_lon < pad:
        min_lon, max_lon = min_lon - pad, max_lon + pad
    if max_lat - min_lat < pad:
        min_lat, max_lat = min_lat - pad, max_lat + pad
    return (min_lon, min_lat, max_lon, max_lat)


def union_bounds(
    *boxes: tuple[float, float, float, float] | None,
) -> tuple[float, float, float, float]:
    """The box covering every non-empty box given (a default over England when all are empty)."""
    present = [b for b in boxes if b is not None]
    if not present:
        return (-6.0, 49.9, 2.0, 55.9)
    return (
        min(b[0] for b in present),
        min(b[1] for b in present),
        max(b[2] for b in present),
        max(b[3] for b in present),
    )


class Attribution(MacroElement):
    """Adds a line to Leaflet's attribution control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Attribution"
        self.text_json = to_script_json(esc(text))


class DataLayer(JSCSSMixin, Layer):
    """A Leaflet layer built in the browser from JSON data by a short JS function body.

    The body sees ``data`` and ``map`` and returns the layer. One JSON blob and one loop replace
    folium's one-script-per-feature output, which keeps 10,000 markers light.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (data, map) {
        {{ this.body }}
        })({{ this.data_json }}, {{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(
        self,
        name: str,
        data: Any,
        body: str,
        *,
        assets: Sequence[Asset] = (),
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
    ) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "DataLayer"
        self.data_json = to_script_json(data)
        self.body = body
        self.default_js = [(a.name, asset_url(a)) for a in assets if not a.is_css]
        self.default_css = [(a.name, asset_url(a)) for a in assets if a.is_css]


class MapControl(MacroElement):
    """A Leaflet control holding ready-made (escaped) HTML: a legend or a title."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var c = L.control({position: {{ this.position_json }}});
          c.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class_json }});
            div.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, html_text: str, *, css_class: str, position: str = "bottomleft") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapControl"
        self.html_json = to_script_json(html_text)
        self.css_class_json = to_script_json(css_class)
        self.position_json = to_script_json(position)


class SwitchOnBaseLayer(MacroElement):
    """Shows the legend/panel sections (``data-dicm-layer``) of the base layer in view."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on('baselayerchange', function (e) {
          document.querySelectorAll('[data-dicm-layer]').forEach(function (el) {
            el.style.display = el.getAttribute('data-dicm-layer') === e.name ? '' : 'none';
          });
        });
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SwitchOnBaseLayer"


def legend_html(title: str, rows: Sequence[tuple[str, str]], *, layer: str | None = None) -> str:
    """A legend section: a title and (colour, label) rows; ``layer`` ties it to a base layer."""
    attr = f' data-dicm-layer="{esc(layer)}"' if layer is not None else ""
    items = "".join(
        f'<div class="row"><span class="swatch" style="background:{esc(colour)}"></span>'
        f"{esc(label)}</div>"
        for colour, label in rows
    )
    return f"<div{attr}><h4>{esc(title)}</h4>{items}</div>"


def add_legend(m: folium.Map, sections: Sequence[str], *, position: str = "bottomleft") -> None:
    """Add one legend control holding the given sections (from :func:`legend_html`)."""
    m.add_child(MapControl("".join(sections), css_class="dicm-legend", position=position))


def add_title(m: folium.Map, title: str) -> None:
    """A title box at the top left, so a screenshot says what it shows."""
    m.add_child(MapControl(esc(title), css_class="dicm-title", position="topright"))


def add_notices(m: folium.Map, notes: Sequence[str]) -> None:
    """Notices a reader must not miss (nothing matches the filters, figures left out because
    an SPO failed its tamper check), announced to screen readers as a status."""
    if notes:
        body = "".join(f"<p>{esc(n)}</p>" for n in notes)
        m.add_child(
            MapControl(
                f'<div role="status">{body}</div>', css_class="dicm-notice", position="topright"
            )
        )


def add_side_panel(m: folium.Map, panel_html: str) -> None:
    """An HTML panel to the right of the map (give the map ``width="72%"``)."""
    figure: Any = m.get_root()
    figure.html.add_child(Element(f'<aside class="dicm-panel">{panel_html}</aside>'))


def add_layer_control(m: folium.Map) -> None:
    """The layer switcher, expanded so a reader sees the choices without hovering."""
    LayerControl(collapsed=False, position="topleft").add_to(m)


def render_page(m: folium.Map, *, inline: bool = False) -> str:
    """The map's HTML page: linking ``/static`` files, or carrying them inline."""
    page = m.get_root().render()
    return inline_assets(page) if inline else page
