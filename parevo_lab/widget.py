"""The Workbench in a notebook output: an anywidget over one run folder.

    from parevo_lab import Workbench
    Workbench("runs/histogram")          # any folder `parevo evolve --out` wrote, live or finished

It shows the candidate table (sortable, filterable by verdict), the selected candidate's diff
against its parent, its race traces, its speedup against threads (inline SVG, no plotly.js), its
lineage and its report. The front end is the JupyterLab panel's own renderers (``src/render/``)
bundled by esbuild with ``src/widget.ts`` into ``static/workbench.js`` and ``workbench.css``
(``jlpm build:widget``; ``style/base.css`` is the one stylesheet). The widget syncs what the REST
API serves, unrendered: ``run`` is ``rundir.read_run`` of the folder (without the candidates),
``candidates`` its candidate rows, ``detail`` ``rundir.candidate_detail`` of the selected one.
While the run is live the widget follows it by polling the run's SQLite file. It works wherever
Jupyter widgets do (JupyterLab, Notebook 7, VS Code); with no widget front end it prints a
one-line summary.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import anywidget
import traitlets

from .rundir import RunNotFound, candidate_detail, read_run

STATIC = Path(__file__).parent / "static"
LIVE = ("running",)

# What the widget shows when its bundle was never built (a source checkout before `jlpm build`).
_UNBUILT = (
    "export default { render({ el }) { el.textContent = "
    "'The Workbench front end is not built: run `jlpm build:widget` in the parevo-lab checkout "
    "(or install the parevo-lab wheel).'; } };"
)


def _front_end(name: str, missing: str) -> Path | str:
    """The built file under static/, or ``missing`` (anywidget raises on a path that is absent)."""
    path = STATIC / name
    return path if path.is_file() else missing


def _run_folder(run) -> Path:
    out = getattr(run, "out", None)  # an EvolveResult
    folder = Path(out if out is not None else run)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no run folder at {folder}: pass the --out folder of `parevo evolve` "
            "(or the result of parevo_lab.evolve)"
        )
    return folder


class Workbench(anywidget.AnyWidget):
    """The candidates of one evolution run, live while it runs. ``run`` is a run folder (what
    ``parevo evolve --out`` wrote) or the result of ``parevo_lab.evolve``."""

    _esm = _front_end("workbench.js", _UNBUILT)
    _css = _front_end("workbench.css", "")

    folder = traitlets.Unicode("").tag(sync=True)
    run = traitlets.Dict().tag(sync=True)
    candidates = traitlets.List().tag(sync=True)
    selected = traitlets.Int(None, allow_none=True).tag(sync=True)
    detail = traitlets.Dict().tag(sync=True)
    following = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    exported = traitlets.Dict().tag(sync=True)  # the last export's summary (its button)

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
        self.on_msg(self._on_message)
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
                self.run = {"status": "waiting", "task": "", "population": 0, "evaluations": 0}
                return
            candidates = state.pop("candidates")
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

    def _load(self, candidate_id: int) -> None:
        try:
            # the REST API's candidate (sources, parent, reference, report) without the plotly
            # figure: the widget draws its own plot from the report's profile
            self.detail = candidate_detail(self._path, candidate_id, figure=False)
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
    def export(self, out: str | os.PathLike | None = None, **options) -> dict:
        """The run as datasets (``parevo export``: sft, preference and repair records and a
        dataset card) in ``out`` (default: the run folder's ``dataset/``); ``options`` are
        ``export.export``'s (kinds, fmt, min_ci_speedup, license). Returns the summary."""
        from .export import export

        summary = export([self._path], out or self._path / "dataset", **options)
        self.exported = summary
        return summary

    def _on_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("action") == "export":  # its button
            from .errors import ParevoError

            try:
                self.export()
                self.error = ""
            except ParevoError as exc:
                self.error = str(exc)

    def figure(self, candidate_id: int | None = None):
        """The plotly speedup-versus-threads figure of a candidate (the selected one by default)."""
        from .report.figures import speedup_vs_threads

        candidate = candidate_id if candidate_id is not None else self.selected
        if candidate is None:
            raise ValueError("no candidate is selected and the run has no correct one yet")
        full = candidate_detail(self._path, candidate, figure=False)
        profile = (full["report"] or {}).get("profile") or {}
        if not profile.get("ran"):
            raise ValueError(f"candidate #{candidate} was not profiled (verdict {full['verdict']})")
        projection = (full["report"] or {}).get("projection")
        return speedup_vs_threads(
            profile, title=f"#{candidate} {full['label']}", projection=projection
        )

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
