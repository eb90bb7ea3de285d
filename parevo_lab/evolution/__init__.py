"""Evolve a task's reference into the fastest correct parallel kernel.

    from parevo_lab.evolution import evolve, Budget
    result = evolve("examples/histogram/task.py", out="runs/histogram", budget=Budget(16))
    result.best.speedup, result.best_path

The run lives in ``OUT/run.sqlite`` (population, lineage, every evaluation); ``OUT/best.py`` is the
fastest correct candidate, a module defining ``kernel``. ``resume=True`` continues the run in OUT.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import settings
from ..kernel import Kernel
from ..schema import best_of
from ..task import Task, load_task
from .engine import Budget, Engine, EvolveResult, RunError
from .generators import Candidate, GeneratorError, Proposal

RUN_FILE = "run.sqlite"
BEST_FILE = "best.py"


def default_out(task: Task) -> Path:
    return Path("runs") / Path(task.path or task.name).stem


def evolve(
    task: str | os.PathLike | Task,
    *,
    generator: str = settings.GENERATOR,
    budget: Budget | None = None,
    seed: int = settings.SEED,
    out: str | os.PathLike | None = None,
    resume: bool = False,
    manual: list[Kernel] | None = None,
    islands: int = settings.ISLANDS,
    options=None,
    progress=None,
    generator_settings: dict | None = None,
    executor=None,
    in_flight: int | None = None,
    target_threads: int | None = None,
) -> EvolveResult:
    """Run (or resume) an evolution; raises RunError/GeneratorError/TaskError with a clear message.

    ``executor`` (``parevo_lab.executor``) is where candidates are evaluated: this process's
    sandbox by default, or a Dask cluster that evaluates several candidates at once (``in_flight``,
    default: the executor's slots). ``target_threads`` P: correct candidates are ranked by their
    speedup at P threads: measured where P is within this machine's cores, else projected
    (cascade/scaling/: the timed serial replay of every evaluation, onto ``options.machine``)
    and labelled so."""
    import time

    from ..store import Store, StoreError
    from . import generators

    if not isinstance(task, Task):
        task = load_task(task)
    budget = budget or Budget()
    out = Path(out) if out is not None else default_out(task)
    database = out / RUN_FILE
    if database.exists() and not resume:
        raise RunError(
            f"{out} already holds a run: pass --resume to continue it, or choose another --out"
        )
    if resume and not database.exists():
        raise RunError(f"no run to resume in {out} (no {RUN_FILE}): start one without --resume")
    given = {k: v for k, v in (generator_settings or {}).items() if v is not None}
    stored: dict = {}
    chosen = None
    if not resume:
        chosen = generators.get(generator, **given)  # a bad setting fails before any write
    if not out.exists():
        out.mkdir(parents=True, mode=0o700)  # a new run folder is its user's alone
    with Store(database) as store:
        if resume:
            runs = store.runs()
            if not runs:
                raise RunError(f"{database} holds no run: start one without --resume")
            run = runs[-1]
            if run["task_hash"] != task.hash:
                raise RunError(
                    f"the task file changed since the run in {out} began: resume it with the "
                    "same task file, or start a new run in another --out"
                )
            generator = run["generator"]
            seed = run["seed"]
            islands = run["settings"].get("islands", islands)
            stored = run["settings"].get("llm", {})  # the endpoint the run began with
            ranked_at = run["settings"].get("target_threads")
            if target_threads and target_threads != ranked_at:
                raise RunError(
                    f"the run in {out} ranks "
                    + (f"at {ranked_at} threads" if ranked_at else "by measured speed")
                    + f", not at --target-threads {target_threads}: resume it without "
                    "--target-threads, or start a new run in another --out"
                )
            target_threads = ranked_at
            run_id = run["id"]
            store.set_run_status(run_id, "running")
        else:
            settings = {
                "generator": generator,
                "seed": seed,
                "islands": islands,
                "budget": budget.to_dict(),
            }
            if target_threads:
                settings["target_threads"] = target_threads
            run_id = None
        if chosen is None:  # resuming: the generator and endpoint the run began with
            chosen = generators.get(generator, **{**stored, **given})
        if run_id is None:
            if generator == "llm":  # never the key: it stays in the environment
                settings["llm"] = {
                    "base_url": chosen.settings.base_url,
                    "model": chosen.settings.model,
                    "mode": chosen.settings.mode,
                }
            run_id = store.create_run(task, generator, seed, settings)
        engine = Engine(
            store,
            task,
            chosen,
            run_id,
            budget,
            seed=seed,
            islands=islands,
            options=_for_evolution(options, projects(target_threads)),
            progress=progress,
            executor=executor,
            in_flight=in_flight,
            target_threads=target_threads,
        )
        if not engine.candidates():
            engine.add(chosen.seed(task), None, "seed", 0)
        for candidate in manual or []:
            proposal = Proposal(
                source=candidate.source,
                label=f"added by hand from {candidate.path.name if candidate.path else 'a cell'}",
                function=candidate.function,
                family="manual",
            )
            engine.add(proposal, None, "manual", 0)
        started = time.monotonic()
        status, reason = "failed", "interrupted"
        try:
            candidates, reason = engine.run()
            status = "finished"
        except KeyboardInterrupt:
            status, reason = "stopped", "interrupted by the user (resume with --resume)"
            raise
        except GeneratorError as exc:
            status, reason = "failed", str(exc)
            raise
        finally:
            try:
                store.set_run_status(run_id, status, reason)
            except StoreError:
                if status == "finished":  # else the error that ended the run is the one to show
                    raise
        result = EvolveResult(
            run_id=run_id,
            task=task,
            candidates=candidates,
            reason=reason,
            seconds=time.monotonic() - started,
            out=out,
            settings={"generator": generator, "seed": seed},
            failed_proposals=getattr(chosen, "failed_proposals", 0),
        )
    best = result.best
    if best is not None:
        path = out / BEST_FILE
        header = (
            f"# Best candidate of run {run_id} for {task.name}: candidate {best.id}, "
            f"{best.speedup:.2f}x vs serial {'projected ' if best.projected else ''}at "
            f"{best.threads} threads\n"
            if best.speedup
            else f"# Best candidate of run {run_id} for {task.name}: candidate {best.id}\n"
        )
        tmp = path.with_suffix(".tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
        with os.fdopen(os.open(tmp, flags, 0o600), "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)  # private, like the run's store
            handle.write(header + f"# {best.label}\n" + best.source)
        os.replace(tmp, path)
        result.best_path = path
    return result


def finished(task: Task, out: str | os.PathLike, budget: Budget) -> EvolveResult | None:
    """The result of the run in ``out`` when it already finished (budget spent, stalled, out of
    moves) for this task with this ``budget``; else None. ``parevo bench`` reuses such a run
    rather than resuming it: a resumed run gets a fresh stall count (``Engine._stop_reason``),
    so resuming a stalled one would evaluate more and make a sample's figure depend on how often
    the bench was restarted."""
    from ..store import Store

    database = Path(out) / RUN_FILE
    if not database.exists():
        return None
    with Store(database) as store:
        runs = store.runs()
        run = runs[-1] if runs else None
        if (
            run is None
            or run["status"] != "finished"
            or run["task_hash"] != task.hash
            or run["settings"].get("budget") != budget.to_dict()
        ):
            return None
        candidates = Engine(store, task, None, run["id"], budget).candidates()
    best_path = Path(out) / BEST_FILE
    return EvolveResult(
        run_id=run["id"],
        task=task,
        candidates=candidates,
        reason=run["reason"],
        seconds=0.0,
        out=Path(out),
        best_path=best_path if best_path.exists() else None,
        settings={"generator": run["generator"], "seed": run["seed"]},
    )


def projects(target_threads: int | None) -> bool:
    """Whether a run ranking at ``target_threads`` ranks by projection: P beyond the cores here."""
    from ..cascade.profile import usable_cores

    return bool(target_threads) and target_threads > usable_cores()


def _for_evolution(options, projection: bool = False):
    """The cascade's options for evaluating candidates of a run: the pure-Python reference is not
    timed (vs_python steers nothing, and it can cost 10 s per evaluation at the bench size), and
    the projection beyond this machine is made only when the run ranks by it (its two replays
    compile for seconds a candidate: ``parevo check`` on the best one shows it otherwise)."""
    import dataclasses

    from ..cascade import CheckOptions

    return dataclasses.replace(options or CheckOptions(), python_cap_s=0.0, projection=projection)


__all__ = [
    "Budget",
    "Engine",
    "Candidate",
    "EvolveResult",
    "GeneratorError",
    "RunError",
    "best_of",
    "evolve",
]
