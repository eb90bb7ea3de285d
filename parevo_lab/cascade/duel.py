"""Re-timing: a challenger against the incumbent best, interleaved, in one sandboxed child.

Two kernels timed in two separate profiles are compared across whatever the machine did in
between (another process, a frequency change, a warm or cold cache): on the noisy 2-core hosts
here a kernel can score 1.49x in one profile and 0.69x in the next. ``compare`` times both in one
child instead, round after round, alternating which goes first (A B, B A, A B, ...) so that a drift
within the child cancels too, at the run's top thread count and the task's bench size. Each round
gives one paired ratio (incumbent seconds / challenger seconds: above 1, the challenger is faster);
the answer is their median with a distribution-free 95% interval (``profile.median_interval``).

The child has the host's cores to itself (``sandbox.cores_exclusive``), as a profile does, and the
same limits as an evaluation; both kernels were compiled and verified before, so they are loaded
from numba's cache. One child has one threading layer: TBB when either kernel sets a chunk size
(sandbox/layers.py), so a static kernel duelling a dynamic one is timed under TBB too.
"""

from __future__ import annotations

import math
import statistics
import time

from .. import sandbox, settings
from ..kernel import Kernel, materialise
from ..task import CHECK_SEEDS, Task, fresh_copy
from . import profile as profiling
from .evaluate import CheckOptions, sandbox_job

MIN_ROUNDS = 8  # rounds timed whatever the budget (fewer make no 95% interval worth the name)
MAX_ROUNDS = 400
MIN_SIDE_S = 0.002  # a side of a round calls its kernel this long at least (fast kernels: often)


def compare(
    task: Task,
    incumbent: Kernel,
    challenger: Kernel,
    options: CheckOptions | None = None,
    budget_s: float = settings.RETIME_BUDGET_S,
) -> dict:
    """The challenger's speed relative to the incumbent's, timed interleaved: ``ratio`` (the
    median of the rounds' incumbent/challenger ratios), ``low`` and ``high`` (its 95% interval),
    ``rounds``, ``threads``, ``seconds`` (the child's wall time, start-up included) and ``error``
    (None, or why no comparison came back: then the figures are None)."""
    options = options or CheckOptions()
    threads = max(options.threads)
    job, limits = sandbox_job(task, challenger, options)
    _, incumbent_module = materialise(incumbent.source, "cand")
    job.update(
        job="retime",
        threads=[threads],
        incumbent_module=incumbent_module,
        incumbent_function=incumbent.function,
        retime_s=float(budget_s),
    )
    with sandbox.cores_exclusive():
        run = sandbox.run(job, limits)
    out = {
        "ratio": None,
        "low": None,
        "high": None,
        "rounds": 0,
        "threads": threads,
        "seconds": round(run.wall_s, 3),
        "error": None,
    }
    ratios = next((e["ratios"] for e in run.events if e.get("type") == "retime"), None)
    if ratios:
        low, high = profiling.median_interval(ratios)
        out.update(
            ratio=round(statistics.median(ratios), 4),
            low=round(low, 4),
            high=round(high, 4),
            rounds=len(ratios),
        )
        return out
    trouble = next((e for e in run.events if e.get("type") in ("crash", "task_error")), None)
    if trouble is not None:
        out["error"] = trouble["message"]
    elif run.finished:
        out["error"] = "the re-timing child ended without a measurement"
    else:
        out["error"] = f"the re-timing child {run.describe_abnormal_end()}"
    return out


def confirms(retimed: dict | None, threshold: float = settings.RETIME_THRESHOLD) -> bool:
    """Whether a comparison shows the challenger surely faster: its interval lies above
    ``threshold`` (``settings.RETIME_THRESHOLD``)."""
    return bool(retimed) and retimed.get("low") is not None and retimed["low"] > threshold


