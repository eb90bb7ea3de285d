"""ParEval's metrics over samples of candidates: pass@k, build@k, speedup_n@k, efficiency_n@k and
speedup_max@k, with the unbiased estimators.

A *sample* is one evaluated candidate for one task, reduced to a dict by ``sample_of(report)``:
``built`` (it compiled), ``correct`` (verdict ok), ``threads`` (the largest thread count timed),
``speedup_n`` (vs_serial at that thread count), ``speedup_max`` (the best vs_serial over the thread
counts) and ``threads_max`` (the thread count that gave it). With a target thread count P
(``parevo evolve/bench --target-threads``): ``speedup_n`` at P, measured where P was timed, else
the scaling model's projection to P (``projected`` true, ``bound`` the limit it names, no interval;
a kernel numba found no parallel loop in: its figure at 1 thread, bound ``serial``).

- pass@k = mean over tasks of 1 - C(N - c, k) / C(N, k) (N samples, c correct); build@k likewise.
- speedup_n@k = mean over tasks of E[the best speedup among k samples drawn without replacement
  from the task's valid samples] = sum_j C(j - 1, k - 1) / C(N_p, k) * s_(j) over the N_p valid
  samples' speedups sorted ascending (s_(N_p) the best). This is the expected *best* of k, which
  ParEval's paper states; its released script sorts the other way (the slowest of k). The two agree
  at k = 1, the mean speedup of the correct samples. Tasks without a valid sample drop out of the
  speedup means, as in ParEval; ``tasks_timed`` says how many remained.
- efficiency_n@k uses speedup / (the thread count actually used), never a nominal count.
- speedup_max@k takes each sample's best speedup over its thread counts.
- speedup_n_geomean@1 is the geometric mean over timed tasks of speedup_n@1, and faster@1 the
  share of all tasks whose speedup_n@1 exceeds 1 (a task with no correct sample is not faster).
  faster_significant@1 counts a sample only when the 95% confidence interval of its speedup lies
  above 1 (DESIGN.md: an interval that contains 1 is "no speedup"): the share of all tasks, each
  weighted by the fraction of its samples that are significantly faster. Both count what the
  user is handed: an evolution that kept its seed (``kept_seed``: its best candidate lost the
  final interleaved re-timing against the reference, so best.py is the serial reference) counts
  as 1.00x there, not faster, whatever its candidate's own profile said.
- For evolved samples: first_ok_median, the median number of evaluations (the seed's included)
  until an evolution's first correct generated candidate, over the evolutions that found one;
  best_over_first_median, the median over those evolutions of the best candidate's speedup
  divided by the first correct one's (ParEVO's anchor: a median 2.1x).
When k exceeds the samples available, the estimator uses them all (k = N).
"""

from __future__ import annotations

from math import comb


def sample_of(report, target_threads: int | None = None) -> dict:
    """The figures of one evaluation (a ``results.Report`` or its dict) that the metrics need;
    ``target_threads``: ``speedup_n`` at that thread count (measured or projected, see above)."""
    data = report if isinstance(report, dict) else report.to_dict()
    verdict = data.get("verdict")
    built = verdict not in (None, "compile_error")
    sample = {"verdict": verdict, "built": built, "correct": verdict == "ok"}
    profile = data.get("profile") or {}
    serial = profile.get("serial") or {}
    if serial.get("median_s"):
        sample["reference_s"] = serial["median_s"]  # the serial numba reference at bench size
    vs = (profile.get("speedup") or {}).get("vs_serial") or {}
    timed = {int(p): s["value"] for p, s in vs.items() if s and s.get("value")}
    if sample["correct"] and timed:
        top = max(timed)
        best = max(timed, key=lambda p: timed[p])
        sample["faster_significant"] = bool(vs[str(top)].get("significant")) and timed[top] > 1.0
        sample.update(
            threads=top,
            speedup_n=timed[top],
            speedup_n_low=vs[str(top)].get("ci_low"),  # its 95% interval's lower end
            speedup_max=timed[best],
            threads_max=best,
            baseline=profile.get("baseline", "numba"),
        )
        if target_threads and target_threads in timed:
            sample.update(
                threads=target_threads,
                speedup_n=timed[target_threads],
                speedup_n_low=vs[str(target_threads)].get("ci_low"),
            )
        elif target_threads and target_threads > top:
            point = projected_point(data.get("projection"), target_threads)
            if point is None and 1 in timed and not (data.get("compile") or {}).get("loops"):
                point = {"speedup": timed[1], "bound": "serial"}  # no parallel loop: as at 1
            if point is not None:
                sample.update(
                    threads=target_threads,
                    speedup_n=point["speedup"],
                    speedup_n_low=None,  # a model's figure: no interval
                    projected=True,
                    bound=point.get("bound"),
                )
    return sample


