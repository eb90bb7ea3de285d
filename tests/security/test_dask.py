"""Issue 18, hole 4: the Dask LocalCluster (``executor="dask"``, in the Jupyter server's process)
had no ``security=``, and its dashboard listened on every interface: any local user could connect
with ``Client(address)`` and ``run_on_scheduler`` code in the server's process.

Now it speaks TLS with a key and certificate made for it (both ends must hold them), it and its
dashboard listen on 127.0.0.1 only, its runs get the credentials in files only their user can
read, and a plain ``tcp://`` scheduler is used with a warning."""

from __future__ import annotations

import json
import logging
import os
import socket
import ssl
import stat
import subprocess
import sys
import urllib.parse

import pytest
from distributed import Client, LocalCluster

from parevo_lab import executor

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def cluster():
    started = executor.local_cluster(1)
    yield started
    started.close()


def _refused(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return False
    except OSError:
        return True


TRIES = """
import json, os, sys
from distributed import Client
from distributed.security import Security

address, ca = sys.argv[1], open(sys.argv[2]).read()
other = Security.temporary()
foreign = Security(require_encryption=True, tls_ca_file=ca, tls_client_cert=other.tls_client_cert,
                   tls_client_key=other.tls_client_key)
tries = {}
for what, where, kwargs in [
    ("a certificate of its own", address, {"security": foreign}),
    ("plain tcp", address.replace("tls://", "tcp://"), {}),
    ("no certificate", address, {}),
]:
    try:
        Client(where, timeout="5s", **kwargs).close()
        tries[what] = "connected"
    except Exception as exc:
        tries[what] = type(exc).__name__
print(json.dumps(tries), flush=True)
os._exit(0)
"""


def test_the_cluster_speaks_tls_and_only_its_credentials_get_in(cluster, tmp_path):
    address = cluster.scheduler_address
    assert address.startswith("tls://127.0.0.1:"), address
    # the holder of the credentials gets in, and can run code in the scheduler's process: this
    # process (the Jupyter server's, when the server started the cluster), hence the rest
    with Client(address, security=cluster.security, timeout="20s") as client:
        assert client.run_on_scheduler(os.getpid) == os.getpid()

    # without them (in a process of its own, as another user would try): no certificate; plain
    # tcp; a certificate of its own, though it trusts the cluster's (so that the scheduler
    # refuses it, not the client the scheduler)
    ca = cluster.security.tls_ca_file
    (tmp_path / "ca.pem").write_text(ca)
    done = subprocess.run(
        [sys.executable, "-c", TRIES, address, str(tmp_path / "ca.pem")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    tries = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(tries) == {"a certificate of its own", "plain tcp", "no certificate"}, tries
    assert "connected" not in tries.values(), tries

    # the server itself asks for a certificate: a TLS client without one gets nothing
    context = ssl.create_default_context(cadata=ca)
    context.check_hostname = False
    port = urllib.parse.urlsplit(address.replace("tls://", "http://")).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                tls.sendall(b"\0" * 16)
                answer = tls.recv(1)
        except (ssl.SSLError, OSError) as exc:
            answer = exc
    assert not isinstance(answer, bytes) or answer == b"", answer


def test_the_cluster_and_its_dashboard_listen_on_127_0_0_1_only(cluster):
    dashboard = urllib.parse.urlsplit(cluster.dashboard_link)
    assert dashboard.hostname == "127.0.0.1", cluster.dashboard_link
    port = dashboard.port
    assert not _refused("127.0.0.1", port)
    # 127.0.0.2 is this host too: a socket bound to every interface (0.0.0.0) answers there
    assert _refused("127.0.0.2", port), "the dashboard listens beyond 127.0.0.1"
    scheduler = urllib.parse.urlsplit(cluster.scheduler_address.replace("tls://", "http://"))
    assert _refused("127.0.0.2", scheduler.port), "the scheduler listens beyond 127.0.0.1"


CONNECTS = """
import json, os, sys
from parevo_lab.executor import open_executor
with open_executor(sys.argv[1]) as pool:
    print(json.dumps({"slots": pool.slots, "describe": pool.describe()}))
"""


def test_the_servers_runs_connect_with_credentials_only_their_user_can_read(cluster):
    env = executor.share_credentials(cluster)
    paths = [v for k, v in env.items() if k in executor.TLS_VARIABLES.values()]
    assert len(paths) == 3
    folder = os.path.dirname(paths[0])
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for path in paths:
        assert os.path.dirname(path) == folder
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and os.stat(path).st_uid == os.getuid()
    # a run of the server: a process of its own, with that environment, joins the cluster
    done = subprocess.run(
        [sys.executable, "-c", CONNECTS, cluster.scheduler_address],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["slots"] == 1
    # without them it cannot
    done = subprocess.run(
        [sys.executable, "-c", CONNECTS, cluster.scheduler_address],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0


def test_a_plain_tcp_scheduler_is_used_with_a_warning(caplog):
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        dashboard_address=None,
    ) as plain:
        assert plain.scheduler_address.startswith("tcp://")
        with caplog.at_level(logging.WARNING, logger="parevo_lab.executor"):
            with executor.open_executor(plain.scheduler_address) as pool:
                assert pool.slots == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "parevo_lab.executor"]
    assert len(warnings) == 1, warnings
    assert (
        plain.scheduler_address in warnings[0]
        and "neither encrypted nor authenticated" in (warnings[0])
    )
    assert "tls://" in warnings[0]
