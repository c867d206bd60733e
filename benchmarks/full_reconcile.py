"""Time one full reconcile of an existing store, with a CPU control loop before and after.

    python benchmarks/full_reconcile.py STORE [--workers 2] [--now 2026-11-27T12:00:00+00:00]

The store is reconciled in place (its divergences' lifecycle moves on): point it at a copy.
Run as a script, it imports whichever ``dossierlink`` is first on the path, so the same file
times another checkout for a same-minute comparison:
``PYTHONPATH=/tmp/old python benchmarks/full_reconcile.py /tmp/copy.db``. The control loop shows
how fast the machine is during the run (on a shared virtual machine that varies by minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import dossierlink


def control_loop() -> float:
    """CPU seconds of a fixed pure-Python loop (the benchmark harness's control)."""
    t = time.process_time()
    x = 0
    for i in range(3_000_000):
        x += i & 7
    return time.process_time() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--now", default="2026-11-27T12:00:00+00:00")
    args = parser.parse_args()
    now = dt.datetime.fromisoformat(args.now)
    before = control_loop()
    chain = dossierlink.open(args.store, create=False)
    ids = chain.store.live_dossier_ids()
    t = time.perf_counter()
    summary = chain.reconcile(dossier_ids=ids, now=now, workers=args.workers)
    wall = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{dossierlink.__file__}: {len(ids):,} dossiers in {wall:.2f} s with {args.workers} workers "
        f"({1000 * wall / max(1, len(ids)):.3f} ms/dossier); open {summary.open_total:,}; "
        f"CPU parent {own.ru_utime + own.ru_stime:.1f} s, workers {children.ru_utime + children.ru_stime:.1f} s; "
        f"control loop {before:.3f} s before, {control_loop():.3f} s after"
    )


if __name__ == "__main__":
    main()
