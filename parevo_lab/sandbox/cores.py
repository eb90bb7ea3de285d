"""The lock over this host's cores: verifications share them, a profile has them to itself.

A readers-writer lock across processes (``flock``) on a file in a folder only its user can enter,
by default, so that no other user can hold it or plant a file in its place; the host-wide lock of
every user (``PAREVO_CORES_LOCK=host``) is an operator's opt-in. The file is never opened through
a symbolic link nor has its mode changed, the wait is bounded, and a lock that is not free names
its holder. docs/security.md says what each choice defends against.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import math
import os
import stat
import tempfile
import time

from .. import settings
from ..errors import ParevoError

CORES_LOCK = "parevo-lab-cores.lock"  # the host-wide lock's name in the temporary folder
CORES_LOCK_ENV = "PAREVO_CORES_LOCK"  # unset or "user": per user; "host": host-wide; or a path
CORES_LOCK_WAIT_ENV = "PAREVO_CORES_LOCK_WAIT"  # seconds (default settings.CORES_LOCK_WAIT_S)


class CoresLockError(ParevoError, RuntimeError):
    """The cores lock cannot be used (a symbolic link, a file or folder of another user) or was
    not free within the bounded wait: one line naming it, its holder when known, and the fix."""

    http_status = 503


def cores_lock_path() -> str:
    """The lock file over this host's cores. By default one per user, in a folder only that user
    can enter (``$XDG_RUNTIME_DIR/parevo-lab``, else ``<temp>/parevo-lab-<uid>``): another user
    can neither hold it nor plant a file there. ``PAREVO_CORES_LOCK=host`` (an operator's choice)
    shares ``<temp>/parevo-lab-cores.lock`` between every user of the host, so that no two users
    time candidates at once; an absolute path names a lock file the operator made."""
    choice = os.environ.get(CORES_LOCK_ENV, "").strip()
    if choice in ("", "user"):
        return os.path.join(_private_folder(), "cores.lock")
    if choice == "host":
        return os.path.join(tempfile.gettempdir(), CORES_LOCK)
    if not os.path.isabs(choice):
        raise CoresLockError(
            f"{CORES_LOCK_ENV}={choice!r} is neither 'user', 'host' nor the absolute path of a "
            "lock file"
        )
    return choice


def _private(info: os.stat_result, uid: int) -> str | None:
    """Why the folder ``info`` is not private to ``uid`` (None when it is)."""
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != uid:
        return f"belongs to uid {info.st_uid}, not to you (uid {uid})"
    if info.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def _private_folder() -> str:
    uid = os.getuid()
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    try:
        usable = os.path.isabs(runtime) and _private(os.lstat(runtime), uid) is None
    except OSError:
        usable = False
    if usable:
        folder = os.path.join(runtime, "parevo-lab")
    else:
        folder = os.path.join(tempfile.gettempdir(), f"parevo-lab-{uid}")
    fix = f"remove it, or set {CORES_LOCK_ENV} to a lock file in a folder of yours"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise CoresLockError(
            f"cannot make the folder of the cores lock {folder}: {exc.strerror}; set "
            f"{CORES_LOCK_ENV} to a lock file in a folder of yours"
        ) from None
    problem = _private(os.lstat(folder), uid)
    if problem is not None:
        raise CoresLockError(f"the folder of the cores lock {folder} {problem}: {fix}")
    return folder


def _open_lock(path: str, private: bool) -> int:
    """A descriptor on the lock file ``path``, never through a symbolic link, never changing the
    mode of a file that exists (a new one is made 0600 in the private folder, else 0644: others
    open it read-only, which is enough for ``flock``)."""
    flags = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    fix = (
        f"remove it, or set {CORES_LOCK_ENV} to a lock file in a folder of yours"
        if private
        else f"ask its owner to remove it, or unset {CORES_LOCK_ENV} for a lock of your own"
    )
    denied = None
    for how in (os.O_RDWR | os.O_CREAT, os.O_RDWR, os.O_RDONLY):
        try:
            fd = os.open(path, how | flags, 0o600 if private else 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise CoresLockError(
                    f"the cores lock {path} is a symbolic link; it is never followed: {fix}"
                ) from None
            if exc.errno not in (errno.EACCES, errno.EPERM):
                raise CoresLockError(
                    f"cannot open the cores lock {path}: {exc.strerror}; {fix}"
                ) from None
            denied = exc
            continue
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            raise CoresLockError(f"the cores lock {path} is not a regular file: {fix}")
        return fd
    try:
        owner = f" (it belongs to uid {os.lstat(path).st_uid})"
    except OSError:
        owner = ""
    raise CoresLockError(f"cannot open the cores lock {path}: {denied.strerror}{owner}; {fix}")


def _lock_wait() -> float:
    given = os.environ.get(CORES_LOCK_WAIT_ENV, "").strip()
    if not given:
        return settings.CORES_LOCK_WAIT_S
    try:
        wait = float(given)
    except ValueError:
        wait = math.nan
    if not math.isfinite(wait) or wait < 0:
        raise CoresLockError(
            f"{CORES_LOCK_WAIT_ENV}={given!r} is not a number of seconds (e.g. 600)"
        )
    return wait


def _holders(fd: int) -> list[int]:
    """The processes holding a lock on the file of ``fd`` (Linux /proc/locks); where that cannot
    be read, the pid the last holder wrote into the file."""
    info = os.fstat(fd)
    key = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks") as handle:
            lines = handle.read().splitlines()
    except OSError:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return [int(os.pread(fd, 32, 0).split()[0])]
        return []
    pids = set()
    for line in lines:  # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" ("->": a waiter)
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5] == key:
            with contextlib.suppress(ValueError):
                if int(parts[4]) > 0 and int(parts[4]) != os.getpid():
                    pids.add(int(parts[4]))
    return sorted(pids)


def _describe_process(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            command = b" ".join(handle.read().split(b"\0")).decode(errors="replace").strip()
        owner = os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return f"pid {pid} (no longer running)"
    command = " ".join(command.split())  # one line, whatever its arguments hold
    command = command if len(command) <= 80 else command[:77] + "..."
    return f"pid {pid} of uid {owner} ({command})"


def _take(fd: int, how: int, deadline: float, path: str, cores: int, wait: float) -> None:
    """``flock`` with a bounded wait: polls, then names who holds the cores."""
    pause = 0.005
    while True:
        try:
            fcntl.flock(fd, how | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            holders = _holders(cores) or _holders(fd)
            who = ", ".join(_describe_process(p) for p in holders)
            if not holders:
                who = "a process /proc/locks does not show"
                with contextlib.suppress(OSError, ValueError, IndexError):
                    last = int(os.pread(cores, 32, 0).split()[0])
                    who += f" (the last to take it: {_describe_process(last)})"
            raise CoresLockError(
                f"the cores lock {path} was not free within {wait:g} s: held by {who}; wait for "
                f"it to finish or stop it, set {CORES_LOCK_WAIT_ENV} to wait longer, or use a "
                f"lock of your own ({CORES_LOCK_ENV} unset)"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@contextlib.contextmanager
def _cores(exclusive: bool, wait_s: float | None = None):
    """A readers-writer lock over the host's cores, across processes (flock). The gate makes it
    fair: a profile waiting for the cores stops new verifications from starting before it. The
    wait is bounded (``PAREVO_CORES_LOCK_WAIT``); the holder writes its pid into the file."""
    path = cores_lock_path()
    private = os.environ.get(CORES_LOCK_ENV, "").strip() in ("", "user")
    wait = _lock_wait() if wait_s is None else wait_s
    deadline = time.monotonic() + wait
    gate = _open_lock(path + ".gate", private)
    try:
        cores = _open_lock(path, private)
    except BaseException:
        os.close(gate)
        raise
    try:
        _take(gate, fcntl.LOCK_EX, deadline, path, cores, wait)
        try:
            _take(cores, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, deadline, path, cores, wait)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
        with contextlib.suppress(OSError):  # read-only (another user's host-wide file): unsaid
            os.pwrite(cores, f"{os.getpid()}\n".ljust(16).encode(), 0)
        yield
    finally:
        os.close(cores)  # closing the descriptor releases its lock
        os.close(gate)


def cores_shared(wait_s: float | None = None):
    """Held while compiling, verifying and replaying for races: any number at once, none while a
    profile runs on this host."""
    return _cores(exclusive=False, wait_s=wait_s)


def cores_exclusive(wait_s: float | None = None):
    """Held while profiling: the timing child has this host's cores to itself, so measurements
    from different runs, servers or Dask workers never share cores."""
    return _cores(exclusive=True, wait_s=wait_s)
