"""The server's folders are its user's alone.

A work folder or a run folder that another user owns or can write is refused: another user could
have planted a request, a job file naming a process to kill, or a task file to run. The server
says so in one line naming the folder and the fix, and lists, serves, runs and signals nothing
from such a folder. What the server writes there is created 0700 (folders) and 0600 (files), and
its jobs run with the umask 077, so that their databases, logs and candidates are private too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
JOB_UMASK = 0o077  # what a job creates (run.sqlite, best.py, mutants/) is private
SUBFOLDERS = ("runs", "checks", "audits")
_FIX = "use a folder of your own (c.ParevoLab.work_dir) or chmod 700 it"


def _whose(info: os.stat_result) -> str | None:
    """Why a folder with this stat is not ours alone, or None when it is."""
    uid = os.geteuid()
    if info.st_uid != uid:
        return f"it belongs to user {info.st_uid}, not to you (user {uid})"
    if info.st_mode & 0o022:
        return f"it is writable by other users (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def folder_problem(folder: Path) -> str | None:
    """Why a run, check or audit folder must not be trusted (a symbolic link, another user's, or
    writable by others), or None when it is ours alone."""
    try:
        info = os.lstat(folder)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    return _whose(info)


def prepare_work_folder(work_dir: Path) -> str | None:
    """Create the work folder and its runs/, checks/ and audits/ (0700), or make an existing one
    private; the one line that refuses it when another user owns it or can write it (or a
    folder above it is writable by everyone without the sticky bit /tmp has), else None."""
    work_dir = Path(work_dir)
    where = work_dir.resolve()
    for above in where.parents:
        try:
            info = above.stat()
        except OSError:
            continue
        if info.st_mode & stat.S_IWOTH and not info.st_mode & stat.S_ISVTX:
            return (
                f"parevo_lab: refusing the work folder {work_dir}: the folder above it, {above}, "
                f"is writable by every user (mode {stat.S_IMODE(info.st_mode):04o}, no sticky "
                f"bit); use a folder of your own (c.ParevoLab.work_dir) or chmod o-w {above}"
            )
    try:
        where.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    except OSError as exc:
        return f"parevo_lab: cannot create the work folder {work_dir}: {exc.strerror}; {_FIX}"
    for folder in (where, *(where / name for name in SUBFOLDERS)):
        try:
            folder.mkdir(exist_ok=True, mode=FOLDER_MODE)
            info = folder.stat()
        except OSError as exc:
            return f"parevo_lab: cannot use the work folder {work_dir}: {folder}: {exc.strerror}"
        why = _whose(info) if stat.S_ISDIR(info.st_mode) else "it is not a folder"
        if why:
            named = "" if folder == where else f"its folder {folder.name}/ "
            return f"parevo_lab: refusing the work folder {work_dir}: {named}{why}; {_FIX}"
        os.chmod(folder, FOLDER_MODE)
    return None


def make_folder(folder: Path) -> None:
    """A new folder only this user can enter (FileExistsError if it exists)."""
    folder.mkdir(mode=FOLDER_MODE)
    os.chmod(folder, FOLDER_MODE)


def open_private(path: Path):
    """``path`` opened for writing, created (or truncated) 0600, never through a symbolic
    link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode otherwise
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) to ``path``, a file only this user can read."""
    with open_private(path) as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
