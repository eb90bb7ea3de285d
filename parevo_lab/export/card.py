"""The dataset card written beside the data: Hugging Face front matter (licence, configs so that
``datasets.load_dataset(OUT_DIR, "sft")`` finds each kind) and how the data was made."""

from __future__ import annotations

import datetime as dt
import json

from ..schema import EXPORT_KINDS
from ..version import __version__

# What each field of each kind means: the card lists these, docs/datasets.md shows them, and a
# test checks that every record has exactly these keys.
TASK_FIELDS = {
    "id": "stable id: a hash of the record's identity (task and source hashes); the same record "
    "read twice is one",
    "task": "the task's name (a bench's suite/task)",
    "task_hash": "SHA-256 of the task file",
    "instruction": "what to do, in words",
    "docstring": "the task file's docstring (the problem in words)",
    "input": "the sequential reference: the task file without make_inputs, check and the "
    "verifier's settings",
}
MACHINE = (
    "the machine: cores, processor, platform, Python, numba, parevo-lab, and its ceiling "
    "(compute and bandwidth speedup per thread count)"
)

FIELDS = {
    "sft": {
        **TASK_FIELDS,
        "test": "the whole task file: make_inputs and check are the test the output passed",
        "output": "the best verified candidate's source",
        "function": "the candidate's function name",
        "primitives": "the parevo_lab.primitives functions it calls",
        "move": "the transformation or prompt that made it (its lineage edge's label)",
        "lineage": "the labels from the seed to it",
        "family": "its strategy family",
        "origin": "rules, llm or manual",
        "genome": "the rule generator's plan as JSON ('' for other origins)",
        "verdict": "always ok",
        "races": "always clean: the race detector's status",
        "threads": "the thread count of the headline speedup (the most measured)",
        "speedup": "vs_serial at those threads: over the reference compiled serially with numba",
        "speedup_ci_low": "the 95% interval's low end (at least --min-ci-speedup)",
        "speedup_ci_high": "the 95% interval's high end",
        "speedups": "every measured speedup, kept apart by kind (vs_serial, "
        "vs_serial_same_flags: the parallel gain alone, self: over one thread) and thread count, "
        "each with its 95% interval",
        "times": "its median time per thread count, seconds, with the 95% interval",
        "size": "the input size it was timed on",
        "machine": MACHINE,
        "provenance": "where it was read: source kind, name (relative), run, candidate, "
        "generator, model",
    },
    "preference": {
        **TASK_FIELDS,
        "prompt": "instruction and input in one text",
        "chosen": "the faster correct candidate's source",
        "rejected": "the slower correct candidate's source",
        "chosen_move": "the move or prompt behind the faster",
        "rejected_move": "the move or prompt behind the slower",
        "threads": "the thread count both were compared at",
        "chosen_time": "the faster's median and 95% interval, seconds",
        "rejected_time": "the slower's median and 95% interval, seconds",
        "ratio": "rejected over chosen median time",
        "ratio_ci_low": "the slower's interval low end over the faster's high end (> 1)",
        "chosen_speedup": "the faster's vs_serial speedup",
        "rejected_speedup": "the slower's vs_serial speedup",
        "size": "the input size both were timed on",
        "machine": MACHINE,
        "chosen_provenance": "where the faster was read",
        "rejected_provenance": "where the slower was read",
    },
    "repair": {
        **TASK_FIELDS,
        "candidate": "the parent's source",
        "candidate_verdict": "its verdict",
        "feedback": "its typed feedback (kind: compile_error, runtime_error, timeout, wrong, "
        "race or profile; message, line, detail, loops, arrays, compiled-view findings, "
        "scaling, speedup) with the evidence: compile_error, race (both sites), mismatch "
        "(the input case)",
        "child": "the source made from it",
        "child_verdict": "the child's verdict",
        "child_summary": "the child's one-line report",
        "move": "the transformation or prompt that made the child",
        "family": "the child's strategy family",
        "origin": "rules, llm or manual",
        "fixed": "a failing parent: the child is correct and race-free; a correct parent: the "
        "measurements order the child faster",
        "machine": MACHINE,
        "provenance": "where the child was read",
    },
}

