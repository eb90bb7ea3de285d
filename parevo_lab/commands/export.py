"""``parevo export``: evolution histories as training and evaluation datasets."""

from __future__ import annotations

import argparse
import json
import math

from ..schema import EXPORT_KINDS
from .common import EXIT_OK, usage_error


def _ratio(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"wants a positive speedup such as 1.0 or 1.2, got {text!r}"
        )
    return value


def add_parser(sub) -> argparse.ArgumentParser:
    export = sub.add_parser(
        "export",
        help="export runs, benches or a store as datasets (sft, preference, repair)",
        description="Write the verified evidence of evolution runs as datasets: sft (a task's "
        "reference -> its best verified candidate), preference (pairs of correct candidates the "
        "measurements order, with both times) and repair (candidate + typed feedback -> child). "
        "A SOURCE is a run folder (parevo evolve --out), a bench folder (parevo bench --out) or "
        "a store (the SQLite file parevo check records into). Writes <kind>.jsonl (or .parquet) "
        'and a dataset card README.md into OUT; `datasets.load_dataset("json", '
        'data_files="OUT/sft.jsonl")` loads it. Exit 0 when written, 2 for a usage error.',
    )
    export.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="run folder, bench folder or store"
    )
    export.add_argument("-o", "--out", required=True, metavar="OUT", help="the folder to write")
    export.add_argument(
        "--kind",
        choices=(*EXPORT_KINDS, "all"),
        default="all",
        help="which records (default: all three)",
    )
    export.add_argument(
        "--format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="file format (default jsonl)",
    )
    export.add_argument(
        "--min-ci-speedup",
        type=_ratio,
        default=1.0,
        metavar="X",
        help="sft: the low end of the best candidate's 95%% vs_serial interval must be at least X; "
        "preference: the slower's time over the faster's, at the intervals' near ends, above X "
        "(default 1.0)",
    )
    export.add_argument(
        "--license",
        default="other",
        help="the licence the card declares (a Hugging Face licence id such as mit or cc-by-4.0; "
        "default other: the task files' licences apply)",
    )
    export.add_argument("--json", action="store_true", help="print the summary as JSON")
    return export


def run(args) -> int:
    from ..errors import ParevoError
    from ..export import export

    try:
        summary = export(
            args.sources,
            args.out,
            kinds=args.kind,
            fmt=args.format,
            min_ci_speedup=args.min_ci_speedup,
            license=args.license,
        )
    except ParevoError as exc:  # ExportError, or a store that cannot be opened (StoreError)
        return usage_error(str(exc), args.json)
    if args.json:
        print(json.dumps(summary))
        return EXIT_OK
    counts = ", ".join(f"{kind} {n}" for kind, n in summary["records"].items())
    print(
        f"parevo: exported {counts} records from {summary['candidates']} candidates to "
        f"{summary['out']} in {summary['seconds']:.1f} s; verified positives "
        f"{summary['positives']} of {summary['generated']} generated "
        f"({summary['positive_share']:.0%})"
    )
    for note in summary["in_progress"]:
        print(f"parevo: note: in progress: {note}")
    return EXIT_OK
