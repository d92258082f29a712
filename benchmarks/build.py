"""Build benchmark: a full build, a reindex after one changed file and a cold start, timed
for one or more checkouts side by side (runs interleaved, medians reported).

    python -m benchmarks.build --code . --code /tmp/old-checkout --runs 3 \\
        --source seeds --source ../shared/corpus/cn-national-reports --source ../shared/corpus/xwlb-2022-2026

Each checkout runs `python -m index build` in a subprocess from its own folder (so a
checkout of an older commit is timed with its own code).  The sources are copied once to
a scratch folder; each line of the output is one checkout's [median, [runs]] of each
measure, in seconds or MB.  The reindex appends a paragraph to one file of the copy and builds
again; the cold start opens the index and answers one question in a fresh process.
Peak memory is the most the build process and its workers held at once (sampled).
"""

from __future__ import annotations

import argparse
import json
import contextlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "2023年政府工作报告 GDP目标"
COLD_START = """
import sys, time
started = time.perf_counter()
from index import Searcher
searcher = Searcher.open(sys.argv[1])
searcher.search(sys.argv[2], top=5)
print(time.perf_counter() - started)
"""


def _run(code: Path, args: list[str]) -> tuple[float, str, float]:
    """Seconds, standard output and peak memory (MB, the process and its workers together)."""
    import psutil

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([sys.executable, *args], cwd=code, stdout=out, stderr=err, text=True)
        tree = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, sum(p.memory_info().rss for p in [tree, *tree.children(recursive=True)]))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{code}: {' '.join(args)} failed:\n{err.read()[-2000:]}")
        return seconds, out.read(), peak / 2**20


def measure(codes: list[Path], sources: list[Path], runs: int, scratch: Path) -> dict:
    copies = []
    for source in sources:
        target = scratch / "sources" / source.name
        shutil.copytree(source, target)
        copies.append(target)
    changed = next(p for p in sorted(copies[-1].rglob("*.txt")) if p.stat().st_size > 1000)
    build_args = [a for s in copies for a in ("--source", str(s))]
    times: dict[str, dict[str, list[float]]] = {str(c): {"build": [], "build_peak_mb": [], "reindex": [], "cold_start": []} for c in codes}
    for run in range(runs):
        for code in codes:
            db = scratch / f"{len(times[str(code)]['build'])}-{codes.index(code)}.sqlite"
            seconds, _, peak = _run(code, ["-m", "index", "build", "--quiet", *build_args, "--db", str(db)])
            times[str(code)]["build"].append(seconds)
            times[str(code)]["build_peak_mb"].append(peak)
            with changed.open("a", encoding="utf-8") as handle:
                handle.write(f"\n\n本段为基准测试第{run}次追加的一段话，用于测量改动一个文件后的重建时间。\n")
            seconds, _, _ = _run(code, ["-m", "index", "build", "--quiet", *build_args, "--db", str(db)])
            times[str(code)]["reindex"].append(seconds)
            _, out, _ = _run(code, ["-c", COLD_START, str(db), QUESTION])
            times[str(code)]["cold_start"].append(float(out.strip().splitlines()[-1]))
            db.unlink()
    return {code: {name: [round(statistics.median(values), 2), [round(v, 2) for v in values]]
                   for name, values in stages.items()} for code, stages in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, action="append", required=True, metavar="CHECKOUT")
    parser.add_argument("--source", type=Path, action="append", required=True, metavar="DIR")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        report = measure([c.resolve() for c in args.code], [s.resolve() for s in args.source], args.runs,
                         Path(scratch))
    for code, stages in report.items():
        print(json.dumps({"code": code, **stages}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
