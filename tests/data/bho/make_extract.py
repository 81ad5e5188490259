#!/usr/bin/env python3
"""Derives the Belo Horizonte school-siting extract from ../shared/data/bho_accessibility (see SOURCE.md).

clients   = hexagons with population > 0, a known income decile and a school within 120 min (demand.csv: id, population, decile,
            income_group = Q1 (deciles 1-2, poorest) .. Q5 (deciles 9-10));
candidates = "existing" (a pseudo-site: the travel time to the nearest of the 158 hexagons that already
            have a school, which stay open) + the 50 most populous hexagons without a school (h<idx>);
matrix.csv = from_id, to_id, travel_time (minutes by public transport; pairs over 120 min are absent).
"""
import csv, gzip, sys

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/bho_accessibility"
hexes = list(csv.DictReader(open(f"{src}/hexagons.csv")))
schools = {int(h["idx"]) for h in hexes if int(h["schools"]) > 0}
clients = [h for h in hexes if int(h["population"]) > 0 and h["income_decile"] not in ("", "NA")]
client_ids = {int(h["idx"]) for h in clients}
free = sorted((h for h in hexes if int(h["idx"]) not in schools), key=lambda h: (-int(h["population"]), int(h["idx"])))
candidates = [int(h["idx"]) for h in free[:50]]
cand_set = set(candidates)
nearest_existing = {}
pairs = {}
with gzip.open(f"{src}/ttm_full.csv.gz", "rt") as f:
    for row in csv.DictReader(f):
        i, j, t = int(row["from_idx"]), int(row["to_idx"]), float(row["travel_time"])
        if i not in client_ids:
            continue
        if j in schools:
            nearest_existing[i] = min(nearest_existing.get(i, 1e9), t)
        if j in cand_set:
            pairs[(i, j)] = t
# Six hexagons reach no school within 120 minutes; they are left out (the model would report them unserved).
clients = [h for h in clients if int(h["idx"]) in nearest_existing]
with open("demand.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "population", "decile", "income_group"])
    for h in clients:
        d = int(h["income_decile"])
        w.writerow([h["idx"], h["population"], d, f"Q{(d + 1) // 2}"])
with open("matrix.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["from_id", "to_id", "travel_time"])
    for h in clients:
        i = int(h["idx"])
        if i in nearest_existing:
            w.writerow([i, "existing", f"{nearest_existing[i]:g}"])
        for j in candidates:
            if (i, j) in pairs:
                w.writerow([i, f"h{j}", f"{pairs[(i, j)]:g}"])
