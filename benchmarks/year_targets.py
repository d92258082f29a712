"""A year's targets asked of the collection: the right year's report, in the passage that sets them.

    python -m benchmarks.year_targets --db data/full.sqlite [--misses]

Every work report (`kind` government_work_report) that sets out its year's targets in one
passage ("今年发展主要预期目标是：国内生产总值增长6.5%左右；城镇新增就业1100万人以上；…")
gives one case per target: the indicator is the words before its figure (城镇新增就业), the
answer that passage (judged as `dev_eval` judges: a hit of that report whose passage has the
target as written).  Each is asked three ways, the first naming the report:

    2017年政府工作报告 城镇新增就业 目标
    2017年 城镇新增就业 预期目标
    2017年城镇新增就业目标是多少

The report of another year reviews the target (去年…城镇新增就业1314万人) and news of the
year quotes it (今年，…列入发展主要预期目标): the last two ways have more than one fair answer,
and a miss there is worth reading (`--misses`) before it is counted as the engine's.
"""

from __future__ import annotations

import re

from index import Searcher

from .dev_eval import collection_benchmark, misses, run, summarise, table

PHRASINGS = {"report named": "{year}年政府工作报告 {indicator} 目标", "year": "{year}年 {indicator} 预期目标",
             "how much": "{year}年{indicator}目标是多少"}
WORK_REPORT = "government_work_report"
# The passage that lists the year's targets, and where the list starts.
_TARGETS = re.compile(r"(?:主要)?(?:预期)?目标(?:是|为)[:：]")
# One target: the indicator's words, then (perhaps a verb of change and) its figure.
_TARGET = re.compile(r"^([\u4e00-\u9fff]{3,10}?)(?:增长|涨幅|增幅|控制在|下降|提高|达到|保持在|为|在)?(?:[0-9]|百分之)")


def make_cases(searcher: Searcher) -> list[dict]:
    """One case per target per phrasing (`PHRASINGS`), over the index's work reports."""
    reader = searcher.reader
    found = []
    for doc in range(len(reader.doc_count) - 1):
        if not reader.doc_count[doc] or not reader.doc_year[doc]:
            continue
        document = reader.document(doc)
        if document.meta.kind != WORK_REPORT:
            continue
        first = int(reader.doc_first[doc])
        for row in reader.rows(list(range(first, first + int(reader.doc_count[doc])))).values():
            listed = _TARGETS.search(row[4])
            if not listed:
                continue
            for item in re.split(r"[；;，,。]", row[4][listed.end():]):
                target = _TARGET.match(item.strip())
                if target and 8 <= len(item.strip()) <= 40:
                    found.append((int(reader.doc_year[doc]), target.group(1), document.path, item.strip()))
            break  # the first such passage of a report sets its targets
    cases = []
    for kind, phrasing in PHRASINGS.items():
        for year, indicator, path, item in found:
            stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            cases.append({"q": phrasing.format(year=year, indicator=indicator), "type": "h", "doc": stem,
                          "any": [item], "phrasing": kind})
    return cases


def main(argv: list[str] | None = None) -> int:
    args, searcher = collection_benchmark(__doc__, argv, "list the cases not answered first")
    cases = make_cases(searcher)
    print(f"{len(cases) // len(PHRASINGS)} targets of {args.db}'s work reports, asked {len(PHRASINGS)} ways")
    by_phrasing = {kind: run(searcher, [c for c in cases if c["phrasing"] == kind]) for kind in PHRASINGS}
    print(table({kind: summarise(rows) for kind, rows in by_phrasing.items()}))
    if args.misses:
        for kind, rows in by_phrasing.items():
            print(f"-- {kind}")
            print(misses(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
