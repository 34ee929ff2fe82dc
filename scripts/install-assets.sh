#!/usr/bin/env bash
# Installs the map front-end (Leaflet and three plugins), the web pages' front-end (govuk-frontend,
# htmx), the browser tests' accessibility checker (axe-core) and the API documentation pages
# (Swagger UI, Redoc) from the npm registry into maps/static/vendor/, which is git-ignored: dicm's pages load
# these files from dicm itself and never from a CDN. Idempotent: when every file is present at the
# pinned versions it does nothing.
#
# Packages (licences): leaflet 1.9.4 (BSD-2-Clause), leaflet.markercluster 1.5.3 (MIT),
# leaflet.heat 0.2.0 (BSD-2-Clause; bundles simpleheat, BSD-2-Clause),
# swagger-ui-dist 5.35.0 (Apache-2.0), redoc 2.5.4 (MIT), govuk-frontend 6.6.0 (MIT; used without
# the crown, GOV.UK branding or the Transport font: its @font-face rules are removed and the font
# stack is the system's), htmx.org 2.0.11 (0BSD), @geoman-io/leaflet-geoman-free 2.20.2 (MIT),
# axe-core 4.14.1 (MPL-2.0; loaded by the browser tests only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/maps/static/vendor"
PACKAGES=(leaflet@1.9.4 leaflet.markercluster@1.5.3 leaflet.heat@0.2.0 swagger-ui-dist@5.35.0
  redoc@2.5.4 govuk-frontend@6.6.0 htmx.org@2.0.11 @geoman-io/leaflet-geoman-free@2.20.2
  axe-core@4.14.1)
STAMP="$VENDOR/.versions"
WANT="${PACKAGES[*]} redoc-no-cdn-logo govuk-no-transport"

# Files the map and docs pages reference (kept in step with maps/assets.py).
REQUIRED=(
  leaflet/leaflet.js leaflet/leaflet.css
  markercluster/leaflet.markercluster.js markercluster/MarkerCluster.css
  markercluster/MarkerCluster.Default.css
  heat/leaflet-heat.js
  swagger-ui/swagger-ui-bundle.js swagger-ui/swagger-ui.css swagger-ui/favicon-32x32.png
  redoc/redoc.standalone.js
  govuk/govuk-frontend.min.css govuk/govuk-frontend.min.js htmx/htmx.min.js
  geoman/leaflet-geoman.js geoman/leaflet-geoman.css axe/axe.min.js
)

all_present() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] || return 1
  for f in "${REQUIRED[@]}"; do [[ -s "$VENDOR/$f" ]] || return 1; done
}

if all_present; then
  echo "map and docs assets present in $VENDOR"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed to install the map assets" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TMP" "${PACKAGES[@]}" \
  >/dev/null
NM="$TMP/node_modules"

rm -rf "$VENDOR"
mkdir -p "$VENDOR/leaflet" "$VENDOR/markercluster" "$VENDOR/heat" "$VENDOR/swagger-ui" \
  "$VENDOR/redoc" "$VENDOR/govuk" "$VENDOR/htmx" "$VENDOR/geoman" "$VENDOR/axe"
cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$VENDOR/leaflet/"
cp -r "$NM/leaflet/dist/images" "$VENDOR/leaflet/"
cp "$NM/leaflet/LICENSE" "$VENDOR/leaflet/LICENSE"
cp "$NM/leaflet.markercluster/dist/leaflet.markercluster.js" \
   "$NM/leaflet.markercluster/dist/MarkerCluster.css" \
   "$NM/leaflet.markercluster/dist/MarkerCluster.Default.css" "$VENDOR/markercluster/"
cp "$NM/leaflet.markercluster/MIT-LICENCE.txt" "$VENDOR/markercluster/LICENSE" 2>/dev/null \
  || cp "$NM"/leaflet.markercluster/*LICEN* "$VENDOR/markercluster/" 2>/dev/null || true
cp "$NM/leaflet.heat/dist/leaflet-heat.js" "$VENDOR/heat/"
cp "$NM/leaflet.heat/LICENSE" "$VENDOR/heat/LICENSE"
cp "$NM/swagger-ui-dist/swagger-ui-bundle.js" "$NM/swagger-ui-dist/swagger-ui.css" \
   "$NM/swagger-ui-dist/favicon-32x32.png" "$NM/swagger-ui-dist/LICENSE" "$VENDOR/swagger-ui/"
cp "$NM/redoc/bundles/redoc.standalone.js" "$NM/redoc/LICENSE" "$VENDOR/redoc/"
# Redoc's sidebar footer loads its logo from cdn.redoc.ly on every page view: an empty inline SVG
# instead, so /redoc asks nothing of another host (the "API docs by Redocly" link stays).
sed -i 's#"https://cdn.redoc.ly/redoc/logo-mini.svg"#"data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"#' \
  "$VENDOR/redoc/redoc.standalone.js"
if grep -q 'cdn\.redoc\.ly' "$VENDOR/redoc/redoc.standalone.js"; then
  echo "redoc still names cdn.redoc.ly after patching" >&2; exit 1
fi
# govuk-frontend without GOV.UK branding: no Transport font (the @font-face rules go, the stack is
# the system's) and no crown image (the crest rules point at nothing), so nothing asks /assets/.
GOVUK="$NM/govuk-frontend/dist/govuk"
sed -e 's#@font-face{[^}]*}##g' -e 's#"GDS Transport",##g; s#GDS Transport,##g' \
  -e 's#url(/assets/images/govuk-crest.svg)#none#g' \
  "$GOVUK/govuk-frontend.min.css" >"$VENDOR/govuk/govuk-frontend.min.css"
if grep -q -e 'GDS Transport' -e '/assets/' "$VENDOR/govuk/govuk-frontend.min.css"; then
  echo "govuk-frontend still names the Transport font or /assets/ after patching" >&2; exit 1
fi
cp "$GOVUK/govuk-frontend.min.js" "$VENDOR/govuk/"
echo "govuk-frontend 6.6.0, MIT licence (Crown copyright, Government Digital Service)" \
  >"$VENDOR/govuk/LICENSE"
cp "$NM/htmx.org/dist/htmx.min.js" "$NM/htmx.org/LICENSE" "$VENDOR/htmx/"
GEOMAN="$NM/@geoman-io/leaflet-geoman-free"
cp "$GEOMAN/dist/leaflet-geoman.js" "$GEOMAN/dist/leaflet-geoman.css" "$GEOMAN/LICENSE" \
  "$VENDOR/geoman/"
cp "$NM/axe-core/axe.min.js" "$NM/axe-core/LICENSE" "$VENDOR/axe/"

for f in "${REQUIRED[@]}"; do
  [[ -s "$VENDOR/$f" ]] || { echo "missing after install: $VENDOR/$f" >&2; exit 1; }
done
echo "$WANT" >"$STAMP"
echo "map and docs assets installed in $VENDOR"
