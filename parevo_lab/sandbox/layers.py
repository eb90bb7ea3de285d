"""Numba's threading layer for a candidate's child, chosen before its thread pool starts.

Numba splits a prange loop into equal chunks, one per thread (the static schedule), unless a
chunk size is set (``numba.set_parallel_chunksize(c)``): then chunks of ``c`` iterations go to
whichever thread is free, but only the TBB layer honours that (NUMBA_NOTES.md). So a kernel that
sets a chunk size runs under TBB, and every other kernel under OpenMP, numba's layer here before
TBB was installed: installing the ``tbb`` package would otherwise move every candidate to TBB
(numba tries ``tbb omp workqueue`` in that order), and the static kernels' timings would change
with the environment. A layer the user names in ``NUMBA_THREADING_LAYER`` is theirs and stays.
The layer that ran is recorded in every profile (``threading_layer``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import re
import sys
from pathlib import Path

# numba.set_parallel_chunksize(c), or the parallel_chunksize(c) context manager
DYNAMIC = re.compile(r"\b(?:set_)?parallel_chunksize\s*\(")
STATIC_ORDER = ("omp", "tbb", "workqueue")
DYNAMIC_ORDER = ("tbb", "omp", "workqueue")
TBB_LIBRARY = "libtbb.so.12"


def asks_for_chunks(source: str | None) -> bool:
    """Whether the kernel sets a chunk size (a dynamic schedule) somewhere."""
    return bool(source) and DYNAMIC.search(source) is not None


def _tbb_path() -> Path | None:
    """The TBB library pip installed beside this Python (``<prefix>/lib``: a virtual
    environment's, which numba's own search does not look in), or None."""
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        path = Path(prefix) / "lib" / TBB_LIBRARY
        if path.is_file():
            return path
    return None


@functools.cache
def tbb_available() -> bool:
    """Whether a TBB library is there for numba's TBB layer (beside this Python, or where the
    system's loader finds it: oneTBB, ``libtbb.so.12`` on, as numba asks). Checked without
    loading it."""
    if _tbb_path() is not None:
        return True
    found = ctypes.util.find_library("tbb") or ""
    return re.fullmatch(r"libtbb\.so\.1\d+", found) is not None


def preload_tbb() -> bool:
    """Load TBB from beside this Python, so numba's TBB layer finds it in a virtual environment
    too (the loader matches the already loaded library by name). False when there is none."""
    path = _tbb_path()
    if path is None:
        return False
    try:
        ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    except OSError:
        return False
    return True


def order_for(source: str | None, environ=None) -> tuple[str, ...] | None:
    """The layers to try, first choice first, for a kernel with this source: TBB first for a
    dynamic schedule, OpenMP first otherwise. None when ``NUMBA_THREADING_LAYER`` names a
    layer (the user's choice)."""
    environ = os.environ if environ is None else environ
    if environ.get("NUMBA_THREADING_LAYER", "default").strip().lower() not in ("", "default"):
        return None
    return DYNAMIC_ORDER if asks_for_chunks(source) else STATIC_ORDER


def configure(source: str | None) -> tuple[str, ...] | None:
    """Set numba's layer priority for this process before its threads start (the child calls
    this once, right after importing numba). Returns the order set, or None."""
    import numba

    order = order_for(source)
    if order is None:
        return None
    if order[0] == "tbb":
        preload_tbb()
    numba.config.THREADING_LAYER = "default"
    numba.config.THREADING_LAYER_PRIORITY = list(order)
    return order


def candidate_source(job: dict) -> str | None:
    """The text of the job's kernels (the candidate's file, and a re-timing's incumbent: two
    kernels timed in one child share its layer, TBB when either sets a chunk size), or None (a
    job without a candidate)."""
    texts = []
    for key in ("candidate_module", "incumbent_module"):
        module = job.get(key)
        if not module or not job.get("sources_dir"):
            continue
        try:
            texts.append((Path(job["sources_dir"]) / f"{module}.py").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return "\n".join(texts) if texts else None
