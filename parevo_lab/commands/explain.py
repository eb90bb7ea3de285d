"""``parevo explain``: what numba and LLVM made of each loop of a candidate (the compiled view)."""

from __future__ import annotations

import argparse
import json
import sys

from .. import settings
from ..errors import ParevoError
from .common import EXIT_FAILED, EXIT_OK, StatusLine, positive, usage_error


def add_parser(sub) -> argparse.ArgumentParser:
    explain = sub.add_parser(
        "explain",
        help="show what the compiler made of each loop: vectorised or not, why, IR and assembly",
        description="Compile CANDIDATE for the inputs of TASK (in a sandboxed child) and show, "
        "for every parallel loop and every loop of the reference, whether LLVM vectorised it "
        "(width, interleave), and if not the reason at its source line with the usual fix. "
        "--ir or --asm print a loop's optimised IR or assembly beside its source lines. Exit 0 "
        "when the view was made, 1 when it could not be (the candidate does not compile, or "
        "the build for the view failed: the output says why), 2 for a usage error.",
    )
    explain.add_argument("task", metavar="TASK.py")
    explain.add_argument("candidate", metavar="CANDIDATE.py[:FUNC]")
    explain.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    listing = explain.add_mutually_exclusive_group()
    listing.add_argument("--ir", action="store_true", help="print each loop's optimised LLVM IR")
    listing.add_argument("--asm", action="store_true", help="print each loop's assembly")
    explain.add_argument(
        "--loop",
        type=int,
        default=None,
        metavar="LINE",
        help="only the loop at this source line (a prange line shows its inner loops too)",
    )
    explain.add_argument(
        "--timeout",
        type=positive,
        default=settings.COMPILE_TIMEOUT_S,
        metavar="S",
        help=f"seconds the compiles may take (default {settings.COMPILE_TIMEOUT_S:g})",
    )
    return explain


def run(args) -> int:
    from ..cascade import CheckOptions
    from ..cascade.evaluate import explain
    from ..kernel import load_kernel
    from ..report.text import compiled_lines
    from ..task import load_task

    try:
        task = load_task(args.task)
        candidate = load_kernel(args.candidate)
    except (ParevoError, FileNotFoundError, UnicodeDecodeError) as exc:
        return usage_error(str(exc), args.json)
    chosen = CheckOptions(threads=[1], timeout_s=args.timeout, compile_timeout_s=args.timeout)
    progress = StatusLine() if sys.stderr.isatty() else None
    try:
        compiled, view, _ = explain(task, candidate, chosen, progress=progress)
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    finally:
        if progress is not None:
            progress.close()
    if view is not None and args.loop is not None:
        chosen_loops = [
            loop
            for loop in [*view.loops, *view.serial]
            if args.loop in (loop.line, loop.prange_line)
        ]
        if not chosen_loops:
            lines = sorted({loop.line for loop in [*view.loops, *view.serial]})
            return usage_error(
                f"--loop {args.loop}: no compiled loop at that line (loops at lines "
                f"{', '.join(map(str, lines)) or 'none'})",
                args.json,
            )
        view.loops = [loop for loop in chosen_loops if loop.role != "serial"]
        view.serial = [loop for loop in chosen_loops if loop.role == "serial"]
    made = EXIT_OK if view is not None and view.status == "analysed" else EXIT_FAILED
    if args.json:
        print(json.dumps({"compile": compiled.to_dict(), "compiled": view and view.to_dict()}))
        return made
    if view is None:
        print(
            f"no compiled view: the candidate does not compile ({compiled.error.kind}): "
            f"{compiled.error.summary}"
        )
        return EXIT_FAILED
    print("\n".join(compiled_lines(view)))
    if args.ir or args.asm:
        source = candidate.source.splitlines()
        for loop in [*view.loops, *view.serial]:
            print("\n".join(listing_lines(loop, "ir" if args.ir else "asm", source, task)))
    return made


def listing_lines(loop, kind: str, source: list[str], task) -> list[str]:
    """A loop's IR or assembly, each line with the source line it came from (shown once, above
    the first code line that has it)."""
    code = loop.ir if kind == "ir" else loop.asm
    lines = task.source.splitlines() if loop.role == "serial" else source  # the reference's
    out = [
        "",
        f"--- line {loop.line} ({loop.function}): {'LLVM IR' if kind == 'ir' else 'assembly'}",
    ]
    if not code:
        out.append(
            "  (none: " + ("no loop is left" if loop.status == "no_loop" else "not found") + ")"
        )
    shown = None
    for entry in code:
        if entry.line is not None and entry.line != shown and 0 < entry.line <= len(lines):
            out.append(f"{entry.line:>5} | {lines[entry.line - 1].strip()}")
            shown = entry.line
        out.append(f"        {entry.text}")
    return out
