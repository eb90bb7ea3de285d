"""What a candidate can reach besides its own work: the environment its process starts with, the
processes above it, and the limits it runs under (named in the report when it hits one).

The sandbox child runs as the same user as the process that starts it, with no filesystem
isolation: its environment holds no secrets, the process that starts it is non-dumpable (its
/proc/<pid>/environ and memory are closed to the child), and a job of the Jupyter server starts
from an allow-list of variables. docs/security.md draws the threat model.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Mapping

# Variables a candidate must never see: tokens of the Jupyter server, model API keys, cloud keys.
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION", re.I
)
_SECRET_PREFIXES = ("JUPYTER", "JPY_", "OPENAI_", "ANTHROPIC_", "AWS_", "AZURE_", "GOOGLE_", "GH_")
# Variables that would change how the child's Python starts.
_UNSAFE = ("PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT", "NUMBA_DISABLE_JIT")

# The only variables a job of the Jupyter server (a ``parevo`` process) starts with: what Python,
# numba, the thread pools, the locale, the temporary and cache folders, a model endpoint behind a
# proxy and a Dask cluster need; never the server's token, a model key, cloud credentials.
_JOB_NAMES = frozenset(
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM",
        "TMPDIR", "TEMP", "TMP", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE",
        "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV",
        "LD_LIBRARY_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
        "OPENAI_BASE_URL", "BROWSER_PATH", "COVERAGE_PROCESS_START",
    }
)  # fmt: skip
_JOB_PREFIXES = (
    "LC_", "NUMBA_", "OMP_", "OPENBLAS_", "MKL_", "NUMEXPR_", "VECLIB_", "KMP_", "GOMP_",
    "TBB_", "XDG_", "CONDA_", "PAREVO_", "DASK_",
)  # fmt: skip
DUMPABLE_ENV = "PAREVO_DUMPABLE"  # "1": the processes that start candidates stay dumpable


def _secret(name: str) -> bool:
    upper = name.upper()
    return bool(_SECRET_NAME.search(upper)) or upper.startswith(_SECRET_PREFIXES)


def job_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a job of the Jupyter server starts with: only the variables named in
    ``_JOB_NAMES`` / ``_JOB_PREFIXES`` of ``environ`` (default: this process's), and none of
    those whose name looks like a secret. The server adds the model key to an llm run alone."""
    source = os.environ if environ is None else environ
    env = {}
    for name, value in source.items():
        upper = name.upper()
        if upper in _JOB_NAMES and not _SECRET_NAME.search(upper):
            env[name] = value  # OPENAI_BASE_URL: named, though its prefix is a secret's
        elif upper.startswith(_JOB_PREFIXES) and not _secret(name):
            env[name] = value
    return env


def clean_environment(threads: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: no secrets (nor proxies, which may carry a password, nor Dask's
    settings, which may name its certificates), one thread for every pool but numba's."""
    env = {}
    for name, value in os.environ.items():
        upper = name.upper()
        if _secret(name) or upper in _UNSAFE or "PROXY" in upper or upper.startswith("DASK_"):
            continue
        env[name] = value
    env.update(
        NUMBA_NUM_THREADS=str(max(1, threads)),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        NUMEXPR_NUM_THREADS="1",
        VECLIB_MAXIMUM_THREADS="1",
        NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING="1",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    # The child must import this very package, wherever it was loaded from.
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    if extra:
        env.update(extra)
    return env


def protect_process() -> bool:
    """Make this process non-dumpable (Linux ``prctl(PR_SET_DUMPABLE, 0)``), once, before it
    starts candidates: its /proc/<pid>/environ, mem, maps, cwd and fd then belong to root, so a
    candidate running as the same (non-root) user cannot read the secrets it started with or
    holds (a model key, a token), nor attach a debugger. Root (CAP_SYS_PTRACE) still can: the
    sandbox is no barrier against a candidate running as root. A child started with ``exec``
    is dumpable again. ``PAREVO_DUMPABLE=1`` keeps the process dumpable (to debug it with
    py-spy or gdb). Returns whether the process is non-dumpable now."""
    if not sys.platform.startswith("linux") or os.environ.get(DUMPABLE_ENV) == "1":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(3, 0, 0, 0, 0) == 0:  # PR_GET_DUMPABLE
            return True
        return libc.prctl(4, 0, 0, 0, 0) == 0  # PR_SET_DUMPABLE
    except (OSError, AttributeError):
        return False


def user_tasks(uid: int | None = None) -> int:
    """The processes and threads of ``uid`` on this host (what RLIMIT_NPROC counts)."""
    uid = os.getuid() if uid is None else uid
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as handle:
                status = handle.read()
        except OSError:
            continue
        real = threads = None
        for line in status.splitlines():
            if line.startswith(b"Uid:"):
                real = int(line.split()[1])
            elif line.startswith(b"Threads:"):
                threads = int(line.split()[1])
        if real == uid:
            count += threads or 1
    return count


def limit_note(exc: BaseException) -> str:
    """In the child: when ``exc`` is what one of the sandbox's limits gives, '; ' and the limit
    it hit with its value, for the report; '' otherwise."""
    import resource

    def value(limit) -> int | None:
        soft = resource.getrlimit(limit)[0]
        return None if soft == resource.RLIM_INFINITY else soft

    code = getattr(exc, "errno", None)
    if isinstance(exc, OSError) and code == errno.EMFILE:
        soft = value(resource.RLIMIT_NOFILE)
        return f"; the sandbox's open files limit (RLIMIT_NOFILE, {soft}) was reached"
    if isinstance(exc, OSError) and code == errno.EFBIG:
        soft = value(resource.RLIMIT_FSIZE)
        size = f"{soft // 2**20} MiB" if soft else "unlimited"
        return f"; the sandbox's file size limit (RLIMIT_FSIZE, {size}) was exceeded"
    if isinstance(exc, MemoryError):
        soft = value(resource.RLIMIT_AS)
        return f"; the sandbox's memory limit (RLIMIT_AS, {soft // 2**20} MiB)" if soft else ""
    thread = isinstance(exc, RuntimeError) and "can't start new thread" in str(exc)
    if thread or (isinstance(exc, OSError) and code == errno.EAGAIN):
        soft = value(resource.RLIMIT_NPROC)
        if soft is not None and os.getuid() != 0 and user_tasks() >= soft - 8:
            return (
                f"; the sandbox's limit on processes and threads (RLIMIT_NPROC, {soft} for every "
                "process and thread of this user) was reached"
            )
    return ""
