"""Answer quality on a development question set, per kind of question.

    python -m benchmarks.dev_eval ../shared/eval/dev-questions.jsonl \
        --source seeds --source ../shared/corpus/cn-national-reports \
        --source ../shared/corpus/xwlb-2022-2026 --db data/full.sqlite

Opens the index at --db (building it from the sources first when it does not exist), asks
every question and judges its top 10 hits as `../shared/eval/README.md` says: a hit matches
when its file stem contains the case's `doc` and its text, after NFKC, pinyin-gloss removal
and Traditional -> Simplified, contains one of the `any` snippets (or an `alt` entry's).
Unanswerable cases (`none`) are answered well with no hits or a "low" confidence verdict.

`--ablate NAME` (repeatable) also runs the set with one ranking factor switched off
(see `index.rerank.Weights`), in the same process over the same index, for an ablation
table.  `--misses` lists the questions not answered first.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import unicodedata
from collections import defaultdict
from pathlib import Path

from index import Searcher, build_index
from index.cleaning import strip_pinyin
from index.errors import IndexUnavailable, QueryError
from index.normalize import _t2s

TOP = 10


def judge_key(text: str) -> str:
    return _t2s(strip_pinyin(unicodedata.normalize("NFKC", text)))


def load_cases(path: Path) -> list[dict]:
    """Cases in the development set's format; the project's own question file
    (`tests/retrieval_questions.jsonl`: id, set, query, doc, answer) is read into it."""
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {"q": c["query"], "type": c["set"], "doc": Path(c["doc"]).stem, "any": [c["answer"]]} if "query" in c else c
        for c in cases
    ]


def _matches(hit, target: dict) -> bool:
    stem = Path(hit.document.path).stem
    if target["doc"] not in stem:
        return False
    text = judge_key(hit.text)
    return any(judge_key(snippet) in text for snippet in target["any"])


def rank_of(hits, case: dict) -> int | None:
    targets = [case, *case.get("alt", [])]
    for position, hit in enumerate(hits[:TOP], 1):
        if any(_matches(hit, t) for t in targets):
            return position
    return None


def run(searcher: Searcher, cases: list[dict], **options) -> list[dict]:
    """One row per case: its kind, the rank of its answer, the verdict, the top hit."""
    rows = []
    for case in cases:
        try:
            result = searcher.search(case["q"], top=TOP, **options)
        except QueryError:
            rows.append({"case": case, "rank": None, "hits": 0, "confidence": "none", "top": None})
            continue
        top = result.hits[0] if result.hits else None
        rows.append({
            "case": case, "rank": None if case.get("none") else rank_of(result.hits, case),
            "hits": len(result.hits), "confidence": getattr(result, "confidence", "high") if result.hits else "none",
            "unmatched": list(getattr(result, "unmatched", ())),
            "top": (top.document.path, top.text[:70]) if top else None,
        })
    return rows


def summarise(rows: list[dict]) -> dict:
    """hit@1, hit@5, MRR@10 per kind and overall (answerable), plus the verdict figures."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_kind[row["case"]["type"]].append(row)
    summary: dict = {}
    answerable = [r for r in rows if not r["case"].get("none")]
    for name, group in [*sorted(by_kind.items()), ("all", answerable)]:
        if name == "i":
            continue
        ranks = [r["rank"] for r in group]
        n = len(ranks) or 1
        summary[name] = {
            "n": len(ranks),
            "hit@1": sum(r == 1 for r in ranks) / n,
            "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "mrr@10": sum(1 / r for r in ranks if r) / n,
        }
    unanswerable = by_kind.get("i", [])
    firsts = [r for r in answerable if r["rank"] == 1]
    summary["verdict"] = {
        "unanswerable": len(unanswerable),
        "unanswerable_abstained": sum(r["confidence"] in ("low", "none") for r in unanswerable),
        "right_first": len(firsts),
        "right_first_low": sum(r["confidence"] == "low" for r in firsts),
    }
    return summary


def table(results: dict[str, dict]) -> str:
    kinds = sorted({k for s in results.values() for k in s if k not in ("all", "verdict")})
    head = f"{'variant':<28}" + "".join(f"{k[:6]:>7}" for k in kinds) + f"{'hit@1':>7}{'hit@5':>7}{'MRR':>7}{'i ok':>7}{'1st low':>8}"
    lines = [head, "-" * len(head)]
    for name, s in results.items():
        v = s["verdict"]
        lines.append(
            f"{name:<28}" + "".join(f"{s[k]['hit@1']:>7.2f}" if k in s else f"{'':>7}" for k in kinds)
            + f"{s['all']['hit@1']:>7.3f}{s['all']['hit@5']:>7.3f}{s['all']['mrr@10']:>7.3f}"
            + f"{v['unanswerable_abstained']:>4}/{v['unanswerable']:<2}{v['right_first_low']:>4}/{v['right_first']:<3}"
        )
    return "\n".join(lines)


def misses(rows: list[dict]) -> str:
    out = []
    for row in rows:
        case = row["case"]
        bad = (row["confidence"] == "high") if case.get("none") else row["rank"] != 1
        if bad:
            out.append(f"[{case['type']}] rank={row['rank']} conf={row['confidence']} {case['q']}  "
                       f"want={case.get('doc', '-')}  top={row['top']} unmatched={row.get('unmatched')}")
    return "\n".join(out)


def collection_benchmark(doc: str, argv: list[str] | None, misses: str) -> tuple[argparse.Namespace, Searcher]:
    """The arguments of a benchmark made from a built index (--db, --misses: `misses` says
    what it lists), parsed, and the index's searcher."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a built index")
    parser.add_argument("--misses", action="store_true", help=misses)
    args = parser.parse_args(argv)
    return args, open_index(parser, args.db)


def open_index(parser: argparse.ArgumentParser, path: Path) -> Searcher:
    """The searcher of a built index, or the parser's usage error saying why there is none."""
    try:
        return Searcher.open(path)
    except IndexUnavailable as error:
        parser.error(str(error))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dev_eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cases", type=Path, help="JSON Lines of cases (q, type, doc, any, alt, none)")
    parser.add_argument("--source", action="append", type=Path, default=[], help="source folder (repeatable)")
    parser.add_argument("--db", type=Path, default=Path("data/dev-eval.sqlite"))
    parser.add_argument("--ablate", action="append", default=[], metavar="FACTOR",
                        help="also run with this re-ranking factor off (repeatable; 'all' = every factor)")
    parser.add_argument("--misses", action="store_true", help="list the cases not answered first")
    parser.add_argument("--json", type=Path, help="write the per-variant summaries here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not args.db.exists():
        build_index(args.source, args.db)
    searcher = Searcher.open(args.db)
    cases = load_cases(args.cases)
    variants: dict[str, dict] = {"current": {}}
    if args.ablate:
        from index.rerank import Weights

        names = [f.name for f in dataclasses.fields(Weights)] if args.ablate == ["all"] else args.ablate
        for name in names:
            variants[f"- {name}"] = {"weights": Weights().without(name)}
    results, rows_of = {}, {}
    for name, options in variants.items():
        rows_of[name] = run(searcher, cases, **options)
        results[name] = summarise(rows_of[name])
    print(table(results))
    if args.misses:
        print()
        print(misses(rows_of["current"]))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
