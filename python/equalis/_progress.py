"""Progress of a long call: a Python callable `progress(event, task, done, total)` (event is "begin",
"update" or "end"), a tqdm bar by default when tqdm is installed and standard error is a terminal."""

import sys


class TqdmProgress:
    """Draws one tqdm bar per task of the engine."""

    def __init__(self, file=None):
        from tqdm import tqdm  # noqa: PLC0415 (optional dependency)

        self._tqdm = tqdm
        self._file = file
        self._bar = None

    def __call__(self, event, task, done, total):
        if event == "begin":
            self._close()
            self._bar = self._tqdm(total=total or None, desc=task, file=self._file, leave=False)
        elif self._bar is not None:
            self._bar.update(max(0, done - self._bar.n))
            if event == "end":
                self._close()

    def _close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def resolve(progress):
    """The callable to hand the engine: None (no progress), a tqdm bar, or the user's own callable.

    progress=None draws a bar only when tqdm is installed and standard error is a terminal; True asks
    for a bar (ImportError without tqdm); False turns progress off."""
    if progress is False:
        return None
    if progress is None or progress is True:
        try:
            import tqdm  # noqa: F401, PLC0415
        except ImportError:
            if progress is True:
                raise
            return None
        if progress is None and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
            return None
        return TqdmProgress()
    if not callable(progress):
        raise TypeError("progress must be None, True, False or a callable(event, task, done, total)")
    return progress
