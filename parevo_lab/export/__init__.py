"""Evolution histories as datasets: ``parevo export`` and the panel's "Export this run".

    from parevo_lab.export import export
    summary = export(["runs/histogram"], "data/histogram", kinds=("sft", "preference", "repair"))
    summary["records"]      # {"sft": 1, "preference": 12, "repair": 9}

Writes ``<kind>.jsonl`` (or ``.parquet``) per kind and a dataset card ``README.md`` beside them,
so ``datasets.load_dataset("json", data_files="data/histogram/sft.jsonl")`` (or
``load_dataset("data/histogram", "sft")``) loads it. docs/datasets.md has the fields.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

from ..schema import EXPORT_FORMATS
from .card import FIELDS, KINDS, card
from .records import machine, positive, preference_records, repair_records, sft_records
from .scrub import scrubber
from .sources import Entry, ExportError, find_units, read_unit

FORMATS = EXPORT_FORMATS

__all__ = ["FIELDS", "FORMATS", "KINDS", "ExportError", "export", "read_entries"]


def read_entries(sources: list[str | Path]) -> tuple[list[Entry], list[str], list[str]]:
    """(entries, the sources' names, what was still in progress) of every SOURCE."""
    units = find_units(sources)
    entries: list[Entry] = []
    in_progress: list[str] = []
    unfinished_benches = sorted({u.name.split("/runs/")[0] for u in units if not u.finished})
    in_progress += [
        f"the bench {name} had not finished (no results.json)" for name in unfinished_benches
    ]
    for unit in units:
        read = read_unit(unit)
        entries += read
        running = {e.run for e in read if e.run_status == "running"}
        if running:
            in_progress.append(
                f"{unit.name}: run {', '.join(map(str, sorted(running)))} still running"
            )
    names = [Path(s).expanduser().name or str(s) for s in sources]
    return entries, names, in_progress


def export(
    sources: list[str | Path],
    out: str | Path,
    kinds: tuple[str, ...] | str = "all",
    fmt: str = "jsonl",
    min_ci_speedup: float = 1.0,
    license: str = "other",
) -> dict:
    """Read every SOURCE, build the records of each kind (``kinds``: "all", one kind, or a
    tuple of them), write them and the card to ``out``. Returns the summary the CLI prints and
    the card quotes; ExportError for a bad SOURCE or output."""
    if isinstance(kinds, str):
        kinds = KINDS if kinds == "all" else (kinds,)
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use jsonl or parquet")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ExportError(f"unknown kind {unknown[0]!r}: use sft, preference, repair or all")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportError(
                "--format parquet needs pyarrow: pip install pyarrow, or use --format jsonl"
            ) from None
    started = time.perf_counter()
    entries, names, in_progress = read_entries(sources)
    scrub = scrubber()
    built = {
        "sft": lambda: sft_records(entries, min_ci_speedup),
        "preference": lambda: preference_records(entries, min_ci_speedup),
        "repair": lambda: repair_records(entries),
    }
    records = {kind: _unique([scrub(r) for r in built[kind]()]) for kind in kinds}
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        raise ExportError(f"-o {out} is a file: give a folder to write the dataset into")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for kind, rows in records.items():
            target = out / f"{kind}.{fmt}"
            if rows:
                _write(rows, target, fmt)
            else:  # datasets cannot load an empty file: no file, and the card says none
                target.unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(
            f"cannot write to {out}: {exc.strerror or exc}; choose another -o"
        ) from None
    generated = [e for e in entries if e.origin != "seed"]
    positives = [e for e in generated if positive(e, min_ci_speedup) is not None]
    profiled = [e for e in entries if (e.report.get("profile") or {}).get("ran")]
    machines = {json.dumps(machine(e.report), sort_keys=True) for e in profiled or entries}
    summary = {
        "out": str(out),
        "format": fmt,
        "sources": names,
        "records": {k: len(v) for k, v in records.items()},
        "files": [str(out / f"{k}.{fmt}") for k, v in records.items() if v]
        + [str(out / "README.md")],
        "candidates": len(entries),
        "verdicts": dict(Counter(e.verdict for e in entries)),
        "generated": len(generated),
        "positives": len(positives),
        "positive_share": len(positives) / len(generated) if generated else 0.0,
        "min_ci_speedup": min_ci_speedup,
        "machines": [json.loads(m) for m in sorted(machines)],
        "in_progress": in_progress,
    }
    try:
        (out / "README.md").write_text(scrub(card(summary, license)))
    except OSError as exc:
        raise ExportError(
            f"cannot write the card to {out}: {exc.strerror or exc}; choose another -o"
        ) from None
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def _unique(rows: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["id"], row)
    return sorted(seen.values(), key=lambda r: (r["task"], r["id"]))


def _write(rows: list[dict], path: Path, fmt: str) -> None:
    partial = path.with_name(path.name + ".partial")
    if fmt == "jsonl":
        with open(partial, "w") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), partial)
    os.replace(partial, path)
