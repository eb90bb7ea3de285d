"""``parevo bench``: run the cascade over the suite for one solver and compute ParEval's metrics.

A solver is ``expert`` (our hand-written solutions), a folder of candidate files named by task
id (``DIR/pareval/20_histogram_pixel_histogram.py`` for one sample, or several ``*.py`` files in
``DIR/pareval/20_histogram_pixel_histogram/``), or a generator (``rules``, ``llm``): then each
sample is one evolution (``parevo evolve`` with seed 0, 1, ...) and its best *generated* candidate
(the seed, the reference itself, never counts). Each candidate runs through the full cascade in its
sandbox, one at a time, or several tasks at once on a Dask cluster (``--executor``); profiles
never share a host's cores either way (``sandbox.cores_exclusive``). A task for which the folder
holds no file counts as one failed sample ("missing"): a solver that skips a problem has not
solved it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import metrics, settings, suite
from .suite import Entry, SuiteError

GENERATED = ("rules", "llm")


@dataclass
class TaskRow:
    """One task's outcome: its samples' verdicts and figures, and the task's metrics."""

    id: str
    suite: str
    category: str
    title: str
    samples: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """The best verdict among the samples (ok if any sample is ok)."""
        verdicts = [s["verdict"] for s in self.samples]
        return "ok" if "ok" in verdicts else (verdicts[0] if verdicts else "missing")

    def to_dict(self) -> dict:
        timed = [s for s in self.samples if "speedup_n" in s]
        best = max(timed, key=lambda s: s["speedup_n"]) if timed else None
        return {
            "id": self.id,
            "suite": self.suite,
            "category": self.category,
            "title": self.title,
            "verdict": self.verdict,
            "speedup": best["speedup_n"] if best else None,
            "threads": best["threads"] if best else None,
            "projected": bool(best and best.get("projected")),
            "speedup_max": best["speedup_max"] if best else None,
            "threads_max": best["threads_max"] if best else None,
            "baseline": best["baseline"] if best else None,
            "kept_seed": bool(best and best.get("kept_seed")),
            "reference_ms": _reference_ms(self.samples),
            "correct": sum(s["correct"] for s in self.samples),
            "samples": self.samples,
            "metrics": self.metrics,
        }


def _reference_ms(samples: list[dict]) -> float | None:
    times = [s["reference_s"] for s in samples if s.get("reference_s")]
    return round(min(times) * 1e3, 2) if times else None


@dataclass
class BenchResult:
    solver: str
    ks: list[int]
    rows: list[TaskRow]
    machine: dict = field(default_factory=dict)
    seconds: float = 0.0
    target_threads: int | None = None  # speedup_n at this thread count (projected beyond cores)

    def metrics(self) -> dict:
        """{"overall": {...}, "by_category": {category: {...}}, "by_suite": {suite: {...}}}."""
        overall = metrics.summarise({r.id: r.samples for r in self.rows}, self.ks)
        by_category, by_suite = {}, {}
        for key, groups in (("category", by_category), ("suite", by_suite)):
            for value in sorted({getattr(r, key) for r in self.rows}):
                chosen = {r.id: r.samples for r in self.rows if getattr(r, key) == value}
                groups[value] = metrics.summarise(chosen, self.ks)
        return {"overall": overall, "by_category": by_category, "by_suite": by_suite}

    def to_dict(self) -> dict:
        return {
            "solver": self.solver,
            "k": self.ks,
            "machine": self.machine,
            "seconds": round(self.seconds, 1),
            "target_threads": self.target_threads,
            "metrics": self.metrics(),
            "tasks": [r.to_dict() for r in self.rows],
        }


def solver_folder(solver: str) -> Path | None:
    """The folder of candidates for ``solver``: the expert solutions, or a user's folder (None for
    a generator, whose candidates are evolved)."""
    if solver == "expert":
        return suite.EXPERT
    if solver in GENERATED:
        return None
    folder = Path(solver)
    if not folder.is_dir():
        raise SuiteError(
            f"--solver {solver!r} is neither expert, rules, llm nor a folder: give a folder of "
            "candidate files named by task id (DIR/pareval/20_histogram_pixel_histogram.py)"
        )
    return folder


ProgressCallback = Callable[[int, int, Entry, dict | None], None]  # (done, total, entry, sample)


