#!/usr/bin/env bash
# Installs the Debian 12 packages Xiongguan needs (skips those already present) and configures
# and builds the release preset. Safe to run again: apt-get is called only when a package is missing,
# and the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libgdal-dev gdal-bin python3-gdal python3-numpy python3-scipy
  libgeos-dev libproj-dev proj-bin
  libtbb-dev libboost-graph-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  postgresql-15 postgresql-15-postgis-3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PRESET="${XG_PRESET:-release}"
if [ ! -f "build/$PRESET/build.ninja" ]; then
  cmake --preset "$PRESET" >&2
fi
cmake --build --preset "$PRESET" >&2
