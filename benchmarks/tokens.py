"""Are the fast segmenter's words jieba's?  Every passage of a collection cut both ways.

    python -m benchmarks.tokens --source seeds --source ../shared/corpus/cn-national-reports \\
        --source ../shared/corpus/xwlb-2022-2026

The collection is read and cleaned as a build reads it, the analyzer gets the build's
dictionary (the collection's words added), and every passage is cut by jieba
(`Tokenizer.cut(text, HMM=False)`, the reference), by `Segmenter` with rjieba and by
`Segmenter` without it; then tokenized by `Analyzer.tokens` as indexing does and with
jieba's words.  Prints the passages and words compared, the differences (which must be
0) and the CPU seconds of each way.  Exit status 1 if any passage differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from index.analysis import Analyzer, whole_numbers
from index.builder import _read_sources, collection_words
from index.segmenter import Segmenter


def _timed(function, items):
    started = time.process_time()
    results = [function(item) for item in items]
    return results, time.process_time() - started


def compare(sources: list[Path]) -> dict:
    docs, *_ = _read_sources([s.resolve() for s in sources], None, lambda *_: None)
    passages = [(norm, doc.meta.year) for doc in docs for norm in doc.norms]
    analyzer = Analyzer(collection_words(docs))
    jieba_tokenizer = analyzer._jieba
    reference, jieba_seconds = _timed(lambda p: list(jieba_tokenizer.cut(p[0], HMM=False)), passages)
    report = {"documents": len(docs), "passages": len(passages), "chars": sum(len(p[0]) for p in passages),
              "words": sum(map(len, reference)), "seconds": {"jieba": round(jieba_seconds, 2)}, "differences": {}}
    for name, accelerated in (("rjieba", True), ("python", False)):
        segmenter = Segmenter(jieba_tokenizer.FREQ, jieba_tokenizer.total, accelerated=accelerated)
        if accelerated and not segmenter.accelerated:
            continue  # rjieba not installed
        words, seconds = _timed(lambda p: segmenter.cut(p[0]), passages)
        report["seconds"][name] = round(seconds, 2)
        report["differences"][name] = sum(a != b for a, b in zip(words, reference))
    # What indexing stores: Analyzer.tokens (fast words) against the same terms of jieba's words.
    analyzer.use_segmenter()
    tokens, seconds = _timed(lambda p: analyzer.tokens(*p), passages)
    report["seconds"]["Analyzer.tokens"] = round(seconds, 2)
    expected = [analyzer._raw_tokens(norm, whole_numbers(words, jieba_tokenizer))
                for (norm, _), words in zip(passages, reference)]
    report["differences"]["Analyzer.tokens"] = sum(
        got[: len(want)] != want for got, want in zip(tokens, expected))  # after them, the relative years
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tokens", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, action="append", required=True, metavar="DIR")
    args = parser.parse_args(argv)
    report = compare(args.source)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if any(report["differences"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
