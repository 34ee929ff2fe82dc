#!/usr/bin/env bash
# Install what the test suite needs from Debian packages when it is missing:
# PostgreSQL 15 with PostGIS 3 (a throwaway cluster is started by the tests) and Chromium.
set -euo pipefail
need=()
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present: postgresql-15-postgis-3, chromium"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
