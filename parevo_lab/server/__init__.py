"""The parevo_lab Jupyter server extension: REST routes under ``<base_url>/parevo-lab/``."""

from .handlers import setup_handlers

__all__ = ["setup_handlers"]
