"""docs/primitives.md is generated from the docstrings, and every docstring states work and span."""

import subprocess
import sys

from conftest import ROOT

from parevo_lab import primitives as pp


def test_every_public_primitive_states_work_and_span():
    for name in pp.__all__:
        function = getattr(pp, name)
        if not hasattr(function, "py_func"):
            continue  # the op codes ADD, MAX, MIN
        doc = function.py_func.__doc__ or ""
        assert "Work:" in doc and "Span:" in doc, name


def test_generated_docs_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "primitives_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_public_primitive_is_on_the_generated_page():
    page = (ROOT / "docs" / "primitives.md").read_text()
    for name in pp.__all__:
        if hasattr(getattr(pp, name), "py_func"):
            assert f"### `{name}(" in page, f"{name}: add its module to scripts/primitives_docs.py"
