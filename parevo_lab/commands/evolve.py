"""``parevo evolve``: evolve a task's reference into the fastest correct parallel kernel."""

from __future__ import annotations

import argparse
import json
import sys

from .. import settings
from ..errors import ParevoError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EvolveProgress,
    add_cascade_arguments,
    add_executor_arguments,
    add_target_argument,
    count,
    open_executor,
    options,
    positive,
    target_threads,
    usage_error,
)


def add_parser(sub) -> argparse.ArgumentParser:
    evolve = sub.add_parser(
        "evolve",
        help="evolve a task's reference into the fastest correct parallel kernel",
        description="Generate parallel candidates for TASK (offline with the rule-based "
        "paralleliser, or with an OpenAI-compatible model), evaluate each through the full "
        "cascade, repair and tune them with the feedback, and keep the population and lineage in "
        "OUT/run.sqlite. Writes OUT/best.py, the fastest correct candidate (the serial reference "
        "when nothing beat it). Exit 0 when the run found a correct parallel candidate, 1 when "
        "it found none, 2 for a usage error.",
    )
    evolve.add_argument("task", metavar="TASK.py", help="task file with reference and make_inputs")
    evolve.add_argument(
        "--generator",
        choices=settings.GENERATORS,
        default=settings.GENERATOR,
        help="rules: the offline rule-based paralleliser (default); llm: a model endpoint",
    )
    evolve.add_argument(
        "--budget",
        dest="evaluations",
        type=count,
        default=settings.EVALUATIONS,
        metavar="N",
        help=f"evaluations to spend, the seed's included (default {settings.EVALUATIONS})",
    )
    evolve.add_argument(
        "--seed",
        type=int,
        default=settings.SEED,
        metavar="S",
        help=f"seed of every random choice (default {settings.SEED})",
    )
    evolve.add_argument(
        "--out", default=None, metavar="DIR", help="run folder (default: runs/<task name>)"
    )
    evolve.add_argument(
        "--resume", action="store_true", help="continue the run in --out where it stopped"
    )
    evolve.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="FILE.py[:FUNC]",
        help="a candidate of your own that joins the population (repeatable)",
    )
    evolve.add_argument(
        "--seconds", type=positive, default=None, metavar="S", help="wall-time budget"
    )
    evolve.add_argument(
        "--stall",
        type=count,
        default=None,
        metavar="N",
        help="stop when the best has not improved for N evaluations (default: half the budget)",
    )
    evolve.add_argument(
        "--islands",
        type=count,
        default=settings.ISLANDS,
        metavar="K",
        help=f"islands of the population (default {settings.ISLANDS})",
    )
    evolve.add_argument(
        "--max-tokens", type=count, default=None, metavar="N", help="model token budget"
    )
    evolve.add_argument(
        "--max-cost", type=positive, default=None, metavar="X", help="model cost budget"
    )
    evolve.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="OpenAI-compatible endpoint for --generator llm (default: $PAREVO_LLM_BASE_URL)",
    )
    evolve.add_argument(
        "--model", default=None, metavar="NAME", help="model name (default: $PAREVO_LLM_MODEL)"
    )
    evolve.add_argument(
        "--llm-mode",
        choices=("full", "diff"),
        default="full",
        help="the model answers with the whole module (full) or SEARCH/REPLACE edits (diff)",
    )
    evolve.add_argument(
        "--llm-timeout",
        type=positive,
        default=settings.LLM_TIMEOUT_S,
        metavar="S",
        help=f"seconds one model call may take (default {settings.LLM_TIMEOUT_S:g})",
    )
    evolve.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_cascade_arguments(evolve, old_budget=False, store=False)
    add_executor_arguments(evolve)
    add_target_argument(evolve, "rank correct candidates")
    return evolve


