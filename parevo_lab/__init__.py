"""ParEVO Lab: verified parallel numba kernels for irregular data, inside JupyterLab."""

from .api import audit, check, evolve  # noqa: E402, F401 - the notebook API
from .version import __version__  # noqa: F401 - the package's version


def load_ipython_extension(ipython):
    """``%load_ext parevo_lab``: the magics %%parevo_task, %%parevo_check and %parevo_evolve."""
    from .magics import load_ipython_extension as load

    load(ipython)


def __getattr__(name):
    if name == "Workbench":  # anywidget is imported only when the widget is used
        from .widget import Workbench

        return Workbench
    raise AttributeError(f"module 'parevo_lab' has no attribute {name!r}")


def _register_notebook_displays() -> None:
    """Inside IPython, show reports, audits and evolution results as HTML."""
    import sys

    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        from .report.display import register

        register(shell)


_register_notebook_displays()


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "parevo-lab"}]


def _jupyter_server_extension_points():
    from .server import ParevoLab

    return [{"module": "parevo_lab", "app": ParevoLab}]
