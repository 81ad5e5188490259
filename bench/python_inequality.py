#!/usr/bin/env python3
"""The Python package's speed goal (docs/PERFORMANCE.md): equalis.measure.inequality on a 10 M-row
DataFrame within 10 % of the C++ library's time for the same work (BM_RunInequalityInMemory of
bench/inequality_bench: the facade from a table in memory, JSON rendered), with the pandas + numpy
figures of bench/pandas_baseline.py computed on the same frame beside it. Also the memory the call adds on
top of the frame (peak RSS), to show that the columns cross without a copy of the frame.

usage: PYTHONPATH=build/release/python /usr/bin/python3 bench/python_inequality.py [ROWS]
"""
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import equalis

sys.path.insert(0, str(Path(__file__).parent))
from pandas_baseline import theil_decomposition, weighted_gini  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows):
    rng = np.random.default_rng(1)
    region = rng.integers(0, 31, rows)
    frame = pd.DataFrame({
        "value": np.exp(9.0 + 0.02 * region + 0.8 * rng.standard_normal(rows)),
        "pop": 100.0 + 9900.0 * rng.random(rows),
        "region": pd.Categorical.from_codes(region, [f"region{g}" for g in range(31)]),
    })
    before = peak_mb()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = equalis.measure.inequality(frame, value="value", weight="pop", group="region",
                                            indices=["gini", "ge", "decomposition"], ge_alphas=[0, 1],
                                            progress=False)
        times.append(time.perf_counter() - started)
    added = peak_mb() - before
    figures = result.to_frame().iloc[0]
    print(f"rows {rows:,}; frame {frame.memory_usage(deep=False).sum() / 1e6:.0f} MB")
    print(f"equalis.measure.inequality: best {min(times):.3f} s of {', '.join(f'{t:.3f}' for t in times)}; "
          f"peak RSS added by the calls {added:.0f} MB; gini {figures['gini']:.6f}")
    started = time.perf_counter()
    values, weights = frame["value"].to_numpy(), frame["pop"].to_numpy()
    gini = weighted_gini(values, weights)
    theil = theil_decomposition(values, weights, frame["region"].cat.codes.to_numpy())
    print(f"pandas + numpy (same figures): {time.perf_counter() - started:.3f} s; gini {gini:.6f}; {theil}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
