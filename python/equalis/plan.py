"""Where should service points go, and how should a budget be spread (docs/plan.md, docs/cli.md). One
function per model of `equalis plan` (pmedian, pcenter, mclp, lscp, fair) and budget(); options are named
as the command's flags with underscores (`--time-limit` is `time_limit`, `--gap` is `target_gap`).

The costs come from exactly one source: `orlib` (an OR-Library p-median file), `matrix` (a long CSV
from, to, cost, or a DataFrame) with an optional `demand` table, or `graph` (a road network from
equalis.network.build) with `demand` (id, lon, lat, weight, group) and `sites` (id, lon, lat). A plan that
cannot be had raises InfeasibleError or UnsupportedError, whose `.result` holds the report.

Options every model takes (keywords):
    orlib, matrix, demand, graph, sites -- the cost source (DataFrames or paths; orlib and graph paths,
                          graph also a Network)
    max_time, max_snap -- graph: pairs farther than max_time are unreachable; snap limit (metres)
    cost_unit          -- "seconds", "minutes", "metres" or "given" (the file's own unit)
    from_col, to_col, cost_col, id_col, weight_col, unweighted, groups, drop_missing_group -- columns
    existing           -- candidate ids that stay open (a list)
    seed, time_limit, target_gap -- the search (durations: seconds, a datetime.timedelta or "10min")
    site_costs, site_id_col, site_cost_col, budget -- opening costs (DataFrame or CSV) and their budget
    progress           -- a callable(event, task, done, total), or True for a progress bar
"""

import os
import warnings

from ._call import Inputs, call
from ._values import names as _names
from ._values import seconds as _seconds
from .errors import InfeasibleError, UnsupportedError
from .result import Result


class PlanResult(Result):
    """A plan: `.open_sites`, `.status`, `to_frame()` the outcome per demand group (demand, mean and
    largest cost, coverage within the radius), `.json` the CLI's document (instance, solution, bound,
    the fairness comparison), `.tables["plan"]` its CSV form."""

    @property
    def status(self):
        return self.json["result"]["status"]

    @property
    def open_sites(self):
        return list(self.json["result"]["open_sites"])

    def to_frame(self, table=None):
        if table is not None:
            return super().to_frame(table)
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(self.json["result"].get("groups", []))


class BudgetResult(Result):
    """A budget allocation: `to_frame()` one row per region (value, spend, increase, new value),
    `.json["result"]` the objective and the distribution before and after."""

    @property
    def status(self):
        return self.json["result"]["status"]

    def to_frame(self, table=None):
        if table is not None:
            return super().to_frame(table)
        import pandas as pd  # noqa: PLC0415

        return pd.DataFrame(self.json["result"]["regions"])


_FAILURES = {"infeasible": InfeasibleError, "unsupported": UnsupportedError}


def pmedian(*, p=None, exact=None, capacity=None, capacity_col=None, single_source=None, mip_max_pairs=None,
            **options):
    """Minimises the demand-weighted cost with `p` new sites (a bound and the gap; `exact` solves the
    MIP with CBC). `capacity` (a DataFrame or CSV of id, capacity) limits what a site can serve. The
    cost source and the options every model takes: see help(equalis.plan)."""
    return _plan("pmedian", options, p=p, exact=exact, capacity=capacity, capacity_col=capacity_col,
                 single_source=single_source, mip_max_pairs=mip_max_pairs)


def pcenter(*, p=None, capacity=None, capacity_col=None, single_source=None, **options):
    """Minimises the largest cost with `p` new sites (exact: a radius search with set cover)."""
    return _plan("pcenter", options, p=p, capacity=capacity, capacity_col=capacity_col,
                 single_source=single_source)


def mclp(*, p=None, radius, capacity=None, capacity_col=None, single_source=None, **options):
    """Maximises the demand within `radius` (in the cost unit) with `p` new sites."""
    return _plan("mclp", options, p=p, radius=radius, capacity=capacity, capacity_col=capacity_col,
                 single_source=single_source)


def lscp(*, radius, capacity=None, capacity_col=None, single_source=None, **options):
    """The fewest sites (or, with `site_costs`, the cheapest) with every client within `radius`."""
    return _plan("lscp", options, radius=radius, capacity=capacity, capacity_col=capacity_col,
                 single_source=single_source)


def fair(*, p=None, objective=None, aversion=None, cost_slack=None, focus_groups=None, mip_max_pairs=None,
         **options):
    """An equity plan with `p` new sites, compared with the plain p-median plan (price of fairness).

    objective    -- "kolm-pollak" (default: the EDE p-median, with inequality `aversion` >= 0), "rawls"
                    (worst group mean cost, then total), "coverage" (worst group share within `radius`),
                    "gap" (max - min group mean under a total cost at most (1 + cost_slack) x p-median)
    focus_groups -- rawls/coverage: the groups whose worst-off is optimised (e.g. ["Q1", "Q2"])
    """
    return _plan("fair", options, p=p, objective=objective, aversion=aversion, cost_slack=cost_slack,
                 focus_groups=_names(focus_groups), mip_max_pairs=mip_max_pairs)


def budget(regions, budget, *, objective=None, id_col=None, value_col=None, population_col=None,
           unit_cost_col=None, cap_col=None, committed_col=None, time_limit=None, progress=None):
    """Allocates `budget` across regions (LP) to raise the minimum ("maximin", default) or cut the
    population-weighted mean absolute deviation ("mad").

    regions -- DataFrame or CSV: region, indicator, population, unit_cost[, cap][, committed] (the
               column names can be changed with the *_col options)
    """
    with Inputs() as inputs:
        fields = dict(regions=inputs.path(regions, "regions"), budget=None if budget is None else float(budget),
                      objective=objective, id_col=id_col, value_col=value_col, population_col=population_col,
                      unit_cost_col=unit_cost_col, cap_col=cap_col, committed_col=committed_col,
                      time_limit=_seconds(time_limit))
        return _checked(call("plan_budget", fields, progress, inputs, BudgetResult))


def _plan(model, options, **model_options):
    """Runs `model` with `options` (those every model takes, see the module) and its own."""
    progress = options.pop("progress", None)
    with Inputs() as inputs:
        fields = dict(options)  # an unknown name reaches the engine, which names the nearest known one
        for name in ("matrix", "demand", "sites", "site_costs"):
            if name in fields:
                fields[name] = inputs.path(fields[name], name)
        if "capacity" in model_options:
            model_options["capacity"] = inputs.path(model_options["capacity"], "capacity")
        for name in ("orlib", "graph"):
            if fields.get(name) is not None:
                fields[name] = os.fspath(fields[name])
        if "existing" in fields:
            fields["existing"] = _names(fields["existing"])
        for name in ("max_time", "time_limit"):
            if name in fields:
                fields[name] = _seconds(fields[name])
        fields.update(model_options)
        fields["model"] = model
        caught = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = call("plan", fields, progress, inputs, PlanResult)
        finally:
            for warning in caught:  # pointed at the caller of pmedian() & co., not at this module
                warnings.warn(warning.message, warning.category, stacklevel=3)
        return _checked(result)


def _checked(result):
    failure = _FAILURES.get(result.json.get("result", {}).get("status"))
    if failure is None:
        return result
    message = result.json["result"].get("message") or "no plan meets the constraints"
    error = failure(f"plan {result.json['result']['status']}: {message}", message=message,
                    code=result.json["result"]["status"])
    error.result = result
    raise error

