"""The races stage: static lint, instrumented shadow replay, differential runs (in verify)."""

from .replay import run

__all__ = ["run"]
