"""Does an automated decision treat groups unequally: group and intersection metrics, eligibility rules,
representation against a census, mitigation and a streaming monitor (docs/audit.md, docs/cli.md). Each
function takes a pandas DataFrame or a CSV path and the options of the matching `equalis audit` command,
named as its flags with underscores (`--min-cell` is `min_cell`)."""

from ._call import Inputs, call
from ._values import names as _names
from ._values import seconds as _seconds
from .result import Result


class AuditResult(Result):
    """An audit report: `.json` the CLI's JSON document, `tidy()` the CLI's CSV form (section, period,
    family, group, bin, metric, value, low, high), `to_frame()` one row per group of it."""

    _section = None  # the CSV section that to_frame() widens

    def tidy(self):
        """The CLI's CSV form without its recipe rows, as a long table."""
        frame = super().to_frame()
        return frame[frame["section"] != "recipe"].reset_index(drop=True)

    def to_frame(self, table=None):
        """One row per (period, family, group) of the report's main section, one column per metric
        (values as numbers where they are numbers); to_frame(name) is the raw table `name`."""
        if table is not None:
            return super().to_frame(table)
        frame = self.tidy()
        frame = frame[(frame["section"] == self._section) & frame["group"].notna()]
        return _widen(frame)


class MetricsResult(AuditResult):
    """`audit.metrics`: `to_frame()` one row per group and intersection cell (family, group) with its
    counts, rates, disparities to the reference, tests and the four-fifths flag; calibration, periods,
    the rule audit and the mitigation are in `.json` and `tidy()`."""

    _section = "metrics"


class RulesResult(AuditResult):
    """`audit.rules`: `to_frame()` one row per group (and `overall`) with who the rule excludes."""

    _section = "rule_audit"


class RepresentationResult(AuditResult):
    """`audit.representation`: `to_frame()` one row per group with its count, data share, population
    share and coverage ratio."""

    _section = "representation"


class MitigateResult(AuditResult):
    """`audit.mitigate`: `to_frame()` one row per (family, group): reweighing weights and
    equal-opportunity thresholds with the rates before and after."""

    _section = "mitigation"


class MonitorResult(Result):
    """`audit.monitor`: `.events` the alerts and clearances (the CLI's JSON lines), `.summary` its last
    line, `to_frame()` the events as a table, `str()` the CLI's NDJSON output."""

    @property
    def events(self):
        return self.json.get("events", [])

    @property
    def summary(self):
        return self.json.get("summary", {})

    @property
    def table_names(self):
        return ["events"]

    def to_frame(self, table=None):
        import pandas as pd  # noqa: PLC0415

        if table not in (None, "events"):
            raise KeyError(f"no table {table!r}; the tables are events")
        return pd.DataFrame(self.events)


def metrics(data, group, *, decision=None, score=None, threshold=None, label=None, count=None, positive=None,
            negative=None, label_positive=None, missing_group=None, missing=None, delimiter=None,
            input_format=None, reference=None, alpha=None, power=None, min_cell=None, four_fifths=None,
            favourable=None, bootstrap=None, seed=None, stratified=None, intersections=None, rule=None, bins=None,
            binning=None, time=None, period=None, mitigation=None, target_tpr=None, progress=None):
    """Selection and error rates per group and intersection cell, disparities to a reference with
    intervals and tests, the four-fifths rule, and (with a label) calibration and mitigation options.

    data        -- DataFrame or decision log path (CSV, or NDJSON for .ndjson/.jsonl): one row per
                   applicant, or per cell with `count`
    group       -- sensitive attribute column, or a list (intersections are their cross product)
    decision    -- 0/1 decision column, or `score` with `threshold` (selected when score >= threshold)
    label       -- true outcome column: enables the error-rate metrics
    reference   -- "most-favoured" (default), "overall", a VALUE or "ATTRIBUTE=VALUE" (a list per attribute)
    favourable  -- "selected" (default) or "not-selected" (a fraud flag, a risk score)
    missing_group -- "own" (default), "drop" or "error"; missing -- "error" (default) or "drop"
    binning     -- "equal-width" (default) or "quantile"; period -- "day", "week", "month", "quarter", "year"
    intersections, mitigation -- False skips them (the CLI's --no-intersections, --no-mitigation)
    """
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), group=_names(group), decision=decision, score=score,
                      threshold=threshold, label=label, count=count, positive=_names(positive),
                      negative=_names(negative), label_positive=_names(label_positive),
                      missing_group=missing_group, missing=missing, delimiter=delimiter, input_format=input_format,
                      reference=_names(reference), alpha=alpha, power=power, min_cell=min_cell,
                      four_fifths=four_fifths, favourable=favourable, bootstrap=bootstrap, seed=seed,
                      stratified=stratified, intersections=intersections, rule=rule, bins=bins, binning=binning,
                      time=time, period=period, mitigation=mitigation, target_tpr=target_tpr)
        return call("audit_metrics", fields, progress, inputs, MetricsResult)