def run(args) -> int:
    from ..evolution import Budget, evolve
    from ..kernel import load_kernel
    from ..task import load_task

    try:
        task = load_task(args.task)
        manual = [load_kernel(spec) for spec in args.add]
        cascade_options = options(args)
        target = target_threads(args, cascade_options)
        executor = open_executor(args)
    except (ParevoError, FileNotFoundError, UnicodeDecodeError) as exc:
        return usage_error(str(exc), args.json)
    if executor.name != "local":
        print(f"parevo: evaluating on {executor.describe()}", file=sys.stderr)
    if args.evaluations > settings.LARGE_BUDGET and args.stall is None:
        print(
            f"parevo: warning: --budget {args.evaluations} is more than a run usually uses: it "
            f"stops earlier when the best has not improved for {max(4, args.evaluations // 2)} "
            "evaluations or no candidate has a move left (set --stall N to search longer)",
            file=sys.stderr,
        )
    budget = Budget(
        evaluations=args.evaluations,
        seconds=args.seconds,
        tokens=args.max_tokens,
        cost=args.max_cost,
        stall=args.stall,
    )
    llm = {
        "base_url": args.base_url,
        "model": args.model,
        "mode": args.llm_mode,
        "timeout_s": args.llm_timeout,
    }
    bar = EvolveProgress(args.evaluations)
    try:
        result = evolve(
            task,
            generator=args.generator,
            budget=budget,
            seed=args.seed,
            out=args.out,
            resume=args.resume,
            manual=manual,
            islands=args.islands,
            options=cascade_options,
            progress=bar,
            generator_settings=llm if args.generator == "llm" else None,
            executor=executor,
            target_threads=target,
        )
    except ParevoError as exc:
        bar.close()  # before the message
        return usage_error(str(exc), args.json)
    except KeyboardInterrupt:
        bar.close()
        print("\nparevo: stopped; continue with --resume", file=sys.stderr)
        return EXIT_FAILED
    finally:
        bar.close()
        executor.close()
    data = result.to_dict()
    if args.json:
        print(json.dumps(data))
    else:
        print(summary(data))
    return EXIT_OK if data["correct_parallel"] else EXIT_FAILED


def summary(data: dict) -> str:
    """The run in words: budget spent, the best candidate, the lineage."""
    lines = [
        f"run {data['run']} of {data['task']['name']} ({data['generator']}, seed {data['seed']}): "
        f"{data['evaluations']} evaluations in {data['seconds']:.0f} s; stopped: {data['stopped']}"
    ]
    best = data["best"]
    if best is None:
        lines.append("no correct candidate")
    else:
        speed = (
            f"{best['speedup']:.2f}x vs serial {'projected ' if best.get('projected') else ''}"
            f"at {best['threads']} threads"
            if best["speedup"]
            else "not timed"
        )
        lines.append(f"best: #{best['id']} {speed}: {best['label']}")
        lines.append(f"      {best['path']}")
        if best["origin"] == "seed":
            lines.append(
                "no parallel candidate beat the serial reference"
                if data["correct_parallel"]
                else "no correct parallel candidate: the best is the serial reference"
            )
    if data["first_ok"] is not None:
        lines.append(f"first correct parallel candidate after {data['first_ok']} evaluations")
    probed = data.get("templates")  # what the reference's outputs looked like (the seed's probe)
    if probed:
        from ..primitives import templates

        found = [
            f"{m['template']} ({templates.said(m['convention'])})"
            for m in probed.get("matches") or []
        ]
        lines.append("templates: " + (", ".join(found) or probed.get("note") or "none fits"))
    lines.append("lineage:")
    for m in data["candidates"]:
        speed = f"{m['speedup']:.2f}x" if m["speedup"] else "-"
        if m["speedup"] and m.get("projected"):
            speed = f"{speed} (projected at {m['threads']})"
        parent = f"<- #{m['parent_id']}" if m["parent_id"] else "      "
        retimed = m.get("retimed")
        mark = ""
        if retimed:  # it would have become the best: re-timed against it, interleaved
            outcome = "faster" if m["confirmed"] else "not surely faster"
            mark = f"  [re-timed vs #{retimed['against']}: {outcome}]"
        lines.append(
            f"  #{m['id']:<3} {parent:<7} {m['verdict'] or 'pending':<13} {speed:>7}  "
            f"{m['label']}{mark}"
        )
    return "\n".join(lines)
