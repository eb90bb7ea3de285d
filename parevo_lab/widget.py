"""The Workbench in a notebook output: an anywidget over one run folder.

    from parevo_lab import Workbench
    Workbench("runs/histogram")          # any folder `parevo evolve --out` wrote, live or finished

It shows the candidate table (sortable, filterable by verdict), the selected candidate's diff
against its parent, its race traces and its speedup against threads (an SVG drawn by the widget's
own small ES module, ``static/workbench.js``: no plotly.js inside). While the run is live the
widget follows it by polling the run's SQLite file. It works wherever Jupyter widgets do
(JupyterLab, Notebook 7, VS Code); with no widget front end it prints a one-line summary.
"""

from __future__ import annotations

import difflib
import os
import threading
from pathlib import Path

import anywidget
import traitlets

from .results import Report, from_dict
from .rundir import RunNotFound, candidate_detail, read_run

STATIC = Path(__file__).parent / "static"
LIVE = ("running",)


def _run_folder(run) -> Path:
    out = getattr(run, "out", None)  # an EvolveResult
    folder = Path(out if out is not None else run)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no run folder at {folder}: pass the --out folder of `parevo evolve` "
            "(or the result of parevo_lab.evolve)"
        )
    return folder


def _diff(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_name, new_name, n=3, lineterm=""
    )
    return list(lines)


def _speedup_points(report: dict | None) -> dict | None:
    """What the widget plots: speedup over serial numba per thread count, CI, ideal and ceiling."""
    profile = (report or {}).get("profile") or {}
    vs = (profile.get("speedup") or {}).get("vs_serial") or {}
    if not vs:
        return None
    threads = sorted(int(p) for p in vs)
    ceiling = (profile.get("ceiling") or {}).get("compute_speedup") or {}
    return {
        "threads": threads,
        "value": [vs[str(p)]["value"] for p in threads],
        "ci_low": [vs[str(p)]["ci_low"] for p in threads],
        "ci_high": [vs[str(p)]["ci_high"] for p in threads],
        "significant": [bool(vs[str(p)].get("significant")) for p in threads],
        "ceiling": [ceiling.get(str(p)) for p in threads],
        "noisy": bool(profile.get("noisy")),
        "size": profile.get("size"),
    }


def detail_view(folder: Path, member_id: int) -> dict:
    """The selected candidate as the widget shows it (small: no sources beyond the diff)."""
    from .report.text import render, render_races

    full = candidate_detail(folder, member_id, figure=False)
    parent = full["parent"]
    if parent:
        against = f"parent #{parent['id']}"
        diff = _diff(parent["source"], full["source"], f"#{parent['id']}", f"#{member_id}")
    else:
        against = "the task's reference"
        diff = _diff(full["reference"], full["source"], "task.py", f"#{member_id}")
    out = {k: full[k] for k in ("id", "label", "verdict", "summary", "speedup", "threads")}
    out.update(
        origin=full["origin"],
        parent=({"id": parent["id"], "label": parent["label"]} if parent else None),
        against=against,
        diff=diff,
        report="",
        races="",
        speedup_points=None,
    )
    if full["report"]:
        report = from_dict(Report, full["report"])
        out["report"] = render(report)
        if report.races.entries:
            out["races"] = render_races(report)
        out["speedup_points"] = _speedup_points(full["report"])
    return out


