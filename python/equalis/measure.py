"""How unequal is it: inequality indices and decompositions, convergence, spatial autocorrelation and
composite indices (docs/measure.md, docs/cli.md). Each function takes a pandas DataFrame or a CSV path and
the options of the matching `equalis measure` command, named as its request fields."""

from ._call import Inputs, call
from ._values import names as _names
from ._values import floats as _numbers
from .result import Result


class InequalityResult(Result):
    """`to_frame()`: one row per indicator (and period), one column per index (gini, ge(1) = Theil T, …);
    `statistics()`: every statistic of `equalis measure inequality --format csv` (decompositions per
    group, intervals) as a long table; `.json["results"]` the JSON document's results."""

    def statistics(self):
        """The CSV form's result rows: indicator, period, statistic, group, value, lower, upper, …"""
        frame = super().to_frame("indices")
        return frame[frame["indicator"].notna()].reset_index(drop=True)

    def to_frame(self, table=None):
        if table is not None:
            return super().to_frame(table)
        frame = self.statistics()
        # Whole-sample indices only: "atkinson(0.5)" is one, "ge(0).between" and "…group[x]…" are not.
        top_level = ~frame["statistic"].str.replace(r"\(.*?\)", "", regex=True).str.contains(".", regex=False)
        frame = frame[frame["group"].isna() & top_level]
        frame = frame.assign(period=frame["period"].fillna(""), value=frame["value"].astype(float))
        wide = frame.pivot(index=["indicator", "period"], columns="statistic", values="value")
        wide = wide[list(dict.fromkeys(frame["statistic"]))]  # the CSV's order, not alphabetical
        wide.columns.name = None
        return wide.reset_index()


class ConvergenceResult(Result):
    """σ- and β-convergence and the distribution dynamics: see `.json` and `str()`."""


class SpatialResult(Result):
    """Moran's I per value column (`.json`), and with local=True the LISA table per unit (`to_frame()`)."""


class CompositeResult(Result):
    """One score and rank per unit (`to_frame()`), weights in `.json`."""


def inequality(data, value, *, weight=None, group=None, by=None, rank_by=None, indices=None, ge_alphas=None,
               atkinson_epsilons=None, gini_small_sample=None, bootstrap=None, confidence=None, stratified=None,
               permutations=None, seed=None, missing=None, allow_singleton_groups=None, delimiter=None,
               progress=None):
    """Gini, GE(α) (Theil T and L), Atkinson, dispersion and quantile ratios of `value`, with the
    between/within decomposition and Dagum's Gini decomposition by `group`.

    data       -- DataFrame or CSV path, one row per unit (region, county, …)
    value      -- indicator column, or a list of them (one result each)
    weight     -- population weight column; group -- group column (urban/rural, east/central/west)
    by         -- period column (long form): one result per period
    rank_by    -- ranking column for the concentration index
    indices    -- families: gini, ge, atkinson, dispersion, ratios, decomposition, dagum (default all)
    bootstrap  -- replicates for percentile intervals; permutations -- test of the between share
    missing    -- "error" (default) or "drop"
    """
    frame = _frame_columns(data, numeric=[*_names(value), weight, rank_by], category=[group, by])
    with Inputs() as inputs:
        fields = dict(file=None if frame else inputs.path(data, "data"), value=_names(value), weight=weight,
                      group=group, by=by,
                      rank_by=rank_by, indices=_names(indices), ge_alphas=_numbers(ge_alphas),
                      atkinson_epsilons=_numbers(atkinson_epsilons), gini_small_sample=gini_small_sample,
                      bootstrap=bootstrap, confidence=confidence, stratified=stratified,
                      permutations=permutations, seed=seed, missing=missing,
                      allow_singleton_groups=allow_singleton_groups, delimiter=delimiter)
        return call("measure_inequality", fields, progress, inputs, InequalityResult, frame=frame)


def convergence(data, value=None, *, times=None, by=None, id=None, weight=None, group=None, covariates=None,
                from_time=None, to_time=None, bandwidth=None, grid=None, density=None, missing=None,
                delimiter=None, progress=None):
    """σ- and β-convergence (unconditional and conditional) and the distribution's dynamics of a panel.

    Wide form: `value` lists one column per period (times from the names' trailing numbers, or `times`).
    Long form: one `value` column with a time column (`by`) and an `id` column.
    from_time, to_time -- the β window (default: first and last period); grid -- density grid points;
    density=False skips the distribution dynamics; bandwidth -- "silverman", "scott" or a number
    """
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), value=_names(value), times=_numbers(times), by=by,
                      id=id, weight=weight, group=group, covariates=_names(covariates), density=density,
                      from_time=from_time, to_time=to_time,
                      bandwidth=None if bandwidth is None else str(bandwidth), grid=grid, missing=missing,
                      delimiter=delimiter)
        return call("measure_convergence", fields, progress, inputs, ConvergenceResult)


