#!/usr/bin/env bash
# Runs every benchmark of docs/PERFORMANCE.md on the release build.
# usage: scripts/bench.sh [PATH/porto_portugal.osm.pbf]   (the network benchmark needs an OSM extract)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build/release ] || cmake --preset release >/dev/null
cmake --build --preset release
for bench in build/release/bench/*_bench build/release/src/*/*_bench; do
  [ -x "$bench" ] || continue
  name=$(basename "$bench")
  echo "== $name"
  if [ "$name" = network_bench ]; then
    if [ $# -ge 1 ]; then "$bench" "$1"; else echo "(skipped: give the path of an OSM extract)"; fi
  else
    "$bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
  fi
done
