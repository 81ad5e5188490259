"""How every function reaches the engine: data frames are handed over as files the engine reads (written
with every digit of every float, so the numbers are those of the same data read by the CLI; only
measure.inequality reads its frame in memory), the call runs with the GIL released, and the result, the
CLI's own JSON, CSV and text, becomes a Result of the family's class. Messages and results name a data
frame by its argument, never by the temporary file it crossed in."""

import json
import os
import shutil
import tempfile
import warnings

from . import _equalis
from . import _progress
from .errors import Error


class Inputs:
    """The files behind a call's inputs: paths as given, data frames written to a private folder."""

    def __init__(self):
        self._folder = None
        self.names = {}  # temporary path -> how to name it to the user

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def path(self, data, argument):
        """A path for `data`: a str or os.PathLike as given, a pandas DataFrame (or a dict of columns)
        written to a CSV file. None stays None."""
        if data is None:
            return None
        if isinstance(data, (str, os.PathLike)):
            return os.fspath(data)
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="equalis-")
        if type(data).__name__ == "GeoDataFrame":  # polygons and points: as GeoJSON, which GDAL reads
            path = os.path.join(self._folder, f"{argument}.geojson")
            data.to_file(path, driver="GeoJSON")
        else:
            path = os.path.join(self._folder, f"{argument}.csv")
            _as_frame(data, argument).to_csv(path, index=False, float_format="%.17g")
        self.names[path] = f"data frame `{argument}`"
        return path

    def rename(self, text):
        for path, name in self.names.items():
            text = text.replace(path, name)
        return text


def _as_frame(data, argument):
    import pandas as pd  # noqa: PLC0415 (pandas is needed only for data frames)

    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, dict):
        frame = pd.DataFrame(data)
    else:
        raise TypeError(f"`{argument}` must be a file path or a pandas DataFrame, not {type(data).__name__}")
    # A named or non-default index carries data (region names, years): it becomes a column.
    if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex) or any(frame.index.names[1:]):
        frame = frame.reset_index()
    return frame


def _renamed(value, inputs):
    if isinstance(value, str):
        return inputs.rename(value)
    if isinstance(value, dict):
        return {key: _renamed(item, inputs) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, inputs) for item in value]
    return value


def call(function, fields, progress, inputs, kind, **extra):
    """Runs `_equalis.<function>(fields, progress, **extra)`; returns a `kind` (a Result class)."""
    fields = {key: value for key, value in fields.items() if value is not None}
    try:
        raw = getattr(_equalis, function)(fields, _progress.resolve(progress), **extra)
    except Error as error:
        if not inputs.names:
            raise
        renamed = type(error)(inputs.rename(str(error)), message=inputs.rename(error.message), fix=error.fix,
                              code=error.code, file=inputs.rename(error.file) if error.file else error.file,
                              line=error.line, column=error.column)
        raise renamed from None
    document = _renamed(json.loads(raw["json"]), inputs) if raw["json"] else {}
    for level, message in raw["log"]:
        if level == "warning":
            warnings.warn(inputs.rename(message), stacklevel=3)
    return kind(document, dict(raw["tables"]), inputs.rename(raw["text"]),
                [inputs.rename(message) for _, message in raw["log"]])
