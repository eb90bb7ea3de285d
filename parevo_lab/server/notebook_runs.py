"""Runs started in a notebook's kernel (``%parevo_evolve``) in the server's list of runs, so the
panel and the magics share one list per notebook.

The server puts its runs folder in its environment (``PAREVO_SERVER_RUNS``), which every kernel
it starts inherits. ``%parevo_evolve`` without ``--out`` then writes its run into a folder
there, with a ``request.json`` that says ``"origin": "notebook"``, the notebook's path
(``JPY_SESSION_NAME``, which jupyter_server gives its kernels) and the kernel's process. The
server lists such a run like its own: running while the kernel's process lives and the run
says so, interrupted when the kernel died mid-run. Stop interrupts the kernel (the cell ends
and the run is recorded as stopped); resuming is the notebook's (``%parevo_evolve --resume``).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from .jobs import REQUEST_FILE, now, start_time, write_json

ENV = "PAREVO_SERVER_RUNS"
ORIGIN = "notebook"


def shared_runs_dir() -> Path | None:
    """The runs folder of the Jupyter server that started this kernel, if any."""
    value = os.environ.get(ENV)
    path = Path(value) if value else None
    return path if path is not None and path.is_dir() else None


def register(run_id: str, settings: dict) -> Path | None:
    """A folder for a run this kernel is about to start, listed by the server; None outside
    a kernel of a ParEVO server."""
    root = shared_runs_dir()
    if root is None:
        return None
    folder = root / run_id
    folder.mkdir(parents=True)
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


def kernel_alive(request: dict) -> bool:
    """Whether the kernel that started the run is still the same live process."""
    kernel = request.get("kernel") or {}
    pid, started = kernel.get("pid"), kernel.get("start_time")
    return bool(isinstance(pid, int) and started is not None and start_time(pid) == started)


def settle(request: dict, out: dict, root_dir: Path | None) -> None:
    """Fill in a notebook run's answer (``out``, as ``RunFolders.run`` builds it)."""
    notebook = out.get("notebook")
    if notebook and root_dir is not None and os.path.isabs(notebook):
        try:
            out["notebook"] = Path(notebook).resolve().relative_to(root_dir.resolve()).as_posix()
        except ValueError:
            pass  # a notebook outside the server's root: shown as it is
    out["origin"] = ORIGIN
    alive = kernel_alive(request)
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
    """Stop a notebook's run: interrupt its kernel (the run records itself as stopped)."""
    if not kernel_alive(request):
        return False
    os.kill(request["kernel"]["pid"], signal.SIGINT)
    return True
