"""The package's version, for the layers below the package root (which imports them all), and
the version of the primitives' sources (a hash: what numba's caches must be keyed by)."""

import functools
import hashlib
import os
from pathlib import Path

try:
    from ._version import __version__  # written by the build (hatch-vcs style), not tracked
except ImportError:  # running from a checkout that was never built
    __version__ = "0.1.0"


def folder_fingerprint(folder: Path) -> str:
    """16 hex digits of a hash of the names and contents of the .py files under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def primitives_fingerprint() -> str:
    """The fingerprint of ``parevo_lab/primitives``. numba's cache of a function holds the
    compiled code of every function it calls and is checked against its own file only: a
    cached function calling a primitive goes on running the old primitive after the library
    changed (measured: a spanning forest at 150 ms a call instead of 60)."""
    return folder_fingerprint(Path(__file__).parent / "primitives")


def drop_stale_cache(folder: Path) -> None:
    """Delete numba's cache files in ``folder/__pycache__`` when they were written for other
    sources of ``folder`` (a function calling one from another file of it would keep that one's
    old code): the primitives call this as they are imported. A folder it cannot write (an
    installed package, which numba caches elsewhere) is left alone, as is ``NUMBA_CACHE_DIR``."""
    cache = Path(folder) / "__pycache__"
    mark = cache / "parevo-sources.fingerprint"
    now = folder_fingerprint(folder)
    try:
        if mark.read_text(encoding="utf-8") == now:
            return
    except OSError:
        pass
    try:
        cache.mkdir(exist_ok=True)
        for path in [*cache.glob("*.nbi"), *cache.glob("*.nbc")]:
            path.unlink(missing_ok=True)
        tmp = mark.with_name(f"{mark.name}.tmp{os.getpid()}")
        tmp.write_text(now, encoding="utf-8")
        os.replace(tmp, mark)  # atomic: a concurrent import sees the old mark or the new
    except OSError:
        pass
