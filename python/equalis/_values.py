"""Conversions of argument values shared by the modules: lists of names and floats, paths, durations,
and GeoJSON read back."""

import datetime
import io
import json
import numbers
import os


def names(value):
    """A list of names from one name or an iterable of them (None stays None)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(item) for item in value]


def floats(value):
    """A list of floats from one number or an iterable of them (None stays None)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return [float(value)]
    return [float(item) for item in value]


def path(value):
    """A path as text from a str or os.PathLike (None stays None)."""
    return None if value is None else os.fspath(value)


def geojson(content):
    """GeoJSON bytes as a GeoDataFrame when geopandas is installed, else as a dict (None stays None)."""
    if content is None:
        return None
    try:
        import geopandas  # noqa: PLC0415 (optional dependency)
    except ImportError:
        return json.loads(content)
    return geopandas.read_file(io.BytesIO(content))


def seconds(value):
    """Seconds from a number, a datetime.timedelta or text as the CLI reads it ("90s", "10min", "1h30min");
    None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        from . import _equalis  # noqa: PLC0415
        from .errors import InputError  # noqa: PLC0415

        parsed = _equalis.parse_duration(value)
        if parsed is None:
            raise InputError(f"'{value}' is not a duration", message=f"'{value}' is not a duration",
                             fix='write seconds (600), or "90s", "10min", "1.5h", "1h30min"', code="invalid_input")
        return parsed
    raise TypeError(f"a duration must be seconds, a datetime.timedelta or text like '10min', not {value!r}")
