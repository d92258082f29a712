"""First-mention questions made from the collection itself, asked of it.

    python -m benchmarks.first_mention --db data/full.sqlite [--count 120] [--seed 7] [--news] [--out FILE]

A concept is a phrase of 3 to 8 characters that some speech or report puts in quotation
marks (“厕所革命”).  Its first mention is the oldest such document (news left out) whose text
has it; a concept whose oldest year has it in one document only and that two or more
documents state is asked, in one of fifteen phrasings ("“X”最早是在哪份报告里提出的？",
"X 首次出现在哪个报告", "X是什么时候提出的", "X 出处" …), and judged as `dev_eval` judges: a hit of that document whose
passage has the phrase.  The truth is found by plain substring search, so it can be wrong
where the phrase is part of a longer word (大民主 in 扩大民主) or an older document states the
idea in other words; read the misses (`--misses`) before counting one as the engine's.

With --news the concepts are those a 新闻联播 item quotes, and the first mention is the oldest
dated document of any kind that has it, when that is a news item of a day no other has it, a
year after the news begins (an older concept predates it), and four or more documents have
it.  Its truth is looser still: the oldest item that quotes a name (法塔赫) is no meeting that
put it forward, so "哪次会议" phrasings score lower by the truth's fault.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from index import Searcher

from .dev_eval import misses, open_index, run, summarise, table

PHRASINGS = ("“{c}”最早是在哪份报告里提出的？", "{c} 这个提法最早出现在哪个报告", "{c} 首次出现在哪个报告",
             "{c}最早是哪一年提出的", "哪份报告第一次提到{c}", "{c}是哪一年提出的", "{c}是什么时候提出的",
             "{c}的提法始于哪一年", "{c} 出处", "{c}这个说法是从哪来的", "{c}最初见于哪份报告", "“{c}”是哪次会议提出的",
             "{c}一词首次出现是在哪年", "{c}首见于哪年", "{c}这个词是什么时候开始提的")
NEWS_PHRASINGS = ("“{c}”最早是什么时候提出的", "{c}首次提出是哪一天", "“{c}”最早见于哪天的新闻", "{c}这个词是什么时候开始提的",
                  "“{c}”这个提法最早出现在哪次会议上", "{c} 第一次提出")
# News begins on this day; a concept first quoted in its first year may be older.
NEWS_SINCE = 20230101
_QUOTED = re.compile(r"“([\u4e00-\u9fff]{3,8})”")


def make_cases(searcher: Searcher, count: int, seed: int, news: bool = False) -> list[dict]:
    """`count` first-mention cases over the searcher's dated documents that are not news
    (with `news`, over all dated documents, of concepts news items quote first)."""
    reader = searcher.reader
    texts: dict[int, str] = {}
    for doc in range(len(reader.doc_count) - 1):
        if reader.doc_count[doc] and reader.doc_year[doc] and (news or not reader.doc_news[doc]):
            first = int(reader.doc_first[doc])
            rows = reader.rows(list(range(first, first + int(reader.doc_count[doc]))))
            texts[doc] = "\n".join(row[4] for row in rows.values())
    concepts = sorted({c for doc, text in texts.items() if reader.doc_news[doc] == news for c in _QUOTED.findall(text)})
    cases = []
    for concept in concepts:
        having = [doc for doc, text in texts.items() if concept in text]
        first = _first_mention(reader, having, news)
        if first is not None:
            cases.append({"type": "e", "doc": Path(reader.document(first).path).stem, "any": [concept]})
    random.Random(seed).shuffle(cases)
    cases = cases[:count]
    phrasings = NEWS_PHRASINGS if news else PHRASINGS
    for i, case in enumerate(cases):
        case["q"] = phrasings[i % len(phrasings)].format(c=case["any"][0])
    return cases


def _first_mention(reader, having: list[int], news: bool) -> int | None:
    """The document that first mentions a concept `having` documents have, if it is one of a
    kind to ask about (see the module's docstring); else None."""
    if not news:
        by_year: dict[int, list[int]] = defaultdict(list)
        for doc in having:
            by_year[int(reader.doc_year[doc])].append(doc)
        oldest = by_year[min(by_year)] if by_year else []
        return oldest[0] if len(having) >= 2 and len(oldest) == 1 else None
    if len(having) < 4:
        return None
    when = sorted(having, key=lambda doc: int(reader.doc_date[doc]) or int(reader.doc_year[doc]) * 10000)
    first, second = (int(reader.doc_date[doc]) for doc in when[:2])
    return when[0] if reader.doc_news[when[0]] and first >= NEWS_SINCE and first != second else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built index")
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the cases here, one JSON object a line")
    parser.add_argument("--misses", action="store_true", help="list the cases not answered first")
    parser.add_argument("--news", action="store_true", help="concepts 新闻联播 items quote first")
    args = parser.parse_args(argv)
    searcher = open_index(parser, args.db)
    cases = make_cases(searcher, args.count, args.seed, args.news)
    if args.out:
        args.out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    rows = run(searcher, cases)
    print(f"{len(cases)} first-mention questions made from {args.db}")
    print(table({"current": summarise(rows)}))
    if args.misses:
        print(misses(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
