"""Who can reach a school in Belo Horizonte, by income, from Python.

Access of 1 000+ hexagons to the city's schools by public transport (travel times from Pereira et al.'s
`accessibility` R package data; tests/data/bho/SOURCE.md): schools within 30 minutes and the time to the
closest school, averaged over the people of each income decile, with the population-weighted
concentration index by income. Run:

    python3 examples/python/bho_access.py [OUTPUT.png]

It prints the table and saves a plot (default bho_access.png).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import equalis  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "bho"


def main(output):
    hexagons = pd.read_csv(DATA / "hexagons.csv")
    result = equalis.access.access(hexagons, hexagons, zone_id="idx", facility_id="idx", capacity="schools",
                                   matrix=DATA / "ttm_full.csv.gz", cost_unit="minutes",
                                   measures=["cumulative=30min", "closest"], income="income_per_capita",
                                   standard="30min", progress=False)
    zones = result.to_frame().merge(hexagons[["idx", "population", "income_decile"]], left_on="zone",
                                    right_on="idx")
    zones = zones[zones["population"] > 0]

    def people_weighted(frame, column):
        return (frame[column] * frame["population"]).sum() / frame["population"].sum()

    by_decile = pd.DataFrame({
        "schools_within_30min": zones.groupby("income_decile").apply(people_weighted, "cumulative_30"),
        "minutes_to_closest": zones.groupby("income_decile").apply(people_weighted, "closest_1"),
    })
    print(by_decile.round(2).to_string())
    for measure in result.json["measures"]:
        index = measure["equity"].get("concentration_index")
        if index is not None:
            print(f"{measure['key']}: concentration index by income {index:+.3f}")

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.bar(by_decile.index, by_decile["schools_within_30min"])
    left.set_title("Schools within 30 min by public transport")
    left.set_xlabel("income decile (1 = poorest)")
    right.bar(by_decile.index, by_decile["minutes_to_closest"], color="tab:orange")
    right.set_title("Minutes to the closest school")
    right.set_xlabel("income decile (1 = poorest)")
    figure.tight_layout()
    figure.savefig(output, dpi=100)
    print(f"plot: {output}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bho_access.png")
