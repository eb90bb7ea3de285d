"""Server configuration for the Galata integration tests.

Galata's server runs without token or XSRF checks, so authentication is tested in
tests/server/test_handlers.py, not here.
"""

import sys
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

sys.path.insert(0, str(Path(__file__).parent))
from fixtures import BOTH_NOTEBOOK, big_run  # noqa: E402

configure_jupyter_server(c)  # noqa: F821

# CI containers run as root.
c.ServerApp.allow_root = True  # noqa: F821

work = Path(tempfile.mkdtemp(prefix="parevo-galata-"))
c.ParevoLab.work_dir = str(work / "work")  # noqa: F821
c.ParevoLab.max_jobs = 1  # noqa: F821
big_run(work / "work", Path(c.ServerApp.root_dir))  # noqa: F821
big_run(  # the same run in the panel and in the notebook widget: their tables must agree
    work / "work",
    Path(c.ServerApp.root_dir),  # noqa: F821
    candidates=8,
    name="both-views",
    notebook_name=BOTH_NOTEBOOK,
    widget=True,
)
