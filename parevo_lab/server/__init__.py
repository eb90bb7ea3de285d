"""The parevo_lab Jupyter server extension: REST routes under ``<base_url>/parevo-lab/``."""

from .app import ParevoLab

__all__ = ["ParevoLab"]
