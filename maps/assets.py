"""Where the map front-end lives on disk and how a page refers to it.

Leaflet and its plugins are installed from the npm registry by ``make assets``
(``scripts/install-assets.sh``) into ``maps/static/vendor/`` and are never committed; dicm's own
stylesheet sits beside them in ``maps/static/dicm/``. A page either links them under a URL prefix
(pages served by the API, ``/static``) or carries them inline (files written by ``dicm map``, so
they open from disk with no network).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_URL_PREFIX = "/static"


class MapAssetsMissing(FileNotFoundError):
    """The Leaflet files are not installed; the message says how to install them."""


@dataclass(frozen=True)
class Asset:
    """One script or stylesheet, by its path under ``maps/static``."""

    name: str
    path: str

    @property
    def is_css(self) -> bool:
        return self.path.endswith(".css")


LEAFLET_JS = Asset("leaflet", "vendor/leaflet/leaflet.js")
LEAFLET_CSS = Asset("leaflet_css", "vendor/leaflet/leaflet.css")
DICM_CSS = Asset("dicm_css", "dicm/maps.css")
CLUSTER_JS = Asset("markercluster_js", "vendor/markercluster/leaflet.markercluster.js")
CLUSTER_CSS = Asset("markercluster_css", "vendor/markercluster/MarkerCluster.css")
CLUSTER_DEFAULT_CSS = Asset(
    "markercluster_default_css", "vendor/markercluster/MarkerCluster.Default.css"
)
HEAT_JS = Asset("leaflet_heat_js", "vendor/heat/leaflet-heat.js")
#: the API documentation pages (``/docs``, ``/redoc``), installed beside Leaflet
SWAGGER_JS = Asset("swagger_ui_js", "vendor/swagger-ui/swagger-ui-bundle.js")
SWAGGER_CSS = Asset("swagger_ui_css", "vendor/swagger-ui/swagger-ui.css")
SWAGGER_FAVICON = Asset("swagger_ui_favicon", "vendor/swagger-ui/favicon-32x32.png")
REDOC_JS = Asset("redoc_js", "vendor/redoc/redoc.standalone.js")

ALL_ASSETS: tuple[Asset, ...] = (
    LEAFLET_JS,
    LEAFLET_CSS,
    DICM_CSS,
    CLUSTER_JS,
    CLUSTER_CSS,
    CLUSTER_DEFAULT_CSS,
    HEAT_JS,
)
DOCS_ASSETS: tuple[Asset, ...] = (SWAGGER_JS, SWAGGER_CSS, SWAGGER_FAVICON, REDOC_JS)


def asset_file(asset: Asset, static_dir: Path = STATIC_DIR) -> Path:
    """The file on disk for ``asset``."""
    return static_dir / asset.path


def asset_url(asset: Asset, prefix: str = STATIC_URL_PREFIX) -> str:
    """The URL a served page uses for ``asset``."""
    return f"{prefix.rstrip('/')}/{asset.path}"


def missing_assets(
    static_dir: Path = STATIC_DIR, assets: tuple[Asset, ...] = ALL_ASSETS
) -> list[Path]:
    """Files of ``assets`` (by default those a map page needs) that are not on disk."""
    files = (asset_file(a, static_dir) for a in assets)
    return [f for f in files if not f.is_file() or f.stat().st_size == 0]


def require_assets(static_dir: Path = STATIC_DIR) -> None:
    """Raise :class:`MapAssetsMissing` naming the first missing file and the fix."""
    missing = missing_assets(static_dir)
    if missing:
        raise MapAssetsMissing(
            f"map assets are not installed ({missing[0]} is missing): run make assets"
        )


_SCRIPT_RE = re.compile(r'<script src="(?P<url>[^"]+)"></script>')
_CSS_RE = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>')
_CSS_IMAGE_RE = re.compile(r"url\((?P<q>['\"]?)(?P<rel>images/[^'\")]+)(?P=q)\)")


def _file_for_url(url: str, prefix: str, static_dir: Path) -> Path | None:
    head = prefix.rstrip("/") + "/"
    return static_dir / url[len(head) :] if url.startswith(head) else None


def _css_with_data_images(css: str, css_file: Path) -> str:
    """Leaflet's stylesheet names its control images relatively: embed them as data URIs."""

    def embed(match: re.Match[str]) -> str:
        image = css_file.parent / match["rel"]
        if not image.is_file():
            return match[0]
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return _CSS_IMAGE_RE.sub(embed, css)


def inline_assets(
    html: str, *, prefix: str = STATIC_URL_PREFIX, static_dir: Path = STATIC_DIR
) -> str:
    """Replace links to dicm's static files with their content, for pages opened from disk."""
    require_assets(static_dir)

    def script(match: re.Match[str]) -> str:
        path = _file_for_url(match["url"], prefix, static_dir)
        if path is None:
            return match[0]
        code = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>{code}</script>"

    def style(match: re.Match[str]) -> str:
        path = _file_for_url(match["url"], prefix, static_dir)
        if path is None:
            return match[0]
        css = _css_with_data_images(path.read_text(encoding="utf-8"), path)
        return f"<style>{css}</style>"

    return _CSS_RE.sub(style, _SCRIPT_RE.sub(script, html))