def run(
    entries: list[Entry],
    solver: str,
    samples: int = 1,
    options=None,
    progress: ProgressCallback | None = None,
    record: Callable | None = None,
    evolve_budget: int = settings.EVALUATIONS,
    work: Path | None = None,
    generator_settings: dict | None = None,
    executor=None,
    target_threads: int | None = None,
) -> BenchResult:
    """Evaluate up to ``samples`` candidates per task from ``solver``; ``record(task, candidate,
    report)`` is called after each evaluation of a file (the CLI stores it). For a generator, each
    sample is an evolution of ``evolve_budget`` evaluations kept in ``work/<id>/sample-<s>/``
    (a folder that already holds one is resumed).

    With an executor of several slots (``--executor dask``), that many tasks are worked on at
    once, each evolution evaluating one candidate at a time (so its lineage is the one a local run
    with the same seed gives); ``progress`` and ``record`` are still called from this thread
    only, as the tasks finish. ``target_threads`` P: each sample's speedup_n is at P, projected
    where P exceeds this machine's cores (``metrics.sample_of``; evolutions rank by it too)."""
    import concurrent.futures
    import tempfile

    from .cascade import CheckOptions
    from .cascade.evaluate import machine_facts
    from .executor import LocalExecutor
    from .task import load_task

    folder = solver_folder(solver)
    options = options or CheckOptions()
    executor = executor or LocalExecutor()
    lanes = max(1, executor.slots)
    ks = sorted({1, samples})
    started = time.monotonic()
    rows: dict[str, TaskRow] = {}
    ceiling: dict = {}
    total = len(entries)
    scratch = None
    if folder is None and work is None:
        scratch = tempfile.TemporaryDirectory(prefix="parevo-bench-")
        work = Path(scratch.name)

    def one(entry: Entry) -> list[tuple[dict, dict | None, tuple | None]]:
        task = load_task(entry.path)
        if folder is None:
            return list(
                _evolved(
                    task,
                    entry,
                    solver,
                    samples,
                    options,
                    evolve_budget,
                    work,
                    generator_settings,
                    executor,
                    target_threads,
                )
            )
        return list(_from_files(task, entry, folder, samples, options, executor, target_threads))

    def collect(done: int, entry: Entry, found) -> None:
        nonlocal ceiling
        row = TaskRow(entry.id, entry.suite, entry.category, entry.title)
        for sample, report, evaluation in found:
            if evaluation is not None and record is not None:
                record(*evaluation)
            if report is not None and not ceiling:
                ceiling = (report.get("profile") or {}).get("ceiling") or {}
            row.samples.append(sample)
            if progress is not None:
                progress(done, total, entry, sample)
        row.metrics = metrics.task_metrics(row.samples, max(ks))
        rows[entry.id] = row

    try:
        if lanes == 1:  # in this thread: an interrupt stops the sandbox child at once
            for done, entry in enumerate(entries):
                if progress is not None:
                    progress(done, total, entry, None)
                collect(done, entry, one(entry))
        else:
            with concurrent.futures.ThreadPoolExecutor(
                max_workers=lanes, thread_name_prefix="parevo-bench"
            ) as pool:
                futures = {pool.submit(one, entry): entry for entry in entries}
                try:
                    for done, future in enumerate(concurrent.futures.as_completed(futures)):
                        collect(done, futures[future], future.result())
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
    finally:
        if scratch is not None:
            scratch.cleanup()
    return BenchResult(
        solver=solver,
        ks=ks,
        rows=[rows[e.id] for e in entries],
        machine={**machine_facts(), "ceiling": ceiling, "executor": executor.describe()},
        seconds=time.monotonic() - started,
        target_threads=target_threads,
    )


def _from_files(task, entry: Entry, folder: Path, samples: int, options, executor, target=None):
    from .kernel import load_kernel
    from .metrics import sample_of

    files = entry.candidate_in(folder)[:samples]
    if not files:
        yield {"verdict": "missing", "built": False, "correct": False}, None, None
    candidates = [load_kernel(str(path)) for path in files]
    futures = [executor.submit(task, candidate, options) for candidate in candidates]
    for path, candidate, future in zip(files, candidates, futures, strict=True):
        report = future.result()
        sample = sample_of(report, target)
        sample["candidate"] = str(path)
        sample["summary"] = report.summary
        yield sample, report.to_dict(), (task, candidate, report)


def _evolved(
    task,
    entry: Entry,
    solver,
    samples,
    options,
    budget,
    work: Path,
    settings,
    executor,
    target=None,
):
    """One evolution per sample; the sample is its best generated candidate, each evolution
    evaluating one candidate at a time (the bench's lanes are its tasks)."""
    from .evolution import Budget, best_of, evolve, finished
    from .metrics import sample_of

    for seed in range(samples):
        out = Path(work) / entry.id / f"sample-{seed}"
        # a finished sample is read back, not resumed (resuming would evaluate on after a stall)
        result = finished(task, out, Budget(evaluations=budget)) or evolve(
            task,
            generator=solver,
            budget=Budget(evaluations=budget),
            seed=seed,
            out=out,
            resume=(out / "run.sqlite").exists(),
            options=options,
            generator_settings=settings,
            executor=executor,
            in_flight=1,
            target_threads=target,
        )
        generated = [m for m in result.candidates if m.origin != "seed" and m.evaluated]
        best = best_of(generated)
        chosen = best or (generated[-1] if generated else None)
        if chosen is None:
            sample = {"verdict": "missing", "built": False, "correct": False}
            sample["summary"] = f"no candidate generated ({result.reason})"
            report = None
        else:
            report = chosen.report or {"verdict": chosen.verdict}
            sample = sample_of(report, target)
            sample["summary"] = chosen.label
            sample["candidate"] = f"{out / 'run.sqlite'}#candidate-{chosen.id}"
        sample["evaluations"] = result.evaluations
        sample["first_ok"] = result.first_ok()
        first = next((m for m in result.candidates if m.origin != "seed" and m.ok), None)
        if first is not None and first.report:
            # the first correct candidate's speedup at the same thread count as the best's
            sample["first_ok_speedup"] = sample_of(first.report, target).get("speedup_n")
        sample["stopped"] = result.reason
        # what the run hands the user (best.py): the serial seed when no candidate beat it
        sample["kept_seed"] = bool(result.best is not None and result.best.origin == "seed")
        yield sample, report, None