def spatial(data, value, *, id, source=None, edges=None, edge_from=None, edge_to=None, edge_weight=None,
            edge_index=None, undirected=None, polygons=None, layer=None, polygon_id=None, contiguity=None,
            knn=None, distance_band=None, x=None, y=None, geographic=None, transform=None, permutations=None,
            seed=None, local=None, alpha=None, lisa_variance=None, missing=None, delimiter=None, progress=None):
    """Global Moran's I (and LISA with local=True) of `value` under spatial weights from one source:
    an edge list (`edges`, a DataFrame or CSV), polygons (`polygons`, any file GDAL reads: contiguity),
    `knn` nearest neighbours or a `distance_band` over the `x`/`y` columns."""
    if source is None:
        source = ("polygons" if polygons is not None else "knn" if knn else
                  "distance_band" if distance_band else "edges")
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), value=_names(value), id=id, source=source,
                      edges=inputs.path(edges, "edges"), edge_from=edge_from, edge_to=edge_to,
                      edge_weight=edge_weight, edge_index=edge_index, undirected=undirected,
                      polygons=None if polygons is None else str(polygons), layer=layer, polygon_id=polygon_id,
                      contiguity=contiguity, knn=knn, distance_band=distance_band, x=x, y=y,
                      geographic=geographic, transform=transform, permutations=permutations, seed=seed,
                      local=local, alpha=alpha, lisa_variance=lisa_variance, missing=missing,
                      delimiter=delimiter)
        return call("measure_spatial", fields, progress, inputs, SpatialResult)


def composite(data, indicators, *, id=None, normalize=None, weights=None, method=None,
              tie_tolerance=None, show_normalized=None, missing=None, delimiter=None, progress=None):
    """A composite equalization score per unit from several indicators: normalise, weight (equal,
    entropy, CRITIC, or explicit), aggregate by weighted sum or TOPSIS, rank.

    indicators -- columns; "COL" or "COL:+" means more is better, "COL:-" less is better
    weights    -- "equal", "entropy" (default), "critic", or one number per indicator (renormalised)
    method     -- "weighted-sum" (default) or "topsis"; normalize -- "minmax", "zscore" or "none"
    """
    if weights is not None and not isinstance(weights, str):
        weights = _numbers(weights)
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), indicators=_names(indicators), id=id, normalize=normalize,
                      weights=weights, method=method, tie_tolerance=tie_tolerance,
                      show_normalized=show_normalized, missing=missing, delimiter=delimiter)
        return call("measure_composite", fields, progress, inputs, CompositeResult)


def _frame_columns(data, numeric, category):
    """A DataFrame's columns handed over in memory: numeric ones as float64 arrays (a view, not a copy,
    when the column already is float64), categories as codes and labels. None when the data is not a
    DataFrame, lacks a column or holds a non-numeric value column: it then crosses as a file, whose
    reader names the column or cell at fault."""
    try:
        import numpy as np  # noqa: PLC0415
        import pandas as pd  # noqa: PLC0415
    except ImportError:
        return None
    if not isinstance(data, pd.DataFrame):
        return None
    frame = data
    wanted = [name for name in numeric + category if name is not None]
    if frame.index.name in wanted or any(name in wanted for name in frame.index.names if name):
        frame = frame.reset_index()
    columns = list(frame.columns)
    if any(columns.count(name) != 1 for name in wanted):
        return None
    numbers = []
    for name in (name for name in numeric if name is not None):
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_complex_dtype(column.dtype)):
            return None
        values = column.to_numpy()  # a view of a float64 column: no copy
        if values.dtype != np.float64:
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        numbers.append((name, np.ascontiguousarray(values)))
    categories = []
    for name in (name for name in category if name is not None):
        codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
        categories.append((name, np.ascontiguousarray(codes, dtype=np.int64), [_label(value) for value in uniques]))
    return {"source": "data frame `data`", "rows": len(frame), "numeric": numbers, "category": categories}


def _label(value):
    """A group label as the CSV form would spell it: 2.0 is "2", as "%.17g" writes it."""
    if isinstance(value, float):
        return "%.17g" % value
    return str(value)
