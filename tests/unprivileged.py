"""Run a command as an unprivileged user, for the tests of what the sandbox closes to a candidate
of the same user (tests/security/): a non-dumpable parent, RLIMIT_NPROC, another user's lock.

Root reads every process's /proc files and is exempt from RLIMIT_NPROC, so those tests mean
something only for a normal user. When the tests run as one, the command runs as it is. As root,
it runs as ``nobody`` (uid 65534) in a private mount namespace (``unshare -m``), where a folder of
the interpreter that only root may enter (pyenv under /root, mode 0700) is mounted where nobody
can reach it; nothing outside that namespace changes. ``reason()`` says why that is not possible
here (no unshare or setpriv, no right to make namespaces), for a skip.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

NOBODY = 65534


def _closed_folder(path: Path) -> Path | None:
    """The deepest folder above ``path`` that other users may not enter, if any."""
    closed = None
    for folder in reversed(path.parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            closed = folder
    return closed


def reason() -> str | None:
    """Why a command cannot run unprivileged here (None when it can)."""
    if os.geteuid() != 0:
        return None
    for tool in ("unshare", "setpriv", "mount"):
        if shutil.which(tool) is None:
            return f"running as root without `{tool}`: cannot start a process of another user"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"running as root, but cannot make a mount namespace: {probe.stderr.strip()}"
    return None


def command(argv: list[str], uid: int = NOBODY) -> list[str]:
    """``argv`` as a command line that runs it as ``uid`` (unchanged when we are not root)."""
    if os.geteuid() != 0:
        return list(argv)
    python = Path(os.path.realpath(sys.executable))
    steps = ["mount --make-rprivate /"]
    closed = _closed_folder(python)
    if closed is not None:
        # closed=/root, python=/root/.pyenv/...: show /root/.pyenv on a tmpfs over /root
        inner = closed / python.relative_to(closed).parts[0]
        hold = "/tmp/.parevo-unprivileged-$$"
        steps += [
            f"mkdir -p {hold}",
            f"mount --bind {shlex.quote(str(inner))} {hold}",
            f"mount -t tmpfs -o mode=0755 tmpfs {shlex.quote(str(closed))}",
            f"mkdir -p {shlex.quote(str(inner))}",
            f"mount --move {hold} {shlex.quote(str(inner))}",
            f"rmdir {hold}",
        ]
    steps.append(f'exec setpriv --reuid={uid} --regid={uid} --clear-groups -- "$@"')
    return ["unshare", "-m", "sh", "-c", " && ".join(steps), "sh", *map(str, argv)]


@contextlib.contextmanager
def home(uid: int = NOBODY):
    """A fresh folder of ``uid`` (with its ``tmp``) under /tmp, which it can reach (pytest's own
    folders are 0700), for its files, caches and store; removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="parevo-test-unprivileged-", dir="/tmp"))
    try:
        (path / "tmp").mkdir()
        if os.geteuid() == 0:
            os.chown(path, uid, uid)
            os.chown(path / "tmp", uid, uid)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def give(path: Path, uid: int = NOBODY) -> None:
    """Hand ``path`` and what is below it to ``uid`` (when we are root)."""
    if os.geteuid() != 0:
        return
    for root, folders, files in os.walk(path):
        for name in [root, *(os.path.join(root, f) for f in folders + files)]:
            os.chown(name, uid, uid)


def environment(home: Path, **extra: str) -> dict[str, str]:
    """A plain environment for the unprivileged command: its caches and store in ``home``, this
    checkout on the path."""
    root = Path(__file__).resolve().parent.parent
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "PYTHONPATH": str(root),
        "PAREVO_CACHE_DIR": str(home / "cache"),
        "PAREVO_DB": str(home / "parevo.db"),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        **extra,
    }
