"""The evaluation cascade: compile -> verify -> (races) -> profile, one module per stage."""

from .evaluate import CheckOptions, check, evaluate

__all__ = ["CheckOptions", "check", "evaluate"]
