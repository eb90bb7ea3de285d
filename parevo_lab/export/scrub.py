"""What never leaves in an export: absolute paths of this machine (cut to the file name) and
anything that looks like a key, or is the value of an environment variable named like a secret."""

from __future__ import annotations

import os
import re

# -- secrets and paths -----------------------------------------------------------------------

_PATH = re.compile(r"(?<![\w.)\]])(?:~/|/)(?:[^\s/\"'`:,;()]+/)+")
_KEY = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}|\bBearer\s+[A-Za-z0-9._-]{16,}")
_SECRET_NAMES = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL", re.I)


def scrubber():
    """A function that takes absolute paths down to their file name and blanks anything that
    looks like a key, or is the value of an environment variable named like a secret."""
    secrets = sorted(
        (v for k, v in os.environ.items() if _SECRET_NAMES.search(k) and len(v) >= 8),
        key=len,
        reverse=True,
    )

    def scrub(value):
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, "<redacted>")
            return _PATH.sub("", _KEY.sub("<redacted>", value))
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    return scrub
