"""Machine profiles: what a machine gives a parallel loop, for projecting beyond this one.

A profile is a small JSON file (docs/scaling.md): ``cores``; ``compute_speedup`` (a compute-bound
kernel's speedup at P threads: one dependent chain a thread, the ceiling shown beside measured
speedups); ``loop_speedup`` (a typical loop's: loads from cache and arithmetic with many
operations in flight; the cores' real efficiency for ordinary code, hyperthreads and shared units
included; what the projection uses, ``compute_speedup`` when absent); ``bandwidth_gbs`` (STREAM
triad at P threads); ``fork_join_us`` (one empty parallel region at P threads); ``llc_mb``
(last-level cache); ``clock_ratio`` (one of its cores against one of this machine's on the same
serial code: 1.25 = 25% faster). Values between the thread counts given are interpolated; beyond
the last one, the profile's ``assumptions`` say what is assumed (written into every projection
made with it).

``this`` is this machine, from the calibration the profile stage measures anyway, projected to
64 threads of its own cores. ``parevo calibrate --save NAME`` measures a profile on any machine;
copy the file to ``~/.config/parevo_lab/machines/`` (or ``$PAREVO_MACHINES``) here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ParevoError
from ...results import Serialisable

THIS = "this"
MAX_THREADS = 64
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class MachineError(ParevoError, ValueError):
    """A machine profile that cannot be used: the message is one line naming the field."""


@dataclass
class MachineProfile(Serialisable):
    name: str
    cores: int
    compute_speedup: dict[str, float]
    bandwidth_gbs: dict[str, float]
    loop_speedup: dict[str, float] = field(default_factory=dict)  # {}: compute_speedup's
    fork_join_us: dict[str, float] = field(default_factory=dict)
    llc_mb: float = 0.0  # 0: unknown (no loop is called cache-resident)
    clock_ratio: float | None = None  # None: from compute_s against this machine's, else 1
    compute_s: float = 0.0  # the calibration kernel's seconds at 1 thread there
    source: str = ""  # where it came from: "measured on ... at ...", a path
    assumptions: list[str] = field(default_factory=list)

    # ------------------------------------------------------------ reading the curves

    def efficiency(self, p: int) -> float:
        """How much of a lone core each of ``p`` threads gives a loop's work: the typical loop's
        speedup over ``p`` (the compute-bound kernel's where the profile has none)."""
        curve = self.loop_speedup or self.compute_speedup
        return _curve(curve, p, "efficiency") / p if p > 0 else 1.0

    def bandwidth(self, p: int) -> float:
        """Bytes per second at ``p`` threads."""
        return _curve(self.bandwidth_gbs, p, "flat") * 1e9

    def with_clock_ratio(self, local_compute_s: float | None) -> MachineProfile:
        """This profile with ``clock_ratio`` set: as given, else this machine's calibration
        kernel time over its own (both at 1 thread), else 1."""
        if self.clock_ratio is not None:
            return self
        ratio = local_compute_s / self.compute_s if local_compute_s and self.compute_s else 1.0
        return dataclasses.replace(self, clock_ratio=round(ratio, 3))

    def fork_join(self, p: int) -> float:
        """Seconds of one parallel region's fork and join at ``p`` threads (0 when unknown)."""
        if not self.fork_join_us:
            return 0.0
        return _curve(self.fork_join_us, p, "linear") * 1e-6


def _points(curve: dict) -> list[tuple[int, float]]:
    return sorted((int(k), float(v)) for k, v in curve.items())


def _curve(curve: dict, p: int, beyond: str) -> float:
    """``curve`` at ``p``: interpolated between given points; beyond the last one ``flat`` (the
    last value), ``linear`` (the last segment's slope) or ``efficiency`` (value/P held)."""
    points = _points(curve)
    if p <= points[0][0]:
        first_p, first_v = points[0]
        return first_v * p / first_p if beyond == "efficiency" else first_v
    for (p0, v0), (p1, v1) in zip(points, points[1:], strict=False):
        if p0 <= p <= p1:
            return v0 + (v1 - v0) * (p - p0) / (p1 - p0)
    last_p, last_v = points[-1]
    if beyond == "efficiency":
        return last_v / last_p * p
    if beyond == "linear" and len(points) > 1:
        (p0, v0), (p1, v1) = points[-2], points[-1]
        return max(last_v, last_v + (v1 - v0) / (p1 - p0) * (p - last_p))
    return last_v


# ------------------------------------------------------------------ files


def machines_dir() -> Path:
    root = os.environ.get("PAREVO_MACHINES")
    if root:
        return Path(root)
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(config) / "parevo_lab" / "machines"


def _number(data: dict, key: str, where: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MachineError(f"{where}: `{key}` must be a number, not {value!r}")
    if not low <= value <= high:
        raise MachineError(f"{where}: `{key}` = {value:g} is outside {low:g}..{high:g}")
    return float(value)


def _curve_field(data: dict, key: str, where: str, low: float, high: float, need: bool) -> dict:
    value = data.get(key)
    if (value is None or value == {}) and not need:
        return {}
    if not isinstance(value, dict) or not value:
        raise MachineError(
            f'{where}: `{key}` must map thread counts to numbers, e.g. {{"1": 1.0, "16": 14.2}}'
        )
    out = {}
    for threads, number in value.items():
        if not str(threads).isdigit() or not 1 <= int(threads) <= 4096:
            raise MachineError(f"{where}: `{key}` has thread count {threads!r}: use 1..4096")
        out[str(int(threads))] = _number(
            {key: number}, key, f"{where}, {threads} threads", low, high
        )
    return out


def from_dict(data: object, where: str) -> MachineProfile:
    """A validated profile; MachineError (one line naming the field) when it is not usable."""
    if not isinstance(data, dict):
        raise MachineError(f"{where}: a machine profile is a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not name or not set(name) <= NAME_CHARS:
        raise MachineError(f"{where}: `name` must be letters, digits, '-', '_' or '.'")
    cores = _number(data, "cores", where, 1, 4096)
    if cores != int(cores):
        raise MachineError(f"{where}: `cores` must be a whole number, not {cores:g}")
    compute = _curve_field(data, "compute_speedup", where, 0.05, 4096, need=True)
    loop = _curve_field(data, "loop_speedup", where, 0.05, 4096, need=False)
    for key, curve in (("compute_speedup", compute), ("loop_speedup", loop)):
        for threads, speedup in curve.items():
            if speedup > int(threads) * 1.25:
                raise MachineError(
                    f"{where}: `{key}` at {threads} threads is {speedup:g}: more than the "
                    "thread count is not what cores give"
                )
    profile = MachineProfile(
        name=name,
        cores=int(cores),
        compute_speedup=compute,
        loop_speedup=loop,
        bandwidth_gbs=_curve_field(data, "bandwidth_gbs", where, 0.1, 100_000, need=True),
        fork_join_us=_curve_field(data, "fork_join_us", where, 0.0, 1e6, need=False),
        llc_mb=_number({"llc_mb": data.get("llc_mb", 0.0)}, "llc_mb", where, 0, 1e6),
        clock_ratio=None
        if data.get("clock_ratio") is None
        else _number(data, "clock_ratio", where, 0.05, 20),
        compute_s=_number({"compute_s": data.get("compute_s", 0.0)}, "compute_s", where, 0, 1e3),
        source=str(data.get("source", where)),
        assumptions=[str(a) for a in data.get("assumptions", []) if isinstance(a, str)],
    )
    return profile


def load(name: str) -> MachineProfile:
    """The profile named ``name`` (in machines_dir()) or at the path ``name``."""
    path = Path(name)
    if not (path.suffix == ".json" or os.sep in name) and set(name) <= NAME_CHARS:
        path = machines_dir() / f"{name}.json"
    if not path.is_file():
        known = (
            sorted(p.stem for p in machines_dir().glob("*.json")) if machines_dir().is_dir() else []
        )
        hint = (
            f"known: {', '.join(known)}"
            if known
            else "measure one with `parevo calibrate --save NAME`"
        )
        raise MachineError(f"no machine profile {name!r} ({path}): {hint}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MachineError(f"{path}: not a JSON machine profile ({exc})") from None
    return from_dict(data, str(path))


def save(profile: MachineProfile, directory: Path | None = None) -> Path:
    directory = directory or machines_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{profile.name}.json"
    path.write_text(json.dumps(profile.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path


def this_machine(ceiling: dict, cores: int) -> MachineProfile:
    """This machine projected to MAX_THREADS of its own cores, from the profile stage's
    calibration (``ProfileResult.ceiling``)."""
    compute = {str(k): float(v) for k, v in (ceiling.get("compute_speedup") or {"1": 1.0}).items()}
    loop = {str(k): float(v) for k, v in (ceiling.get("loop_speedup") or {}).items()}
    bandwidth = {str(k): float(v) for k, v in (ceiling.get("bandwidth_gbs") or {}).items()}
    measured = max(int(k) for k in compute)
    assumptions = [
        f"this machine's cores ({cores} here) projected to {MAX_THREADS} threads: each thread beyond "
        f"{measured} gives what each of {measured} gave the calibration's typical loop "
        f"({(loop or compute)[str(measured)]:.2f}x at {measured})",
    ]
    if bandwidth:
        top = max(bandwidth, key=int)
        assumptions.append(
            f"memory bandwidth beyond {top} threads stays at the {bandwidth[top]:.0f} GB/s measured "
            f"at {top} (one memory system: more cores do not add channels)"
        )
    else:
        bandwidth = {"1": 1e5}
        assumptions.append("memory bandwidth not measured: no bandwidth bound")
    fork_join = {str(k): float(v) for k, v in (ceiling.get("fork_join_us") or {}).items()}
    if fork_join:
        assumptions.append("fork-join cost beyond the measured thread counts grows linearly")
    return MachineProfile(
        name=THIS,
        cores=MAX_THREADS,
        compute_speedup=compute,
        loop_speedup=loop,
        bandwidth_gbs=bandwidth,
        fork_join_us=fork_join,
        llc_mb=float(ceiling.get("llc_mb") or 0.0),
        clock_ratio=1.0,
        source=f"calibration of this machine ({ceiling.get('measured', 'cached')})",
        assumptions=assumptions,
    )
