"""Issue 18, the terminal: a run's strings (a candidate's exception text, a label, an endpoint's
error) are printed by the CLI. Printed raw, a candidate that raises with ``ESC ] 52 ; c ; ...
BEL`` writes the user's clipboard, ``ESC ] 0 ;`` retitles the window, ``ESC [ 8 m`` hides what
follows. On a terminal, ``parevo`` now shows every control character but the line break and the
tab as ``\\xNN`` (``parevo_lab.report.escape.terminal``)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import KERNELS

from parevo_lab.report.escape import terminal

OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
HIDE = "\x1b[8m"

RAISES = f'''
import numba


@numba.njit(parallel=True)
def kernel(x):
    raise ValueError("{OSC_CLIPBOARD!r}"[1:-1] + "{HIDE!r}"[1:-1] + "hidden")
'''


def test_terminal_shows_control_characters_and_keeps_lines_and_tabs():
    text = terminal(f"a{OSC_CLIPBOARD}b\tc\nd\re\x9bf")
    assert text == "a\\x1b]52;c;cm0gLXJmIH4=\\x07b\tc\nd\\x0de\\x9bf"
    assert terminal("plain text, ünïcode ✓") == "plain text, ünïcode ✓"


def _on_a_terminal(args: list[str]) -> bytes:
    """Run ``parevo ARGS`` with stdout and stderr on a pseudo-terminal; what it wrote there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "parevo_lab.cli", *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        close_fds=True,
    )
    os.close(follower)
    written = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    assert process.wait(timeout=600) == 1, written.decode(errors="replace")
    return written


def test_parevo_check_on_a_terminal_prints_a_candidates_escape_sequence_as_text(tmp_path):
    candidate = tmp_path / "raises.py"
    candidate.write_text(RAISES)
    written = _on_a_terminal(
        [
            "check", str(KERNELS / "double_task.py"), str(candidate),
            "--no-profile", "--threads", "1", "--no-store",
        ]
    )  # fmt: skip
    text = written.decode("utf-8", errors="replace")
    assert "hidden" in text, text  # the exception text is shown ...
    assert "\\x1b]52;c;" in text and "\\x1b[8m" in text, text  # ... its escapes as text
    assert b"\x1b" not in written and b"\x07" not in written, text
