"""Timing and memory: per-query medians, percentiles, resident memory, a cold start in a new process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from index.config import PROJECT_ROOT

from .resampling import BenchError


def per_query_ms(function: Callable[[int], object], count: int, repeat: int, warm: bool = True) -> np.ndarray:
    """Milliseconds of function(i) for i < count: each one's median over `repeat` passes."""
    if warm:
        for i in range(count):
            function(i)
    runs = np.empty((repeat, count))
    for r in range(repeat):
        for i in range(count):
            started = time.perf_counter()
            function(i)
            runs[r, i] = (time.perf_counter() - started) * 1000
    return np.median(runs, axis=0)


def summary(ms: np.ndarray) -> dict:
    return {"p50": round(float(np.percentile(ms, 50)), 4), "p95": round(float(np.percentile(ms, 95)), 4),
            "queries": len(ms)}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


_COLD_START = """\
import sys, time
started = time.perf_counter()
from index import Searcher
imported = time.perf_counter()
searcher = Searcher.open(sys.argv[1])
opened = time.perf_counter()
searcher.search(sys.argv[2], top=10)
answered = time.perf_counter()
print("answered", flush=True)
import json, psutil
from index import QueryError
rss_first = psutil.Process().memory_info().rss
for line in open(sys.argv[3], encoding="utf-8"):
    try:
        searcher.search(line.rstrip("\\n"), top=10)
    except QueryError:
        pass
print(json.dumps({"import_s": imported - started, "open_s": opened - imported, "first_query_s": answered - opened,
                  "rss_mb": rss_first / 2**20, "rss_after_queries_mb": psutil.Process().memory_info().rss / 2**20}))
"""


def cold_start(db_path: Path, query: str, queries_file: Path) -> dict:
    """A new Python process until its first answer (wall time seen by the parent), its own
    breakdown, and its resident memory after that answer and after all the queries."""
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", _COLD_START, str(db_path), query, str(queries_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
        env=dict(os.environ, PYTHONPATH=path),
    )
    first = child.stdout.readline()
    wall = time.perf_counter() - started
    rest, errors = child.communicate()
    if first.strip() != "answered" or child.returncode != 0:
        last = (errors or first or "no output").strip().splitlines()[-1]
        raise BenchError(f"the cold-start process failed: {last}")
    return {"wall_s": wall, **json.loads(rest)}