def rules(data, rule, group, *, count=None, min_cell=None, alpha=None, delimiter=None, progress=None):
    """Evaluates an eligibility rule (e.g. 'hukou == "local" and has_e_id') on a population table and
    reports who it excludes, by group.

    data  -- DataFrame or CSV path: one row per person, or per cell with `count`
    group -- attribute column(s) to break exclusion down by
    """
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), rule=rule, group=_names(group), count=count,
                      min_cell=min_cell, alpha=alpha, delimiter=delimiter)
        return call("audit_rules", fields, progress, inputs, RulesResult)


def representation(data, group, reference, *, reference_value, reference_group=None, count=None, coverage=None,
                   min_cell=None, alpha=None, delimiter=None, progress=None):
    """Compares a data set's group shares with reference population shares (under-coverage).

    data            -- DataFrame or CSV path (applicants, a registry, training data)
    group           -- group column of the data set
    reference       -- DataFrame or CSV path with one row per group (e.g. a census table)
    reference_value -- population count or share column of the reference
    coverage        -- under-covered below this ratio of shares (default 0.8)
    """
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), group=group, count=count,
                      reference=inputs.path(reference, "reference"), reference_group=reference_group,
                      reference_value=reference_value, coverage=coverage, min_cell=min_cell, alpha=alpha,
                      delimiter=delimiter)
        return call("audit_representation", fields, progress, inputs, RepresentationResult)


def mitigate(data, group, *, label, decision=None, score=None, threshold=None, count=None, positive=None,
             negative=None, label_positive=None, missing_group=None, missing=None, delimiter=None,
             input_format=None, target_tpr=None, min_cell=None, progress=None):
    """Reweighing weights and equal-opportunity group thresholds (with the accuracy change) for a
    decision log with a true outcome `label`; the decision log's options are those of metrics()."""
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), group=_names(group), decision=decision, score=score,
                      threshold=threshold, label=label, count=count, positive=_names(positive),
                      negative=_names(negative), label_positive=_names(label_positive),
                      missing_group=missing_group, missing=missing, delimiter=delimiter, input_format=input_format,
                      target_tpr=target_tpr, min_cell=min_cell)
        return call("audit_mitigate", fields, progress, inputs, MitigateResult)


def monitor(data, group, *, decision=None, score=None, threshold=None, positive=None, negative=None, time=None,
            window_count=None, window_seconds=None, gap_threshold=None, alpha=None, min_group=None, min_cell=None,
            state=None, save_every=None, follow=None, input_format=None, delimiter=None, progress=None):
    """Streams a decision log through the monitor and returns the alerts it raised (a disparity in a
    sliding window that is large and supported) and clearances, as `equalis audit monitor` prints them.

    window_count   -- the last N decisions (default 10000; 0 = off); window_seconds -- the last S
                      seconds, a timedelta or "10min" (needs `time`, event times in seconds)
    gap_threshold  -- alert on |rate(group) - rate(rest)| at least this (0.1), significant at `alpha`
    state          -- state file, restored at start and saved atomically (every `save_every` decisions)
    follow         -- keep reading as the file grows, until Ctrl-C (the state is saved)
    """
    with Inputs() as inputs:
        fields = dict(file=inputs.path(data, "data"), group=_names(group), decision=decision, score=score,
                      threshold=threshold, positive=_names(positive), negative=_names(negative), time=time,
                      window_count=window_count,
                      window_seconds=_seconds(window_seconds),
                      gap_threshold=gap_threshold, alpha=alpha, min_group=min_group, min_cell=min_cell,
                      state=None if state is None else str(state), save_every=save_every, follow=follow,
                      input_format=input_format, delimiter=delimiter)
        return call("audit_monitor", fields, progress, inputs, MonitorResult)


def _widen(frame):
    """The tidy rows of one section as one row per (period, family, group), a column per metric."""
    import pandas as pd  # noqa: PLC0415

    keys = [key for key in ("period", "family", "group") if frame[key].notna().any()]
    frame = frame.assign(**{key: frame[key].fillna("") for key in keys})
    wide = frame.drop_duplicates(keys + ["metric"]).set_index(keys + ["metric"])["value"].unstack("metric")
    # The CSV's order of rows and columns, not alphabetical.
    rows = list(dict.fromkeys(zip(*(frame[key] for key in keys)))) if len(keys) > 1 else \
        list(dict.fromkeys(frame[keys[0]]))
    wide = wide.reindex(index=rows, columns=list(dict.fromkeys(frame["metric"])))
    wide = wide.rename_axis(index=keys, columns=None).reset_index()
    for column in wide.columns[len(keys):]:
        try:
            wide[column] = pd.to_numeric(wide[column])
        except (TypeError, ValueError):
            pass  # a word (the reference group, a rule) stays text
    return wide
