"""``parevo``: the command line of ParEVO Lab.

Exit codes: 0 the verdict is ok, 1 the candidate failed a gate, 2 a usage error or an unusable
task file (the message says which and how to fix it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import settings
from .version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _threads(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--threads wants thread counts separated by commas, such as 1,2,4; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"--threads wants counts of at least 1, got {text!r}")
    return sorted(set(values))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"wants a whole number of at least 1, got {text!r}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"wants a positive number of seconds, got {text!r}")
    return value


def _add_cascade_arguments(
    parser: argparse.ArgumentParser, budget_flag: str = "--budget", store: bool = True
) -> None:
    """The options of the cascade that check, bench and evolve share."""
    parser.add_argument(
        "--threads",
        type=_threads,
        default=None,
        metavar="1,2",
        help="thread counts to verify and time (default: 1, 2, 4... up to the usable cores)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=settings.TIMEOUT_S,
        metavar="S",
        help=f"seconds one call of the candidate may take (default {settings.TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--compile-timeout",
        type=_positive,
        default=settings.COMPILE_TIMEOUT_S,
        metavar="S",
        help=f"seconds numba may spend compiling (default {settings.COMPILE_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=settings.MEMORY_MB,
        metavar="MB",
        help=f"address-space limit of the sandbox in MiB (default {settings.MEMORY_MB})",
    )
    parser.add_argument(
        budget_flag,
        dest="budget",
        type=_positive,
        default=settings.PROFILE_BUDGET_S,
        metavar="S",
        help="sampling time per configuration when profiling "
        f"(default {settings.PROFILE_BUDGET_S:g})",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the profile stage")
    if not store:
        return
    parser.add_argument(
        "--db",
        default=None,
        metavar="FILE",
        help="SQLite file that records evaluations (default: $PAREVO_DB or "
        "~/.local/share/parevo_lab/parevo.db)",
    )
    parser.add_argument("--no-store", action="store_true", help="do not record this evaluation")


def _add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor",
        default=None,
        metavar="local|dask|tcp://HOST:PORT",
        help="where candidates are evaluated: local (this machine, one at a time; the default, "
        "or $PAREVO_EXECUTOR), dask (a new Dask LocalCluster) or the address of a Dask scheduler",
    )
    parser.add_argument(
        "--workers",
        type=_count,
        default=None,
        metavar="N",
        help="worker processes of the LocalCluster that --executor dask starts "
        "(default: the usable cores, at least 2)",
    )


def _open_executor(args):
    """The executor the arguments ask for; UsageError when it cannot be opened."""
    from .executor import ExecutorError, open_executor

    try:
        return open_executor(args.executor, args.workers)
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None


def _formats(text: str) -> tuple[str, ...]:
    values = tuple(part.strip().lower().lstrip(".") for part in text.split(",") if part.strip())
    unknown = [v for v in values if v not in ("svg", "pdf", "png")]
    if not values or unknown:
        raise argparse.ArgumentTypeError(
            f"--format wants svg, pdf or png separated by commas, such as svg,pdf; got {text!r}"
        )
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parevo",
        description="ParEVO Lab: verified, profiled parallel numba kernels for irregular data.",
    )
    parser.add_argument("--version", action="version", version=f"parevo-lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser(
        "check",
        help="compile, verify and profile one candidate against a task's reference",
        description="Compile, verify and profile CANDIDATE against the reference of TASK, in a "
        "sandboxed child process. Exit 0 when the verdict is ok, 1 when the candidate fails a "
        "gate, 2 for a usage error or an invalid task file.",
    )
    check.add_argument("task", metavar="TASK.py", help="task file with reference and make_inputs")
    check.add_argument(
        "candidate",
        metavar="CANDIDATE.py[:FUNC]",
        help="candidate file, and the kernel's name (default: kernel)",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    _add_cascade_arguments(check)
    bench = sub.add_parser(
        "bench",
        help="run the benchmark suite (ParEval + irregular) for a solver and report its metrics",
        description="List the suite's tasks, or run the full cascade on each task for a solver "
        "(the expert solutions, or a folder of candidate files named by task id) and report "
        "pass@k, build@k, speedup_n@k, efficiency_n@k and speedup_max@k. Exit 0 when every task "
        "has a correct candidate, 1 when some task has none, 2 for a usage error.",
    )
    bench.add_argument("--list", action="store_true", help="list the tasks (id, category, path)")
    bench.add_argument(
        "--solver",
        default=None,
        metavar="expert|rules|llm|DIR",
        help="whose candidates to run: expert, or a folder DIR with DIR/<id>.py or DIR/<id>/*.py",
    )
    bench.add_argument(
        "--tasks",
        action="append",
        default=None,
        metavar="GLOB",
        help="only the tasks whose id matches (pareval/2*, irregular/*, a category); repeatable",
    )
    bench.add_argument(
        "--samples",
        type=_count,
        default=1,
        metavar="K",
        help="candidates per task (default 1); metrics are given at k = 1 and k = K",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench.add_argument(
        "--out", default=None, metavar="DIR", help="write tables (CSV, Markdown, LaTeX) and figures"
    )
    bench.add_argument(
        "--evolve-budget",
        type=_count,
        default=settings.EVALUATIONS,
        metavar="N",
        help="evaluations per evolution for --solver rules or llm "
        f"(default {settings.EVALUATIONS}); the runs are kept "
        "in OUT/runs/<task id>/sample-<s>/ and resumed when run again",
    )
    _add_cascade_arguments(bench)
    _add_executor_arguments(bench)
    audit = sub.add_parser(
        "audit",
        help="measure how strong a task's verification is: mutants of its reference it accepts",
        description="Mutate the reference of TASK (loop bounds, half ranges, swapped comparisons "
        "and operators, early exits, constant answers, size-dependent shortcuts, ...), verify "
        "every mutant exactly as a candidate, and report the mutation score and each surviving "
        "mutant: a wrong kernel that the task's inputs call ok. Exit 0 when no mutant survived, "
        "1 when some did, 2 for a usage error or an unusable task file.",
    )
    audit.add_argument(
        "task", metavar="TASK.py", nargs="?", help="task file (or --suite for the suite's tasks)"
    )
    audit.add_argument("--suite", action="store_true", help="audit the benchmark suite's tasks")
    audit.add_argument(
        "--tasks",
        action="append",
        default=None,
        metavar="GLOB",
        help="with --suite: only the tasks whose id matches (pareval/3*, a category); repeatable",
    )
    audit.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    audit.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="where the surviving mutants are written as candidate files, with audit.json "
        "(default runs/audit/<task>)",
    )
    audit.add_argument(
        "--no-probe",
        action="store_true",
        help="do not try accepted mutants on extra inputs (every one counts as survived)",
    )
    audit.add_argument("--threads", type=_threads, default=None, metavar="1,2")
    audit.add_argument(
        "--timeout",
        type=_positive,
        default=settings.AUDIT_TIMEOUT_S,
        metavar="S",
        help=f"seconds one call of a mutant may take (default {settings.AUDIT_TIMEOUT_S:g}): "
        "a hang is a kill",
    )
    audit.add_argument("--memory", type=int, default=settings.MEMORY_MB, metavar="MB")
    races = sub.add_parser(
        "races",
        help="hunt data races in a candidate's prange loops and print the traces",
        description="Lint each prange loop and replay the kernel serially with every array "
        "access tagged by its iteration (plus differential runs at every thread count). Prints "
        "each conflicting pair of accesses like a sanitizer report. Exit 0 when no race is found, "
        "1 when one is (or the candidate fails another gate), 2 for a usage error.",
    )
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
        type=_count,
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
        "--seconds", type=_positive, default=None, metavar="S", help="wall-time budget"
    )
    evolve.add_argument(
        "--stall",
        type=_count,
        default=None,
        metavar="N",
        help="stop when the best has not improved for N evaluations (default: half the budget)",
    )
    evolve.add_argument(
        "--islands",
        type=_count,
        default=settings.ISLANDS,
        metavar="K",
        help=f"islands of the population (default {settings.ISLANDS})",
    )
    evolve.add_argument(
        "--max-tokens", type=_count, default=None, metavar="N", help="model token budget"
    )
    evolve.add_argument(
        "--max-cost", type=_positive, default=None, metavar="X", help="model cost budget"
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
        type=_positive,
        default=settings.LLM_TIMEOUT_S,
        metavar="S",
        help=f"seconds one model call may take (default {settings.LLM_TIMEOUT_S:g})",
    )
    evolve.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    _add_cascade_arguments(evolve, budget_flag="--profile-budget", store=False)
    _add_executor_arguments(evolve)
    report = sub.add_parser(
        "report",
        help="write a run's or a benchmark's report as a notebook (and HTML, paper figures)",
        description="Build a report notebook (nbformat v4) of an evolution run (RUN_DIR, what "
        "`parevo evolve --out` writes) or of a benchmark (--bench BENCH_DIR, what `parevo bench "
        "--out` writes): header, tables, figures (interactive plotly, with a static SVG drawn "
        "in Chromium) and the best kernels. --html renders it as a web page too; --figures "
        "exports each figure in the paper style and each table as LaTeX and Markdown. Exit 0 "
        "when everything was written, 2 for a usage error (the message says how to fix it).",
    )
    report.add_argument(
        "run_dir", nargs="?", default=None, metavar="RUN_DIR", help="folder of an evolution run"
    )
    report.add_argument(
        "--bench", default=None, metavar="BENCH_DIR", help="folder of a benchmark run instead"
    )
    report.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FILE",
        help="the notebook (.ipynb; default: report.ipynb in the folder), or an .html page "
        "(the notebook is then written beside it)",
    )
    report.add_argument(
        "--html", action="store_true", help="also write the HTML page beside the notebook"
    )
    report.add_argument(
        "--no-images",
        action="store_true",
        help="no static SVG of the figures in the notebook (needs no Chromium; the HTML page "
        "then shows no figures)",
    )
    report.add_argument(
        "--figures",
        default=None,
        metavar="DIR",
        help="export each figure (paper style) and each table (.tex booktabs, .md) to DIR",
    )
    report.add_argument(
        "--format",
        type=_formats,
        default=("svg", "pdf", "png"),
        metavar="svg,pdf,png",
        help="figure formats for --figures (default: all three)",
    )
    report.add_argument(
        "--size",
        choices=("single", "double"),
        default="single",
        help="figure width for --figures: one column (3.5 in, default) or the text width (7.16 in)",
    )
    report.add_argument("--json", action="store_true", help="print the written paths as JSON")
    races.add_argument("task", metavar="TASK.py")
    races.add_argument("candidate", metavar="CANDIDATE.py[:FUNC]")
    races.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    races.add_argument("--threads", type=_threads, default=None, metavar="1,2")
    races.add_argument("--timeout", type=_positive, default=settings.TIMEOUT_S, metavar="S")
    races.add_argument("--db", default=None, metavar="FILE")
    races.add_argument("--no-store", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command in ("check", "races"):
        return _check(args)
    if args.command == "bench":
        return _bench(args)
    if args.command == "evolve":
        return _evolve(args)
    if args.command == "report":
        return _report(args)
    if args.command == "audit":
        return _audit(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _check(args) -> int:
    from .candidate import load_candidate
    from .cascade import evaluate
    from .report.text import render, render_races
    from .sandbox import SandboxStartError
    from .task import TaskError, load_task

    try:
        task = load_task(args.task)
        candidate = load_candidate(args.candidate)
    except (TaskError, FileNotFoundError, UnicodeDecodeError) as exc:
        return _usage_error(str(exc), args.json)
    if args.command == "races":  # the same cascade, without timing
        args.compile_timeout, args.memory, args.budget, args.no_profile = 180.0, 8192, 1.0, True
    try:
        options = _options(args)
    except UsageError as exc:
        return _usage_error(str(exc), args.json)
    progress = _progress_printer() if sys.stderr.isatty() else None
    try:
        report = evaluate(task, candidate, options, progress=progress)
    except (TaskError, SandboxStartError) as exc:
        return _usage_error(str(exc), args.json)
    finally:
        if progress is not None:
            progress.close()
    if not args.no_store:
        from .store import Store

        try:
            with Store(args.db) as store:
                report.sandbox["evaluation_id"] = store.record(task, candidate, report)
        except Exception as exc:  # noqa: BLE001 - a report is never lost to a broken store
            print(f"parevo: warning: could not record the evaluation: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict()))
    elif args.command == "races":
        print(render_races(report))
        if report.verdict not in ("ok", "race"):
            print(f"\nverdict {report.verdict}: {report.summary}")
    else:
        print(render(report))
    return EXIT_OK if report.verdict == "ok" else EXIT_FAILED


def _audit(args) -> int:
    from . import suite
    from .cascade.audit import AuditOptions, audit, suite_summary
    from .report.text import render_audit, render_suite_audit
    from .sandbox import SandboxStartError
    from .task import TaskError, load_task

    if args.suite == bool(args.task):
        return _usage_error(
            "give a task file (parevo audit TASK.py) or --suite, not both and not neither",
            args.json,
        )
    if args.tasks and not args.suite:
        return _usage_error("--tasks selects suite tasks: add --suite", args.json)
    if args.memory < 256:
        return _usage_error(
            f"--memory {args.memory} is too small: give at least 256 MiB", args.json
        )
    options = AuditOptions(timeout_s=args.timeout, memory_mb=args.memory, probe=not args.no_probe)
    if args.threads:
        options.threads = args.threads
    try:
        if args.suite:
            chosen = suite.select(suite.entries(), args.tasks)
            tasks = [(entry.id, load_task(entry.path)) for entry in chosen]
        else:
            task = load_task(args.task)
            tasks = [(task.name, task)]
    except (TaskError, suite.SuiteError) as exc:
        return _usage_error(str(exc), args.json)
    root = Path(args.out) if args.out else Path("runs") / ("audit-suite" if args.suite else "audit")
    reports = []
    for number, (name, task) in enumerate(tasks, 1):
        bar = _AuditProgress(f"[{number}/{len(tasks)}] {name}" if args.suite else name)
        out = root / name if (args.suite or not args.out) else root
        try:
            report = audit(task, options, out=out, progress=bar)
        except (TaskError, SandboxStartError) as exc:
            bar.close()
            return _usage_error(f"{name}: {exc}", args.json)
        bar.close(report if report.mutants else None)
        reports.append((name, report))
    if not args.suite:
        report = reports[0][1]
        if not report.mutants:
            return _usage_error(f"{reports[0][0]}: {report.statement}", args.json)
        print(json.dumps(report.to_dict()) if args.json else render_audit(report))
    elif args.json:
        print(json.dumps(suite_summary(reports)))
    else:
        print(render_suite_audit(reports))
    survived = any(r.counts.get("survived") for _, r in reports)
    return EXIT_FAILED if survived else EXIT_OK


class _AuditProgress:
    """A progress bar per audited task on a terminal; one line per task otherwise."""

    def __init__(self, name: str):
        self.name = name
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int, text: str) -> None:
        if self.tty:
            width = 24
            filled = round(width * done / max(total, 1))
            line = f"\r{self.name} [{'#' * filled}{'-' * (width - filled)}] {done}/{total} {text}"
            sys.stderr.write(line[:110].ljust(110))
            sys.stderr.flush()

    def close(self, report=None) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 110 + "\r")
        if report is not None:
            print(f"{self.name}: {report.summary} ({report.seconds:.0f} s)", file=sys.stderr)


def _options(args):
    from .cascade import CheckOptions

    if args.memory < 256:
        raise UsageError(f"--memory {args.memory} is too small: give at least 256 MiB")
    options = CheckOptions(
        timeout_s=args.timeout,
        compile_timeout_s=args.compile_timeout,
        memory_mb=args.memory,
        profile=not args.no_profile,
        budget_s=args.budget,
    )
    if args.threads:
        options.threads = args.threads
    return options


def _bench(args) -> int:
    from . import bench, suite
    from .evolve import GeneratorError, RunError
    from .executor import ExecutorError
    from .report import benchmark
    from .sandbox import SandboxStartError
    from .store import StoreError
    from .task import TaskError

    try:
        chosen = suite.select(suite.entries(), args.tasks)
        if args.list:
            if args.json:
                print(json.dumps([e.to_dict() for e in chosen]))
            else:
                width = max(len(e.id) for e in chosen)
                for e in chosen:
                    print(f"{e.id:<{width}}  {e.category:<10} {e.path}")
            return EXIT_OK
        if args.solver is None:
            raise UsageError("give --solver expert (or rules, llm, a folder), or --list")
        bench.solver_folder(args.solver)  # a bad solver fails before anything runs
        if args.solver in bench.GENERATED:
            from .evolve import generators

            generators.get(args.solver)  # so does a generator without its settings
        options = _options(args)
        executor = _open_executor(args)
    except (suite.SuiteError, UsageError, GeneratorError) as exc:
        return _usage_error(str(exc), args.json)
    if executor.name != "local":
        print(f"parevo: evaluating on {executor.describe()}", file=sys.stderr)
    store = None
    if not args.no_store:
        from .store import Store

        try:
            store = Store(args.db)
        except Exception as exc:  # noqa: BLE001 - the benchmark still runs without a record
            print(f"parevo: warning: cannot open the store, not recording: {exc}", file=sys.stderr)

    def record(task, candidate, report):
        if store is None:
            return
        try:
            store.record(task, candidate, report)
        except Exception as exc:  # noqa: BLE001 - a result is never lost to a broken store
            print(f"parevo: warning: could not record the evaluation: {exc}", file=sys.stderr)

    try:
        result = bench.run(
            chosen,
            args.solver,
            args.samples,
            options,
            progress=_bench_progress,
            record=record,
            evolve_budget=args.evolve_budget,
            work=Path(args.out) / "runs" if args.out else None,
            executor=executor,
        )
    except (
        TaskError,
        SandboxStartError,
        suite.SuiteError,
        GeneratorError,
        RunError,
        ExecutorError,
        StoreError,
    ) as exc:
        return _usage_error(str(exc), args.json)
    finally:
        executor.close()
        if store is not None:
            store.close()
    data = result.to_dict()
    if args.out:
        written = benchmark.write(data, args.out)
        print(f"parevo: wrote {len(written)} files to {args.out}", file=sys.stderr)
    print(json.dumps(data) if args.json else benchmark.render(data))
    solved = all(t["verdict"] == "ok" for t in data["tasks"])
    return EXIT_OK if solved else EXIT_FAILED


def _evolve(args) -> int:
    from .candidate import load_candidate
    from .evolve import Budget, GeneratorError, RunError, evolve
    from .evolve.rules.analysis import AnalysisError
    from .executor import ExecutorError
    from .sandbox import SandboxStartError
    from .store import StoreError
    from .task import TaskError, load_task

    try:
        task = load_task(args.task)
        manual = [load_candidate(spec) for spec in args.add]
        options = _options(args)
        executor = _open_executor(args)
    except (TaskError, FileNotFoundError, UnicodeDecodeError, UsageError) as exc:
        return _usage_error(str(exc), args.json)
    if executor.name != "local":
        print(f"parevo: evaluating on {executor.describe()}", file=sys.stderr)
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
    bar = _EvolveProgress(args.evaluations)
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
            options=options,
            progress=bar,
            generator_settings=llm if args.generator == "llm" else None,
            executor=executor,
        )
    except (
        RunError,
        GeneratorError,
        AnalysisError,
        TaskError,
        SandboxStartError,
        ExecutorError,
        StoreError,
    ) as exc:
        return _usage_error(str(exc), args.json)
    except KeyboardInterrupt:
        print("\nparevo: stopped; continue with --resume", file=sys.stderr)
        return EXIT_FAILED
    finally:
        bar.close()
        executor.close()
    data = result.to_dict()
    if args.json:
        print(json.dumps(data))
    else:
        print(_evolve_summary(data))
    return EXIT_OK if data["correct_parallel"] else EXIT_FAILED


def _report(args) -> int:
    from .report import benchmark, notebook, run
    from .report.style import ExportError

    if (args.run_dir is None) == (args.bench is None):
        return _usage_error(
            "give a run folder (parevo report RUN_DIR) or a benchmark folder (parevo report "
            "--bench BENCH_DIR), one of the two",
            args.json,
        )
    folder = Path(args.bench or args.run_dir)
    if not folder.is_dir():
        what = "BENCH_DIR" if args.bench else "RUN_DIR"
        return _usage_error(f"{what} {folder} is not a folder: give an existing one", args.json)
    out = Path(args.out) if args.out else folder / "report.ipynb"
    if out.suffix not in (".ipynb", ".html"):
        return _usage_error(
            f"-o {out} must end in .ipynb (the notebook) or .html (the page, the notebook beside "
            "it)",
            args.json,
        )
    html = out if out.suffix == ".html" else (out.with_suffix(".html") if args.html else None)
    out = out.with_suffix(".ipynb")
    if args.figures:
        from .report.style import chromium_path

        try:
            chromium_path()  # before anything is written
        except ExportError as exc:
            return _usage_error(str(exc), args.json)
    try:
        if args.bench:
            doc = benchmark.document(benchmark.load(folder), folder)
        else:
            doc = run.document(run.load(folder))
    except notebook.ReportError as exc:
        return _usage_error(str(exc), args.json)
    written: dict = {"notebook": None, "html": None, "figures": []}
    try:
        nb = notebook.to_notebook(doc, images=not args.no_images)
    except ExportError as exc:
        print(
            f"parevo: warning: the notebook's figures have no static image ({exc}; or pass "
            "--no-images)",
            file=sys.stderr,
        )
        nb = notebook.to_notebook(doc, images=False)
    written["notebook"] = str(notebook.write_notebook(nb, out))
    if html is not None:
        written["html"] = str(notebook.write_html(nb, html))
    if args.figures:
        try:
            paths = notebook.export_tables(doc, Path(args.figures))
            paths += notebook.export_figures(doc, Path(args.figures), args.format, args.size)
        except ExportError as exc:
            return _usage_error(str(exc), args.json)
        written["figures"] = [str(p) for p in paths]
    if args.json:
        print(json.dumps(written))
    else:
        for key in ("notebook", "html"):
            if written[key]:
                print(f"{key}: {written[key]}")
        if written["figures"]:
            print(f"figures and tables: {len(written['figures'])} files in {args.figures}")
    return EXIT_OK


class _EvolveProgress:
    """A progress bar on a terminal; one line per evaluation otherwise (logs, CI)."""

    def __init__(self, total: int):
        self.total = total
        self.tty = sys.stderr.isatty()

    def __call__(self, event: dict) -> None:
        if event["type"] == "evaluating" and self.tty:
            member = event["member"]
            self._bar(event["evaluations"], f"evaluating #{member.id}: {member.label}")
        elif event["type"] == "evaluated":
            member, best = event["member"], event.get("best")
            speed = f"{member.speedup:.2f}x" if member.speedup else "-"
            if best is None:
                top = "no correct candidate yet"
            elif best.speedup:
                top = f"best #{best.id} {best.speedup:.2f}x"
            else:
                top = f"best #{best.id}, untimed"
            line = (
                f"[{event['evaluations']:>3}/{self.total}] #{member.id:<3} {member.verdict:<13} "
                f"{speed:>7}  ({top})  {member.label}"
            )
            if self.tty:
                sys.stderr.write("\r" + " " * 100 + "\r")
            print(line[:160], file=sys.stderr, flush=True)

    def _bar(self, done: int, text: str) -> None:
        width = 24
        filled = round(width * min(done, self.total) / max(self.total, 1))
        line = f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{self.total} {text}"
        sys.stderr.write(line[:100].ljust(100))
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def _evolve_summary(data: dict) -> str:
    lines = [
        f"run {data['run']} of {data['task']['name']} ({data['generator']}, seed {data['seed']}): "
        f"{data['evaluations']} evaluations in {data['seconds']:.0f} s; stopped: {data['stopped']}"
    ]
    best = data["best"]
    if best is None:
        lines.append("no correct candidate")
    else:
        speed = (
            f"{best['speedup']:.2f}x vs serial at {best['threads']} threads"
            if best["speedup"]
            else "not timed"
        )
        lines.append(f"best: #{best['member']} {speed}: {best['label']}")
        lines.append(f"      {best['path']}")
        if best["origin"] == "seed":
            lines.append(
                "no parallel candidate beat the serial reference"
                if data["correct_parallel"]
                else "no correct parallel candidate: the best is the serial reference"
            )
    if data["first_ok"] is not None:
        lines.append(f"first correct parallel candidate after {data['first_ok']} evaluations")
    lines.append("lineage:")
    for m in data["members"]:
        speed = f"{m['speedup']:.2f}x" if m["speedup"] else "-"
        parent = f"<- #{m['parent']}" if m["parent"] else "      "
        lines.append(
            f"  #{m['id']:<3} {parent:<7} {m['verdict'] or 'pending':<13} {speed:>7}  {m['label']}"
        )
    return "\n".join(lines)


def _bench_progress(done: int, total: int, entry, sample) -> None:
    """One line per evaluated candidate on stderr: position, task, verdict, speedup."""
    if sample is None:
        return
    speed = (
        f"{sample['speedup_n']:.2f}x at {sample['threads']} threads"
        if "speedup_n" in sample
        else ""
    )
    print(
        f"[{done + 1:>3}/{total}] {entry.id:<55} {sample['verdict']:<14} {speed}",
        file=sys.stderr,
        flush=True,
    )


def _usage_error(message: str, as_json: bool) -> int:
    print(f"parevo: error: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"verdict": None, "error": message}))
    return EXIT_USAGE


class _progress_printer:
    """One updating status line on a terminal: stage, step, elapsed seconds."""

    def __init__(self):
        import time

        self.start = time.monotonic()
        self.clock = time.monotonic

    def __call__(self, stage: str, message: str) -> None:
        text = f"\r[{self.clock() - self.start:5.1f}s] {stage}: {message}"[:100]
        sys.stderr.write(text.ljust(100))
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()


def _stop_on_sigterm() -> None:
    """SIGTERM (a stop from the Jupyter server, ``kill``) stops like Ctrl-C: the sandboxed child
    is killed, the run is recorded as stopped and stays resumable."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def entry() -> int:
    """The console script: ``main`` with a quiet exit when stdout is closed early (``| head``)."""
    _stop_on_sigterm()
    try:
        return main()
    except KeyboardInterrupt:
        print("\nparevo: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(entry())
