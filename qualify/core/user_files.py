"""Opening a file a user named on the command line or in a dialog, for reading.

Opening a named pipe waits for someone to write to it, for ever if nobody does
(`qualify validate pipe.yaml` hung). Opened without that wait, one nobody writes to
reads as empty; a pipe that is written to (`<(…)`) is read as it is written.
"""

from __future__ import annotations

import os
from typing import BinaryIO

_NO_WAIT = getattr(os, "O_NONBLOCK", 0)


def open_to_read(path: str | os.PathLike[str]) -> BinaryIO:
    """`path` opened for reading in binary, never waiting for a pipe's writer (OSError as
    `open` raises them)."""
    fd = os.open(path, os.O_RDONLY | _NO_WAIT)
    try:
        if _NO_WAIT:
            os.set_blocking(fd, True)  # the reads wait for a writer's bytes, if any
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


__all__ = ["open_to_read"]
