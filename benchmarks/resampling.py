"""The benchmark's collections: the real corpus tokenized once (cached), whole documents
resampled to any size and written with the index's own writer, and the query set."""

from __future__ import annotations

import dataclasses
import json
import random
import time
from datetime import datetime, timezone
from pathlib import Path

from index.analysis import ANALYZER_VERSION, Analyzer, dictionary_version
from index.build_types import SourceDocument
from index.builder import build_index
from index.previous import Previous
from index.config import PROJECT_ROOT
from index.errors import SearchError
from index.store import remove_index
from index.writer import write_full


SEEDS = PROJECT_ROOT / "seeds"
SEED = 20240305


# Questions people ask of these texts; the rest of the query set is drawn from passages.
HAND_WRITTEN_QUERIES = (
    "2023年政府工作报告 GDP目标", "今年经济社会发展主要预期目标", "国内生产总值增长5%左右",
    "乡村振兴 粮食安全", "新质生产力", "高质量发展 科技创新", "中央经济工作会议 明年经济工作",
    "碳达峰碳中和", "共同富裕", "房地产市场 风险", "稳就业 城镇新增就业", "一带一路 国际合作",
    "疫情防控 常态化", "全面建成小康社会", "脱贫攻坚 贫困人口", "财政赤字率", "减税降费",
    "国有企业改革", "反腐败斗争", "依法治国", "台湾 和平统一", "国防和军队现代化",
    "教育强国 义务教育", "医疗卫生 医保", "生态文明建设 污染防治", "对外开放 外资",
    "人民代表大会 决议", "第十四个五年规划", "改革开放", "岳阳2021年目标",
)


class BenchError(SearchError):
    """The benchmark could not run (missing corpus, a failing cold-start process)."""


@dataclasses.dataclass
class Pool:
    """The real passages every collection is drawn from, tokenized once."""

    docs: list[SourceDocument]
    user_words: set[str]
    dictionary: str
    sources: list[Path]
    build_seconds: float | None  # None when the cached index was reused

    @property
    def passages(self) -> int:
        return sum(len(d.texts) for d in self.docs)


def corpus_sources(corpus: Path) -> list[Path]:
    """The source folders of a corpus: its subfolders, or the folder itself if it has none."""
    if not corpus.is_dir():
        raise BenchError(f"corpus folder not found: {corpus}")
    subfolders = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("."))
    return subfolders or [corpus]


def load_pool(sources: list[Path], workdir: Path) -> Pool:
    """Index `sources` into workdir/corpus.sqlite unless a current one is there; read it back.

    "Current" means built from the same folders by this analyzer with this dictionary;
    files changed inside the folders since then go unnoticed (delete the file to redo it).
    """
    cache = workdir / "corpus.sqlite"
    wanted = [str(s.resolve()) for s in sources]
    seconds = None
    previous = Previous.load(cache)
    if previous is None or not _is_current(previous, wanted):
        remove_index(cache)
        seconds = build_index(sources, cache).seconds
        previous = Previous.load(cache)
    if previous is None or not previous.docs:
        raise BenchError(f"cannot read the tokenized corpus back from {cache}; delete it and run again")
    docs = list(previous.docs.values())
    previous.fill(docs, with_tokens=True)
    user_words = previous.user_words
    return Pool(docs, user_words, dictionary_version(user_words), [Path(s) for s in wanted], seconds)


def _is_current(previous: Previous, sources: list[str]) -> bool:
    meta = previous.meta
    return (meta.get("complete") == "1" and json.loads(meta.get("sources", "null")) == sources
            and meta.get("dictionary_version") == dictionary_version(previous.user_words))


def resample(pool: Pool, size: int, seed: int = SEED) -> list[SourceDocument]:
    """Whole documents of `pool` in seeded random order until `size` passages.

    Each pass over the corpus is a fresh permutation, so a document appears once before
    any appears twice; copies get a "#n" path suffix, and the last document is cut short
    so that the collection has exactly `size` passages.
    """
    rng = random.Random(seed)
    docs: list[SourceDocument] = []
    total = 0
    copy = 0
    while total < size:
        for index in rng.sample(range(len(pool.docs)), len(pool.docs)):
            doc = pool.docs[index]
            take = min(len(doc.texts), size - total)
            path = doc.path if copy == 0 else f"{doc.path}#{copy}"
            docs.append(dataclasses.replace(
                doc, path=path, texts=doc.texts[:take], norms=doc.norms[:take],
                paragraphs=doc.paragraphs[:take], parts=doc.parts[:take], tokens=doc.tokens[:take],
            ))
            total += take
            if total == size:
                return docs
        copy += 1
    return docs


class MemoFieldTerms:
    """An `Analyzer` stand-in for `write_full`: the same metadata terms, computed
    once per distinct metadata, since resampled collections repeat documents."""

    def __init__(self, analyzer: Analyzer):
        self._analyzer = analyzer
        self._cache: dict[tuple[str, ...], set[str]] = {}

    def field_tokens(self, *values: str) -> set[str]:
        if values not in self._cache:
            self._cache[values] = self._analyzer.field_tokens(*values)
        return self._cache[values]


def write_collection(docs: list[SourceDocument], pool: Pool, fields: MemoFieldTerms, db_path: Path) -> float:
    """Write `docs` as an index at `db_path` with the builder's writer; the seconds it took."""
    build_meta = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "analyzer_version": ANALYZER_VERSION, "dictionary_version": pool.dictionary,
        "user_words": sorted(pool.user_words), "sources": [str(s) for s in pool.sources],
    }
    started = time.perf_counter()
    write_full(db_path, docs, fields, build_meta, lambda *_: None)
    return time.perf_counter() - started


def make_queries(pool: Pool, count: int, seed: int = SEED) -> list[str]:
    """The hand-written questions, then queries of 2-4 words of random real passages."""
    rng = random.Random(seed)
    queries = list(HAND_WRITTEN_QUERIES[:count])
    token_lists = [tokens for doc in pool.docs for tokens in doc.tokens]
    while len(queries) < count:
        words = []
        for word in dict.fromkeys(rng.choice(token_lists)):
            if len(word) >= 2 and not word.isdigit() and not any(word in w or w in word for w in words):
                words.append(word)
        if len(words) >= 2:
            picked = sorted(rng.sample(range(len(words)), min(len(words), rng.randint(2, 4))))
            queries.append(" ".join(words[i] for i in picked))
    return queries


class TokenIds:
    """bm25s input: one vocabulary for the pool, each real passage's tokens as ids once."""

    def __init__(self, pool: Pool):
        self.table: dict[str, int] = {}
        self._lists: dict[int, list[int]] = {}
        for doc in pool.docs:
            for tokens in doc.tokens:
                self._lists[id(tokens)] = [self.table.setdefault(t, len(self.table)) for t in tokens]

    def ids(self, tokens: list[str]) -> list[int]:
        return self._lists[id(tokens)]  # collections share the pool's token lists
