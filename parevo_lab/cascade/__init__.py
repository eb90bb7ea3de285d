"""The evaluation cascade: compile -> verify -> (races) -> profile, one module per stage."""

from .evaluate import CheckOptions, evaluate

__all__ = ["CheckOptions", "evaluate"]
