#!/usr/bin/env bash
# Quick start, step 1: install the Debian dependencies, build the equalis command (only what the demo needs;
# scripts/test.sh builds the tests and benchmarks) and run the main job on the bundled demo studies:
# Belo Horizonte (who can reach a school and enrol a child, by income and channel; where five new schools
# should go) and the regions study (inequality and convergence of Mexican states, an e-government
# composite, the audit of a screening log). Prints where each report folder is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d build/release ] || cmake --preset release >/dev/null
cmake --build --preset release --target equalis
bin=build/release/apps/cli/equalis
mkdir -p build/demo
"$bin" run examples/bho/study.toml --output build/demo/bho-report
"$bin" run examples/regions/study.toml --output build/demo/regions-report
echo "demo: open build/demo/bho-report/report.html and build/demo/regions-report/report.html in a browser (machine-readable: report.json, tables/, zones.geojson)"