def projected_point(projection: dict | None, threads: int) -> dict | None:
    """The projection's point at ``threads`` (a ``results.Projection`` dict), or None when the
    kernel was not projected or the point is not among those made."""
    if not projection or projection.get("status") != "projected":
        return None
    return next((p for p in projection.get("points", []) if p.get("threads") == threads), None)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one task: n samples, c of them correct."""
    if n == 0:
        return 0.0
    k = min(k, n)
    if n - c < k:
        return 1.0
    return 1.0 - comb(n - c, k) / comb(n, k)


def best_of_k(values: list[float], k: int) -> float | None:
    """Expected maximum of k values drawn without replacement from ``values`` (None if empty)."""
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    k = min(k, n)
    total = comb(n, k)
    return sum(comb(j - 1, k - 1) / total * v for j, v in enumerate(ordered, start=1) if j >= k)


def task_metrics(samples: list[dict], k: int) -> dict:
    """pass@k, build@k and the speedup figures of one task's samples."""
    n = len(samples)
    correct = sum(s["correct"] for s in samples)
    timed = [s for s in samples if "speedup_n" in s]
    out = {
        "samples": n,
        "correct": correct,
        f"pass@{k}": pass_at_k(n, correct, k),
        f"build@{k}": pass_at_k(n, sum(s["built"] for s in samples), k),
        f"speedup_n@{k}": best_of_k([s["speedup_n"] for s in timed], k),
        f"efficiency_n@{k}": best_of_k([s["speedup_n"] / s["threads"] for s in timed], k),
        f"speedup_max@{k}": best_of_k([s["speedup_max"] for s in timed], k),
    }
    return out


def _handed_out(sample: dict) -> float:
    """A timed sample's speedup as the user gets it: 1.00x where the evolution kept its seed."""
    return 1.0 if sample.get("kept_seed") else sample["speedup_n"]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(samples_by_task: dict[str, list[dict]], ks: list[int]) -> dict:
    """The metrics at each k, averaged over tasks: {"tasks", "tasks_timed", "pass@1", ...}."""
    out: dict = {"tasks": len(samples_by_task)}
    for k in ks:
        per_task = [task_metrics(s, k) for s in samples_by_task.values()]
        for name in ("pass", "build"):
            out[f"{name}@{k}"] = _mean([m[f"{name}@{k}"] for m in per_task])
        for name in ("speedup_n", "efficiency_n", "speedup_max"):
            values = [m[f"{name}@{k}"] for m in per_task if m[f"{name}@{k}"] is not None]
            out[f"{name}@{k}"] = _mean(values)
        out["tasks_timed"] = sum(1 for m in per_task if m[f"speedup_n@{k}"] is not None)
        if k == 1:
            timed = [m["speedup_n@1"] for m in per_task if m["speedup_n@1"]]
            out["speedup_n_geomean@1"] = _geomean(timed)
            # the share of all tasks whose expected speedup, as handed out, beats the reference
            handed = [
                _mean([_handed_out(s) for s in ss if "speedup_n" in s])
                for ss in samples_by_task.values()
            ]
            faster = sum(1 for v in handed if v and v > 1.0)
            out["faster@1"] = faster / len(per_task) if per_task else None
            out["faster_significant@1"] = _mean(
                [
                    sum(bool(s.get("faster_significant")) and not s.get("kept_seed") for s in ss)
                    / len(ss)
                    if ss
                    else 0.0
                    for ss in samples_by_task.values()
                ]
            )
    firsts = [s["first_ok"] for ss in samples_by_task.values() for s in ss if s.get("first_ok")]
    if any("first_ok" in s for ss in samples_by_task.values() for s in ss):
        out["first_ok_median"] = _median(firsts)
        out["first_ok_found"] = len(firsts)
        gains = [
            s["speedup_n"] / s["first_ok_speedup"]
            for ss in samples_by_task.values()
            for s in ss
            if s.get("speedup_n") and s.get("first_ok_speedup")
        ]
        out["best_over_first_median"] = _median(gains)
    return out


def _geomean(values: list[float]) -> float | None:
    from math import exp, log

    return exp(sum(log(v) for v in values) / len(values)) if values else None


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
