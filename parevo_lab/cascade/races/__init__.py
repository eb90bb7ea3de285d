"""The races stage: static lint, instrumented shadow replay, differential runs (in verify).

``check_function(f, *args)`` race-checks any ``@njit`` function defined in a file, in-process.
"""

from .replay import check_function, run

__all__ = ["check_function", "run"]
