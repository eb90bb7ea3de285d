"""Profile stage: timing in its own sandboxed process (``run``), statistics in the parent.

pyperf's discipline: warm-up excluded, fresh inputs per sample (copied outside the timed region),
samples repeated until the median is stable or the budget is spent, median with a confidence
interval, a loud noise flag. The three speedups are kept apart (see DESIGN.md).
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time

from ..results import Failure, Speedup, Timing, VerifyCase
from ..task import CHECK_SEEDS, Mismatch, fresh_copy, judge
from .compile import codegen_flags

MIN_SAMPLES = 5
MAX_SAMPLES = 200
STABLE_HALF_WIDTH = 0.03  # stop when the median's CI is within +-3%
NOISY_SPREAD = 0.10  # interquartile range above 10% of the median


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_threads(cores: int | None = None) -> list[int]:
    """1, 2, 4, ... up to the usable cores, and the core count itself."""
    cores = cores or usable_cores()
    threads, p = [], 1
    while p < cores:
        threads.append(p)
        p *= 2
    threads.append(cores)
    return threads


# ------------------------------------------------------------------ the child side


def run(session) -> None:
    from . import compile as compile_stage
    from .verify import compile_reference

    job, emit = session.job, session.emit
    budget = float(job.get("budget_s", 1.0))
    size = job["sizes"]["bench"]
    args = session.inputs(size, CHECK_SEEDS[0])
    reference_jit, _ = compile_reference(session, args)
    problem = session.import_candidate()
    if problem is not None:
        raise RuntimeError(f"the candidate no longer imports: {problem}")
    emit.phase("compile", "loading the candidate (numba cache)", compile=True)
    py_func, options = compile_stage.load_function(session.candidate_module, job["function"])
    kernel = compile_stage.jit(py_func, options)
    kernel.compile(compile_stage.signature_of(args))
    expected = None
    if job.get("compare_outputs", True):
        expected = session.expected(
            reference_jit or session.task.reference, args, f"reference at bench size {size}"
        )
    else:
        emit(
            {
                "type": "note",
                "message": "outputs of the timed runs not compared: the candidate races",
            }
        )
    names = session.argument_names()

    import numba

    from .. import calibrate

    emit.phase("calibrate", "measuring what parallelism gives on this machine (once)", extra_s=120)
    emit({"type": "ceiling", "ceiling": calibrate.ceiling(job["threads"], job["machine_dir"])})

    for p in job["threads"]:
        numba.set_num_threads(p)
        case = VerifyCase(kind="bench", size=size, seed=CHECK_SEEDS[0], threads=p, passed=False)
        label = f"timing the candidate at {p} thread(s)"
        emit.phase("run", label, extra_s=budget, case=case.to_dict())

        def on_wrong(message, case=case):
            where = f"timed run at bench size {size}, {case.threads} threads"
            failure = Failure(verdict="wrong", message=f"{message} ({where})", case=case)
            emit({"type": "failure", "failure": failure})

        samples = _sample(
            kernel,
            args,
            budget,
            expected=expected,
            names=names,
            check=session.check,
            tolerance=session.tolerance,
            on_wrong=on_wrong,
            keepalive=keepalive(emit, "run", label, budget, case.to_dict()),
        )
        if samples is None:
            return
        emit({"type": "timing", "who": "candidate", "threads": p, "samples": samples})

    numba.set_num_threads(1)
    if reference_jit is not None:
        label = "timing the serial numba reference"
        emit.phase("reference", label, extra_s=budget)
        tick = keepalive(emit, "reference", label, budget, None)
        samples = _sample(reference_jit, args, budget, keepalive=tick)
        emit({"type": "timing", "who": "serial", "threads": 1, "samples": samples})
        _time_with_flags(session, codegen_flags(options), args, budget)
    if job.get("projection", True):
        _time_loops(session, args, expected, names)
    cap = job.get("python_cap_s", 10.0)
    if cap <= 0 and reference_jit is not None:  # evolution: vs_python does not steer anything
        emit({"type": "note", "message": "the pure-Python reference is not timed (no vs_python)"})
        return
    emit.phase("python_reference", "timing the pure-Python reference", extra_s=budget)
    samples = _python_samples(session.task.reference, args, budget, cap)
    if samples is None:
        emit(
            {
                "type": "note",
                "message": f"the pure-Python reference takes more than {cap:g} s at "
                f"size {size}: no vs_python speedup (the compile gain is not measured)",
            }
        )
    else:
        emit({"type": "timing", "who": "python", "threads": 1, "samples": samples})


def flags_text(flags: dict) -> str:
    """``fastmath=True, error_model=numpy``: a candidate's codegen flags as every view says them."""
    return ", ".join(f"{k}={v}" for k, v in flags.items())


