"""Selection with the noise in mind: whether a newly evaluated candidate becomes the run's best, and
how long the best has not improved.

Two profiles taken minutes apart on a noisy host can differ by 2x for the same code, so the
maximum of single measurements would crown luck. A correct candidate that would become the best by
the rule of intervals (the lower end of its speedup's 95% interval beats the best's median) is
therefore first re-timed against the best, side by side and interleaved, in one sandboxed child
(``cascade/duel.py``, through the executor: where profiles run). It becomes the best only when the
ratio's 95% interval lies above ``settings.RETIME_THRESHOLD``; either way the comparison is recorded
with the candidate (``confirmed``, ``retimed``) and ``schema.best_of`` honours it. A re-timing
that calls the candidate surely slower, against both profiles, is repeated once (``contradicts``).
A run ranking by speedups projected beyond this machine's cores (``--target-threads``) re-times
nothing: the projection comes from each block's least cost over three serial replays, not from
noisy samples, and timing here cannot test a figure at threads this machine does not have.
"""

from __future__ import annotations

import dataclasses

from .. import settings
from ..cascade.duel import compare, confirms
from ..kernel import Kernel
from ..schema import RETIMED, best_of, best_steps, floor
from ..task import Task
from .generators import Candidate

IMPROVEMENT = 1.02  # a gain of the best smaller than this does not restart the stall count


def contends(candidate: Candidate, best: Candidate | None) -> bool:
    """Whether ``candidate`` (just evaluated) would take ``best``'s place by the rule of
    intervals, and so must first beat it on a re-timing. The first correct candidate (usually
    the seed) becomes the best unchallenged."""
    return (
        candidate.ok
        and best is not None
        and best.id != candidate.id
        and floor(candidate) > (best.speedup or 0.0)
    )


def contest(
    engine, candidate: Candidate, report, sample: dict, candidates: list[Candidate]
) -> tuple[bool | None, dict | None]:
    """Re-time ``candidate``, whose evaluation (``report``, its figures ``sample``) just came back,
    against the best of the evaluated ``candidates`` when the evaluation would make it the best,
    with the ``engine``'s executor, task, options, ``retime_s`` and ``progress``: (confirmed, the
    comparison), or (None, None) when it would not (or nothing is timed). The seconds the
    re-timing took join the evaluation's report (the run's time counts them)."""
    options = engine.options
    if (options is not None and not options.profile) or sample.get("projected"):
        return None, None  # nothing timed; or a projection, which a re-timing here cannot test
    judged = dataclasses.replace(
        candidate,
        verdict=report.verdict,
        speedup=sample.get("speedup_n"),
        speedup_low=sample.get("speedup_n_low"),
        threads=sample.get("threads"),
    )
    best = best_of([m for m in candidates if m.evaluated and m.id != candidate.id])
    if not contends(judged, best):
        return None, None
    engine.progress({"type": "retiming", "candidate": judged, "against": best})
    confirmed, retimed = retime(
        engine.executor, engine.task, options, judged, best, engine.retime_s
    )
    report.seconds["retime"] = retimed["seconds"]
    report.seconds["total"] = round(report.seconds.get("total", 0.0) + retimed["seconds"], 3)
    return confirmed, retimed


def retime(
    executor, task: Task, options, candidate: Candidate, best: Candidate, budget_s: float
) -> tuple[bool, dict]:
    """Time ``candidate`` against ``best`` interleaved: (confirmed, the comparison as
    ``schema.RETIMED``). A comparison that did not come back (``error``) does not confirm."""
    incumbent = Kernel(source=best.source, function=best.function)
    challenger = Kernel(source=candidate.source, function=candidate.function)
    how = getattr(executor, "retime", None) or compare  # another kind of executor: time here
    result = how(task, incumbent, challenger, options, budget_s)
    retimed = {"against": best.id, **{k: result.get(k) for k in RETIMED["required"][1:]}}
    if contradicts(retimed):
        again = how(task, incumbent, challenger, options, budget_s)
        first = {k: retimed[k] for k in ("ratio", "low", "high")}
        seconds = round(retimed["seconds"] + (again.get("seconds") or 0.0), 3)
        retimed = {"against": best.id, **{k: again.get(k) for k in RETIMED["required"][1:]}}
        retimed.update(seconds=seconds, contradicted=first)
    return confirms(retimed, settings.RETIME_THRESHOLD), retimed


def contradicts(retimed: dict) -> bool:
    """Whether a re-timing says the contender is surely *slower* (its whole interval below 1),
    where both profiles said it is surely faster (``contends``: the lower end of its interval
    above the best's median). Profiles and re-timing run minutes apart; when they disagree
    beyond both intervals, the likelier story is that something else took the cores during one
    of them (measured: a re-timing beside a niced test run refuted a 2.5x kernel at 0.71x
    [0.67-0.87]; alone, the same pair measured 2.70x [1.96-3.59]). Such a re-timing is
    repeated once and the second stands; either way both are recorded."""
    return retimed.get("high") is not None and retimed["high"] < 1.0


def since_improvement(candidates: list[Candidate]) -> int | None:
    """Evaluations since the run's best (``schema.best_of``: confirmed by a re-timing) last rose
    by 2%: the ratio its re-timing measured against the best at the last rise, or, for a best
    never re-timed, the lower end of its speedup's interval over that best's median. None before
    any timed correct candidate."""
    evaluated = sorted((m for m in candidates if m.evaluated), key=lambda m: m.id)
    level, current, since = None, None, 0
    for best in best_steps(evaluated):
        since += 1
        if best is None or best.speedup is None or (current is not None and best.id == current.id):
            continue  # (an untimed best, as in runs without profiles, starts no count)
        current = best
        if level is None or _gain(best, level) >= IMPROVEMENT:
            level, since = best, 0
    return since if level is not None else None


def _gain(best: Candidate, level: Candidate) -> float:
    retimed = best.retimed or {}
    if best.confirmed and retimed.get("against") == level.id and retimed.get("ratio"):
        return retimed["ratio"]
    return floor(best) / level.speedup if level.speedup else float("inf")
