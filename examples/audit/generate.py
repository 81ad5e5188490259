#!/usr/bin/env python3
"""Writes the SYNTHETIC decision log of examples/audit (no real person or agency is described).

    python3 examples/audit/generate.py      # from the repository root; rewrites the files below

decisions.csv / decisions.ndjson: 6 000 applicants to a (fictional) housing-subsidy scheme in 2025, one row
each: region (six, one of them small), occupation, hukou (local / migrant), age band, whether the applicant
holds an electronic ID, the true eligibility (`eligible`, and its complement `ineligible`), a model's risk
score (the predicted probability of being ineligible), the decision (`granted` = risk < 0.5) and the
decision date. decisions.ndjson: the first 1 000 of them as NDJSON. census.csv: an illustrative reference population per region. Deterministic (fixed seed,
Python's own Mersenne Twister): the files are byte-identical on every run.
"""

import datetime
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONS = [  # name, share of applicants, share of migrants
    ("north", 0.22, 0.25), ("south", 0.20, 0.40), ("east", 0.24, 0.35),
    ("west", 0.18, 0.20), ("central", 0.15, 0.30), ("islands", 0.01, 0.10)]
OCCUPATIONS = [("agriculture", 0.15), ("manufacturing", 0.25), ("services", 0.30), ("office", 0.20),
               ("self-employed", 0.10)]
AGE_BANDS = [("18-29", 0.25), ("30-44", 0.35), ("45-59", 0.28), ("60+", 0.12)]
CENSUS = {"north": 2_400_000, "south": 2_500_000, "east": 2_300_000, "west": 1_600_000,
          "central": 1_900_000, "islands": 300_000}


def pick(rng, choices):
    u = rng.random()
    for name, weight in choices:
        if u < weight:
            return name
        u -= weight
    return choices[-1][0]


def applicant(rng, idx):
    region_row = rng.choices(REGIONS, weights=[r[1] for r in REGIONS])[0]
    region, _, migrant_share = region_row
    hukou = "migrant" if rng.random() < migrant_share else "local"
    occupation = pick(rng, OCCUPATIONS)
    age_band = pick(rng, AGE_BANDS)
    e_id_rate = 0.9 if hukou == "local" else 0.6
    if age_band == "60+":
        e_id_rate -= 0.25
    has_e_id = 1 if rng.random() < e_id_rate else 0
    # The truth: eligibility depends on need, not on hukou.
    need = {"agriculture": 0.8, "manufacturing": 0.5, "services": 0.3, "office": -0.4, "self-employed": 0.0}
    logit = 0.2 + need[occupation] + (0.3 if age_band == "60+" else 0.0) + rng.gauss(0.0, 1.0)
    eligible = 1 if rng.random() < 1.0 / (1.0 + math.exp(-logit)) else 0
    # The model sees a noisy signal and, wrongly, penalises migrants and applicants without an e-ID.
    signal = (1.6 if eligible else -1.2) + rng.gauss(0.0, 1.3)
    signal -= 0.5 if hukou == "migrant" else 0.0
    signal -= 0.4 if not has_e_id else 0.0
    risk = round(1.0 / (1.0 + math.exp(signal)), 4)
    granted = 1 if risk < 0.5 else 0
    day = datetime.date(2025, 1, 1) + datetime.timedelta(days=int(idx * 365 / 6000))
    return {"id": idx + 1, "region": region, "occupation": occupation, "hukou": hukou, "age_band": age_band,
            "has_e_id": has_e_id, "eligible": eligible, "ineligible": 1 - eligible, "risk": risk,
            "granted": granted, "decided_at": day.isoformat()}


def main():
    rng = random.Random(20250101)
    rows = [applicant(rng, idx) for idx in range(6000)]
    columns = list(rows[0].keys())
    with open(os.path.join(HERE, "decisions.csv"), "w", newline="\n") as out:
        out.write(",".join(columns) + "\n")
        for row in rows:
            out.write(",".join(str(row[c]) for c in columns) + "\n")
    with open(os.path.join(HERE, "decisions.ndjson"), "w", newline="\n") as out:
        for row in rows[:1000]:  # the first 1 000 applicants: enough to show the format
            out.write(json.dumps(row, separators=(",", ":")) + "\n")
    with open(os.path.join(HERE, "census.csv"), "w", newline="\n") as out:
        out.write("region,population\n")
        for region, population in CENSUS.items():
            out.write(f"{region},{population}\n")


if __name__ == "__main__":
    main()