def headline_factors(speedup: dict, flags: dict, threads: str) -> list[tuple[str, dict]]:
    """vs_serial at ``threads`` as the factors that multiply to it, each a (name, speedup):
    the candidate's flags alone (``codegen``, when it has flags), its code at 1 thread against
    the reference built with the same flags, and its threads (``self``). Empty at 1 thread."""
    if not threads or str(threads) == "1":
        return []
    out = []
    if speedup.get("codegen") and flags:
        out.append((f"flags ({flags_text(flags)})", speedup["codegen"]))
    one = (speedup.get("vs_serial_same_flags") or {}).get("1")
    if one:
        out.append(("code at 1 thread", one))
    self_ = (speedup.get("self") or {}).get(str(threads))
    if self_:
        out.append(("threads (self)", self_))
    return out


def _time_loops(session, args, expected, names) -> None:
    """The timed serial replay of the candidate's prange loops (cascade/scaling/): what the
    projection beyond this machine is made from. Its outputs must match the reference's."""
    from . import scaling

    emit = session.emit
    emit.phase("scaling", "timing each parallel loop's iterations (serial replay)", compile=True)
    how = (names, session.check, session.tolerance)

    def matches(result, call_args) -> bool:
        if expected is None:  # a racy candidate: its outputs are not compared anywhere
            return True
        return _matches(expected, result, call_args, how, lambda message: None)

    measured = scaling.measure(session.candidate_module, session.job["function"], args, matches)
    if measured.get("status") == "measured":
        import numba

        from ..sandbox import layers

        # the schedule the kernel's loops ran under: dynamic where it set a chunk size and ran
        # under the layer that honours one
        chunked = layers.asks_for_chunks(session.candidate_source)
        dynamic = chunked and numba.threading_layer() == "tbb"
        measured["schedule"] = "dynamic" if dynamic else "static"
    emit({"type": "scaling", "measured": measured})


def _time_with_flags(session, flags: dict, args, budget) -> None:
    """Time the serial reference compiled with the candidate's code-generation ``flags`` (the
    ``serial_same_flags`` baseline); nothing when the candidate has none (the baseline would be
    the serial reference itself)."""
    from . import compile as compile_stage

    emit = session.emit
    emit({"type": "flags", "flags": {k: _plain(v) for k, v in flags.items()}})
    if not flags:
        return
    described = flags_text({k: _plain(v) for k, v in flags.items()})
    try:
        # never from or into numba's disk cache: its index does not tell fastmath from plain,
        # so this build would load the plain reference (or leave itself for the baseline)
        reference = compile_stage.jit(session.task.reference, flags, cache=False)
        reference.compile(compile_stage.signature_of(args))
    except Exception as exc:  # noqa: BLE001 (numba refuses the flags on the reference)
        emit(
            {
                "type": "note",
                "message": f"the reference does not compile with the candidate's flags "
                f"({described}): {type(exc).__name__}; the headline is not split",
            }
        )
        return
    label = f"timing the serial reference with the candidate's flags ({described})"
    emit.phase("reference", label, extra_s=budget)
    tick = keepalive(emit, "reference", label, budget, None)
    samples = _sample(reference, args, budget, keepalive=tick)
    emit({"type": "timing", "who": "serial_same_flags", "threads": 1, "samples": samples})


def _plain(value):
    """A jit option as JSON: sets (fastmath={'nnan', ...}) become sorted lists."""
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value if isinstance(value, bool | int | float | str) or value is None else str(value)


class _TooSlow(Exception):
    pass


