"""equalis: measure, audit and plan the equalization of basic public services (docs/python.md).

    import equalis
    result = equalis.measure.inequality(df, value="doctors_per_1000", weight="population", group="region")
    result.to_frame()          # the indices as a DataFrame
    report = equalis.run("examples/bho/study.toml")

Each module mirrors a family of the command line (`equalis measure …`, `equalis audit …`, …) and gives the
same numbers: the functions call the same engines and read back the same JSON and CSV.
"""

from . import access, audit, errors, journeys, measure, network, plan
from ._equalis import __version__
from .errors import (Cancelled, Error, FileError, InfeasibleError, InputError, InternalError, ParseError,
                     UnsupportedError)
from .result import Result
from .study import StudyReport, run

__all__ = ["Cancelled", "Error", "FileError", "InfeasibleError", "InputError", "InternalError", "ParseError",
           "Result", "StudyReport", "UnsupportedError", "__version__", "access", "audit", "errors", "journeys",
           "measure", "network", "plan", "run"]
