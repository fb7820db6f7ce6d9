"""Pause Python's cyclic garbage collector while millions of small objects are made.

The reasoner creates millions of tuples, lists and sets that hold no reference cycles
(reference counting frees them); with the collector on, each few hundred allocations
trigger a collection that walks the young objects, and every so often one that walks all
of them: at 1M triples that was half the reasoning time (measured, ``docs/reasoning.md``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block; restore its state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
