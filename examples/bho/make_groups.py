#!/usr/bin/env python3
"""Builds groups.csv (zone,group,population) for the Belo Horizonte demo study from the bundled hexagons:
each hexagon's people belong to the income quintile of its income decile (Ipea's aopdata deciles of income
per capita; quintile 1 = deciles 1-2, the poorest); hexagons without income data form 'income_unknown'.
Run from the repository root: python3 examples/bho/make_groups.py"""
import csv

names = {1: "income_q1", 2: "income_q2", 3: "income_q3", 4: "income_q4", 5: "income_q5"}
with open("tests/data/bho/hexagons.csv", newline="") as f, \
        open("examples/bho/groups.csv", "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["zone", "group", "population"])
    rows = []
    for row in csv.DictReader(f):
        people = int(row["population"])
        if people == 0:
            continue
        decile = row["income_decile"]
        group = names[(int(decile) + 1) // 2] if decile not in ("", "NA") else "income_unknown"
        rows.append([row["idx"], group, people])
    # Grouped poorest first: the groups appear in the reports in the order of their first row.
    rows.sort(key=lambda r: (r[1], int(r[0])))
    writer.writerows(rows)