def retime_text(challenger: int, retimed: dict, confirmed: bool) -> str:
    """One line, as the CLI prints it: ``re-timed #7 against the best #3 (interleaved, 12
    rounds): 1.04x [0.97-1.10]: not faster for sure, #3 stays the best``."""
    against = retimed.get("against")
    if retimed.get("ratio") is None:
        why = retimed.get("error") or "no measurement"
        return f"re-timing #{challenger} against the best #{against} failed ({why}): #{against} stays the best"
    figures = (
        f"re-timed #{challenger} against the best #{against} (interleaved, "
        f"{retimed['rounds']} rounds at {retimed['threads']} threads): {retimed['ratio']:.2f}x "
        f"[{retimed['low']:.2f}-{retimed['high']:.2f}]"
    )
    first = retimed.get("contradicted")
    if first:
        figures += (
            f" (repeated: the first, {first['ratio']:.2f}x [{first['low']:.2f}-"
            f"{first['high']:.2f}], contradicted both profiles)"
        )
    if confirmed:
        return f"{figures}: faster, #{challenger} is the new best"
    return f"{figures}: not faster for sure, #{against} stays the best"


# ------------------------------------------------------------------ the child side


def run(session) -> None:
    """Load both kernels, then time them in alternating order until the budget is spent (at
    least ``MIN_ROUNDS`` rounds); emits one ``retime`` event with the rounds' ratios."""
    import numba

    from . import compile as compile_stage

    job, emit = session.job, session.emit
    size = job["sizes"]["bench"]
    args = session.inputs(size, CHECK_SEEDS[0])
    numba.set_num_threads(max(job["threads"]))
    challenger_module, challenger_function = job["candidate_module"], job["function"]
    kernels = []
    for role, module, function in (
        ("the best", job["incumbent_module"], job["incumbent_function"]),
        ("the challenger", challenger_module, challenger_function),
    ):
        session.use_candidate(module)
        problem = session.import_candidate()
        if problem is not None:
            raise RuntimeError(f"{role} no longer imports: {problem}")
        emit.phase("compile", f"loading {role} (numba cache)", compile=True)
        py_func, options = compile_stage.load_function(session.candidate_module, function)
        kernel = compile_stage.jit(py_func, options)
        kernel.compile(compile_stage.signature_of(args))
        kernels.append(kernel)
    budget = float(job.get("retime_s", settings.RETIME_BUDGET_S))
    label = f"timing the best and the challenger interleaved at {max(job['threads'])} thread(s)"
    emit.phase("run", label, extra_s=budget)
    tick = profiling.keepalive(emit, "run", label, budget, None)
    ratios, inner = interleave(kernels[0], kernels[1], args, budget, tick)
    emit({"type": "retime", "ratios": ratios, "inner": inner})


def _timed(function, args) -> float:
    fresh = fresh_copy(args)  # outside the timed region, as the profile does
    start = time.perf_counter()
    function(*fresh)
    return time.perf_counter() - start


def interleave(first, second, args, budget: float, tick=None) -> tuple[list[float], int]:
    """Paired ratios (``first`` seconds / ``second`` seconds) of rounds that alternate which
    kernel runs first; each side of a round makes ``inner`` calls (more than one only for
    kernels faster than ``MIN_SIDE_S``). Returns (ratios, inner)."""
    kernels = (first, second)
    for kernel in kernels:  # warm-up: caches, pages, the thread pool
        _timed(kernel, args)
    fastest = min(_timed(kernel, args) for kernel in kernels)
    inner = max(1, math.ceil(MIN_SIDE_S / max(fastest, 1e-9)))
    ratios: list[float] = []
    started = time.perf_counter()
    while len(ratios) < MAX_ROUNDS:
        if tick is not None:
            tick()
        spent = [0.0, 0.0]
        for who in (0, 1) if len(ratios) % 2 == 0 else (1, 0):
            for _ in range(inner):
                spent[who] += _timed(kernels[who], args)
        ratios.append(spent[0] / spent[1] if spent[1] > 0 else 1.0)
        if len(ratios) >= MIN_ROUNDS and time.perf_counter() - started >= budget:
            break
    return ratios, inner
