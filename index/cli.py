"""Command line: `python -m index build|search|trend|sources`.  A thin shell over the library."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .builder import build_index
from .citation import csl_json, gbt7714, ris
from .config import DB_ENV, SOURCE_ENV, default_db_path, default_source_dir
from .errors import UNREADABLE_MESSAGES, QueryError, SearchError, unreadable_code
from .filters import FILTER_HELP, FILTERS
from .models import BuildReport, SearchResult
from .query import MAX_QUERY_CHARS
from .searcher import Searcher
from .trend import GROUPINGS
from .sources import missing_line, source_line

USAGE_ERROR = 2
CITE_FORMATS = ("gbt", "csl-json", "ris")

SEARCH_HELP = """\
Quote the passages that answer QUERY, with their sources.

The query is free text in Simplified or Traditional Chinese; words that name a place,
speaker, year or title found in a speech's metadata favour that speech. Filters
restrict the search to matching speeches (":" or "："):
""" + "".join(f"  {f.help_example}  (also {' '.join(k + ':' for k in f.keys[1:])})\n" for f in FILTERS) + """\
Quotes ("…", “…”, 「…」) ask for an exact phrase: only passages that have it as written
(after the same Traditional/Simplified and width folding) are shown, still ranked by
BM25; -word leaves out the passages that contain the word:
  "高质量发展是新时代的硬道理" 地点:岳阳      县域经济 -乡村
