"""The Python API a notebook calls, ``parevo_lab.check``, ``parevo_lab.audit`` and
``parevo_lab.evolve`` (re-exported by the package): each loads what it needs when called, so
``import parevo_lab`` stays light."""

from __future__ import annotations


def check(task, candidate, **options):
    """Compile, verify and profile ``candidate`` ("file.py[:func]") against ``task`` (a path).

    Returns a ``parevo_lab.results.Report``, shown in a notebook as its verdict, race trace and
    speedups; options are those of ``CheckOptions`` (``threads=[1, 2]``, ``timeout_s=30``,
    ``profile=True``, ``budget_s=1.0``, ...). ``candidate`` may also be a ``Kernel``.
    """
    from .cascade import check as _check

    return _check(task, candidate, **options)


def audit(task, *, out=None, threads=None, timeout_s: float | None = None, probe: bool = True):
    """How strong is ``task``'s verification (a path or a ``Task``)? Mutants of its reference
    are verified like candidates; returns an ``AuditReport`` (``.score``, ``.survivors``: each a
    wrong kernel the task's inputs call ok, with its diff and the input class it says is
    missing). ``out`` keeps the surviving mutants as candidate files; shown in a notebook by
    ``%parevo_audit``."""
    from .cascade.audit import AuditOptions
    from .cascade.audit import audit as _audit
    from .task import Task, load_task

    if not isinstance(task, Task):
        task = load_task(task)
    options = AuditOptions(probe=probe)
    if timeout_s is not None:
        options.timeout_s = timeout_s
    if threads:
        options.threads = list(threads)
    return _audit(task, options, out=out)


def evolve(
    task,
    *,
    budget: int | None = None,
    generator: str | None = None,
    seed: int | None = None,
    out=None,
    resume: bool = False,
    threads: list[int] | None = None,
    show: bool | None = None,
    executor=None,
    **options,
):
    """Evolve ``task`` (a path or a ``Task``) into the fastest correct parallel kernel.

    In a notebook the Workbench is shown above and follows the run live (``show=False`` hides
    it). ``out`` is the run folder (default ``runs/<task name>``, numbered when it is taken);
    ``executor`` (``parevo_lab.executor.open_executor``) evaluates on a Dask cluster; other
    options are those of ``CheckOptions``. Returns an ``EvolveResult``: ``.best``,
    ``.best_path``, ``.first_ok()``, ``.candidates``, ``.out``. Interrupting the cell stops the run,
    recorded as stopped; ``resume=True`` with the same ``out`` continues it.
    """
    from pathlib import Path

    from . import settings
    from .cascade import CheckOptions
    from .evolution import Budget, default_out
    from .evolution import evolve as _evolve
    from .task import Task, load_task

    if not isinstance(task, Task):
        task = load_task(task)
    if out is None:  # runs/<task>, then runs/<task>-2, ...: a new run takes the next free one,
        base = default_out(task)  # a resumed run the latest
        taken = [base]
        while (taken[-1] / "run.sqlite").exists():
            taken.append(base.with_name(f"{base.name}-{len(taken) + 1}"))
        out = taken[-2] if resume and len(taken) > 1 else taken[-1]
    out = Path(out)
    check_options = CheckOptions(**options)
    if threads:
        check_options.threads = list(threads)
    if show is None:
        show = _in_notebook()
    progress = None
    if show:
        from IPython.display import display

        from .widget import Workbench

        out.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new run folder is private
        workbench = Workbench(out, follow=False)
        handle = display(workbench, display_id=True)

        def progress(event):
            workbench.refresh()

    try:
        return _evolve(
            task,
            generator=generator or settings.GENERATOR,
            budget=Budget() if budget is None else Budget(evaluations=budget),
            seed=settings.SEED if seed is None else seed,
            out=out,
            resume=resume,
            options=check_options,
            progress=progress,
            executor=executor,
        )
    finally:
        if show:
            workbench.refresh()
            handle.update(workbench)  # the saved text/plain says how the run ended


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None
