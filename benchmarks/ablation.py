"""The ablation table of the ranking: per kind of question, each index-time change (one
index per analyzer version) and each re-ranking factor switched off, in one run.

    python -m benchmarks.ablation --cases ../shared/eval/dev-questions.jsonl \
        --index "relative years off=data/full.sqlite" --index "current=data/full-cmp.sqlite"

Every row is `benchmarks.dev_eval.summarise` of one variant; the re-ranking rows use the
last index given.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from index import Searcher
from index.rerank import Weights

from .dev_eval import load_cases, run, summarise, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ablation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--index", action="append", required=True, metavar="NAME=PATH",
                        help="an index to compare (repeatable); the last one is the current build")
    args = parser.parse_args(argv)
    cases = load_cases(args.cases)
    results = {}
    for spec in args.index:
        name, path = spec.split("=", 1)
        searcher = Searcher.open(path)
        results[name] = summarise(run(searcher, cases))
    for field in dataclasses.fields(Weights):
        results[f"- {field.name}"] = summarise(run(searcher, cases, weights=Weights().without(field.name)))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
