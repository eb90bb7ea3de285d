"""Server configuration for the Galata integration tests.

Galata's server runs without token or XSRF checks, so authentication is tested in
tests/test_server.py, not here.
"""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI containers run as root.
c.ServerApp.allow_root = True  # noqa: F821
