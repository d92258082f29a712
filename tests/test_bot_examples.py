"""Every query the README and the bot suggest finds something in the bundled speeches."""

from __future__ import annotations

import re

import pytest

from bot import texts
from bot.config import CLI_HINT
from index import Searcher, build_index
from index.query import FILTER_HELP, FILTER_KEYS

from bot_fixtures import ROOT

_KEY = "|".join(sorted(map(re.escape, FILTER_KEYS), key=len, reverse=True))
FILTER = re.compile(rf"(?<![\w])(?:{_KEY})[:：][^\s、，,（(）)`<\u3000]+")
CODE = re.compile(r"`([^`\n]+)`|<code>([^<]+)</code>")


def suggestions() -> str:
    """Everything a user reads that may suggest a query."""
    return "\n".join(
        [
            (ROOT / "README.md").read_text(encoding="utf-8"),
            texts.help_text("quote_test_bot"),
            texts.start_text("A", "quote_test_bot"),
            texts.no_answer("足球"),
            texts.INLINE_HELP_DESCRIPTION,
            texts.ASK_USAGE,
            FILTER_HELP,
            CLI_HINT,
        ]
    )


def documented_queries() -> list[str]:
    text = suggestions()
    queries = set(FILTER.findall(text))  # each filter on its own
    for match in CODE.finditer(text):  # and each whole example that uses one
        code = match.group(1) or match.group(2)
        if FILTER.search(code) and not code.startswith(("python", "place:")):
            queries.add(code.strip())
    queries |= {texts.EXAMPLE, "岳阳 目标"}  # the examples in words
    return sorted(queries)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("examples") / "seeds.sqlite"
    build_index([ROOT / "seeds"], db_path)
    searcher = Searcher.open(db_path)
    yield searcher
    searcher.close()


def test_the_documentation_has_filter_examples():
    queries = documented_queries()
    assert "地点:岳阳" in queries and "年份:2021" in queries and "标题:经济工作会议" in queries
    assert any(" 年份:2021" in q and "地点:岳阳" in q for q in queries)  # a combined example


@pytest.mark.parametrize("query", documented_queries())
def test_every_documented_example_finds_something(searcher, query):
    assert searcher.search(query, top=1).hits, query


@pytest.mark.parametrize(
    "query, same_as",
    [
        ("地点:岳阳市", "地点:岳阳"),
        ("年份:二〇二一", "年份:2021"),
        ("年份:2021年", "年份:2021"),
        ("地点:湘潭市 年份:二〇二三年", "地点:湘潭 年份:2023"),
    ],
)
def test_filter_values_are_normalised_like_the_metadata(searcher, query, same_as):
    result = searcher.search(query, top=5)
    expected = searcher.search(same_as, top=5)
    assert result.total == expected.total > 0
    assert [h.passage_id for h in result.hits] == [h.passage_id for h in expected.hits]