def _python_samples(reference, args, budget, cap):
    """Samples of the pure-Python reference, or None when one call exceeds ``cap`` seconds: a
    reference that numba makes fast can take minutes in Python at the bench size, and vs_python
    is not worth that wait (nor a timeout)."""
    import signal

    def alarm(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        return _sample(reference, args, budget, warmup=False, minimum=1)
    except _TooSlow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def keepalive(emit, phase, label, budget, case):
    """Restart the parent's per-call deadline before a sample, at most once a second: a slow
    kernel sampled many times is not a hang, but every single call stays under the timeout."""
    last = [time.monotonic()]

    def tick():
        now = time.monotonic()
        if now - last[0] >= 1.0:
            emit.phase(phase, label, extra_s=budget, case=case)
            last[0] = now

    return tick


def _sample(
    function,
    args,
    budget,
    *,
    expected=None,
    names=(),
    check=None,
    tolerance=None,
    on_wrong=None,
    warmup=True,
    minimum=3,
    keepalive=None,
):
    """Time ``function`` on fresh copies of ``args`` until the median is stable or time is up.

    With ``expected``, the outputs of the warm-up and the first timed run are judged as verify
    judges them (the task's ``check`` when it has one): None and ``on_wrong`` when wrong."""
    if warmup:
        fresh = fresh_copy(args)
        result = function(*fresh)
        if expected is not None and not _matches(
            expected, result, fresh, (names, check, tolerance), on_wrong
        ):
            return None
    samples: list[float] = []
    spent = 0.0
    while len(samples) < MAX_SAMPLES:
        if keepalive is not None:
            keepalive()  # a slow kernel sampled many times is not a hang: restart the clock
        fresh = fresh_copy(args)
        start = time.perf_counter()
        result = function(*fresh)
        elapsed = time.perf_counter() - start
        spent += elapsed
        if len(samples) == 0 and expected is not None:
            # The output of a timed run is checked too: a kernel right only when small fails here.
            if not _matches(expected, result, fresh, (names, check, tolerance), on_wrong):
                return None
        samples.append(elapsed)
        if len(samples) >= max(MIN_SAMPLES, minimum) and _stable(samples):
            break
        if spent >= budget and len(samples) >= minimum:
            break
    return samples


def _matches(expected, result, actual_args, how, on_wrong) -> bool:
    """``how``: (argument names, the task's check, its TOLERANCE), as ``judge`` takes them."""
    names, check, tolerance = how
    try:
        judge(expected, result, actual_args, names, check, tolerance=tolerance)
    except Mismatch as exc:
        on_wrong(str(exc))
        return False
    return True


def _stable(samples: list[float]) -> bool:
    median = statistics.median(samples)
    low, high = median_interval(samples)
    return median > 0 and (high - low) / 2 <= STABLE_HALF_WIDTH * median


# ------------------------------------------------------------------ the parent side


def median_interval(samples: list[float]) -> tuple[float, float]:
    """A distribution-free ~95% confidence interval for the median (order statistics)."""
    ordered = sorted(samples)
    n = len(ordered)
    if n < 6:
        return ordered[0], ordered[-1]
    half = 0.98 * math.sqrt(n)
    low = max(0, math.floor(n / 2 - half) - 1)
    high = min(n - 1, math.ceil(n / 2 + 1 + half) - 1)
    return ordered[low], ordered[high]


def summarise(samples: list[float]) -> Timing:
    ordered = sorted(samples)
    median = statistics.median(ordered)
    low, high = median_interval(ordered)
    if len(ordered) >= 4:
        q = statistics.quantiles(ordered, n=4)
        spread = (q[2] - q[0]) / median if median else 0.0
    else:
        spread = (ordered[-1] - ordered[0]) / median if median else 0.0
    return Timing(
        median_s=median,
        ci_low_s=low,
        ci_high_s=high,
        samples=[round(s, 9) for s in samples],
        spread=round(spread, 4),
        noisy=spread > NOISY_SPREAD,
    )


def speedup(baseline: list[float], candidate: list[float], resamples: int = 2000) -> Speedup:
    """Ratio of medians, baseline / candidate, with a bootstrap 95% interval."""
    value = statistics.median(baseline) / statistics.median(candidate)
    rng = random.Random(12345)
    ratios = []
    for _ in range(resamples):
        b = statistics.median(rng.choices(baseline, k=len(baseline)))
        c = statistics.median(rng.choices(candidate, k=len(candidate)))
        ratios.append(b / c)
    ratios.sort()
    low = ratios[int(0.025 * (resamples - 1))]
    high = ratios[int(0.975 * (resamples - 1))]
    significant = not (low <= 1.0 <= high)
    if not significant:
        label = "no speedup"
    elif value < 1:
        label = f"{value:.2f}x (slower)"
    else:
        label = f"{value:.2f}x"
    return Speedup(
        value=round(value, 4),
        ci_low=round(low, 4),
        ci_high=round(high, 4),
        significant=significant,
        label=label,
    )
