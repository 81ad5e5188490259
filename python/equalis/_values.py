"""Conversions of argument values shared by the modules: lists of names and durations."""

import datetime
import numbers


def names(value):
    """A list of names from one name or an iterable of them (None stays None)."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else [str(item) for item in value]


def seconds(value):
    """Seconds from a number or a datetime.timedelta (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"a duration must be seconds (a number) or a datetime.timedelta, not {value!r}")
