"""IPython magics: define a task in a cell, check a kernel cell against it, evolve it.

    %load_ext parevo_lab

    %%parevo_task histogram
    import numpy as np
    def make_inputs(size, rng): ...
    def reference(pixels): ...

    %%parevo_check
    import numba, numpy as np
    @numba.njit(parallel=True)
    def kernel(pixels): ...

    %parevo_evolve --budget 16

    %parevo_audit

The task cell runs in the notebook (it is your code); a kernel cell never does: it is written to a
file and checked in a child process with limits, like every candidate. Files go under
``.parevo/`` next to the notebook (``PAREVO_NOTEBOOK_DIR`` moves it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.display import display

from . import settings
from .cells import CHECK_OPTIONS, OptionError, magic_options, parse_options, words
from .errors import ParevoError
from .kernel import Kernel
from .task import Task, TaskError, load_task


class MagicError(ParevoError):
    """A usage mistake in a magic: shown as one line, never as a traceback."""


_MISTAKES = (MagicError, OptionError)


def work_dir() -> Path:
    return Path(os.environ.get("PAREVO_NOTEBOOK_DIR") or ".parevo")


def _message(text: str, level: str = "error") -> None:
    colour = {"error": "#D55E00", "info": "#0072B2"}[level]
    prefix = "error: " if level == "error" else ""
    html = (
        f'<div class="parevo-message parevo-{level}" '
        f'style="border-left:4px solid {colour};padding:2px 8px">'
        f"{'<b>error:</b> ' if prefix else ''}{_escape(text)}</div>"
    )
    display({"text/html": html, "text/plain": prefix + text}, raw=True)


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


@magics_class
class ParevoMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self.task: Task | None = None

    # -- %%parevo_task ---------------------------------------------------------------------------
    @cell_magic
    def parevo_task(self, line: str, cell: str):
        """%%parevo_task [NAME]: the cell is a task (reference(*args), make_inputs(size, rng),
        optional SIZES and check). It runs here too, so its functions are yours to call."""
        try:
            name = magic_options("%%parevo_task", line).get("name") or _task_name(cell)
            if not name.isidentifier():
                raise MagicError(f"task name {name!r}: use letters, digits and underscores")
            folder = work_dir() / "tasks"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{name}.py"
            # the magic's line stays as line 1, so that line numbers match the cell's
            path.write_text(f"# %%parevo_task {line}\n{cell}", encoding="utf-8")
            task = load_task(path)
        except (*_MISTAKES, TaskError) as exc:
            _message(str(exc))
            return None
        result = self.shell.run_cell(cell, silent=True, store_history=False)
        if not result.success:
            _message("the task cell raised an error (above): fix it and run the cell again")
            return None
        self.task = task
        self.shell.user_ns["parevo_current_task"] = task
        sizes = ", ".join(f"{k} {v:,}" for k, v in task.sizes.items())
        _message(
            f"task {task.name} ready (sizes: {sizes}). Check a kernel with %%parevo_check, "
            "or evolve one with %parevo_evolve.",
            "info",
        )
        return None

    def _prepare(self, magic: str, line: str, allowed: dict) -> tuple[dict, Task] | None:
        """The magic's options and the current task, or None after a one-line message."""
        try:
            options, rest = parse_options(words(line), allowed)
            if rest:
                raise MagicError(f"unexpected {' '.join(rest)!r}: {magic} takes options only")
            if self.task is None:
                raise MagicError("no task yet: run a %%parevo_task cell first")
        except _MISTAKES as exc:
            _message(str(exc))
            return None
        return options, self.task

    # -- %%parevo_check --------------------------------------------------------------------------
    @cell_magic
    def parevo_check(self, line: str, cell: str):
        """%%parevo_check [--function NAME] [--threads 1,2] [--no-profile] [--timeout S]
        [--profile-budget S]: check the cell's kernel (``kernel`` by default, or the only function the
        cell defines) against the current task: compile, verify, hunt races, profile. The cell
        never runs in this kernel: it runs in a child process with limits."""
        from .cascade import CheckOptions, evaluate

        prepared = self._prepare(
            "%%parevo_check",
            line,
            CHECK_OPTIONS,
        )
        if prepared is None:
            return None
        options, task = prepared
        function = options.get("function") or _kernel_name(cell)
        # the magic's line stays as line 1, so that race traces and errors name the cell's lines
        candidate = Kernel(source=f"# %%parevo_check {line}\n{cell}", function=function)
        kwargs = {"python_cap_s": 0.0}  # the pure-Python timing teaches nothing about threads
        if "threads" in options:
            kwargs["threads"] = options["threads"]
        if options.get("no_profile"):
            kwargs["profile"] = False
        if "timeout" in options:
            kwargs["timeout_s"] = options["timeout"]
        if "budget" in options:
            _message(
                "--budget is deprecated in %%parevo_check and goes in the next release (it "
                "counts profiling seconds, while %parevo_evolve's --budget counts evaluations): "
                "use --profile-budget",
                level="info",
            )
            kwargs["budget_s"] = options["budget"]
        if "profile_budget" in options:
            kwargs["budget_s"] = options["profile_budget"]
        status = display(
            {"text/plain": f"checking {function} against task {task.name}..."},
            raw=True,
            display_id=True,
        )

        def progress(stage: str, label: str) -> None:  # one live line while the child works
            text = f"checking {function} against task {task.name}: {stage}, {label}"
            status.update({"text/plain": text}, raw=True)

        report = evaluate(task, candidate, CheckOptions(**kwargs), progress=progress)
        self.shell.user_ns["parevo_last_check"] = report
        status.update(report)  # the report takes the progress line's place
        return None

    # -- %parevo_audit ---------------------------------------------------------------------------
    @line_magic
    def parevo_audit(self, line: str):
        """%parevo_audit [--threads 1,2] [--timeout S] [--no-probe] [--out DIR]: how strong is
        the current task's verification? Mutants of its reference (half-range loops, swapped
        comparisons, constant answers, ...) are checked like candidates; each one that passes is
        a wrong kernel your inputs accept, shown with the input class it says is missing."""
        from .cascade.audit import AuditOptions, audit
        from .report.display import audit_html
        from .sandbox import SandboxStartError

        prepared = self._prepare(
            "%parevo_audit",
            line,
            {"threads": list, "timeout": float, "no_probe": bool, "out": str},
        )
        if prepared is None:
            return None
        options, task = prepared
        settings = AuditOptions(probe=not options.get("no_probe", False))
        if "threads" in options:
            settings.threads = options["threads"]
        if "timeout" in options:
            settings.timeout_s = options["timeout"]
        out = Path(options.get("out") or work_dir() / "audits" / task.name)
        status = display({"text/plain": f"auditing task {task.name}..."}, raw=True, display_id=True)

        def progress(done: int, total: int, text: str) -> None:
            status.update(
                {"text/plain": f"auditing task {task.name}: mutant {done} of {total} ({text})"},
                raw=True,
            )

        try:
            report = audit(task, settings, out=out, progress=progress)
        except (TaskError, SandboxStartError) as exc:
            status.update({"text/plain": ""}, raw=True)
            _message(str(exc))
            return None
        self.shell.user_ns["parevo_last_audit"] = report
        status.update(
            {
                "text/html": audit_html(report),
                "text/plain": f"audit of {task.name}: {report.summary}",
            },
            raw=True,
        )
        return None

    # -- %parevo_evolve --------------------------------------------------------------------------
    @line_magic
    def parevo_evolve(self, line: str):
        """%parevo_evolve [--budget N] [--generator rules|llm] [--seed S] [--out DIR]
        [--threads 1,2] [--resume]: evolve the current task, showing the Workbench live."""
        from .api import evolve
        from .evolution import GeneratorError, RunError

        prepared = self._prepare(
            "%parevo_evolve",
            line,
            {
                "budget": int,
                "generator": str,
                "seed": int,
                "out": str,
                "threads": list,
                "resume": bool,
            },
        )
        if prepared is None:
            return None
        options, task = prepared
        out = options.get("out") or self._shared_out(task, options)
        try:
            result = evolve(
                task,
                budget=options.get("budget", settings.EVALUATIONS),
                generator=options.get("generator", "rules"),
                seed=options.get("seed", 0),
                out=out,
                resume=options.get("resume", False),
                threads=options.get("threads"),
            )
        except (RunError, GeneratorError, TaskError) as exc:  # one line says what to do
            _message(str(exc))
            return None
        except KeyboardInterrupt:
            _message(
                "run stopped (recorded as stopped): continue it with %parevo_evolve --resume"
                + (f" --out {options['out']}" if options.get("out") else ""),
                "info",
            )
            return None
        self.shell.user_ns["parevo_last_run"] = result
        return None

    @line_magic
    def parevo_runs(self, line: str):
        """%parevo_runs [RUN_ID]: this notebook's runs, those of the JupyterLab panel and of
        %parevo_evolve alike (in a kernel of a ParEVO Jupyter server); with a run's id, its
        Workbench."""
        from .server import notebook_runs
        from .widget import Workbench

        try:
            items = words(line)
        except OptionError as exc:
            _message(str(exc))
            return None
        if notebook_runs.shared_runs_dir() is None:
            _message(
                "no ParEVO Jupyter server started this kernel: its runs are its folders "
                "(parevo_lab.Workbench('runs/<task>') shows one)"
            )
            return None
        runs = notebook_runs.runs_of(os.environ.get("JPY_SESSION_NAME"))
        if items:
            chosen = next((r for r in runs if r["id"] == items[0]), None)
            if chosen is None:
                _message(f"no run {items[0]!r} of this notebook: %parevo_runs lists them")
                return None
            return Workbench(chosen["folder"])
        if not runs:
            _message("this notebook has no run yet: evolve its task cell", "info")
            return None
        text = "\n".join(f"{r['id']}  {r['status']:<11} {r['origin']:<8} {r['name']}" for r in runs)
        print(text + "\n(%parevo_runs RUN_ID shows one)")
        return None

    def _shared_out(self, task, options: dict):
        """In a kernel of a ParEVO Jupyter server, the run goes into the server's runs folder, so
        the sidebar lists it beside the panel's runs (``server/notebook_runs.py``); ``--resume``
        continues this notebook's last such run of the task. None elsewhere: the default folder."""
        from .server import notebook_runs
        from .server.jobs import new_id

        shared = getattr(self, "_shared", {})
        self._shared = shared
        if options.get("resume"):
            return shared.get(task.name)
        settings_ = {
            "name": task.name,
            "generator": options.get("generator", "rules"),
            "budget": options.get("budget", settings.EVALUATIONS),
            "seed": options.get("seed", 0),
            "threads": options.get("threads"),
        }
        try:
            folder = notebook_runs.register(new_id(task.name), settings_)
        except OSError:
            return None  # the server's folder is not writable here: the default folder
        if folder is not None:
            shared[task.name] = folder
        return folder


def _task_name(cell: str) -> str:
    match = re.search(r"^\s*(?:#\s*task:\s*)(\w+)", cell, re.M)
    return match.group(1) if match else "task"


def _kernel_name(cell: str) -> str:
    """The function a check of the cell checks (``parevo_lab.cells``: ``kernel`` when the cell
    defines it, else the first jitted function, else the last one defined)."""
    from .cells import read_cell

    return read_cell(cell).kernel or "kernel"


def load_ipython_extension(ipython) -> None:
    from .report.display import register

    ipython.register_magics(ParevoMagics)
    register(ipython)