class Workbench(anywidget.AnyWidget):
    """The candidates of one evolution run, live while it runs. ``run`` is a run folder (what
    ``parevo evolve --out`` wrote) or the result of ``parevo_lab.evolve``."""

    _esm = STATIC / "workbench.js"
    _css = STATIC / "workbench.css"

    folder = traitlets.Unicode("").tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    candidates = traitlets.List().tag(sync=True)
    selected = traitlets.Int(None, allow_none=True).tag(sync=True)
    detail = traitlets.Dict().tag(sync=True)
    following = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        run,
        *,
        follow: bool | None = None,
        poll_s: float = 1.0,
        wait_s: float = 600.0,
        **kwargs,
    ):
        folder = _run_folder(run)
        super().__init__(folder=str(folder), **kwargs)
        self._path = folder
        self._poll_s = poll_s
        self._wait_s = wait_s  # how long to follow a folder where no run has begun
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._auto_select = True  # show the best until the person picks a candidate
        self._selecting = False
        self.refresh()
        if follow is None:
            follow = self.run.get("status") in (*LIVE, "waiting")
        if follow:
            self.follow()

    # -- reading the run -------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the run folder again and push what changed to the front end."""
        with self._lock:
            try:
                state = read_run(self._path)
            except Exception as exc:  # noqa: BLE001 - a half-written file is shown, not raised
                self.error = f"cannot read {self._path}: {exc}"
                return
            if state is None:
                self.run = {"status": "waiting", "task": "", "members": 0, "evaluations": 0}
                return
            candidates = state.pop("candidates")
            settings = state.pop("settings") or {}
            state["budget"] = (settings.get("budget") or {}).get("evaluations")
            if state != self.run:
                self.run = state
            if candidates != self.candidates:
                before = {c["id"]: c["verdict"] for c in self.candidates}
                self.candidates = candidates
                if self.selected is not None and before.get(self.selected) != next(
                    (c["verdict"] for c in candidates if c["id"] == self.selected), None
                ):
                    self._load(self.selected)
            best = state["best"]
            if self._auto_select and best and best["id"] != self.selected:
                self._selecting = True
                try:
                    self.selected = best["id"]
                finally:
                    self._selecting = False

    @traitlets.observe("selected")
    def _on_select(self, change) -> None:
        if not self._selecting:
            self._auto_select = False  # a person (or the code) chose: keep it
        if change["new"] is not None:
            self._load(change["new"])

    def _load(self, member_id: int) -> None:
        try:
            self.detail = detail_view(self._path, member_id)
            self.error = ""
        except RunNotFound as exc:
            self.error = str(exc)

    # -- following a live run ----------------------------------------------------------------
    def follow(self) -> None:
        """Poll the run folder in a background thread until the run stops running."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self.following = True
        self._thread = threading.Thread(target=self._poll, name="parevo-workbench", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        quiet = 0
        waited = 0.0
        while not self._stop.wait(self._poll_s):
            self.refresh()
            status = (self.run or {}).get("status")
            waited = waited + self._poll_s if status == "waiting" else 0.0
            if waited > self._wait_s:
                self.error = f"no run began in {self._path} within {self._wait_s:.0f} s: call follow() once it has"
                break
            # A run that is not live is read twice more (its last rows may land after the status).
            quiet = 0 if status in LIVE or status == "waiting" else quiet + 1
            if quiet >= 2:
                break
        self.following = False

    def stop_following(self) -> None:
        if not hasattr(self, "_stop"):  # closed before it was fully built
            return
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.following = False

    def close(self) -> None:
        self.stop_following()
        super().close()

    # -- for the notebook and the paper --------------------------------------------------------
    def figure(self, member_id: int | None = None):
        """The plotly speedup-versus-threads figure of a candidate (the selected one by default)."""
        from .report.figures import speedup_vs_threads

        member = member_id if member_id is not None else self.selected
        if member is None:
            raise ValueError("no candidate is selected and the run has no correct one yet")
        full = candidate_detail(self._path, member, figure=False)
        profile = (full["report"] or {}).get("profile") or {}
        if not profile.get("ran"):
            raise ValueError(f"candidate #{member} was not profiled (verdict {full['verdict']})")
        return speedup_vs_threads(profile, title=f"#{member} {full['label']}")

    def __repr__(self) -> str:
        run = self.run or {}
        best = run.get("best")
        top = (
            f"best #{best['id']} {best['speedup']:.2f}x at {best['threads']} threads"
            if best and best.get("speedup")
            else "no timed correct candidate yet"
        )
        return (
            f"Workbench({os.fspath(self._path)!r}): {run.get('status', '?')}, "
            f"{run.get('evaluations', 0)} evaluations, {top}"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            data, metadata = bundle
        else:
            data, metadata = bundle, {}
        data["text/plain"] = repr(self)
        return data, metadata
