#!/usr/bin/env python3
"""The pandas + numpy baseline of docs/PERFORMANCE.md: read a CSV (id,region,value,pop) and compute the
population-weighted Gini and the Theil T and Theil L decompositions by region, as
`equalis measure inequality FILE --value value --weight pop --group region --indices gini,ge,decomposition
--ge-alpha 0,1` does. Prints the figures (to compare with equalis) and the seconds of each phase.

usage: /usr/bin/python3 bench/pandas_baseline.py FILE.csv      (Debian's python3-pandas, python3-numpy)
"""
import sys
import time

import numpy as np
import pandas as pd


def weighted_gini(values, weights):
    order = np.argsort(values, kind="stable")
    x, w = values[order], weights[order]
    cum_w = np.cumsum(w)
    cum_xw = np.cumsum(x * w)
    total_w, total_xw = cum_w[-1], cum_xw[-1]
    # Area under the Lorenz curve by trapezoids over population shares.
    lorenz = cum_xw / total_xw
    previous = np.concatenate(([0.0], lorenz[:-1]))
    return 1.0 - np.sum((w / total_w) * (lorenz + previous))


def theil_decomposition(values, weights, groups):
    share_w = weights / weights.sum()
    mean = np.sum(share_w * values)
    ratio = values / mean
    theil_t = np.sum(share_w * ratio * np.log(ratio))
    theil_l = -np.sum(share_w * np.log(ratio))
    frame = pd.DataFrame({"g": groups, "w": weights, "xw": values * weights})
    sums = frame.groupby("g", sort=False).sum()
    group_share = sums["w"] / weights.sum()
    group_mean = sums["xw"] / sums["w"]
    between_t = np.sum(group_share * group_mean / mean * np.log(group_mean / mean))
    between_l = -np.sum(group_share * np.log(group_mean / mean))
    return theil_t, between_t, theil_l, between_l


def main():
    start = time.perf_counter()
    frame = pd.read_csv(sys.argv[1], usecols=["region", "value", "pop"], dtype={"region": "category"})
    read = time.perf_counter()
    values = frame["value"].to_numpy(dtype=np.float64)
    weights = frame["pop"].to_numpy(dtype=np.float64)
    gini = weighted_gini(values, weights)
    codes = frame["region"].cat.codes.to_numpy()
    theil_t, between_t, theil_l, between_l = theil_decomposition(values, weights, codes)
    done = time.perf_counter()
    print(f"rows {len(frame)}  gini {gini:.4f}  theil_t {theil_t:.4f} (between {between_t:.4f})  "
          f"theil_l {theil_l:.4f} (between {between_l:.4f})")
    print(f"read {read - start:.2f} s  estimators {done - read:.2f} s  total {done - start:.2f} s")


if __name__ == "__main__":
    main()
