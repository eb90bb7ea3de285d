"""Where evaluations run: here, one at a time, or on a Dask cluster, several at once.

    from parevo_lab.executor import open_executor
    with open_executor("dask", workers=4) as executor:      # a LocalCluster of 4 processes
        future = executor.submit(task, candidate, options)  # a concurrent.futures.Future
        report = future.result()

``open_executor("local")`` evaluates in this process's own sandbox children, one at a time;
``"dask"`` starts a ``LocalCluster``; ``"tcp://host:8786"`` (or any scheduler address) joins an
existing cluster. On Dask, each evaluation is two tasks: *verify* (compile, verify, races) runs on
any worker, several at once; *profile* asks for the worker resource ``profile`` (one unit per
worker that may time candidates), and on its host it holds ``sandbox.cores_exclusive`` so no
other evaluation shares its cores. Reports come back to the process that asked, which alone
writes the SQLite store. A re-timing (``retime``: a candidate that would become the best, timed
against the best, interleaved; ``cascade/duel.py``) runs where profiles run and is waited for.

A worker that dies mid-evaluation has its task rerun elsewhere (Dask retries it); a task that
kills ``ALLOWED_FAILURES`` workers in a row comes back as a ``runtime_error`` report saying so:
an evaluation is never lost.

Whoever can talk to a Dask scheduler can run code on its workers and, through
``run_on_scheduler``, in the scheduler's process (for a LocalCluster: the process that started
it, e.g. the Jupyter server). So the LocalCluster speaks TLS with a key and certificate made for
it alone (``Security.temporary()``: both ends must hold them), listens on 127.0.0.1 with its
dashboard, and a plain ``tcp://`` scheduler is used with a warning (docs/scale.md). The server
hands its cluster's credentials to its runs in files only its user can read
(``share_credentials``).
"""

from __future__ import annotations

import atexit
import concurrent.futures
import logging
import os
import shutil
import tempfile

from .cascade.duel import compare
from .cascade.evaluate import (
    CheckOptions,
    evaluate,
    finish,
    profile_stage,
    verify_stage,
    wants_profile,
)
from .errors import ParevoError
from .kernel import Kernel
from .results import Failure, ProfileResult, Report
from .task import Task

PROFILE_RESOURCE = "profile"
ALLOWED_FAILURES = 2  # workers a task may take down (each time rerun elsewhere) before it fails
CONNECT_TIMEOUT_S = 10  # to reach an existing scheduler
PLAIN_TCP_WARNING = (
    "the Dask scheduler at {address} is reached over plain tcp://, neither encrypted nor "
    "authenticated: whoever can reach it can run code on its workers, and a forged answer runs "
    "code in this process (Dask unpickles results); on a shared host or network use tls:// with "
    "certificates (docs/scale.md)"
)

log = logging.getLogger(__name__)


class ExecutorError(ParevoError):
    """The executor cannot be opened (a bad --executor, no scheduler there): one clear line."""


