"""ParEVO Lab: verified parallel numba kernels for irregular data, inside JupyterLab."""

# The subpackage is loaded first so that the function ``evolve`` below keeps the name
# ``parevo_lab.evolve`` (loading a subpackage later would bind the module over it).
from . import evolve as _evolve_package  # noqa: E402, F401
from .version import __version__  # noqa: F401 - the package's version


def check(task, candidate, **options):
    """Compile, verify and profile ``candidate`` ("file.py[:func]") against ``task`` (a path).

    Returns a ``parevo_lab.results.Report``, shown in a notebook as its verdict, race trace and
    speedups; options are those of ``CheckOptions`` (``threads=[1, 2]``, ``timeout_s=30``,
    ``profile=True``, ``budget_s=1.0``, ...). ``candidate`` may also be a ``Candidate``.
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
    ``.best_path``, ``.first_ok()``, ``.members``, ``.out``. Interrupting the cell stops the run,
    recorded as stopped; ``resume=True`` with the same ``out`` continues it.
    """
    from pathlib import Path

    from . import settings
    from .cascade import CheckOptions
    from .evolve import Budget, default_out
    from .evolve import evolve as _evolve
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

        out.mkdir(parents=True, exist_ok=True)
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


def load_ipython_extension(ipython):
    """``%load_ext parevo_lab``: the magics %%parevo_task, %%parevo_check and %parevo_evolve."""
    from .magics import load_ipython_extension as load

    load(ipython)


def __getattr__(name):
    if name == "Workbench":  # anywidget is imported only when the widget is used
        from .widget import Workbench

        return Workbench
    raise AttributeError(f"module 'parevo_lab' has no attribute {name!r}")


def _register_notebook_displays() -> None:
    """Inside IPython, show reports, audits and evolution results as HTML."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        from .report.display import register

        register(shell)


_register_notebook_displays()


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "parevo-lab"}]


def _jupyter_server_extension_points():
    from .server import ParevoLab

    return [{"module": "parevo_lab", "app": ParevoLab}]
