"""Issue 18, hole 5: the cores lock. It lived in /tmp for every user: opened through a symbolic
link and then chmod-ed 0666 (a link made a private file world-writable), held forever by anyone
(no bounded wait), and a file another user made first was an uncaught PermissionError.

Now it is per user by default, in a folder only that user can enter; the host-wide lock is an
operator's opt-in (``PAREVO_CORES_LOCK=host``); no link is followed, no mode changed, the wait is
bounded and names the holder, and a file that cannot be opened is one line."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import unprivileged

from parevo_lab import sandbox
from parevo_lab.errors import ParevoError

HOST_LOCK = "parevo-lab-cores.lock"  # the host-wide lock's name in the temporary folder

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, f"{os.getpid()}\\n".encode(), 0)
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def temp(tmp_path, monkeypatch):
    """The temporary folder the lock code sees (``tempfile.gettempdir()``), empty, with no
    $XDG_RUNTIME_DIR and no lock setting of the test's environment."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    for name in ("XDG_RUNTIME_DIR", "PAREVO_CORES_LOCK", "PAREVO_CORES_LOCK_WAIT"):
        monkeypatch.delenv(name, raising=False)
    return folder


def _take(exclusive: bool = False) -> None:
    with sandbox.cores_exclusive() if exclusive else sandbox.cores_shared():
        pass


def test_the_default_lock_is_the_users_own_in_a_folder_only_they_can_enter(temp):
    _take()
    _take(exclusive=True)
    # nothing in the shared temporary folder but the user's own 0700 folder
    assert [p.name for p in temp.iterdir()] == [f"parevo-lab-{os.getuid()}"]
    folder = temp / f"parevo-lab-{os.getuid()}"
    info = folder.lstat()
    assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    assert stat.S_IMODE(info.st_mode) == 0o700
    for lock in folder.iterdir():
        assert stat.S_IMODE(lock.stat().st_mode) & 0o077 == 0, lock


def test_the_default_lock_lives_in_xdg_runtime_dir_when_there_is_one(temp, tmp_path, monkeypatch):
    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    _take()
    assert (runtime / "parevo-lab").is_dir()
    assert sandbox.cores_lock_path().startswith(str(runtime / "parevo-lab") + os.sep)
    assert not list(temp.iterdir())


@pytest.mark.parametrize("how", ["symlink", "other-user", "open-to-all"])
def test_a_planted_per_user_folder_is_refused_in_one_line(temp, tmp_path, how):
    folder = temp / f"parevo-lab-{os.getuid()}"
    if how == "symlink":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
        expected = "is a symbolic link"
    elif how == "other-user":
        if os.geteuid() != 0:
            pytest.skip("only root can make a folder that belongs to another user")
        folder.mkdir(mode=0o700)
        os.chown(folder, unprivileged.NOBODY, unprivileged.NOBODY)
        expected = f"belongs to uid {unprivileged.NOBODY}"
    else:
        folder.mkdir()
        folder.chmod(0o777)
        expected = "is open to other users"
    with pytest.raises(ParevoError) as caught:
        _take()
    message = str(caught.value)
    assert expected in message and str(folder) in message and "\n" not in message
    assert "PAREVO_CORES_LOCK" in message  # the fix
    if how == "symlink":
        assert not list((tmp_path / "elsewhere").iterdir()), "a lock was made through the link"


def test_the_host_wide_lock_is_opt_in_and_never_followed_through_a_symlink(temp, monkeypatch):
    private = temp.parent / "private-file"
    private.write_text("mine\n")
    private.chmod(0o600)
    (temp / HOST_LOCK).symlink_to(private)
    monkeypatch.setenv("PAREVO_CORES_LOCK", "host")
    with pytest.raises(ParevoError) as caught:
        _take()
    assert "symbolic link" in str(caught.value) and str(temp / HOST_LOCK) in str(caught.value)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600, "the link's target was chmod-ed"
    assert private.read_text() == "mine\n"