KINDS = EXPORT_KINDS
assert tuple(FIELDS) == KINDS


def front_matter(kinds: list[str], fmt: str, license: str, total: int) -> str:
    size = "n<1K" if total < 1000 else "1K<n<10K" if total < 10_000 else "10K<n<100K"
    lines = [
        "---",
        f"license: {license}",
        "pretty_name: ParEVO Lab evolution export",
        "language:",
        "- en",
        "tags:",
        "- code",
        "- parallel-programming",
        "- numba",
        "- parevo-lab",
        "task_categories:",
        "- text-generation",
        "size_categories:",
        f"- {size}",
        "configs:",
    ]
    for kind in kinds:
        lines += [f"- config_name: {kind}", f"  data_files: {kind}.{fmt}"]
    return "\n".join(lines + ["---", ""])


def card(summary: dict, license: str) -> str:
    """The README.md of an export (``summary`` is what ``export.export`` returns)."""
    kinds = list(summary["records"])
    written = [k for k in kinds if summary["records"][k]]
    total = sum(summary["records"].values())
    out = [front_matter(written, summary["format"], license, total)]
    out.append("# ParEVO Lab evolution export\n")
    out.append(
        f"Written by `parevo export` (parevo-lab {__version__}) on "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')} from "
        + ", ".join(f"`{s}`" for s in summary["sources"])
        + ".\n"
    )
    if summary["in_progress"]:
        out.append(
            "**In progress:** " + "; ".join(summary["in_progress"]) + ". This export holds what "
            "they had recorded when it was made.\n"
        )
    out.append("## Records\n\n| kind | records | file |\n|---|---|---|")
    for kind in kinds:
        file = f"`{kind}.{summary['format']}`" if kind in written else "none (no record qualified)"
        out.append(f"| {kind} | {summary['records'][kind]} | {file} |")
    verdicts = ", ".join(f"{v} {n}" for v, n in sorted(summary["verdicts"].items()))
    out.append(
        f"\nCandidates read: {summary['candidates']} ({verdicts}). Verified positives (verdict ok, "
        "race detector clean, made by a generator, vs_serial interval low end at least "
        f"{summary['min_ci_speedup']}): {summary['positives']} of {summary['generated']} generated "
        f"candidates ({summary['positive_share']:.0%}).\n"
    )
    out.append("## How it was made\n")
    out.append(
        "Every candidate was compiled, verified against the sequential reference on many inputs "
        "(numba parallel and serial, several thread counts), checked by ParEVO Lab's dynamic race "
        "detector and profiled across thread counts with 95% bootstrap intervals, in a child "
        "process with limits. `sft` keeps each task's best verified candidate; `preference` a "
        "pair only when the faster's time interval lies wholly below the slower's and its "
        "vs_serial interval wholly above; `repair` every child of an evaluated parent, with the "
        "parent's typed feedback. Records are deduplicated by content; absolute paths are cut to "
        "file names and anything that looks like a key is blanked.\n"
    )
    out.append("## Machines\n")
    for m in summary["machines"]:
        ceiling = ", ".join(
            f"{c['threads']} threads {c['compute_speedup']}x"
            for c in m["ceiling"]
            if c["threads"] > 1
        )
        out.append(
            f"- {m['usable_cores']} usable cores, {m['processor']}, {m['platform']}; Python "
            f"{m['python']}, numba {m['numba']}"
            + (f"; compute-bound ceiling: {ceiling}" if ceiling else "")
        )
    out.append(
        "\nA speedup is only meaningful beside its machine's ceiling: compare like with like.\n"
    )
    out.append("## Fields\n")
    for kind in kinds:
        out.append(f"### {kind}\n\n| field | meaning |\n|---|---|")
        out += [f"| `{name}` | {text} |" for name, text in FIELDS[kind].items()]
        out.append("")
    out.append("## Licence\n")
    out.append(
        f"`{license}` as given to `parevo export --license`. The candidates derive from the task "
        "files' references: their licences apply to the code.\n"
    )
    out.append(
        "<!-- parevo-export: "
        + json.dumps({k: summary[k] for k in ("records", "candidates")})
        + " -->\n"
    )
    return "\n".join(out)
