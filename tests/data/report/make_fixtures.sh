#!/usr/bin/env bash
# Regenerates the study-report fixtures (tests/data/report/) by running the equalis CLI on the bundled data:
#   bho_report.json   one `report` document with every section, as `equalis run` assembles it
#   bho_zones.geojson the zones with their access results (`equalis access --geojson`), Belo Horizonte
# The findings are left empty: the renderer's tests compute them (report::study_findings).
# Usage: tests/data/report/make_fixtures.sh [path/to/equalis]   (default build/release/apps/cli/equalis)
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin=${1:-build/release/apps/cli/equalis}
out=tests/data/report
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Belo Horizonte zones with three income groups that partition each hexagon's people (by its income decile:
# 1–4 lower, 5–8 middle, 9–10 higher), and 10 hexagons as assisted-service desks (every 90th).
python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
rows = list(csv.DictReader(open("tests/data/bho/hexagons.csv")))
with open(f"{work}/zones.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "lon", "lat", "population", "schools", "income_per_capita",
                "pop_lower_income", "pop_middle_income", "pop_higher_income"])
    for r in rows:
        d, p = int(r["income_decile"] or 0), r["population"]
        w.writerow([r["idx"], r["lon"], r["lat"], p, r["schools"], r["income_per_capita"],
                    p if 1 <= d <= 4 else 0, p if 5 <= d <= 8 else 0, p if d >= 9 else 0])
with open(f"{work}/desks.csv", "w") as f:
    f.write("id\n" + "".join(f"{r['idx']}\n" for r in rows if int(r["idx"]) % 90 == 45))
PY
cat > "$work/scenarios.toml" <<'TOML'
[[scenario]]
name = "digital by default"
close_channels = ["in-person"]

[[scenario]]
name = "digital by default with help desks"
close_channels = ["in-person"]
add_assisted = ["100", "300", "500", "700"]

[[scenario]]
name = "skills training for lower-income people"
[scenario.profiles.pop_lower_income]
online_skill = 0.95
TOML

zones=(--zone-id id --group-columns pop_lower_income,pop_middle_income,pop_higher_income
       --facilities "$work/zones.csv" --capacity schools
       --matrix tests/data/bho/ttm_full.csv.gz --cost-unit minutes --standard 30min)
"$bin" access "$work/zones.csv" "${zones[@]}" --facility-id id -m cumulative=30min -m closest -m 2sfca=gaussian:60min \
  --income income_per_capita --channels in-person,online,assisted --assisted "$work/desks.csv" \
  --digital-profiles examples/access/digital_profiles_cn.csv --scenarios "$work/scenarios.toml" \
  --zone-polygons tests/data/bho/hexagons.geojson --polygon-id idx --geojson "$work/zones.geojson" \
  --output "$work/access.json"
"$bin" journeys "$work/zones.csv" "${zones[@]}" --assisted "$work/desks.csv" \
  --catalogue examples/journeys/one_network_catalogue.toml \
  --abilities examples/journeys/one_network_abilities_cn.csv --output "$work/journeys.json"
"$bin" measure convergence examples/mexico/mexico.csv --value pcgdp1940 --value pcgdp1950 --value pcgdp1960 \
  --value pcgdp1970 --value pcgdp1980 --value pcgdp1990 --value pcgdp2000 --group hanson98 \
  --output "$work/convergence.json"
"$bin" measure inequality examples/mexico/mexico.csv --value pcgdp1940 --value pcgdp2000 --group hanson98 \
  --bootstrap 199 --seed 2024 --output "$work/inequality.json"
"$bin" measure composite tests/data/un_egdi/egdi_2022.csv --id 'Country Name' \
  --indicator 'Online Service Index' --indicator 'Human Capital Index' \
  --indicator 'Telecommunication Infrastructure Index' --normalize none --weights 1,1,1 \
  --output "$work/composite.json"
plan=(--matrix tests/data/bho/matrix.csv --demand tests/data/bho/demand.csv --groups income_group
      --existing existing --p 3 --seed 1)