def test_an_existing_host_wide_lock_is_used_as_it_is(temp, monkeypatch):
    monkeypatch.setenv("PAREVO_CORES_LOCK", "host")
    for name in (HOST_LOCK, HOST_LOCK + ".gate"):
        (temp / name).write_text("")
        (temp / name).chmod(0o640)
    _take()
    _take(exclusive=True)
    for name in (HOST_LOCK, HOST_LOCK + ".gate"):
        assert stat.S_IMODE((temp / name).stat().st_mode) == 0o640, f"{name} was chmod-ed"
    # the holder wrote its pid into the lock, for whoever waits for it
    assert (temp / HOST_LOCK).read_text().split() == [str(os.getpid())]


def test_a_held_lock_is_waited_for_a_bounded_time_and_its_holder_named(temp, monkeypatch):
    lock = temp / HOST_LOCK  # the host-wide lock's file, named explicitly
    monkeypatch.setenv("PAREVO_CORES_LOCK", str(lock))
    monkeypatch.setenv("PAREVO_CORES_LOCK_WAIT", "1")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    outcome: dict = {}

    def attempt():
        started = time.monotonic()
        try:
            _take(exclusive=True)
            outcome["error"] = None
        except Exception as exc:  # noqa: BLE001 - the test reads it
            outcome["error"] = exc
        outcome["waited"] = time.monotonic() - started

    try:
        assert holder.stdout.readline().strip() == "held"
        thread = threading.Thread(target=attempt, daemon=True)
        thread.start()
        thread.join(timeout=20)
        still_waiting = thread.is_alive()
    finally:
        holder.kill()
        holder.wait()
    assert not still_waiting, "the wait for a held lock has no bound"
    error = outcome["error"]
    assert isinstance(error, ParevoError), error
    message = str(error)
    assert f"pid {holder.pid}" in message and str(lock) in message and "\n" not in message
    assert "PAREVO_CORES_LOCK_WAIT" in message
    assert 0.9 <= outcome["waited"] < 10
    # once the holder is gone the lock is free again
    _take(exclusive=True)


def test_a_lock_file_another_user_made_first_is_one_line_not_a_traceback():
    """Host-wide (``PAREVO_CORES_LOCK=host``): the files, and the per-user ``lock.<uid>`` names
    the old code fell back to, made first by another user (here root, for ``nobody``), 0600."""
    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    shared = Path(tempfile.mkdtemp(prefix="parevo-test-shared-tmp-", dir="/tmp"))
    try:
        shared.chmod(0o1777)  # like /tmp
        uid = unprivileged.NOBODY if os.geteuid() == 0 else os.getuid()
        for name in (HOST_LOCK, HOST_LOCK + ".gate"):
            for planted in (name, f"{name}.{uid}"):
                (shared / planted).write_text("")
                (shared / planted).chmod(0o600 if os.geteuid() == 0 else 0o000)
        probe = (
            "from parevo_lab import sandbox\n"
            "from parevo_lab.errors import ParevoError\n"
            "try:\n"
            "    with sandbox.cores_shared():\n"
            "        print('TOOK THE LOCK')\n"
            "except ParevoError as exc:\n"
            "    print('ONE LINE:', exc)\n"
        )
        with unprivileged.home() as home:
            done = subprocess.run(
                unprivileged.command([sys.executable, "-c", probe]),
                capture_output=True,
                text=True,
                timeout=120,
                cwd="/",
                env=unprivileged.environment(
                    home, TMPDIR=str(shared), PAREVO_CORES_LOCK="host", PAREVO_CORES_LOCK_WAIT="5"
                ),
            )
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ONE LINE: "), done.stdout + done.stderr
    assert "cannot open the cores lock" in lines[0] and str(shared) in lines[0]
    assert "PAREVO_CORES_LOCK" in lines[0]  # the fix: a lock of one's own
