"""The cyclic garbage collector's threshold in kgserver's processes.

Parsing, validating and rendering make millions of small objects (terms, tuples, rows) that reference
counting frees or that live as long as the process; with CPython's default first-generation threshold
(700 net allocations) the collector runs hundreds of times a second over them and finds almost nothing
to free.  ``benchmarks/bench_collector.py`` measures it on the bundle: on 2026-12-08, 7% of the CPU of
validating contributions and 11% of rendering pages went to the collector; with the threshold below, 4% and
6%, at the same peak memory.  (Where the reasoner makes its millions of tuples, the collector is
paused altogether: :mod:`kgserver.reasoning.nogc`.)
"""

from __future__ import annotations

import gc

#: Net allocations between two collections of the youngest generation (CPython's default: 700).
YOUNG_THRESHOLD = 10_000


def tune() -> None:
    """Raise the youngest generation's threshold to :data:`YOUNG_THRESHOLD` (never lower it).

    Called once when a kgserver process starts (the ``kgserver`` command); processes forked from it (the
    web server's workers, the query pool's) inherit it.
    """
    young, middle, old = gc.get_threshold()
    if young and young < YOUNG_THRESHOLD:  # 0: the collector's thresholds disabled on purpose; keep that
        gc.set_threshold(YOUNG_THRESHOLD, middle, old)