"$bin" plan pmedian "${plan[@]}" --output "$work/efficient.json"
"$bin" plan fair "${plan[@]}" --objective rawls --focus-groups Q1,Q2 --output "$work/fair.json"
for a in 0.5 2 10; do
  "$bin" plan fair "${plan[@]}" --objective kolm-pollak --aversion "$a" --output "$work/kp_$a.json"
done
"$bin" audit metrics examples/audit/decisions.csv -g region -g hukou --decision granted --label eligible \
  --output "$work/audit.json"

python3 - "$work" "$out" <<'PY'
import csv, json, sys
work, out = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{work}/{name}"))
candidates = {row["to_id"] for row in csv.DictReader(open("tests/data/bho/matrix.csv"))}
pof = []
for a in ("0.5", "2", "10"):
    r = load(f"kp_{a}.json")["result"]
    worst = max(g["mean_cost"] for g in r["groups"]) if r.get("groups") else None
    pof.append({"objective": "kolm-pollak", "aversion": float(a), "total_cost": r["fairness"]["total_cost"],
                "price_of_fairness": r["fairness"]["price_of_fairness"], "worst_group_mean": worst})
report = {
  "equalis": load("access.json")["equalis"] | {"command": "run"},
  "study": {"title": "Belo Horizonte: who can reach a school, and through which channel",
            "title_zh": "贝洛奥里藏特：谁能到达学校，通过哪种渠道",
            "description": "Fixture for the report renderer: schools in Belo Horizonte by income group, the "
                           "digital channels with illustrative CNNIC profiles, journeys, the Mexican panel, "
                           "the UN EGDI, a school plan and an audit of a decision log.",
            "file": "study.toml"},
  "recipe": {"inputs": [{"role": "zones", "path": "tests/data/bho/hexagons.csv", "sha256": "0" * 64, "bytes": 0},
                        {"role": "matrix", "path": "tests/data/bho/ttm_full.csv.gz", "sha256": "0" * 64, "bytes": 0}],
             "options": {"access": {"standard": "30min"}},
             "defaults_applied": [{"key": "access.decay", "value": "gaussian",
                                   "note": "the 2SFCA decay when none is given"}]},
  "findings": [],
  # Where the facilities are (the hexagons with schools) and display names of the groups, for the map
  # and the labels: optional parts of the report the renderer uses when present.
  "facilities": [{"id": r["idx"], "lon": float(r["lon"]), "lat": float(r["lat"])}
                 for r in csv.DictReader(open("tests/data/bho/hexagons.csv")) if float(r["schools"] or 0) > 0],
  "labels": {"pop_lower_income": {"en": "Lower income (deciles 1–4)", "zh": "低收入（第1–4十分位）"},
             "pop_middle_income": {"en": "Middle income (deciles 5–8)", "zh": "中等收入（第5–8十分位）"},
             "pop_higher_income": {"en": "Higher income (deciles 9–10)", "zh": "高收入（第9–10十分位）"}},
  "sections": {
    "access": load("access.json"), "journeys": load("journeys.json"), "convergence": load("convergence.json"),
    "inequality": load("inequality.json"), "composite": load("composite.json"),
    "plan": {"efficient": load("efficient.json"), "fair": load("fair.json"), "price_of_fairness": pof,
             # where the candidate sites are: h<idx> is hexagon idx (tests/data/bho/SOURCE.md)
             "sites": [{"id": "h" + r["idx"], "lon": float(r["lon"]), "lat": float(r["lat"])}
                       for r in csv.DictReader(open("tests/data/bho/hexagons.csv")) if "h" + r["idx"] in candidates]},
    "audit": load("audit.json")}}
text = json.dumps(report, separators=(",", ":"), ensure_ascii=False).replace(work + "/", "")
open(f"{out}/bho_report.json", "w").write(text + "\n")
geo = load("zones.geojson")
json.dump(geo, open(f"{out}/bho_zones.geojson", "w"), separators=(",", ":"), ensure_ascii=False)
PY
ls -l "$out"