With QUERY "-", read one query per line from standard input and print JSON Lines.
"""

DB_HELP = (f"index file (default ${DB_ENV} or data/speeches.sqlite; only that default is built from "
           f"${SOURCE_ENV} or seeds/ when missing, a given --db must exist)")
REBUILD = "请运行 {rebuild} 重建索引。"
# Every error code as the command line says it, in Chinese; str(exc) follows in brackets
# where it carries details.  {path}: the file concerned; {rebuild}: the command to run.
MESSAGES = {
    "empty": "查询是空的，请写上要查的词。",
    "too_long": f"查询太长了，最多检索 {MAX_QUERY_CHARS} 个字。",
    "no_terms": "查询里没有可以检索的词（只有标点、符号或常用虚词）。",
    "usage": "参数有误。",
    "index_missing": "索引不存在：{path}。" + REBUILD,
    "index_damaged": "索引已损坏或不完整：{path}。" + REBUILD,
    "index_outdated": "索引来自另一个版本：{path}。" + REBUILD,
    "build_locked": "另一个构建正在写这个索引：{path}，请等它完成后再试。",
    "source_missing": "找不到讲话所在的文件夹：{path}",
    "db_is_directory": "--db 指向的是一个文件夹，不是索引文件：{path}",
    "db_not_writable": "无法写入索引：{path}（文件夹只读或没有权限），原来的索引没有改动。",
    "disk_full": "磁盘已满或写入出错，无法写入索引：{path}，原来的索引没有改动。",
    **UNREADABLE_MESSAGES,
}


def error_message(exc: SearchError, db: Path | None = None) -> str:
    """One line in Chinese for a failure of the search core; `db` is the --db the user gave."""
    rebuild = "python -m index build" + (f" --db {db}" if db is not None else "")
    path = getattr(exc, "path", None) or db or default_db_path()
    message = MESSAGES.get(exc.code, "出错了。").format(path=path, rebuild=rebuild)
    return f"错误：{message}" if exc.code.startswith(("index_", "build_", "source_", "db_", "disk_")) else f"错误：{message}（{exc}）"


def skipped_reason(reason: str) -> str:
    """Why a build skipped a file, in Chinese, the English reason in brackets."""
    code = unreadable_code(reason)
    return f"{MESSAGES[code]}（{reason}）" if code else reason


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
    search.add_argument("--db", type=Path, help=DB_HELP)
    search.add_argument("--top", type=int, default=5, help="number of passages (default 5)")
    search.add_argument("--json", action="store_true", help="print one JSON object")
    search.add_argument("--cite", choices=CITE_FORMATS, metavar="FORMAT",
                        help="print the hits as citations: gbt (GB/T 7714-2015), csl-json or ris")

    trend = commands.add_parser("trend", help="count a phrase per year and collection",
                                description="Count the passages and speeches that state QUERY, per year and "
                                            "collection, and show the first one; filters as in search.")
    trend.add_argument("query", metavar="QUERY", help="the words every counted passage contains")
    trend.add_argument("--db", type=Path, help=DB_HELP)
    trend.add_argument("--by", choices=GROUPINGS, default="source",
                       help="collection = source folder (default) or kind")
    trend.add_argument("--json", action="store_true", help="print one JSON object")
    trend.add_argument("--png", type=Path, metavar="FILE", help="also draw the timeline as a PNG chart")

    sources = commands.add_parser("sources", help="list the indexed speeches")
    sources.add_argument("--db", type=Path, help=DB_HELP)
    sources.add_argument("--json", action="store_true")
    return parser


def _print_build(report: BuildReport) -> None:
    print(f"index: {report.db_path}")
    print(f"documents: {report.documents}  passages: {report.passages}  "
          f"added: {len(report.added)}  changed: {len(report.changed)}  removed: {len(report.removed)}  "
          f"unchanged: {report.unchanged}")
    print(f"skipped: {len(report.skipped)}")
    for skipped in report.skipped:
        print(f"  {skipped.path}: {skipped_reason(skipped.reason)}")
    print(f"seconds: {report.seconds:.2f}")


def _progress(stage: str, done: int, total: int) -> None:
    print(f"\r{stage}: {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)


def _print_result(result: SearchResult) -> None:
    if not result.hits:
        print(f"资料库中没有找到与“{result.query}”相关的段落。可以减少关键词、换个说法，或加筛选条件（{FILTER_HELP}）。")
        return
    if result.confidence == "low":
        print(missing_line(result.unmatched))
        print()
    for hit in result.hits:
        print(f"[{hit.rank}] {hit.quote.text}")
        print(f"    ——{source_line(hit.document, hit.paragraph)}  ({hit.document.path}, score {hit.score:.2f})")
        print()
    print(f"共 {result.total} 段相关，用时 {result.took_ms:.1f} 毫秒")


def _print_citations(result: SearchResult, style: str) -> None:
    """The hits as citations on stdout; what the collection lacks goes to stderr."""
    if not result.hits:
        print(f"资料库中没有找到与“{result.query}”相关的段落，没有可以引用的内容。", file=sys.stderr)
        return
    if result.confidence == "low":
        print(missing_line(result.unmatched), file=sys.stderr)
    if style == "gbt":
        for number, hit in enumerate(result.hits, start=1):
            print(f"[{number}] {gbt7714(hit)}")
    elif style == "csl-json":
        print(csl_json(result.hits))
    else:
        print(ris(result.hits), end="")


def _open(db: Path | None) -> Searcher:
    path = db or default_db_path()
    if db is None and not path.exists():
        print(f"还没有索引：正在用 {default_source_dir()} 建立 {path}", file=sys.stderr)
        build_index([default_source_dir()], path)
    return Searcher.open(path)


def _search(args) -> int:
    if args.top < 1:
        raise QueryError("usage", "--top must be at least 1")
    searcher = _open(args.db)
    if args.query != "-":
        result = searcher.search(args.query, top=args.top)
        if args.cite:
            _print_citations(result, args.cite)
        elif args.json:
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


def _trend(args) -> int:
    from .trend import render_png, trend

    data = trend(_open(args.db), args.query, by=args.by)
    if args.png:
        if not data.passages:
            print("没有段落，不画图。", file=sys.stderr)
        else:
            args.png.write_bytes(render_png(data))
    if args.json:
        print(json.dumps(data.as_json(), ensure_ascii=False))
        return 0
    if not data.passages:
        print(f"资料库中没有段落包含“{'”“'.join(data.words)}”。")
        return 0
    print(f"「{args.query}」：{data.passages} 段，{data.documents} 篇")
    label = "来源" if args.by == "source" else "类型"
    print(f"年份\t{label}\t段落\t篇数")
    for row in data.rows:
        print(f"{row.year}\t{row.collection}\t{row.passages}\t{row.documents}")
    first = data.first
    print(f"最早：{source_line(first.document, first.paragraph)}")
    print(f"    “{data.first_quote()}”")
    if args.png:
        print(f"图表：{args.png}")
    return 0


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
        if args.command == "trend":
            return _trend(args)
        return _sources(args)
    except SearchError as exc:  # QueryError, IndexUnavailable, BuildError: one line each
        print(error_message(exc, getattr(args, "db", None)), file=sys.stderr)
        return USAGE_ERROR if isinstance(exc, QueryError) else 1
    except KeyboardInterrupt:
        print("interrupted; the previous index is unchanged", file=sys.stderr)
        return 130
