"""Speed benchmark: build, size, cold start, memory and query latency from 10,000 to
1,000,000 passages, side by side with rank-bm25 and bm25s on the same tokens.

    python -m benchmarks.speed --sizes 10k,100k --corpus ../shared/corpus

The passages are real.  The corpus folders are indexed once with the project's own
pipeline (`build_index`: cleaning, normalisation, jieba) into a cached index in the work
folder; each collection is then drawn from its documents, whole, in seeded random order,
reshuffling and repeating the corpus when a size exceeds it, and written with the index's
own writer so that `Searcher` opens it like any index (`resampling`).  The copies reuse the
cached tokens: jieba over a million passages would take longer than everything else.

Every engine ranks the very same query terms (the searcher's analyzer applied to the
query text); "ranking alone" is BM25 over the searcher's posting lists plus the top 10,
without tokenization, metadata boosts or quotes (`engines`).  Not a test:
`tests/test_bench.py` runs it at a tiny size so that it keeps working."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from index.config import PROJECT_ROOT
from index.errors import SearchError

from .engines import TOP
from .measure import Settings, run
from .report import format_report


DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
DEFAULT_WORKDIR = PROJECT_ROOT / "data" / "bench"


def parse_sizes(text: str) -> list[int]:
    """ "10k,100k,1M" or "10000,100000" -> [10000, 100000, ...]."""
    sizes = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = part[:-1] if scale > 1 else part
        try:
            size = int(float(number) * scale)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a size: {part!r}") from None
        if size < TOP:
            raise argparse.ArgumentTypeError(f"a collection needs at least {TOP} passages, not {size}")
        sizes.append(size)
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.speed",
        description="Measure build, cold start, memory and query latency at several collection sizes, "
                    "side by side with rank-bm25 and bm25s on the same tokens.")
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES), metavar="N,N,...",
                        help="collection sizes in passages, e.g. 10k,100k,1M (default: 10k,100k,1M)")
    parser.add_argument("--queries", type=int, default=200, metavar="N", help="number of queries (default 200)")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="timed passes over the queries and cold starts per size (default 3)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, metavar="DIR",
                        help="real text to resample: DIR's subfolders are the source folders (DIR itself if "
                             "it has none); default ../shared/corpus")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, metavar="DIR",
                        help="for the tokenized corpus (kept and reused) and the databases (default data/bench)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the JSON report here instead of stdout")
    parser.add_argument("--max-rank-bm25", type=int, default=100_000, metavar="N",
                        help="skip rank-bm25 above this many passages (default 100000)")
    parser.add_argument("--baseline-queries", type=int, default=50, metavar="N",
                        help="queries timed with rank-bm25 and bm25s retrieve, which look at every passage "
                             "(default 50)")
    parser.add_argument("--full-build", action="store_true",
                        help="also time a full build of seeds/ plus the corpus and two reindexes (about 2 minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the collections' databases in the work folder")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.speed`: print the table, and the JSON report (to --json PATH if given)."""
    args = _parser().parse_args(argv)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    if args.queries < 1 or args.repeat < 1:
        _parser().error("--queries and --repeat must be at least 1")
    started = time.perf_counter()

    def say(message: str) -> None:
        if not args.quiet:
            print(f"bench {time.perf_counter() - started:6.1f}s  {message}", file=sys.stderr, flush=True)

    settings = Settings(workdir=args.workdir.resolve(), repeat=args.repeat, max_rank_bm25=args.max_rank_bm25,
                        baseline_queries=args.baseline_queries, keep=args.keep, say=say)
    try:
        report = run(args.sizes, args.corpus.resolve(), settings, args.queries, args.full_build)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report["seconds"] = round(time.perf_counter() - started, 1)
    print(format_report(report))
    print(f"\nbenchmark took {report['seconds']:.0f} s")
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
