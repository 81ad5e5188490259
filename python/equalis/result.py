"""What a call returns: the CLI's JSON document (`.json`), its tables as pandas DataFrames (`.tables`,
`.to_frame()`) and its text form (`str(result)`)."""

import io


class Result:
    """A result of an equalis engine.

    json     -- the JSON document the CLI prints with --format json (a dict)
    tables   -- name -> pandas DataFrame, read from the CLI's CSV output of the same result
    text     -- the CLI's text form
    log      -- the engine's messages (warnings also reach Python's warnings module)
    """

    def __init__(self, document, tables, text, log):
        self.json = document
        self._csv = tables  # name -> bytes
        self._frames = {}
        self.text = text
        self.log = log

    @property
    def table_names(self):
        return [name for name in self._csv if name.endswith(".csv") or "." not in name]

    @property
    def tables(self):
        return {name: self.to_frame(name) for name in self.table_names}

    def to_frame(self, table=None):
        """One table as a pandas DataFrame (the first one when `table` is None)."""
        import pandas as pd  # noqa: PLC0415

        names = self.table_names
        if not names:
            raise ValueError(f"{type(self).__name__} has no table; see .json")
        name = names[0] if table is None else table
        if name not in self._csv:
            raise KeyError(f"no table {name!r}; the tables are {', '.join(names)}")
        if name not in self._frames:
            self._frames[name] = pd.read_csv(io.BytesIO(self._csv[name]), keep_default_na=True)
        return self._frames[name].copy()

    def __str__(self):
        return self.text

    def __repr__(self):
        tables = ", ".join(self.table_names) or "none"
        return f"<equalis {type(self).__name__}: tables {tables}; .json, .to_frame(), str() for the text>"
