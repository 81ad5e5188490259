"""The main job from Python: a study file in (docs/study.md), the report out, as `equalis run` does."""

import os

from ._call import Inputs, call
from ._values import geojson as _geojson
from ._values import path as _path
from .result import Result


class StudyReport(Result):
    """A study's report: `.json` is report.json (every section, the recipe with the inputs' SHA-256,
    timings, warnings), `.tables` the tables/*.csv files, `.zones` the zones as GeoJSON (a GeoDataFrame
    when geopandas is installed), `.html` the self-contained report page, `str()` the run's summary."""

    @property
    def html(self):
        return self._csv.get("report.html", b"").decode("utf-8")

    @property
    def zones(self):
        """The zones with every per-zone measure: a GeoDataFrame with geopandas, else a dict (GeoJSON)."""
        return _geojson(self._csv.get("zones.geojson"))

    @property
    def table_names(self):
        return sorted(name[len("tables/"):-len(".csv")] for name in self._csv
                      if name.startswith("tables/") and name.endswith(".csv"))

    def to_frame(self, table=None):
        """A table of the report (tables/<name>.csv) as a DataFrame; the first one when table is None."""
        import io  # noqa: PLC0415

        import pandas as pd  # noqa: PLC0415

        names = self.table_names
        if not names:
            raise ValueError("the study produced no table; see .json")
        name = names[0] if table is None else table
        key = f"tables/{name}.csv"
        if key not in self._csv:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(names)}")
        return pd.read_csv(io.BytesIO(self._csv[key]))


def run(study, output=None, *, lang=None, cache=True, cache_dir=None, progress=None):
    """Runs a study file: every stage it names, each module's own engine.

    study     -- path of the study file (TOML; paths in it are relative to it)
    output    -- folder to write the report to (replaced as a whole, atomically); None writes nothing
    lang      -- "en" or "zh" (default: the study's)
    cache     -- reuse cached travel costs (in cache_dir, default $XDG_CACHE_HOME/equalis)
    """
    with Inputs() as inputs:
        fields = dict(study=os.fspath(study), output=_path(output), lang=lang, cache=cache,
                      cache_dir=_path(cache_dir))
        return call("run", fields, progress, inputs, StudyReport)
