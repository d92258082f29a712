"""A sentence pasted in to find where it comes from: is the first hit a passage that has it?

    python -m benchmarks.quote_source --db data/full.sqlite [--documents 150] [--seed 3] [--misses]

From `--documents` random speeches and reports and as many news items (seeded), one sentence
each of 10 to 30 characters (quotation marks and spaces taken out) is asked as it is, with
"出自哪里" after it, and in quotation marks ("“…”这句话是谁说的", an exact phrase).  A case is
answered when the first hit's text has the sentence verbatim (any document that repeats it
will do: news quotes speeches).
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from index import Searcher
from index.normalize import normalize

from .dev_eval import open_index

ASKED = {"as pasted": "{}", "出自哪里": "{} 出自哪里", "quoted": "“{}”这句话是谁说的"}
_SENTENCE_END = re.compile(r"[。；！？!?;]")
_NOT_WRITTEN = re.compile(r"[“”\"\s]")


def sentences(searcher: Searcher, documents: int, seed: int) -> list[str]:
    """One sentence of 10 to 30 characters from each of `documents` random non-news documents
    and as many news items, in a seeded order."""
    reader, rng = searcher.reader, random.Random(seed)
    picked = []
    for news in (False, True):
        docs = [d for d in range(len(reader.doc_count) - 1) if reader.doc_count[d] and reader.doc_news[d] == news]
        rng.shuffle(docs)
        for doc in docs[:documents]:
            first = int(reader.doc_first[doc])
            rows = reader.rows(list(range(first, first + int(reader.doc_count[doc]))))
            found = [_NOT_WRITTEN.sub("", part) for row in rows.values() for part in _SENTENCE_END.split(row[3])]
            found = [s for s in found if 10 <= len(s) <= 30]
            if found:
                picked.append(rng.choice(found))
    return picked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built index")
    parser.add_argument("--documents", type=int, default=150)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--misses", action="store_true", help="list the sentences asked as pasted not found first")
    args = parser.parse_args(argv)
    searcher = open_index(parser, args.db)
    picked = sentences(searcher, args.documents, args.seed)
    print(f"{len(picked)} sentences from {args.db}")
    for name, form in ASKED.items():
        missed = []
        for sentence in picked:
            hits = searcher.search(form.format(sentence), top=1).hits
            if not hits or normalize(sentence) not in normalize(hits[0].text).replace(" ", ""):
                missed.append(sentence)
        print(f"{name:<12} {len(picked) - len(missed)}/{len(picked)} first hit has it")
        if args.misses and name == "as pasted":
            for sentence in missed:
                print(f"    {sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
