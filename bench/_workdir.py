"""`--dir` of the benches: where they build their workspaces."""

from __future__ import annotations

import argparse
from pathlib import Path


def workdir(value: str) -> Path:
    """The folder, made if it is not there yet; a clear error (not a traceback) when it
    cannot be."""
    folder = Path(value)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{value}: cannot be a folder ({exc.strerror})") from None
    return folder
