#!/usr/bin/env bash
# Filled by the maps work: installs Leaflet and plugins from the npm registry.
set -euo pipefail
exit 0
