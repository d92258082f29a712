"""The same questions asked another way: does the first answer stay?

    python -m benchmarks.phrasings CASES.jsonl [CASES.jsonl ...] --db data/full.sqlite

Each answerable case is asked as written and in each variant below (a polite opening, a
request to look it up, 关于 before it, a request for the wording or thanks after it, what one is writing and a
request for the source around it, a chat's openings and closings (hi，麻烦问一下，…, …，有知道的吗, 【…】，要准确,
…，请引用原文回答, …🙏), a name with its form of address (王一鸥书记), the news programme named (新闻联播 …), the
leading date put last, Traditional script, no spaces, commas or 、 for spaces, no question mark, a month in Chinese
numerals, a date written 2022.9.5 or 2022-09-05, a year written bare (2022 政府工作报告), a day without its year (8月1日 …), a plan's name quoted (“十四五”), 什么是X for X是什么, a year's 年度 for 年); a variant should
neither lose a first answer nor gain one.  Prints, per variant, the first answers lost and
gained, with the lost questions under --misses.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from index import Searcher

from .dev_eval import load_cases, open_index, run


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


_LEADING_DATE = re.compile(r"^((?:19|20)\d\d年(?:\d{1,2}月)?(?:\d{1,2}日)?)\s+(.+?)[？?]?$")
# People the question sets name, with how they are addressed (王一鸥书记, 李强总理).
_ADDRESSED = {"习近平": "总书记", "李强": "总理", "李克强": "总理", "温家宝": "总理", "王一鸥": "书记", "应勇": "书记",
              "王忠林": "省长"}
_NAMED = re.compile("|".join(sorted(_ADDRESSED, key=len, reverse=True)))


def _addressed(question: str) -> str:
    """The question with 书记, 总理 … after the names of `_ADDRESSED` (as it is without them)."""
    return _NAMED.sub(lambda m: m.group(0) if question.startswith(_ADDRESSED[m.group(0)], m.end())
                      else m.group(0) + _ADDRESSED[m.group(0)], question)


_CHINESE_MONTHS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_FULL_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")


_WHAT = re.compile(r"^(.*?)([\u4e00-\u9fff“”]{2,})是什么[？?]?$")


def _what_first(question: str) -> str:
    """…X是什么？ asked as 什么是X？ (other questions as they are)."""
    m = _WHAT.match(question)
    return f"{m.group(1)}什么是{m.group(2)}？" if m else question


VARIANTS = {
    "请问…": lambda q: "请问" + q,
    "我想知道…": lambda q: "我想知道" + q,
    "帮我查一下…": lambda q: "帮我查一下" + q,
    "你好，能告诉我…吗": lambda q: "你好，能告诉我" + q.rstrip("？?") + "吗",
    "关于…": lambda q: "关于" + q,
    "请帮我找一下…的相关论述": lambda q: "请帮我找一下" + q.rstrip("？?") + "的相关论述",
    "…，原文是怎么说的？": lambda q: q.rstrip("？?") + "，原文是怎么说的？",
    "…？谢谢！": lambda q: q.rstrip("？?") + "？谢谢！",
    "我在写材料，查一下…，请注明出处": lambda q: "我在写材料，查一下" + q.rstrip("？?") + "，请注明出处",
    "简述…，出自哪份文件？": lambda q: "简述" + q.rstrip("？?") + "，出自哪份文件？",
    "你知道…吗？": lambda q: "你知道" + q.rstrip("？?") + "吗？",
    "hi，麻烦问一下，…": lambda q: "hi，麻烦问一下，" + q,
    "请回答：…？急": lambda q: "请回答：" + q.rstrip("？?") + "？急",
    "能帮我看看…吗": lambda q: "能帮我看看" + q.rstrip("？?") + "吗",
    "想问下…，有知道的吗": lambda q: "想问下" + q.rstrip("？?") + "，有知道的吗？",
    "同事问我…，能查到吗": lambda q: "同事问我" + q.rstrip("？?") + "，能查到吗？",
    "我记得…，请引用原文回答": lambda q: "我记得" + q.rstrip("？?") + "，请引用原文回答",
    "【…】，要准确": lambda q: "【" + q.rstrip("？?") + "】，要准确",
    "…，越详细越好🙏": lambda q: q.rstrip("？?") + "，越详细越好🙏",
    "name + form of address": _addressed,
    "新闻联播 …": lambda q: "新闻联播 " + q,
    "date at the end": lambda q: _LEADING_DATE.sub(r"\2 \1", q),
    "Traditional": _traditional,
    "no spaces": lambda q: q.replace(" ", ""),
    "commas for spaces": lambda q: q.replace(" ", "，"),
    "、 for spaces": lambda q: q.replace(" ", "、"),
    "no question mark": lambda q: q.rstrip("？?"),
    "2025年二月": lambda q: re.sub(r"年(\d{1,2})月", lambda m: "年" + _CHINESE_MONTHS[int(m.group(1))] + "月", q),
    "2022.9.5": lambda q: _FULL_DATE.sub(r"\1.\2.\3", q),
    "什么是X": _what_first,
    "“十四五” quoted": lambda q: re.sub(r"(?<![“\"])(十[一二三四五]五)(?![”\"])", r"“\1”", q),
    "the day without its year": lambda q: re.sub(r"^(?:19|20)\d\d年(\d{1,2}月\d{1,2}日)", r"\1", q),
    "2022 for 2022年": lambda q: re.sub(r"^((?:19|20)\d\d)年(?![0-9一二三四五六七八九十]+月|全年|年度|到|至)", r"\1 ", q),
    "2022年度": lambda q: re.sub(r"^((?:19|20)\d\d)年(?![0-9一二三四五六七八九十]+月|全年|年度)", r"\1年度", q),
    "2022-09-05": lambda q: _FULL_DATE.sub(lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", q),
}


def compare(searcher: Searcher, cases: list[dict]) -> dict[str, tuple[int, int, list[str]]]:
    """Per variant: first answers lost, gained, and the questions lost (as asked)."""
    cases = [c for c in cases if not c.get("none")]
    plain = [row["rank"] == 1 for row in run(searcher, cases)]
    results = {}
    for name, rewrite in VARIANTS.items():
        rows = run(searcher, [dict(c, q=rewrite(c["q"])) for c in cases])
        lost = [row["case"]["q"] for was, row in zip(plain, rows) if was and row["rank"] != 1]
        gained = sum(not was and row["rank"] == 1 for was, row in zip(plain, rows))
        results[name] = (len(lost), gained, lost)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path, nargs="+", help="JSON Lines of cases, as dev_eval reads them")
    parser.add_argument("--db", type=Path, required=True, help="a built index")
    parser.add_argument("--misses", action="store_true", help="list the questions a variant loses")
    args = parser.parse_args(argv)
    searcher = open_index(parser, args.db)
    cases = [case for path in args.cases for case in load_cases(path)]
    answerable = sum(not c.get("none") for c in cases)
    print(f"{answerable} answerable questions")
    for name, (lost, gained, questions) in compare(searcher, cases).items():
        print(f"{name:<20} lost {lost:3}  gained {gained:3}")
        if args.misses:
            for question in questions:
                print(f"    {question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
