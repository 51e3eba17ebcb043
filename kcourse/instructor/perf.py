"""Speed helpers for the bulk paths (grading thousands of files, statistics over thousands of attempts)."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while many small objects are built that all stay alive.

    Otherwise every few hundred allocations it scans them all again, which cost a third of a 10,000-file
    grading run. Reference counting still frees everything as usual; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
