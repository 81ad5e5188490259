"""Regional inequality of Mexican states' income per head, 1940–2000, from Python.

For every census year: the Gini, Theil's T and the share of Theil T that lies *between* the regions of
Hanson (1998), with a bootstrap interval for the Gini. Data: examples/mexico (PySAL's Mexico data, Rey &
Sastré-Gutiérrez 2010; SOURCE.md there). Run:

    python3 examples/python/mexico_inequality.py [OUTPUT.png]

It prints the table and saves a plot (default mexico_inequality.png).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import equalis  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "mexico" / "mexico.csv"
YEARS = [1940, 1950, 1960, 1970, 1980, 1990, 2000]


def main(output):
    states = pd.read_csv(DATA)
    columns = [f"pcgdp{year}" for year in YEARS]
    result = equalis.measure.inequality(states, value=columns, group="hanson98", ge_alphas=[1],
                                        indices=["gini", "ge", "decomposition"], bootstrap=999, seed=2024,
                                        progress=False)
    statistics = result.statistics()
    wide = result.to_frame().assign(year=YEARS)
    between = statistics[statistics["statistic"] == "ge(1).between_share"].set_index("indicator")["value"]
    wide["between_share"] = wide["indicator"].map(between).astype(float)
    gini_rows = statistics[statistics["statistic"] == "gini"].set_index("indicator")
    wide["gini_low"] = wide["indicator"].map(gini_rows["lower"]).astype(float)
    wide["gini_high"] = wide["indicator"].map(gini_rows["upper"]).astype(float)
    print(wide[["year", "gini", "gini_low", "gini_high", "ge(1)", "between_share"]].to_string(index=False))

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(wide["year"], wide["gini"], marker="o", label="Gini")
    left.fill_between(wide["year"], wide["gini_low"], wide["gini_high"], alpha=0.2, label="95 % bootstrap")
    left.plot(wide["year"], wide["ge(1)"], marker="s", label="Theil T")
    left.set_title("Inequality of income per head across 32 states")
    left.set_xlabel("year")
    left.legend()
    right.bar(wide["year"], wide["between_share"] * 100, width=6)
    right.set_title("Share of Theil T between Hanson's regions")
    right.set_ylabel("%")
    right.set_xlabel("year")
    figure.tight_layout()
    figure.savefig(output, dpi=100)
    print(f"plot: {output}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "mexico_inequality.png")
