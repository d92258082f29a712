"""What the words a build discovers (`vocabulary.discovered_words`) do for searches of them.

    python -m benchmarks.new_words --db data/full.sqlite --source seeds \\
        --source ../shared/corpus/cn-national-reports --source ../shared/corpus/xwlb-2022-2026

Builds the same sources a second time into a temporary folder with discovery switched off,
takes the words the index at `--db` has and that one lacks (a fixed-seed sample of them:
queries made from the collection, not picked by hand) and searches each word alone in both
indexes, interleaved.  Prints, for each index, how often the first hit contains the word
as written and how many of the first five do.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path
from unittest import mock

from index import Searcher
from index.builder import build_index
from index.normalize import normalize
from index.store import open_readonly, read_meta


def _user_words(db_path: Path) -> set[str]:
    db = open_readonly(db_path)
    try:
        return set(json.loads(read_meta(db).get("user_words", "[]")))
    finally:
        db.conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.new_words", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="an index built from --source by this code")
    parser.add_argument("--source", type=Path, action="append", required=True)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        plain_path = Path(folder) / "without.sqlite"
        with mock.patch("index.builder.discovered_words", lambda texts: set()):
            build_index(args.source, plain_path)
        discovered = sorted(_user_words(args.db) - _user_words(plain_path))
        words = random.Random(7).sample(discovered, min(args.sample, len(discovered)))
        searchers = {"without discovery": Searcher.open(plain_path), "with discovery": Searcher.open(args.db)}
        first = dict.fromkeys(searchers, 0)
        within = dict.fromkeys(searchers, 0)
        for word in words:
            for name, searcher in searchers.items():
                hits = searcher.search(word, top=args.top).hits
                has = [word in normalize(hit.text) for hit in hits]
                first[name] += bool(has and has[0])
                within[name] += sum(has)
    print(f"{len(discovered)} discovered words; {len(words)} searched alone")
    for name in searchers:
        print(f"{name:<18} first hit has the word {first[name]:4}/{len(words)}"
              f"   of the first {args.top}: {within[name]:4}/{args.top * len(words)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
