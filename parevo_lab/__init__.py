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
    from .server import ParevoLab

    return [{"module": "parevo_lab", "app": ParevoLab}]
