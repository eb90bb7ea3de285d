"""ParEVO Lab: verified parallel numba kernels for irregular data, inside JupyterLab."""

try:
    from ._version import __version__
except ImportError:  # running from a checkout that was never built
    __version__ = "0.1.0"


def check(task, candidate, **options):
    """Compile, verify and profile ``candidate`` ("file.py[:func]") against ``task`` (a path).

    Returns a ``parevo_lab.results.Report``; options are those of ``CheckOptions``
    (``threads=[1, 2]``, ``timeout_s=30``, ``profile=True``, ``budget_s=1.0``, ...).
    """
    from .cascade import check as _check

    return _check(task, candidate, **options)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "parevo-lab"}]


def _jupyter_server_extension_points():
    return [{"module": "parevo_lab"}]


def _load_jupyter_server_extension(server_app):
    from .server import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("parevo_lab server extension loaded")
