"""``parevo calibrate``: measure this machine's profile (what parallelism gives here), and save
it under a name to project other kernels onto this machine from anywhere."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import ParevoError
from .common import EXIT_OK, threads, usage_error


def add_parser(sub) -> argparse.ArgumentParser:
    calibrate = sub.add_parser(
        "calibrate",
        help="measure this machine's profile (compute, bandwidth, fork-join per thread count)",
        description="Measure what parallelism gives on this machine at each thread count: a "
        "compute-bound kernel's speedup, the STREAM triad's bandwidth, the cost of one parallel "
        "region, and the cache size. With --save NAME the profile is written to the machine "
        "profiles folder ($PAREVO_MACHINES or ~/.config/parevo_lab/machines/); copy the file "
        "there on the machine you explore on and project with `parevo check --machine NAME`. "
        "Exit 0 when measured, 2 for a usage error.",
    )
    calibrate.add_argument(
        "--threads",
        type=threads,
        default=None,
        metavar="1,2,4",
        help="thread counts to measure (default: 1, 2, 4... up to the usable cores)",
    )
    calibrate.add_argument(
        "--save", default=None, metavar="NAME", help="save the profile as NAME.json"
    )
    calibrate.add_argument("--json", action="store_true", help="print the profile as JSON")
    return calibrate


def run(args) -> int:
    import numba

    from ..cascade.profile import default_threads, usable_cores
    from ..cascade.scaling import machines

    counts = args.threads or default_threads()
    pool = numba.config.NUMBA_NUM_THREADS
    if max(counts) > pool:
        return usage_error(
            f"--threads {max(counts)} is more than numba's {pool} threads here: measure up to "
            f"{pool} (or set NUMBA_NUM_THREADS)",
            args.json,
        )
    if args.save is not None and not (set(args.save) <= machines.NAME_CHARS and args.save):
        return usage_error(
            f"--save {args.save!r}: a profile name is letters, digits, '-', '_' or '.'", args.json
        )
    try:
        profile = measure_profile(args.save or machines.THIS, counts, usable_cores())
        path = machines.save(profile) if args.save else None
    except (ParevoError, OSError) as exc:
        return usage_error(str(exc), args.json)
    if args.json:
        print(json.dumps({**profile.to_dict(), "path": str(path) if path else None}))
        return EXIT_OK
    print(describe(profile))
    if path:
        print(f"saved: {path}")
        print(
            f"to project onto this machine from another: copy it to that machine's "
            f"{machines.machines_dir()} and use --machine {profile.name}"
        )
    return EXIT_OK


def measure_profile(name: str, counts: list[int], cores: int):
    """Calibrate now (progress on stderr) and make the machine profile ``name`` of it."""
    from .. import calibrate
    from ..cascade.scaling import machines
    from ..sandbox import cores_exclusive

    print(f"measuring at {', '.join(map(str, counts))} thread(s)...", file=sys.stderr)
    with cores_exclusive():  # never beside a profile of this machine's checks or runs
        load = calibrate.load_average()
        measured = calibrate.measure(counts)
    if load > calibrate.BUSY_LOAD:
        print(
            f"parevo: warning: the load average was {load:.1f} when measuring: other work "
            "shared the cores; calibrate again on a quiet machine before saving a profile",
            file=sys.stderr,
        )
    top = str(max(counts))
    model = calibrate.machine_model()
    return machines.MachineProfile(
        name=name,
        cores=cores,
        compute_speedup=measured["compute_speedup"],
        loop_speedup=measured["loop_speedup"],
        bandwidth_gbs=measured["bandwidth_gbs"],
        fork_join_us=measured["fork_join_us"],
        llc_mb=measured["llc_mb"],
        compute_s=measured["compute_seconds"]["1"] if "1" in measured["compute_seconds"] else 0.0,
        source=f"measured on {model} ({cores} usable cores) at {measured['measured']}",
        assumptions=[
            f"beyond {top} threads: each thread gives what each of {top} gave, bandwidth stays at "
            f"{measured['bandwidth_gbs'][top]:.0f} GB/s, fork-join grows linearly"
        ],
    )


def describe(profile) -> str:
    lines = [f"machine profile '{profile.name}': {profile.source}"]
    for p in sorted(profile.compute_speedup, key=int):
        fork = profile.fork_join_us.get(p)
        loop = profile.loop_speedup.get(p)
        lines.append(
            f"  {p:>3} thread(s): compute {profile.compute_speedup[p]:.2f}x, "
            + (f"typical loop {loop:.2f}x, " if loop is not None else "")
            + f"memory {profile.bandwidth_gbs[p]:.1f} GB/s"
            + (f", one parallel region {fork:.1f} us" if fork is not None else "")
        )
    if profile.llc_mb:
        lines.append(f"  last-level cache: {profile.llc_mb:g} MiB")
    return "\n".join(lines)
