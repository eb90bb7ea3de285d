"""Every default is defined once, in parevo_lab/settings.py, and every road reads it from there."""

import json
import re
from pathlib import Path

from parevo_lab import settings
from parevo_lab.cascade import CheckOptions
from parevo_lab.cascade.audit import AuditOptions
from parevo_lab.cli import build_parser
from parevo_lab.evolution import Budget
from parevo_lab.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent


def test_the_cascade_the_engine_and_the_cli_start_from_the_same_defaults():
    options, limits = CheckOptions(), Limits()
    assert options.timeout_s == limits.timeout_s == settings.TIMEOUT_S
    assert options.compile_timeout_s == limits.compile_timeout_s == settings.COMPILE_TIMEOUT_S
    assert options.memory_mb == limits.memory_mb == settings.MEMORY_MB
    assert options.budget_s == settings.PROFILE_BUDGET_S
    assert AuditOptions().timeout_s == settings.AUDIT_TIMEOUT_S
    assert Budget().evaluations == settings.EVALUATIONS
    parser = build_parser()
    evolve = parser.parse_args(["evolve", "task.py"])
    assert (evolve.evaluations, evolve.seed, evolve.generator, evolve.islands) == (
        settings.EVALUATIONS,
        settings.SEED,
        settings.GENERATOR,
        settings.ISLANDS,
    )
    assert (evolve.timeout, evolve.memory, evolve.budget) == (
        settings.TIMEOUT_S,
        settings.MEMORY_MB,
        settings.PROFILE_BUDGET_S,
    )
    check = parser.parse_args(["check", "task.py", "kernel.py"])
    assert (check.timeout, check.compile_timeout) == (
        settings.TIMEOUT_S,
        settings.COMPILE_TIMEOUT_S,
    )
    audit = parser.parse_args(["audit", "task.py"])
    assert audit.timeout == settings.AUDIT_TIMEOUT_S


def test_the_server_and_the_panel_settings_agree_with_the_schema():
    from parevo_lab.server.app import ParevoLab

    app = ParevoLab()
    defaults = settings.run_defaults()
    assert app.budget == defaults["budget"] == settings.EVALUATIONS
    assert app.generator == defaults["generator"]
    assert list(app.threads) == defaults["threads"]
    assert app.timeout == defaults["timeout"]
    # The panel sends only what the user set, so its settings carry no defaults of their own:
    # the server's (c.ParevoLab) apply.
    panel = json.loads((ROOT / "schema" / "plugin.json").read_text())["properties"]
    assert not any("default" in panel[key] for key in ("generator", "budget", "threads"))
    assert panel["generator"]["enum"] == list(settings.GENERATORS)


# A default written as a literal outside settings.py: `default=16`, `timeout_s: float = 30.0`.
LITERAL = re.compile(
    r"(default=|(budget|evaluations|timeout_s|compile_timeout_s|memory_mb|budget_s|seed|"
    r"islands)\s*(:\s*[\w |]+)?\s*=\s*)(16|30\.0|180\.0|8192|10\.0|120\.0)\b"
)


def test_no_default_is_written_twice():
    found = []
    for path in sorted((ROOT / "parevo_lab").rglob("*.py")):
        if path.name == "settings.py" or "suite" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if LITERAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_front_ends_request_types_come_from_the_servers_schemas():
    # api-schema/*.json are written from the handlers' schemas; `jlpm build:types` generates
    # src/generated/*.d.ts from them on every build, so neither side can drift.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_schema.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    generated = (ROOT / "src" / "generated" / "run-request.d.ts").read_text()
    for key in settings.RUN_SETTINGS_SCHEMA:
        assert f"  {key}?:" in generated, key
    assert (
        "import type { RunRequest } from './generated/run-request';"
        in (ROOT / "src" / "request.ts").read_text()
    )


def test_schema_holds_only_jupyterlab_settings():
    # JupyterLab reads every JSON file under schemaDir (schema/) as a settings schema of the
    # extension: anything else there makes GET /lab/api/settings fail and the page never loads.
    assert sorted(p.name for p in (ROOT / "schema").rglob("*.json")) == ["plugin.json"]
