#!/usr/bin/env bash
# Quick start, step 1: install the Debian dependencies, build equalis (Release) and run the main job on the
# bundled demo data: regional inequality of Mexican per-capita GDP 1940 and 2000, decomposed by region, with
# bootstrap intervals and a permutation test; then who can reach a school in Belo Horizonte. Writes the
# reports to build/demo/ and prints summaries.
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
# Who can reach a school in Belo Horizonte (898 hexagons, public-transport times): access per zone, the
# people beyond 30 minutes, equity by income; a map for a GIS beside the report.
access=(access tests/data/bho/hexagons.csv --zone-id idx --facilities tests/data/bho/hexagons.csv --facility-id idx
        --capacity schools --matrix tests/data/bho/ttm_full.csv.gz --cost-unit minutes -m cumulative=30min -m closest
        -m 2sfca=gaussian:60min --income income_per_capita --standard 30min)
"$bin" "${access[@]}" --zone-polygons tests/data/bho/hexagons.geojson --polygon-id idx \
  --geojson build/demo/bho_schools.geojson --output build/demo/bho_schools.json
"$bin" "${access[@]}" --format text
echo "demo: full JSON reports in build/demo/mexico_inequality.json and build/demo/bho_schools.json (map: bho_schools.geojson)"
