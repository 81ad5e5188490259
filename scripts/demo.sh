#!/usr/bin/env bash
# Quick start, step 1: install the Debian dependencies, build equalis (Release) and run the main job on the
# bundled demo data: regional inequality of Mexican per-capita GDP 1940 and 2000, decomposed by region, with
# bootstrap intervals and a permutation test. Writes build/demo/mexico_inequality.json and prints a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -d build/release ] || cmake --preset release >/dev/null
cmake --build --preset release
mkdir -p build/demo
bin=build/release/apps/cli/equalis
args=(measure inequality examples/mexico/mexico.csv --value pcgdp1940 --value pcgdp2000 --group hanson98
      --bootstrap 999 --permutations 999 --seed 2024)
"$bin" "${args[@]}" --output build/demo/mexico_inequality.json
"$bin" "${args[@]}" --format text
echo "demo: full JSON report in build/demo/mexico_inequality.json"
