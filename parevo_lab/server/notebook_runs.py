"""Runs started in a notebook's kernel (``%parevo_evolve``) in the server's list of runs, so the
panel and the magics share one list per notebook.

The server puts its runs folder in its environment (``PAREVO_SERVER_RUNS``), which every kernel
it starts inherits. ``%parevo_evolve`` without ``--out`` then writes its run into a folder
there, with a ``request.json`` that says ``"origin": "notebook"``, the notebook's path
(``JPY_SESSION_NAME``, which jupyter_server gives its kernels) and the kernel's process. The
server lists such a run like its own: running while the kernel's process lives and the run
says so, interrupted when the kernel died mid-run. Stop interrupts the kernel (the cell ends
and the run is recorded as stopped); resuming is the notebook's (``%parevo_evolve --resume``).

The kernel a request names is taken for one only when it is the same process (start time), of
this user, and one this server started (a process below the server's): a planted request naming
any other process gets it neither shown as running nor interrupted. (Its /proc environment
would say more, but a kernel that ran a candidate is non-dumpable: only root could read it.)
A kernel writes its run folder 0700 (its files 0600), and only into a runs folder that is its
user's alone.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from .jobs import REQUEST_FILE, now, process_owner, start_time, write_json
from .private import folder_problem, make_folder

ENV = "PAREVO_SERVER_RUNS"
ORIGIN = "notebook"


def shared_runs_dir() -> Path | None:
    """The runs folder of the Jupyter server that started this kernel, if any."""
    value = os.environ.get(ENV)
    path = Path(value).resolve() if value else None
    if path is None or folder_problem(path) or folder_problem(path.parent):
        return None  # none, or another user's or writable by others: the default folder
    return path


def register(run_id: str, settings: dict) -> Path | None:
    """A folder for a run this kernel is about to start, listed by the server; None outside
    a kernel of a ParEVO server."""
    root = shared_runs_dir()
    if root is None:
        return None
    folder = root / run_id
    make_folder(folder)
    pid = os.getpid()
    notebook = os.environ.get("JPY_SESSION_NAME") or None
    write_json(
        folder / REQUEST_FILE,
        {
            "id": run_id,
            "kind": "run",
            "origin": ORIGIN,
            "created": now(),
            "settings": {**settings, "notebook": notebook},
            "kernel": {"pid": pid, "start_time": start_time(pid)},
        },
    )
    return folder


def runs_of(notebook: str | None) -> list[dict]:
    """The runs of the shared folder that belong to ``notebook`` (this kernel's notebook, an
    absolute path; the panel's runs name it relative to the server's root), oldest first: each
    ``{"id", "origin", "created", "name", "status", "folder"}``; every run when the notebook is
    not known."""
    from ..rundir import read_run
    from .jobs import read_json

    root = shared_runs_dir()
    if root is None:
        return []
    found = []
    for folder in root.iterdir():
        if folder_problem(folder):  # another user's, or others can write it: not read
            continue
        request = read_json(folder / REQUEST_FILE)
        if request.get("kind") != "run":
            continue
        named = (request.get("settings") or {}).get("notebook") or ""
        if (
            notebook
            and named
            and not (
                named == notebook or Path(notebook).as_posix().endswith("/" + named.lstrip("/"))
            )
        ):
            continue
        state = read_run(folder, candidates=False) or {}
        status = state.get("status") or request.get("state") or "queued"
        if status == "running" and is_notebook_run(request) and not kernel_alive(request):
            status = "interrupted"
        found.append(
            {
                "id": folder.name,
                "origin": request.get("origin") or "panel",
                "created": request.get("created") or "",
                "name": (request.get("settings") or {}).get("name") or "task",
                "status": status,
                "folder": folder,
            }
        )
    return sorted(found, key=lambda r: r["created"])


def is_notebook_run(request: dict) -> bool:
    return request.get("origin") == ORIGIN


def _below(pid: int, ancestor: int) -> bool:
    """Whether ``ancestor`` started ``pid``, directly or through its children."""
    for _ in range(64):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            pid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
    return False


def kernel_alive(request: dict, server: int | None = None) -> bool:
    """Whether the kernel that started the run is still the same live process of this user;
    with ``server`` (a pid), also one that process started."""
    kernel = request.get("kernel") or {}
    pid, started = kernel.get("pid"), kernel.get("start_time")
    if type(pid) is not int or pid <= 0 or started is None or start_time(pid) != started:
        return False
    if process_owner(pid) != os.geteuid():
        return False
    return server is None or _below(pid, server)


def settle(request: dict, out: dict, root_dir: Path | None) -> None:
    """Fill in a notebook run's answer (``out``, as ``RunFolders.run`` builds it)."""
    notebook = out.get("notebook")
    if notebook and root_dir is not None and os.path.isabs(notebook):
        try:
            out["notebook"] = Path(notebook).resolve().relative_to(root_dir.resolve()).as_posix()
        except ValueError:
            pass  # a notebook outside the server's root: shown as it is
    out["origin"] = ORIGIN
    alive = kernel_alive(request, os.getpid())  # in the server: its own kernels only
    if out["run"] is None:
        out["status"] = "running" if alive else "failed"
        out["reason"] = "" if alive else "the notebook's run ended before it began"
    elif out["status"] == "running" and not alive:
        out["status"] = "interrupted"
        out["reason"] = (
            "the notebook's kernel ended during the run: resume it in the notebook with "
            "%parevo_evolve --resume"
        )
    out["resumable"] = False  # resumed where it runs: in its notebook


def interrupt(request: dict) -> bool:
    """Stop a notebook's run: interrupt its kernel (the run records itself as stopped), when it
    is a kernel of this server (a process below this one)."""
    if not kernel_alive(request, os.getpid()):
        return False
    os.kill(request["kernel"]["pid"], signal.SIGINT)
    return True
