"""ParEVO Lab: verified parallel numba kernels for irregular data, inside JupyterLab."""

try:
    from ._version import __version__
except ImportError:  # running from a checkout that was never built
    __version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "parevo-lab"}]


def _jupyter_server_extension_points():
    return [{"module": "parevo_lab"}]


def _load_jupyter_server_extension(server_app):
    from .server import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("parevo_lab server extension loaded")
