"""The package's version, for the layers below the package root (which imports them all)."""

try:
    from ._version import __version__  # written by the build (hatch-vcs style), not tracked
except ImportError:  # running from a checkout that was never built
    __version__ = "0.1.0"
