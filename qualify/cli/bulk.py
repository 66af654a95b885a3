"""Commands that work through every prospect at once: the cyclic garbage collector rests.

Scoring a portfolio, previewing a re-score or making sample data allocates millions of
small objects that are freed as soon as they are used (none of them in reference
cycles), while tens of thousands of records stay alive. The cyclic collector, run every
few hundred allocations, scans the survivors again and again: a quarter of such a
command's time, for a few thousand objects found. It is paused for the command (what
little cyclic garbage there is waits until it resumes) and resumes after it, error or not.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector for a command that touches every prospect."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
