"""Check that a faster search gives exactly the results of a trusted checkout, and time
both side by side.  Not a test: it needs the benchmark's databases.

    python -m benchmarks.exactness --base /tmp/fs-base --db data/bench/bench-1000000.sqlite
    python -m benchmarks.exactness --base /tmp/fs-base --db /tmp/own.sqlite --time 0

Each checkout answers in its own process (PYTHONPATH pointing at it), one query at a time
and alternately, so that both are timed under the same conditions.  Queries: every line
of data/bench/queries.txt, every `query` of tests/retrieval_questions.jsonl and every
question of the development set (../shared/eval/dev-questions.jsonl, if there), top 10.
Hits must have the same passage ids and ranks, confidence, unmatched words and total;
scores may differ by 1e-9 of their value (the count of queries whose scores are equal to
the bit is printed too).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from index.config import PROJECT_ROOT

_WORKER = """\
import json, sys, time
from index import Searcher, QueryError
searcher = Searcher.open(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    query = json.loads(line)
    started = time.perf_counter()
    try:
        result = searcher.search(query, top=10)
    except QueryError as exc:
        answer = {"error": str(exc)}
    else:
        answer = {"hits": [[h.passage_id, h.rank, h.score] for h in result.hits], "total": result.total,
                  "confidence": result.confidence, "unmatched": list(result.unmatched)}
    answer["ms"] = (time.perf_counter() - started) * 1000
    print(json.dumps(answer, ensure_ascii=False), flush=True)
"""


DEV_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "dev-questions.jsonl"


def _questions(path: Path) -> list[str]:
    """The questions of a JSON Lines file (field "query", "question" or "q")."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [next(row[key] for key in ("query", "question", "q") if key in row) for row in rows]


def _queries(dev: Path | None) -> list[str]:
    bench = (PROJECT_ROOT / "data" / "bench" / "queries.txt").read_text(encoding="utf-8").splitlines()
    questions = _questions(PROJECT_ROOT / "tests" / "retrieval_questions.jsonl")
    return [q for q in bench if q.strip()] + questions + (_questions(dev) if dev and dev.exists() else [])


class Worker:
    def __init__(self, checkout: Path, db: Path):
        env = dict(os.environ, PYTHONPATH=str(checkout))
        self.process = subprocess.Popen([sys.executable, "-c", _WORKER, str(db)], cwd=checkout, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, query: str) -> dict:
        self.process.stdin.write(json.dumps(query, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def _same(a: dict, b: dict) -> bool:
    if "error" in a or "error" in b:
        return a.get("error") == b.get("error")
    if (a["total"], a["confidence"], a["unmatched"]) != (b["total"], b["confidence"], b["unmatched"]):
        return False
    if [h[:2] for h in a["hits"]] != [h[:2] for h in b["hits"]]:
        return False
    return all(abs(x[2] - y[2]) <= 1e-9 * max(abs(x[2]), abs(y[2])) for x, y in zip(a["hits"], b["hits"]))


def _bitwise(a: dict, b: dict) -> bool:
    return [h[2] for h in a.get("hits", ())] == [h[2] for h in b.get("hits", ())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exactness")
    parser.add_argument("--base", type=Path, required=True, help="checkout of the trusted code")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--time", type=int, default=3, metavar="N", help="timed passes after the check (default 3)")
    parser.add_argument("--dev", type=Path, default=DEV_QUESTIONS, metavar="PATH",
                        help="development questions, JSON Lines (default ../shared/eval/dev-questions.jsonl)")
    args = parser.parse_args(argv)
    queries = _queries(args.dev)
    base, new = Worker(args.base.resolve(), args.db.resolve()), Worker(PROJECT_ROOT, args.db.resolve())
    try:
        differ, hits, bitwise = [], 0, 0
        for query in queries:
            old, now = base.ask(query), new.ask(query)
            hits += len(old.get("hits", ()))
            bitwise += _bitwise(old, now)
            if not _same(old, now):
                differ.append(query)
                print(f"DIFFERENT {query!r}\n  base {old}\n  new  {now}", file=sys.stderr)
        print(f"{args.db.name}: {len(queries) - len(differ)}/{len(queries)} queries identical "
              f"({hits} hits compared), {len(differ)} different; {bitwise} with scores equal to the bit")
        if args.time:
            times = np.zeros((2, args.time, len(queries)))
            for r in range(args.time):
                for i, query in enumerate(queries):
                    first, second = (base, new) if (r + i) % 2 == 0 else (new, base)
                    a, b = first.ask(query)["ms"], second.ask(query)["ms"]
                    times[0 if first is base else 1, r, i] = a
                    times[1 if first is base else 0, r, i] = b
            per_query = np.median(times, axis=1)
            for name, ms in zip(("base", "new"), per_query):
                print(f"  {name:4}  p50 {np.percentile(ms, 50):7.2f} ms  p95 {np.percentile(ms, 95):7.2f} ms  "
                      f"mean {ms.mean():7.2f} ms")
    finally:
        base.close()
        new.close()
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