class LocalExecutor:
    """Evaluations in this process's own sandbox children, one at a time (the default)."""

    name = "local"
    slots = 1  # evaluations worth having in flight at once

    def submit(self, task: Task, candidate: Kernel, options: CheckOptions | None = None):
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(evaluate(task, candidate, options))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever reads the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    def retime(self, task: Task, incumbent: Kernel, challenger: Kernel, options, budget_s: float):
        """``duel.compare``: the challenger against the incumbent, interleaved (blocking)."""
        return compare(task, incumbent, challenger, options, budget_s)

    def describe(self) -> str:
        return "local (one evaluation at a time in this process's sandbox)"

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DaskExecutor:
    """Evaluations on a Dask cluster: a new ``LocalCluster`` (``address=None``) or an existing
    scheduler. ``slots`` is the number of evaluations kept in flight (the workers' threads)."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None):
        try:
            import distributed
        except ImportError:
            raise ExecutorError(
                "--executor dask needs dask.distributed: pip install 'dask[distributed]'"
            ) from None
        self._distributed = distributed
        self.cluster = None
        security = None  # an existing scheduler: Dask's configuration (distributed.comm.tls)
        if address is None:
            self.cluster = local_cluster(workers or default_workers())
            address = self.cluster.scheduler_address
            security = self.cluster.security
        self.address = address
        try:
            self.client = distributed.Client(
                address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False, security=security
            )
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise ExecutorError(
                f"no Dask scheduler answered at {address} ({exc}): start one "
                "(dask scheduler; dask worker ADDRESS --resources profile=1) or use --executor dask"
            ) from None
        if address.startswith("tcp://"):
            log.warning(PLAIN_TCP_WARNING.format(address=address))
        info = self.client.scheduler_info()["workers"]
        threads = sum(w.get("nthreads", 1) for w in info.values())
        self.slots = max(1, threads)
        self._profilers_seen = False
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.slots, thread_name_prefix="parevo-dask"
        )

    def describe(self) -> str:
        where = "a LocalCluster" if self.cluster is not None else f"the scheduler at {self.address}"
        return f"dask ({where}, {self.slots} evaluations at once)"

    def profilers(self) -> int:
        """Workers offering the ``profile`` resource."""
        info = self.client.scheduler_info()["workers"]
        return sum(1 for w in info.values() if w.get("resources", {}).get(PROFILE_RESOURCE))

    def submit(self, task: Task, candidate: Kernel, options: CheckOptions | None = None):
        options = options or CheckOptions()
        if options.profile and not self._profilers_seen:
            self._profilers_seen = self.profilers() > 0  # asked until one has joined
            if not self._profilers_seen:
                raise ExecutorError(
                    f"no Dask worker at {self.address} offers the '{PROFILE_RESOURCE}' "
                    "resource, so no candidate could be timed: start one worker per host with "
                    f"--resources {PROFILE_RESOURCE}=1, or pass --no-profile"
                )
        return self._pool.submit(self._evaluate, task, candidate, options)

    def retime(self, task: Task, incumbent: Kernel, challenger: Kernel, options, budget_s: float):
        """``duel.compare`` on a worker that may time candidates (the ``profile`` resource),
        waited for here; a lost worker is a comparison that did not come back."""
        try:
            return self.client.submit(
                compare,
                task,
                incumbent,
                challenger,
                options,
                budget_s,
                pure=False,
                resources={PROFILE_RESOURCE: 1},
            ).result()
        except self._distributed.KilledWorker as exc:
            threads = max((options or CheckOptions()).threads)
            return {
                **dict.fromkeys(("ratio", "low", "high")),
                "rounds": 0,
                "threads": threads,
                "seconds": 0.0,
                "error": f"every Dask worker that ran the re-timing died ({exc})",
            }

    def _evaluate(self, task: Task, candidate: Kernel, options: CheckOptions) -> Report:
        killed = self._distributed.KilledWorker
        try:
            report = self.client.submit(
                _on_worker, verify_stage, task, candidate, options, pure=False
            ).result()
        except killed as exc:
            return finish(_lost_worker_report(task, candidate, exc))
        if wants_profile(report, options):
            try:
                report = self.client.submit(
                    _on_worker,
                    profile_stage,
                    task,
                    candidate,
                    report,
                    options,
                    pure=False,
                    resources={PROFILE_RESOURCE: 1},
                ).result()
            except killed as exc:
                report.profile = ProfileResult(ran=False, failure=_lost_worker(exc))
        return finish(report)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _on_worker(stage, task: Task, candidate: Kernel, *args) -> Report:
    """A stage of the cascade, run on a Dask worker; the report says which worker ran it."""
    from distributed import get_worker

    report = stage(task, candidate, *args)
    name = "profile" if stage is profile_stage else "verify"
    if name in report.sandbox:
        report.sandbox[name]["worker"] = get_worker().address
    return report


def _lost_worker_report(task: Task, candidate: Kernel, exc: Exception) -> Report:
    """The report of an evaluation whose worker died each time it ran it (a candidate that
    takes down whole workers): recorded as a runtime error, never dropped."""
    from .cascade.evaluate import new_report
    from .results import VerifyResult

    report = new_report(task, candidate)
    report.verify = VerifyResult(passed=False, failure=_lost_worker(exc))
    return report


def _lost_worker(exc: Exception) -> Failure:
    return Failure(
        verdict="runtime_error",
        message=f"every Dask worker that ran this evaluation died ({exc}); it was not rerun again",
    )


def default_workers() -> int:
    from .cascade.profile import usable_cores

    return max(2, usable_cores())


def local_cluster(workers: int):
    """A ``LocalCluster`` of ``workers`` single-threaded processes, each offering one unit of the
    ``profile`` resource (``cores_exclusive`` keeps their profiles from overlapping on this
    host). It speaks TLS with a key and certificate made for it (``Security.temporary()``; a
    client needs ``cluster.security``, or ``share_credentials``), and it and its dashboard listen
    on 127.0.0.1 only. Started quietly."""
    from distributed import LocalCluster
    from distributed.security import Security

    try:
        security = Security.temporary()
    except ImportError:
        raise ExecutorError(
            "a Dask LocalCluster needs the cryptography package for its TLS certificate: "
            "pip install cryptography"
        ) from None
    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        resources={PROFILE_RESOURCE: 1},
        scheduler_kwargs={"allowed_failures": ALLOWED_FAILURES},
        security=security,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=40,  # logging.ERROR: the run's own progress is what a person reads
    )


# Dask reads its settings from DASK_* variables: a process with these connects with TLS.
TLS_VARIABLES = {
    "ca": "DASK_DISTRIBUTED__COMM__TLS__CA_FILE",
    "cert": "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT",
    "key": "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY",
}


def share_credentials(cluster) -> dict[str, str]:
    """The environment variables with which another process of this user (a run of the Jupyter
    server) connects to ``cluster``: its certificate and key, written to a fresh folder only
    this user can read (0700, files 0600), removed when this process exits."""
    security = cluster.security
    folder = tempfile.mkdtemp(prefix="parevo-dask-tls-")  # 0700
    atexit.register(shutil.rmtree, folder, True)
    contents = {
        "ca": security.tls_ca_file,
        "cert": security.tls_client_cert,
        "key": security.tls_client_key,
    }
    env = {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True"}
    for name, text in contents.items():
        path = os.path.join(folder, f"{name}.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        env[TLS_VARIABLES[name]] = path
    return env


def open_executor(spec: str | None = None, workers: int | None = None):
    """``local`` (default), ``dask`` (a new LocalCluster of ``workers`` processes) or a
    scheduler address (``tcp://host:8786``). ``PAREVO_EXECUTOR`` sets the default."""
    spec = (spec or os.environ.get("PAREVO_EXECUTOR") or "local").strip()
    if spec == "local":
        if workers not in (None, 1):
            raise ExecutorError("--workers needs --executor dask (the local executor runs one)")
        return LocalExecutor()
    if spec == "dask":
        return DaskExecutor(None, workers)
    if "://" in spec:
        if workers is not None:
            raise ExecutorError(
                "--workers starts a LocalCluster: an existing scheduler keeps its own workers"
            )
        return DaskExecutor(spec)
    raise ExecutorError(
        f"--executor {spec!r} is not local, dask or a scheduler address (tcp://host:8786)"
    )
