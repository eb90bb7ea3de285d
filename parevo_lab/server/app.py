"""The parevo_lab Jupyter server extension: configuration, the job manager and the REST API.

Configure it like any server extension, e.g. in ``jupyter_server_config.py``::

    c.ParevoLab.max_jobs = 2
    c.ParevoLab.work_dir = "/scratch/parevo"
    c.ParevoLab.llm_base_url = "http://localhost:8000/v1"
    c.ParevoLab.executor = "dask"          # or "tcp://scheduler:8786"; see docs/scale.md
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Int, List, TraitError, Unicode, default, validate

from .. import settings
from ..commands.job import REQUEST_FILE
from ..sandbox import job_environment, protect_process
from ..store import default_path
from . import notebook_runs
from .events import Feeds
from .handlers import handlers
from .jobs import JobManager, read_json
from .runs import RunFolders


class ParevoLab(ExtensionApp):
    name = "parevo_lab"
    description = "ParEVO Lab: evolve and check parallel numba kernels from the notebook."

    max_jobs = Int(
        1,
        config=True,
        help="Runs and checks executing at once; more wait in a queue. Keep 1 on a small machine: "
        "two jobs timing on the same cores measure each other.",
    )
    work_dir = Unicode(
        config=True,
        help="Folder of the runs and checks (default: next to the default store). It must be "
        "yours alone: a folder another user owns or can write is refused.",
    )
    max_queued = Int(
        settings.MAX_QUEUED, config=True, help="Jobs that may wait in the queue; one more is a 429."
    )
    max_runs = Int(
        settings.MAX_RUNS,
        config=True,
        help="Runs the work folder keeps; starting one more is a 409 until old ones are deleted.",
    )
    feed_events = Int(
        settings.FEED_EVENTS,
        config=True,
        help="Events a run's stream keeps for replay; a client that missed older ones is sent "
        "the run's whole state.",
    )
    stop_grace_s = Float(
        10.0, config=True, help="Seconds a stopped job has to record its stop before SIGKILL."
    )
    stop_jobs_on_shutdown = Bool(
        True,
        config=True,
        help="Stop running jobs when the server shuts down (they stay resumable); when False they "
        "go on and the next server adopts them.",
    )
    generator = Unicode(settings.GENERATOR, config=True, help="Default generator: rules or llm.")
    budget = Int(settings.EVALUATIONS, config=True, help="Default evaluations per run.")
    threads = List(
        Int(),
        list(settings.SERVER_THREADS),
        config=True,
        help="Default thread counts to verify and time.",
    )
    timeout = Float(
        settings.TIMEOUT_S, config=True, help="Seconds one call of a candidate may take."
    )
    machine = Unicode(
        settings.MACHINE,
        config=True,
        help="Default machine profile speedups are projected onto: 'this' (this machine's) or a "
        "name saved by `parevo calibrate --save NAME` on the target (see docs/scaling.md).",
    )
    target_threads = Int(
        0,
        config=True,
        help="Default thread count runs rank candidates at (2, 4, ..., 64; projected beyond the "
        "cores here), 0: the best speedup measured here.",
    )
    llm_base_url = Unicode(
        "", config=True, help="OpenAI-compatible endpoint (default: $PAREVO_LLM_BASE_URL)."
    )
    llm_model = Unicode("", config=True, help="Model name (default: $PAREVO_LLM_MODEL).")
    llm_api_key = Unicode(
        "",
        config=True,
        help="API key of the endpoint (default: $PAREVO_LLM_API_KEY, else $OPENAI_API_KEY). Only "
        "an llm run that calls the configured endpoint (llm_base_url) gets it; a run naming "
        "another endpoint calls it without a key.",
    )
    poll_s = Float(0.5, config=True, help="Seconds between reads of a live run's store.")
    executor = Unicode(
        "local",
        config=True,
        help="Where runs evaluate their candidates: local (each run's own process, one at a "
        "time), dask (a LocalCluster the server starts and every run shares) or the address of "
        "a Dask scheduler (tcp://host:8786). Checks of a cell always run locally.",
    )
    dask_workers = Int(
        0,
        config=True,
        help="Worker processes of the LocalCluster (0: the usable cores, at least 2).",
    )

    @validate("machine")
    def _valid_machine(self, proposal):
        name = proposal["value"]
        if not re.fullmatch(settings.MACHINE_NAME["pattern"], name):
            raise TraitError(
                f"c.ParevoLab.machine = {name!r}: give a profile's name (letters, digits, _ and "
                "-: 'this' or one saved by `parevo calibrate --save NAME`), not a path"
            )
        return name

    @validate("target_threads")
    def _valid_target(self, proposal):
        value = proposal["value"]
        if value and value not in settings.TARGET_THREADS:
            raise TraitError(
                f"c.ParevoLab.target_threads = {value}: give 0 (rank by the speedup measured "
                f"here) or one of {', '.join(map(str, settings.TARGET_THREADS))}"
            )
        return value

    @default("work_dir")
    def _default_work_dir(self):
        return str(default_path().parent / "server")

    def defaults(self) -> dict:
        return {
            "generator": self.generator,
            "budget": self.budget,
            "threads": list(self.threads),
            "timeout": self.timeout,
            "base_url": self.llm_base_url or None,
            "model": self.llm_model or None,
            "machine": self.machine,
            "target_threads": self.target_threads or None,
        }

    def initialize_settings(self):
        # Jobs start from an allow-list of this environment, never its token or keys: the model
        # key goes to an llm run of the configured endpoint alone (_job_env). A candidate runs
        # as this user: this process becomes non-dumpable, its environ and memory closed to it.
        env = job_environment()
        protect_process()
        self.cluster = None
        executor = self.executor.strip() or "local"
        if executor not in ("local", "dask") and "://" not in executor:
            raise ValueError(
                f"c.ParevoLab.executor = {executor!r} is not local, dask or a scheduler address "
                "(tcp://host:8786)"
            )
        env["PAREVO_EXECUTOR"] = executor  # a run's `parevo evolve` reads it
        if executor.startswith("tcp://"):
            from ..executor import PLAIN_TCP_WARNING

            self.log.warning("parevo_lab: %s", PLAIN_TCP_WARNING.format(address=executor))
        self.jobs = JobManager(
            Path(self.work_dir),
            max_jobs=self.max_jobs,
            env=env,
            log=self.log,
            stop_grace_s=self.stop_grace_s,
            max_queued=self.max_queued,
        )
        root = getattr(self.serverapp, "root_dir", None) if self.serverapp else None
        self.folders = RunFolders(
            Path(self.work_dir),
            self.jobs,
            self.defaults(),
            Path(root) if root else None,
            max_runs=self.max_runs,
        )
        if self.folders.problem:  # every route answers this line (500); nothing in it is used
            self.log.error(self.folders.problem)
        else:  # kernels this server starts inherit it: their %parevo_evolve runs join this list
            os.environ[notebook_runs.ENV] = str(self.folders.runs_dir)
        self.feeds = Feeds(self.folders, poll_s=self.poll_s, history=self.feed_events)
        self.jobs.on_change = lambda job: self.feeds.poke(job.id) if job.kind == "run" else None
        self.jobs.env_for = self._job_env
        self.log.info(
            "parevo_lab: work folder %s, at most %d job(s) at once", self.work_dir, self.max_jobs
        )

    def _job_env(self, job) -> dict:
        """One job's environment: the allowed variables, plus the model key for an llm run that
        calls the configured endpoint. A run naming another endpoint calls it without the key
        (a local server needs none; one that does answers 401 and the run stops saying so)."""
        env = dict(self.jobs.env)
        key = self.llm_api_key or os.environ.get("PAREVO_LLM_API_KEY")
        key = key or os.environ.get("OPENAI_API_KEY")
        if not key or job.kind != "run":
            return env
        chosen = read_json(job.folder / REQUEST_FILE).get("settings") or {}
        if (chosen.get("generator") or self.generator) != "llm":
            return env
        configured = self.llm_base_url or os.environ.get("PAREVO_LLM_BASE_URL")
        configured = configured or os.environ.get("OPENAI_BASE_URL")
        asked = chosen.get("base_url") or configured
        if configured and _same_endpoint(asked, configured):
            env["PAREVO_LLM_API_KEY"] = key
        else:
            self.log.warning(
                "parevo_lab: run %s calls %s, not the configured endpoint %s: it gets no API key",
                job.id,
                asked,
                configured or "(none)",
            )
        return env

    def initialize_handlers(self):
        self.handlers.extend(handlers())

    async def _start_jupyter_server_extension(self, serverapp):
        if self.executor.strip() == "dask":
            await self._start_cluster()
        self.folders.restore()

    async def _start_cluster(self):
        """One LocalCluster for every run of this server: its address replaces "dask" in the
        runs' environment, so each `parevo evolve` joins it instead of starting its own."""
        import asyncio

        from ..executor import default_workers, local_cluster, share_credentials

        workers = self.dask_workers or default_workers()
        loop = asyncio.get_running_loop()
        try:
            self.cluster = await loop.run_in_executor(None, local_cluster, workers)
        except Exception as exc:  # noqa: BLE001 - the server still serves, runs evaluate locally
            self.jobs.env["PAREVO_EXECUTOR"] = "local"
            self.log.error(
                "parevo_lab: could not start a Dask LocalCluster (%s): runs evaluate locally", exc
            )
            return
        self.jobs.env["PAREVO_EXECUTOR"] = self.cluster.scheduler_address
        self.jobs.env.update(share_credentials(self.cluster))  # its TLS files, 0600
        self.log.info(
            "parevo_lab: runs evaluate on a Dask LocalCluster of %d workers at %s",
            workers,
            self.cluster.scheduler_address,
        )

    async def stop_extension(self):
        if os.environ.get(notebook_runs.ENV) == str(self.folders.runs_dir):
            del os.environ[notebook_runs.ENV]
        self.feeds.stop()
        await self.jobs.shutdown(stop=self.stop_jobs_on_shutdown)
        if self.cluster is not None:
            self.cluster.close()


def _same_endpoint(one: str | None, other: str | None) -> bool:
    """Whether two base URLs name the same endpoint (scheme, host, port and path)."""

    def parts(url: str):
        split = urlsplit(url.strip())
        port = split.port or {"http": 80, "https": 443}.get(split.scheme.lower())
        return split.scheme.lower(), (split.hostname or ""), port, split.path.rstrip("/")

    try:
        return bool(one and other) and parts(one) == parts(other)
    except ValueError:  # a port that is no number
        return False
