"""Command line: `python -m index build|search|sources`.  A thin shell over the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .builder import build_index
from .config import DB_ENV, SOURCE_ENV, default_db_path, default_source_dir
from .errors import QueryError, SearchError
from .models import BuildReport, SearchResult
from .query import FILTER_HELP
from .searcher import Searcher

USAGE_ERROR = 2

SEARCH_HELP = f"""\
Quote the passages that answer QUERY, with their sources.

The query is free text in Simplified or Traditional Chinese; words that name a place,
speaker, year or meeting found in a speech's metadata favour that speech. Filters
restrict the search to matching speeches:
  {FILTER_HELP}
(also place: year: speaker: title: kind:, with ":" or "：").
With QUERY "-", read one query per line from standard input and print JSON Lines.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description="Search Chinese speeches and quote them exactly.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build or update the index", description="Build the index from source folders.")
    build.add_argument("--source", action="append", type=Path, metavar="DIR",
                       help=f"folder of speech files (repeatable; default ${SOURCE_ENV} or seeds/)")
    build.add_argument("--db", type=Path, help=f"index file (default ${DB_ENV} or data/speeches.sqlite)")
    build.add_argument("--quiet", action="store_true", help="print only the summary")

    search = commands.add_parser("search", help="answer a question", description=SEARCH_HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    search.add_argument("query", metavar="QUERY", help='the question, or "-" to read queries from stdin')
    search.add_argument("--db", type=Path, help="index file (built from seeds/ first if missing)")
    search.add_argument("--top", type=int, default=5, help="number of passages (default 5)")
    search.add_argument("--json", action="store_true", help="print one JSON object")

    sources = commands.add_parser("sources", help="list the indexed speeches")
    sources.add_argument("--db", type=Path)
    sources.add_argument("--json", action="store_true")
    return parser


def _print_build(report: BuildReport) -> None:
    print(f"index: {report.db_path}")
    print(f"documents: {report.documents}  passages: {report.passages}  "
          f"added: {len(report.added)}  changed: {len(report.changed)}  removed: {len(report.removed)}  "
          f"unchanged: {report.unchanged}")
    print(f"skipped: {len(report.skipped)}")
    for skipped in report.skipped:
        print(f"  {skipped.path}: {skipped.reason}")
    print(f"seconds: {report.seconds:.2f}")


def _progress(stage: str, done: int, total: int) -> None:
    print(f"\r{stage}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)


def _print_result(result: SearchResult) -> None:
    if not result.hits:
        print(f"没有找到与“{result.query}”相关的段落。可以减少关键词、换用简体或繁体，或加筛选条件（{FILTER_HELP}）。")
        return
    for hit in result.hits:
        meta = hit.document.meta
        source = " · ".join(x for x in (meta.speaker, meta.place, meta.date or meta.year) if x)
        print(f"[{hit.rank}] {hit.quote.text}")
        print(f"    ——《{meta.title or hit.document.path}》 {source} · 第{hit.paragraph}段  ({hit.document.path}, score {hit.score:.2f})")
        print()
    print(f"{result.total} passages matched, {result.took_ms:.1f} ms")


def _open(db: Path | None) -> Searcher:
    path = db or default_db_path()
    if db is None and not path.exists():
        print(f"no index yet: building {path} from {default_source_dir()}", file=sys.stderr)
        build_index([default_source_dir()], path)
    return Searcher.open(path)


def _search(args) -> int:
    if args.top < 1:
        raise QueryError("usage", "--top must be at least 1")
    searcher = _open(args.db)
    if args.query != "-":
        result = searcher.search(args.query, top=args.top)
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            _print_result(result)
        return 0
    status = 0
    for line in sys.stdin:
        query = line.rstrip("\n")
        try:
            print(json.dumps(searcher.search(query, top=args.top).as_json(), ensure_ascii=False), flush=True)
        except QueryError as exc:
            print(json.dumps({"query": query, "error": str(exc), "code": exc.code, "hits": []}, ensure_ascii=False), flush=True)
            status = USAGE_ERROR
    return status


def _sources(args) -> int:
    searcher = _open(args.db)
    for document in searcher.documents():
        meta = document.meta
        if args.json:
            print(json.dumps({"doc": document.path, **meta.__dict__, "passages": document.passages}, ensure_ascii=False))
        else:
            print(f"{document.path}\t{meta.title}\t{meta.speaker}\t{meta.place}\t{meta.date or meta.year}\t{document.passages} passages")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    import jieba

    jieba.setLogLevel(logging.WARNING)
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            sources = args.source or [default_source_dir()]
            report = build_index(sources, args.db or default_db_path(), progress=None if args.quiet else _progress)
            _print_build(report)
            return 0
        if args.command == "search":
            return _search(args)
        return _sources(args)
    except SearchError as exc:  # QueryError, IndexUnavailable, BuildError: one line each
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR if isinstance(exc, QueryError) else 1
    except KeyboardInterrupt:
        print("interrupted; the previous index is unchanged", file=sys.stderr)
        return 130
