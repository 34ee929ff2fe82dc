"""Run as a child process: read an OGC API Features layer with GDAL (pyogrio) and print JSON.

A separate process because pyogrio holds the GIL while GDAL fetches pages, which would starve
a server thread in the same interpreter; a real GIS client is another process anyway.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def read_layer(
    url: str,
    layer: str | None = None,
    *,
    where: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    timeout_s: float = 60,
) -> dict[str, Any]:
    """Layers of ``url`` (``OAPIF:...``) and, if ``layer`` is given, its features (GDAL's
    attribute filter ``where`` and spatial filter ``bbox`` as ``ogr2ogr -where/-spat`` set)."""
    options = json.dumps({"where": where, "bbox": bbox})
    args = [sys.executable, "-m", "tests.api.gis_client", url, layer or "", options]
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        raise AssertionError(f"GDAL client failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(url: str, layer: str, options: str) -> None:
    import pyogrio

    out: dict[str, Any] = {}
    if not layer:
        out["layers"] = [str(n) for n, _ in pyogrio.list_layers(url)]
    else:
        opts = json.loads(options)
        bbox = tuple(opts["bbox"]) if opts["bbox"] else None
        frame = pyogrio.read_dataframe(url, layer=layer, where=opts["where"], bbox=bbox)
        out["crs"] = ":".join(frame.crs.to_authority()) if frame.crs is not None else None
        out["valid"] = bool(frame.geometry.is_valid.all())
        out["rows"] = json.loads(frame.drop(columns="geometry").to_json(orient="records"))
        out["xy"] = [[g.centroid.x, g.centroid.y] for g in frame.geometry]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "{}")
