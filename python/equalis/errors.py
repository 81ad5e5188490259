"""The exceptions equalis raises. Each keeps the engine's message, the fix it suggests and, for a problem
in an input, the file, line and column (1-based; None when not known)."""


class Error(Exception):
    """Base class of every equalis error."""

    def __init__(self, text, *, message=None, fix="", code="", file=None, line=None, column=None):
        super().__init__(text)
        self.message = message if message is not None else text
        self.fix = fix
        self.code = code
        self.file = file
        self.line = line
        self.column = column


class InputError(Error, ValueError):
    """The input is readable but cannot be used (a missing column, a negative weight, a bad option)."""


class ParseError(InputError):
    """An input file could not be read as its format (a malformed CSV record, a bad number)."""


class FileError(Error, OSError):
    """A file could not be opened, read or written."""


class InfeasibleError(Error):
    """The planning model has no solution under the given constraints."""


class UnsupportedError(Error):
    """A valid request that this build or method cannot serve."""


class Cancelled(Error):
    """The work was stopped before it finished."""


class InternalError(Error):
    """A bug in equalis: please report it with the input that caused it."""


__all__ = ["Error", "InputError", "ParseError", "FileError", "InfeasibleError", "UnsupportedError",
           "Cancelled", "InternalError"]
