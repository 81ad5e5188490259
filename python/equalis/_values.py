"""Conversions of argument values shared by the modules: lists of names and durations."""

import datetime
import numbers


def names(value):
    """A list of names from one name or an iterable of them (None stays None)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(item) for item in value]


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
